"""The storage pipeline: validates crawl items and stores them in batches on a worker thread.

Items are buffered and written in one transaction per batch (every
``EPAPER_STORE_BATCH_SIZE`` items, every ``EPAPER_STORE_FLUSH_SECONDS`` and at close)
by a single database thread, so the Twisted reactor never waits on the database and
batches are written in the order the spider yielded their items. When the database
falls behind, ``process_item`` returns the pending write, which makes Scrapy wait.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task
from twisted.internet.defer import Deferred, succeed
from twisted.internet.threads import deferToThreadPool
from twisted.python.threadpool import ThreadPool

from crawler.archive import capture_archived
from crawler.config import database_url
from crawler.db.engine import make_engine
from crawler.db.migrate import ensure_schema
from crawler.db.models import ISSUE_STATUSES, known_reason
from crawler.db.writer import BatchWriter, CrawlItem, PaperInfo, StoreResult
from crawler.items import (
    ArticleItem,
    CaptureItem,
    CaptureRef,
    FileItem,
    IssueItem,
    IssueOutcome,
    PageItem,
)
from crawler.registry import load_registry

if TYPE_CHECKING:
    from scrapy import Spider
    from scrapy.crawler import Crawler
    from sqlalchemy import Engine

logger = logging.getLogger(__name__)


class InvalidItem(DropItem):
    """An item that must not be stored (it would store a broken article as complete)."""


def validate(item: CrawlItem) -> CrawlItem:
    """Refuse items that would store something broken; returns the item unchanged.

    >>> import datetime as dt
    >>> from crawler.items import Article
    >>> validate(ArticleItem("lzcb", dt.date(2021, 10, 20), Article(url="http://x/a", title="")))
    Traceback (most recent call last):
    ...
    crawler.pipelines.InvalidItem: article http://x/a has no title
    """
    if isinstance(item, ArticleItem):
        art = item.article
        if not art.title.strip():
            msg = f"article {art.url} has no title"
            raise InvalidItem(msg)
        if not art.url.startswith(("http://", "https://")):
            msg = f"article URL {art.url!r} is not absolute"
            raise InvalidItem(msg)
    elif isinstance(item, PageItem):
        if not item.page.number:
            msg = f"page {item.page.url} has no page number"
            raise InvalidItem(msg)
    elif isinstance(item, IssueOutcome):
        if item.status not in ISSUE_STATUSES:
            msg = f"issue {item.paper} {item.date}: unknown status {item.status!r}"
            raise InvalidItem(msg)
        if item.status == "none" and not known_reason(item.reason):
            msg = f"issue {item.paper} {item.date}: no issue, for an unknown reason {item.reason!r}"
            raise InvalidItem(msg)
    return item


def registry_paper_info(slug: str) -> PaperInfo:
    """The ``papers`` row of a registry paper."""
    paper = load_registry().get(slug)
    return PaperInfo(slug=paper.slug, name=paper.name, family=paper.family, home_url=paper.base_url)


class StoragePipeline:
    """Stores issues, pages, articles and issue outcomes in the archive database."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.url = database_url(settings)
        self.batch_size = max(1, settings.getint("EPAPER_STORE_BATCH_SIZE"))
        self.flush_seconds = settings.getfloat("EPAPER_STORE_FLUSH_SECONDS")
        self.buffer: list[CrawlItem] = []
        self.pending: Deferred[None] = succeed(None)
        self.in_flight = 0
        self.engine: Engine | None = None
        self.writer: BatchWriter | None = None
        self.pool = ThreadPool(minthreads=1, maxthreads=1, name="epaper-db")
        self.timer: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StoragePipeline:
        pipeline = cls(crawler)
        crawler.signals.connect(pipeline.capture_archived, signal=capture_archived)
        return pipeline

    def capture_archived(self, capture: CaptureRef) -> None:
        """List an archived response in ``captures`` (every response, with an item or not).

        It is buffered before any item extracted from the response, so its row exists
        when theirs point at it.
        """
        self.buffer.append(CaptureItem(capture))
        if len(self.buffer) >= self.batch_size:
            self._flush()

    def open_spider(self, spider: Spider | None = None) -> None:
        ensure_schema(self.url)
        self.engine = make_engine(self.url)
        self.writer = BatchWriter(self.engine, registry_paper_info)
        self.pool.start()
        if self.flush_seconds > 0:
            self.timer = task.LoopingCall(self._flush)
            self.timer.start(self.flush_seconds, now=False)

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        if not isinstance(item, IssueItem | PageItem | ArticleItem | IssueOutcome | FileItem):
            return item
        validate(item)
        self.buffer.append(item)
        if len(self.buffer) >= self.batch_size:
            self._flush()
        if self.in_flight > 2:
            # The database is behind: Scrapy waits for the writes before more items.
            return self._after_writes(item)
        return item

    async def _after_writes(self, item: Any) -> Any:
        written: Deferred[None] = Deferred()

        def fire(result: Any) -> Any:
            written.callback(None)
            return result

        self.pending.addBoth(fire)
        await maybe_deferred_to_future(written)
        return item

    def _flush(self) -> Deferred[None]:
        if not self.buffer:
            return self.pending
        batch, self.buffer = self.buffer, []
        self.in_flight += 1
        self.pending = self.pending.addBoth(lambda _: self._write(batch))
        return self.pending

    def _write(self, batch: list[CrawlItem]) -> Deferred[None]:
        from twisted.internet import reactor

        assert self.writer is not None
        d: Deferred[StoreResult] = deferToThreadPool(
            reactor,
            self.pool,
            self.writer.store,
            batch,
        )

        def stored(result: StoreResult) -> None:
            self.in_flight -= 1
            stats = self.crawler.stats
            if stats is not None:
                for key, value in result.counts.items():
                    stats.inc_value(f"epaper/{key}", value)
                stats.inc_value("epaper/batches_stored")
                # Everything else of the batch is stored; these items' issues stay partial
                # with the reason (the writer logged each), and the run fails loudly.
                if result.unstored:
                    stats.inc_value("epaper/store_errors", len(result.unstored))

        def failed(failure: Any) -> None:
            self.in_flight -= 1
            # Not expected (the writer stores what it can and records the rest): the items'
            # issues stay as the database had them; the run itself must fail loudly.
            logger.error("could not store a batch of %d items: %s", len(batch), failure.value)
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("epaper/store_errors", len(batch))

        return d.addCallbacks(stored, failed)

    async def close_spider(self, spider: Spider | None = None) -> None:
        if self.timer is not None and self.timer.running:
            self.timer.stop()
        try:
            await maybe_deferred_to_future(self._flush())
        finally:
            self.pool.stop()
            if self.engine is not None:
                self.engine.dispose()
