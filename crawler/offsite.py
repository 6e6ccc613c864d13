"""Refusing redirects to another host, loudly: the request fails with a reason the spider records.

Scrapy would follow the redirect and then drop the new request silently at scheduling;
an archive wants the refusal in its log and in ``fetch_failures`` instead.
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


def on_site(url: str, hosts: Collection[str]) -> bool:
    """Whether ``url`` is on one of ``hosts`` or a subdomain (no hosts: every URL is).

    >>> on_site("http://www.e.cn/a", ["e.cn"]), on_site("http://e.cn.evil.org/", ["e.cn"])
    (True, False)
    """
    host = (urlsplit(url).hostname or "").lower()
    return not hosts or any(host == h or host.endswith("." + h) for h in hosts)


class OffsiteRedirectError(IgnoreRequest):
    """A redirect pointed at another host."""


class OffsiteRedirectMiddleware:
    """Fails a request whose answer redirects to a host outside the spider's
    ``allowed_domains``; the answer itself is archived first (the archive sits nearer the
    downloader)."""

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
        hosts = [h.lower() for h in getattr(self.crawler.spider, "allowed_domains", None) or []]
        if on_site(target, hosts):
            return response
        # "offsite" in the message makes the spider record "refused: off-site redirect".
        reason = f"offsite redirect refused: {request.url} redirects to {target}"
        logger.warning("%s", reason)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("offsite/redirects_refused")
        raise OffsiteRedirectError(reason)
