"""Refusing redirects off the site, loudly: the request fails with a reason the spider records.

The site is an *origin*: scheme, host and port (a subdomain of the host counts as the
host). Another port of the same host is another server, and is off-site. Scrapy would
follow the redirect and then drop the new request silently at scheduling, or follow it
when only the port differs; an archive wants the refusal in its log and in
``fetch_failures`` instead.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)

REDIRECTS = frozenset({301, 302, 303, 307, 308})


DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int] | None:
    """``(scheme, host, port)`` of a URL, the port filled in; None for a URL without one.

    >>> origin("HTTP://E.cn/a"), origin("https://e.cn:8443/"), origin("mailto:x@e.cn")
    (('http', 'e.cn', 80), ('https', 'e.cn', 8443), None)
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number, or out of range
        return None
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    return scheme, host, port if port is not None else DEFAULT_PORTS[scheme]


def on_site(url: str, origins: Collection[tuple[str, str, int]]) -> bool:
    """Whether ``url`` has the scheme and port of one of ``origins`` and its host (or a
    subdomain of it); no origins: every URL is on-site.

    >>> site = [origin("http://e.cn/lzcb/")]
    >>> on_site("http://www.e.cn/a", site), on_site("http://e.cn.evil.org/", site)
    (True, False)
    >>> on_site("http://e.cn:8080/a", site), on_site("https://e.cn/a", site)
    (False, False)
    """
    if not origins:
        return True
    target = origin(url)
    if target is None:
        return False
    scheme, host, port = target
    return any(
        scheme == s and port == p and (host == h or host.endswith("." + h)) for s, h, p in origins
    )


class OffsiteRedirectError(IgnoreRequest):
    """A redirect pointed off the site (another scheme, host or port)."""


class OffsiteRedirectMiddleware:
    """Fails a request whose answer redirects outside the spider's ``allowed_origins``
    (``(scheme, host, port)`` tuples); the answer itself is archived first (the archive
    sits nearer the downloader)."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OffsiteRedirectMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response) -> Response:
        location_header = response.headers.get(b"Location")
        if response.status not in REDIRECTS or not location_header:
            return response
        location = location_header.decode("latin-1")
        target = urljoin(response.url, location)
        origins = getattr(self.crawler.spider, "allowed_origins", None) or ()
        if on_site(target, origins):
            return response
        reason = f"offsite redirect refused: {request.url} redirects to {target}"
        logger.warning("%s", reason)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("offsite/redirects_refused")
        raise OffsiteRedirectError(reason)
