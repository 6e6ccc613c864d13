"""Page PDFs and article images: which links are fetched, their requests, and the content-addressed
file store.

A file's place in the store comes from the SHA-256 of its bytes and the type its first
bytes show (``ab/cd/abcd….pdf``), never from its URL, so no link can make the crawler
write outside the store, and a file found twice is kept once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import tempfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from scrapy.http import Request, Response

from crawler.items import FileItem
from crawler.offsite import on_site

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

logger = logging.getLogger(__name__)

#: URLs longer than this are refused (``captures.url`` holds 2,000 characters).
MAX_URL_LENGTH = 2000

#: File types by their first bytes, and the kind of file each may be.
SIGNATURES = (
    (b"%PDF-", "pdf", "pdf"),
    (b"\xff\xd8\xff", "jpg", "image"),
    (b"\x89PNG\r\n\x1a\n", "png", "image"),
    (b"GIF87a", "gif", "image"),
    (b"GIF89a", "gif", "image"),
)


def refusal_reason(url: str, hosts: Collection[str]) -> str | None:
    """Why a PDF or image link must not be fetched; None when it may.

    ``hosts`` are the paper's hosts (a subdomain of one is accepted too).

    >>> hosts = {"epaper.example.cn"}
    >>> refusal_reason("http://epaper.example.cn/lzcb/pdf/Page01.pdf", hosts) is None
    True
    >>> refusal_reason("http://epaper.example.cn/lzcb/%2e%2e/%2E%2E/etc/passwd", hosts)
    'refused: dot segments in the path'
    >>> refusal_reason("http://epaper.example.cn/a/../../etc/passwd", hosts)
    'refused: dot segments in the path'
    >>> refusal_reason("file:///etc/passwd", hosts)
    "refused: scheme 'file'"
    >>> refusal_reason("http://elsewhere.example/x.jpg", hosts)
    'refused: off-site host elsewhere.example'
    """
    if len(url) > MAX_URL_LENGTH:
        return f"refused: URL longer than {MAX_URL_LENGTH} characters"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        return f"refused: scheme {parts.scheme!r}"
    host = (parts.hostname or "").lower()
    if not any(host == h or host.endswith("." + h) for h in (x.lower() for x in hosts)):
        return f"refused: off-site host {host or '(none)'}"
    path = parts.path
    for _ in range(3):  # %252e%252e is %2e%2e once decoded, .. twice
        segments = path.replace("\\", "/").split("/")
        if any(s in {".", ".."} for s in segments):
            return "refused: dot segments in the path"
        decoded = unquote(path)
        if decoded == path:
            break
        path = decoded
    return None


#: ``Request.meta`` keys of a file request (documented in docs/crawling.md): the paper and
#: the link as the page or article gave it. Not ``epaper_paper``: a file is no request of
#: its paper's issues, and is not counted as one.
META_FILE_PAPER = "epaper_file_paper"
META_FILE_URL = "epaper_file_url"


@dataclass
class FileRequests:
    """The requests for the page PDFs and article images the settings ask for
    (``EPAPER_DOWNLOAD_PDFS``, ``EPAPER_DOWNLOAD_IMAGES``): each link once per run, and a
    link that must not be fetched refused, logged and counted (``files_refused``).

    A file is no part of its issue's completeness: one that fails is logged and counted
    (``files_failed``), and the issue stays complete without it.
    """

    pdfs: bool
    images: bool
    hosts: Collection[str]
    origins: Collection[tuple[str, str, int]]
    max_links: int
    robots_ignored: Collection[str] = ()
    requested: set[str] = field(default_factory=set)

    @classmethod
    def from_settings(
        cls,
        settings: BaseSettings,
        hosts: Collection[str],
        origins: Collection[tuple[str, str, int]],
    ) -> FileRequests:
        return cls(
            pdfs=settings.getbool("EPAPER_DOWNLOAD_PDFS"),
            images=settings.getbool("EPAPER_DOWNLOAD_IMAGES"),
            hosts=hosts,
            origins=origins,
            max_links=settings.getint("EPAPER_MAX_LINKS_PER_PAGE"),
            robots_ignored=frozenset(settings.getlist("EPAPER_ROBOTSTXT_IGNORE")),
        )

    def requests(
        self,
        paper: str,
        day: dt.date,
        kind: str,
        urls: list[str | None],
        *,
        callback: Callable[..., object],
        errback: Callable[..., object],
        count: Callable[[str], None],
    ) -> Iterator[Request]:
        """Requests for the ``kind`` (``pdf`` or ``image``) links of one page or article."""
        if not (self.pdfs if kind == "pdf" else self.images):
            return
        for position, url in enumerate(urls):
            if not url or url in self.requested:
                continue
            self.requested.add(url)
            refused = refusal_reason(url, self.hosts)
            if refused is None and not on_site(url, self.origins):
                refused = "refused: off-site (another scheme or port)"
            if refused is None and position >= self.max_links:
                refused = "refused: over EPAPER_MAX_LINKS_PER_PAGE"
            if refused is not None:
                logger.warning("%s %s not fetched: %s", kind, url, refused)
                count("files_refused")
                continue
            meta: dict[str, Any] = {
                META_FILE_PAPER: paper,
                "epaper_date": day,
                "epaper_kind": kind,
                META_FILE_URL: url,
            }
            if paper in self.robots_ignored:
                meta["dont_obey_robotstxt"] = True
            count("files_requested")
            # After the pages and articles: the text of an issue comes first.
            yield Request(url, callback=callback, errback=errback, meta=meta, priority=-1)


def file_item(response: Response, capture: Any = None) -> FileItem:
    """The :class:`FileItem` of a fetched PDF or image."""
    meta = response.meta
    content_type = response.headers.get(b"Content-Type")
    return FileItem(
        paper=meta[META_FILE_PAPER],
        date=meta["epaper_date"],
        kind=meta["epaper_kind"],
        url=meta[META_FILE_URL],
        capture=capture,
        content_type=content_type.decode("latin-1") if content_type else None,
        body=response.body,
    )


def sniff_type(body: bytes) -> tuple[str, str] | None:
    """``(extension, kind)`` of a file from its first bytes; None for an unknown type.

    >>> sniff_type(b"%PDF-1.4 ...")
    ('pdf', 'pdf')
    >>> sniff_type(b"RIFF\\x00\\x00\\x00\\x00WEBPVP8 ")
    ('webp', 'image')
    >>> sniff_type(b"<html>not found</html>") is None
    True
    """
    for signature, extension, kind in SIGNATURES:
        if body.startswith(signature):
            return extension, kind
    if body[:4] == b"RIFF" and body[8:12] == b"WEBP":
        return "webp", "image"
    return None


def store_path(digest: str, extension: str) -> str:
    """The path of a file in the store, relative to it, from its SHA-256 hex digest.

    >>> store_path("abcdef0123", "pdf")
    'ab/cd/abcdef0123.pdf'
    """
    return f"{digest[:2]}/{digest[2:4]}/{digest}.{extension}"


@dataclass(frozen=True, slots=True)
class FileStore:
    """A folder of files named by their SHA-256, each at most ``max_bytes``."""

    directory: Path
    max_bytes: int

    def put(self, body: bytes, kind: str, url: str = "") -> str | None:
        """Keep ``body`` (a ``kind`` "pdf" or "image"); its path relative to the store, or
        None (with a logged reason) when it is refused."""
        if len(body) > self.max_bytes:
            logger.warning(
                "not kept in the file store: %s is %d bytes (EPAPER_FILES_MAX_BYTES is %d)",
                url,
                len(body),
                self.max_bytes,
            )
            return None
        sniffed = sniff_type(body)
        if sniffed is None or sniffed[1] != kind:
            logger.warning("not kept in the file store: %s is not a %s", url, kind.upper())
            return None
        relative = store_path(hashlib.sha256(body).hexdigest(), sniffed[0])
        target = self.directory / relative
        if target.is_file() and target.stat().st_size == len(body):
            return relative
        target.parent.mkdir(parents=True, exist_ok=True)
        # Written beside its place and renamed: a crash never leaves half a file there.
        handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed, not deleted
            dir=target.parent, prefix=".partial-", delete=False
        )
        try:
            with handle:
                handle.write(body)
            Path(handle.name).replace(target)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        return relative


class FileStorePipeline:
    """Writes downloaded PDFs and images to ``EPAPER_FILES_DIR`` (when set) and passes each
    :class:`~crawler.items.FileItem` on with its path, without its bytes."""

    def __init__(self, crawler: Crawler, store: FileStore | None) -> None:
        self.crawler = crawler
        self.store = store

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FileStorePipeline:
        settings = crawler.settings
        directory = str(settings.get("EPAPER_FILES_DIR") or "")
        store = None
        if directory:
            store = FileStore(Path(directory), settings.getint("EPAPER_FILES_MAX_BYTES"))
        return cls(crawler, store)

    def process_item(self, item: Any, spider: Any = None) -> Any:
        if not isinstance(item, FileItem):
            return item
        path = None
        if self.store is not None and item.body:
            path = self.store.put(item.body, item.kind, item.url)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value(f"files/{'kept' if path else 'refused'}")
        return dataclasses.replace(item, path=path, body=b"")
