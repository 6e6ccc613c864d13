"""The archive middleware: every HTTP response the crawl receives, written to WARC as it arrives.

It sits next to the downloader, so it sees each answer as the server sent it: before
decompression (the payload keeps its ``Content-Encoding``), before redirects are followed
and before retries, and also the answers no callback ever sees (robots.txt, 404s, a 503
that was retried). Each becomes a ``response`` record, or a ``revisit`` record when the
same URL gave the same payload before; its :class:`~crawler.items.CaptureRef` goes on
``request.meta["epaper_capture"]`` for the spider's items, and to the storage pipeline
through the :data:`capture_archived` signal, so ``captures`` lists every response.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.defer import deferred_from_coro

from crawler.config import database_url
from crawler.db.captures import find_original
from crawler.db.engine import make_engine
from crawler.warc import (
    Exchange,
    Headers,
    Original,
    WarcWriter,
    new_run_id,
    original_of,
    payload_digest,
)

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from sqlalchemy import Engine

    from crawler.items import CaptureRef

logger = logging.getLogger(__name__)

#: Signal sent with ``capture=CaptureRef`` for every archived response.
capture_archived = object()

#: The ``Request.meta`` key that carries the capture of the response.
META_CAPTURE = "epaper_capture"

#: Responses of this run remembered for deduplication: enough to cover the captures not
#: stored yet (one batch), which the database lookup cannot see.
KNOWN_LIMIT = 20_000

#: ``Request.meta`` keys kept in a ``metadata`` record beside the response, by field name:
#: what the crawl fetched the URL as. Only the kinds a run starts from get one, as
#: ``epaper reparse`` needs nothing more (pages and articles are found by navigation).
CONTEXT_KINDS = frozenset({"issue", "calendar"})
CONTEXT_FIELDS = (
    ("epaper-paper", "epaper_paper"),
    ("epaper-kind", "epaper_kind"),
    ("epaper-date", "epaper_date"),
    ("epaper-listed", "epaper_listed"),
)


class NotArchivedResponseError(IgnoreRequest):
    """A response that could not be archived, because writing the WARC failed for it or
    for an earlier response of the run. It is not passed on: its request fails with
    ``not archived: REASON`` (its issue stays partial, for the next run to fetch again),
    so nothing is stored that the archive does not hold."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def context_of(meta: dict[str, Any]) -> Headers:
    """The ``metadata`` fields of an issue or calendar request; empty for the others.

    >>> import datetime as dt
    >>> context_of({"epaper_paper": "lzcb", "epaper_kind": "issue",
    ...             "epaper_date": dt.date(2021, 10, 20), "epaper_listed": False})
    (('epaper-paper', 'lzcb'), ('epaper-kind', 'issue'), ('epaper-date', '2021-10-20'), ('epaper-listed', 'false'))
    >>> context_of({"epaper_paper": "lzcb", "epaper_kind": "article"})
    ()
    """  # noqa: E501
    if not meta.get("epaper_paper") or meta.get("epaper_kind") not in CONTEXT_KINDS:
        return ()
    fields = []
    for name, key in CONTEXT_FIELDS:
        value = meta.get(key)
        if value is None:
            continue
        if isinstance(value, bool):
            text = "true" if value else "false"
        elif isinstance(value, dt.date):
            text = value.isoformat()
        else:
            text = str(value)
        fields.append((name, text))
    return tuple(fields)


def header_pairs(headers: Any) -> Headers:
    """Scrapy headers as ``(name, value)`` text pairs, one per value, in order."""
    pairs: list[tuple[str, str]] = []
    for name, values in headers.items():
        text = name.decode("latin-1") if isinstance(name, bytes) else str(name)
        pairs.extend((text, v.decode("latin-1") if isinstance(v, bytes) else v) for v in values)
    return tuple(pairs)


def exchange_of(request: Request, response: Response, fetched_at: dt.datetime) -> Exchange:
    """The exchange to archive for a Scrapy request and its (undecoded) response."""
    return Exchange(
        url=response.url,
        fetched_at=fetched_at,
        status=response.status,
        response_headers=header_pairs(response.headers),
        payload=response.body,
        method=request.method,
        request_headers=header_pairs(request.headers),
        request_body=request.body,
        protocol=response.protocol or "HTTP/1.1",
        context=context_of(request.meta),
    )


