"""Decoding page bytes to text: HTTP header first, then BOM, UTF-8, meta tag; GB* read as GB18030.

Extraction never sees bytes: the caller decodes with :func:`decode_html` (or
:func:`response_text` for a Scrapy response) and builds a ``parsel.Selector(text=...)``
from the result, so a page whose meta tag says gb2312 but whose server says UTF-8 is read
as UTF-8, like a browser does.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

#: Chinese legacy charsets are all decoded with their superset GB18030: pages labelled
#: gb2312 routinely contain GBK-only characters (人名 with rare 字), and GB18030 decodes both.
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "hz": "gb18030"}
# Servers (old Tomcat, IIS) send ISO-8859-1 by default; for a Chinese page that label is
# almost always a lie, so it is tried only after the page's own declarations.
_WEAK_LABELS = frozenset({"iso8859-1", "ascii", "cp1252"})
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.IGNORECASE
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class DecodedHtml:
    """Decoded page text, the codec used, and whether undecodable bytes were replaced.

    When ``lossy``, ``tried`` are the codecs that failed, in the order they were tried.
    """

    text: str
    encoding: str
    lossy: bool = False
    tried: tuple[str, ...] = ()


class UndecodableError(ValueError):
    """No charset decodes the page without replacement characters."""


def normalize_charset(label: str | None) -> str | None:
    """Python codec name for a charset label, GB* mapped to GB18030; None when unknown.

    >>> normalize_charset("GB2312"), normalize_charset("utf8"), normalize_charset("x-gbk")
    ('gb18030', 'utf-8', 'gb18030')
    >>> normalize_charset("no-such-charset") is None
    True
    """
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    label = label.removeprefix("x-")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return _SUPERSETS.get(name, name)


def charset_from_content_type(content_type: str | bytes | None) -> str | None:
    """The charset parameter of a Content-Type header value.

    >>> charset_from_content_type("text/html; charset=GBK")
    'GBK'
    >>> charset_from_content_type(b"text/html") is None
    True
    """
    if content_type is None:
        return None
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    match = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type, re.IGNORECASE)
    return match.group(1) if match else None


def decode_body(body: bytes, header_charset: str | None = None) -> DecodedHtml:
    """Decode page bytes, trying in turn: HTTP header, BOM, UTF-8, ``<meta charset>``, GB18030.

    The first codec that decodes the whole body strictly wins; the usual page, whose header
    is right, is decoded once. Only when none does is the body decoded with replacement
    characters, and ``lossy`` says so. Never raises.

    >>> page = '<meta charset="gb2312"><p>淄博</p>'
    >>> decode_body(page.encode("utf-8"), "utf-8").text == page   # header beats the meta tag
    True
    >>> decode_body(page.encode("gbk"), None).encoding           # meta tag, read as GB18030
    'gb18030'
    >>> decode_body(page.encode("gbk"), "utf-8").encoding        # a header that lies loses
    'gb18030'
    >>> decode_body(page.encode("gbk"), "ISO-8859-1").encoding    # a default latin-1 label loses
    'gb18030'
    >>> bad = decode_body("淄博".encode("utf-8") + b"\\x81", "utf-8")
    >>> bad.lossy, bad.tried
    (True, ('utf-8', 'gb18030'))
    """
    header = normalize_charset(header_charset)
    tried: list[str] = []
    for name in _candidates(body, header):
        if name in tried:
            continue
        try:
            text = body.decode(name)
        except (UnicodeDecodeError, LookupError):
            tried.append(name)
            continue
        return DecodedHtml(text.removeprefix("\ufeff"), name)
    fallback = tried[0]
    return DecodedHtml(
        body.decode(fallback, errors="replace").removeprefix("\ufeff"),
        fallback,
        lossy=True,
        tried=tuple(tried),
    )


def _candidates(body: bytes, header: str | None) -> Iterator[str]:
    """The codecs :func:`decode_body` tries, in order (the meta tag is read only if needed)."""
    if header and header not in _WEAK_LABELS:
        yield header
    for bom, name in _BOMS:
        if body.startswith(bom):
            yield name
    # Valid UTF-8 beats the meta tag: pages that declare gb2312 but are UTF-8 are common,
    # while GBK text of any length is almost never valid UTF-8 by chance.
    yield "utf-8"
    meta = _META_CHARSET.search(body[:4096])
    meta_codec = normalize_charset(meta.group(1).decode("ascii", "replace")) if meta else None
    if meta_codec:
        yield meta_codec
    yield "gb18030"
    if header:
        yield header


def strict_decode(body: bytes, header_charset: str | None = None) -> DecodedHtml:
    """:func:`decode_body`, raising :class:`UndecodableError` instead of replacing bytes.

    What the crawl reads pages with: a page no charset decodes is a failure of its URL,
    never text with replacement characters stored as good.

    >>> strict_decode("副题".encode("gbk"), "utf-8").text
    '副题'
    >>> strict_decode(b"<p>\\xff\\xff</p>", "utf-8")
    Traceback (most recent call last):
    ...
    crawler.encoding.UndecodableError: no charset decodes it (tried utf-8, gb18030)
    """
    decoded = decode_body(body, header_charset)
    if decoded.lossy:
        raise UndecodableError(f"no charset decodes it (tried {', '.join(decoded.tried)})")
    return decoded


def decode_html(body: bytes, header_charset: str | None = None) -> str:
    """Page text from bytes (see :func:`decode_body` for the order and the lossy flag).

    >>> decode_html("副题".encode("gb18030"), "GB2312")
    '副题'
    """
    return decode_body(body, header_charset).text


def response_text(response: Any) -> str:
    """Page text of a Scrapy response, decoded by :func:`decode_html` from its Content-Type.

    >>> from scrapy.http import HtmlResponse
    >>> r = HtmlResponse("http://127.0.0.1/a.htm", body="淄博".encode("gbk"),
    ...                  headers={"Content-Type": "text/html; charset=gb2312"})
    >>> response_text(r)
    '淄博'
    """
    return decode_response(response).text


def decode_response(response: Any) -> DecodedHtml:
    """:func:`decode_body` for a Scrapy response (``lossy`` lets a spider count bad pages)."""
    content_type = response.headers.get(b"Content-Type") if response.headers else None
    return decode_body(bytes(response.body), charset_from_content_type(content_type))
