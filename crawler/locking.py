"""The archive's writer lock under ``scrapy crawl epaper`` (``epaper`` commands take it
themselves, before Scrapy starts, and this extension finds it held).

Built before the pipelines open (which upgrade the schema and write), so nothing is
written without the lock; released when the engine stops.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals

from crawler.config import database_url
from crawler.db.lock import acquire, release

if TYPE_CHECKING:
    from scrapy.crawler import Crawler


class WriterLockExtension:
    """Holds the writer lock of ``EPAPER_DATABASE_URL`` for the crawl (``EPAPER_LOCK_WAIT``
    waits for it instead of failing)."""

    def __init__(self, crawler: Crawler) -> None:
        settings = crawler.settings
        self.token = acquire(database_url(settings), wait=settings.getbool("EPAPER_LOCK_WAIT"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WriterLockExtension:
        ext = cls(crawler)
        crawler.signals.connect(ext.engine_stopped, signal=signals.engine_stopped)
        return ext

    def engine_stopped(self) -> None:
        release(self.token)
        self.token = None
