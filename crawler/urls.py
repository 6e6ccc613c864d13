"""Canonical URLs: the one spelling of a page or article URL used for de-duplication and storage."""

from __future__ import annotations

import functools
import posixpath
from urllib.parse import urljoin, urlsplit, urlunsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Links that lead nowhere a crawler can follow.
_NOT_NAVIGABLE = ("javascript:", "mailto:", "tel:", "data:", "#")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal that keeps a trailing slash; never climbs above the root."""
    if not path:
        return "/"
    normalized = posixpath.normpath(path)
    # normpath keeps a leading "//" (POSIX); a URL path never means that.
    normalized = "/" + normalized.lstrip("/")
    if path.endswith(("/", "/.", "/..")) and normalized != "/":
        normalized += "/"
    return normalized


def canonical_url(url: str, base: str | None = None, *, keep_query: bool = False) -> str:
    """Absolute URL with dot segments resolved, query and fragment dropped, scheme/host lower-cased.

    The query is kept only with ``keep_query=True`` (JSON endpoints need it); e-paper
    article links carry meaningless ones such as ``?div=-1``.

    >>> canonical_url("content_123.htm?div=-1", "http://Epaper.Example.COM:80/html/2021-10/20/node_2.htm")
    'http://epaper.example.com/html/2021-10/20/content_123.htm'
    >>> canonical_url("../../../images/2021-10/20/05/A.pdf", "http://e.cn/html/2021-10/20/node_2.htm")
    'http://e.cn/images/2021-10/20/05/A.pdf'
    >>> canonical_url("HTTP://e.cn/a/./b/../c.htm#top")
    'http://e.cn/a/c.htm'
    >>> canonical_url("https://e.cn")
    'https://e.cn/'
    >>> canonical_url("list.do?date=20211020", "https://e.cn/", keep_query=True)
    'https://e.cn/list.do?date=20211020'
    """
    return _canonical_url(url, base, keep_query)


# A page resolves the same links many times (its page list, once per ancestor of each page
# link, and again in the spider): the work is done once per (url, base). Pure, so caching
# changes nothing but the time (docs/benchmarks.md).
@functools.lru_cache(maxsize=4096)
def _canonical_url(url: str, base: str | None, keep_query: bool) -> str:
    url = url.strip()
    absolute = urljoin(base, url) if base else url
    parts = urlsplit(absolute)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if parts.port is not None and parts.port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{parts.port}"
    if parts.username:
        host = f"{parts.username}@{host}"
    path = _remove_dot_segments(parts.path)
    query = parts.query if keep_query else ""
    return urlunsplit((scheme, host, path, query, ""))


def resolve_link(href: str | None, base: str) -> str | None:
    """Canonical URL of a link's href, or None for an empty, ``javascript:`` or ``#`` link.

    >>> resolve_link("Articel05003TJ.htm", "http://e.cn/content/20211020/Page05TJ.htm")
    'http://e.cn/content/20211020/Articel05003TJ.htm'
    >>> resolve_link("javascript:void(0)", "http://e.cn/") is None
    True
    >>> resolve_link("  ", "http://e.cn/") is None
    True
    """
    if href is None:
        return None
    href = href.strip()
    if not href or href.lower().startswith(_NOT_NAVIGABLE):
        return None
    return canonical_url(href, base)
