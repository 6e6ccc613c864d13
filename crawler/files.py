"""Page PDFs and article images: which links may be fetched, and the content-addressed file store.

A file's place in the store comes from the SHA-256 of its bytes and the type its first
bytes show (``ab/cd/abcd….pdf``), never from its URL, so no link can make the crawler
write outside the store, and a file found twice is kept once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import tempfile
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from crawler.items import FileItem

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

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
