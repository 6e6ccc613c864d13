"""Downloader middleware: retries that back off and honour ``Retry-After``."""

from __future__ import annotations

import asyncio
import datetime as dt
import email.utils
import logging
from typing import TYPE_CHECKING, Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: dt.datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or an HTTP date).

    >>> retry_after_seconds(b"3")
    3.0
    >>> now = dt.datetime(2021, 10, 20, 8, 0, tzinfo=dt.UTC)
    >>> retry_after_seconds("Wed, 20 Oct 2021 08:00:30 GMT", now)
    30.0
    >>> retry_after_seconds("soon") is None
    True
    """
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - (now or dt.datetime.now(dt.UTC))).total_seconds())


def backoff_seconds(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff for the ``attempt``-th retry (1-based), capped.

    >>> [backoff_seconds(n, 1.0, 5.0) for n in (1, 2, 3, 4)]
    [1.0, 2.0, 4.0, 5.0]
    """
    return float(min(cap, base * 2 ** (attempt - 1)))


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retries, waiting before each: ``Retry-After`` when the site sends one
    (429, 503), else exponential backoff (``EPAPER_RETRY_BACKOFF_BASE`` doubling up to
    ``EPAPER_RETRY_BACKOFF_MAX``). Waiting never blocks the reactor."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffRetryMiddleware:
        o = super().from_crawler(crawler)
        o.backoff_base = crawler.settings.getfloat("EPAPER_RETRY_BACKOFF_BASE")
        o.backoff_max = crawler.settings.getfloat("EPAPER_RETRY_BACKOFF_MAX")
        return o

    backoff_base: float = 1.0
    backoff_max: float = 60.0

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response, spider: Any = None
    ) -> Request | Response:
        result = super().process_response(request, response)
        if result is not response:
            hinted = retry_after_seconds(response.headers.get(b"Retry-After"))
            await self._wait(request, hinted)
        return result

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception, spider: Any = None
    ) -> Request | Response | None:
        result = super().process_exception(request, exception)
        if result is not None:
            await self._wait(request, None)
        return result

    async def _wait(self, request: Request, hinted: float | None) -> None:
        attempt = int(request.meta.get("retry_times", 0)) + 1
        delay = backoff_seconds(attempt, self.backoff_base, self.backoff_max)
        if hinted is not None:
            delay = min(max(delay, hinted), self.backoff_max)
        if delay > 0:
            logger.debug("waiting %.2fs before retrying %s", delay, request.url)
            await asyncio.sleep(delay)