class ArchiveMiddleware:
    """Writes every HTTP response to WARC (``EPAPER_WARC_DIR``; empty switches it off)."""

    def __init__(self, crawler: Crawler, writer: WarcWriter) -> None:
        self.crawler = crawler
        self.writer = writer
        self.url = database_url(crawler.settings)
        self.engine: Engine | None = None
        # (url, payload digest) -> the response record holding that payload, this run.
        self.known: dict[tuple[str, str], Original] = {}
        #: Why the archive failed (the OS error), once it has: no response passes after.
        self.failure: str | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArchiveMiddleware:
        settings = crawler.settings
        directory = str(settings.get("EPAPER_WARC_DIR") or "")
        if not directory:
            raise NotConfigured("EPAPER_WARC_DIR is empty: no WARC is written")
        writer = WarcWriter(
            Path(directory),
            prefix=str(settings.get("EPAPER_WARC_PREFIX") or "epaper"),
            max_bytes=settings.getint("EPAPER_WARC_MAX_BYTES"),
        )
        middleware = cls(crawler, writer)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    def spider_opened(self, spider: Spider) -> None:
        settings = self.crawler.settings
        params = getattr(spider, "params", None)
        info = {"epaper-run": new_run_id(), "epaper-spider": spider.name}
        if params is not None:
            arguments = params.as_json()
            info |= {
                "epaper-mode": arguments["mode"],
                "epaper-papers": ",".join(arguments["papers"]),
                "epaper-since": arguments["since"] or "",
                "epaper-until": arguments["until"] or "",
                "epaper-today": arguments["today"],
            }
        info |= {
            "epaper-base-url-override": str(settings.get("EPAPER_BASE_URL_OVERRIDE") or ""),
            "epaper-download-pdfs": str(settings.getbool("EPAPER_DOWNLOAD_PDFS")).lower(),
            "epaper-download-images": str(settings.getbool("EPAPER_DOWNLOAD_IMAGES")).lower(),
        }
        self.writer.info = {k: v for k, v in info.items() if v}

    def spider_closed(self, spider: Spider) -> None:
        self.writer.close()
        if self.engine is not None:
            self.engine.dispose()

    def process_response(self, request: Request, response: Response) -> Response:
        if urlsplit(response.url).scheme not in {"http", "https"}:
            return response
        if self.failure is not None:
            # Responses already on their way when the archive failed: passed on, their
            # items would be stored without a record, their issues marked complete.
            raise NotArchivedResponseError(self.failure)
        exchange = exchange_of(request, response, dt.datetime.now(dt.UTC))
        try:
            original = self._original(exchange)
            capture = self.writer.write(exchange, original)
        except OSError as exc:
            self._fail(exc)
            raise NotArchivedResponseError(self.failure or str(exc)) from exc
        if capture.record_type == "response":
            self._remember((capture.url, capture.payload_digest), original_of(capture))
        request.meta[META_CAPTURE] = capture
        self._count(capture)
        self.crawler.signals.send_catch_log(signal=capture_archived, capture=capture)
        return response

    def _original(self, exchange: Exchange) -> Original | None:
        """The archived response with the same URL and payload, if any (a revisit then)."""
        if not exchange.payload:
            return None
        key = (exchange.url, payload_digest(exchange.payload))
        found = self.known.get(key)
        if found is None:
            if self.engine is None:
                self.engine = make_engine(self.url)
            with self.engine.connect() as conn:
                found = find_original(conn, *key)
            if found is None or not self._still_there(found):
                return None
            self._remember(key, found)
        return found

    def _remember(self, key: tuple[str, str], original: Original) -> None:
        self.known[key] = original
        if len(self.known) > KNOWN_LIMIT:
            del self.known[next(iter(self.known))]  # the oldest: stored in the database by now

    def _still_there(self, original: Original) -> bool:
        directory = self.writer.directory
        return (directory / original.warc_file).exists() or (
            directory / (original.warc_file + ".open")
        ).exists()

    def _count(self, capture: CaptureRef) -> None:
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value(f"warc/{capture.record_type}_records")
            stats.inc_value("warc/bytes", capture.warc_length)

    def _fail(self, exc: OSError) -> None:
        # An archival crawl that cannot archive must stop and say so, not go on without.
        self.failure = exc.strerror or str(exc)
        logger.error("cannot write the WARC archive in %s: %s", self.writer.directory, exc)
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value("warc/errors")
        if self.crawler.engine is not None:
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))
