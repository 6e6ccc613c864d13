"""The run recorder: a ``crawl_runs`` row per run, a summary at the end, and loud failure.

A crawl checks its own counters when it closes (as spidermon monitors do): an issue
without pages, pages without articles, failures above ``EPAPER_MAX_FAILURE_RATIO`` or a
batch that could not be stored make the run *failed*: the reason is recorded, Scrapy's
finish reason becomes ``failed``, every problem is logged as an error naming the paper and
date, and ``epaper`` (and ``scrapy crawl``) exit with 1.

A run that was interrupted (Ctrl-C, SIGTERM) is recorded as such, never judged on what it
had no time to find; its issue counts are read back from the database. A run whose process
died without a word (SIGKILL) is marked ``killed`` by the next run on the same host.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from scrapy import signals
from sqlalchemy.exc import SQLAlchemyError

from crawler.config import database_url
from crawler.db.check import describe_database_error
from crawler.db.engine import make_engine
from crawler.db.migrate import ensure_schema
from crawler.db.models import utcnow
from crawler.db.runs import close_dead_runs, finish_run, issue_counts_since, start_run

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)
PREFIX = "epaper/"


def paper_counters(stats: Mapping[str, Any]) -> dict[str, dict[str, int]]:
    """Scrapy stats ``epaper/<paper>/<counter>`` grouped by paper.

    >>> paper_counters({"epaper/lzcb/requests": 3, "epaper/store_errors": 1, "x": 2})
    {'lzcb': {'requests': 3}}
    """
    papers: dict[str, dict[str, int]] = defaultdict(dict)
    for key, value in stats.items():
        if not key.startswith(PREFIX):
            continue
        parts = key[len(PREFIX) :].split("/", 1)
        if len(parts) == 2 and isinstance(value, int):
            papers[parts[0]][parts[1]] = value
    return dict(papers)


#: Scrapy's finish reason for a run stopped by a signal (Ctrl-C, SIGTERM).
INTERRUPTED = "shutdown"


def judge(
    counters: Mapping[str, Mapping[str, int]],
    problems: list[str],
    max_failure_ratio: float,
    store_errors: int = 0,
    reason: str = "finished",
) -> list[str]:
    """Every reason the run must fail; empty for a healthy run.

    Only a run that ran to its end can conclude that the site has nothing where it should:
    an interrupted one may simply not have got there.

    >>> judge({"lzcb": {"requests": 100, "failures": 6}}, [], 0.05)
    ['lzcb: 6 of 100 requests failed (more than 5%)']
    >>> judge({"lzcb": {"requests": 100, "failures": 5}}, [], 0.05)
    []
    >>> judge({"lzcb": {"requests": 9, "dates_planned": 30}}, [], 0.05)
    ['lzcb: no issue found on any of 30 dates (has the site moved?)']
    >>> judge({"lzcb": {"requests": 9, "dates_planned": 30}}, [], 0.05, reason="shutdown")
    []
    >>> judge({"rmrb": {"requests": 9, "dates_planned": 9, "dates_outside_archive": 9}}, [], 0.05)
    []
    """
    reasons = list(problems)
    for slug, c in sorted(counters.items()):
        requests, failures = c.get("requests", 0), c.get("failures", 0)
        if requests and failures / requests > max_failure_ratio:
            reasons.append(
                f"{slug}: {failures} of {requests} requests failed "
                f"(more than {max_failure_ratio:.0%})"
            )
        planned = c.get("dates_planned", 0)
        if (
            reason == "finished"
            and planned >= 7
            and not c.get("issues_found", 0)
            and not c.get("issues_missing", 0)
            # Dates the site answered "not kept" (403, soft-404) for: outside its archive.
            and not c.get("dates_outside_archive", 0)
        ):
            reasons.append(
                f"{slug}: no issue found on any of {planned} dates (has the site moved?)"
            )
    if store_errors:
        reasons.append(f"{store_errors} items could not be stored (their issues stay partial)")
    return reasons


def summary_line(slug: str, c: Mapping[str, int]) -> str:
    """One line of the end-of-run summary for a paper."""
    complete = c.get("issues_complete", 0)
    partial = c.get("issues_partial", 0)
    missing = c.get("issues_missing", 0)
    outside = c.get("dates_outside_archive", 0)
    new, changed, same = (c.get(f"articles_{k}", 0) for k in ("new", "changed", "unchanged"))
    return (
        f"{slug}: {complete + partial} issues ({complete} complete, {partial} partial"
        f"{f', {missing} missing' if missing else ''}), "
        f"{f'{outside} dates outside the archive, ' if outside else ''}"
        f"{c.get('pages_stored', 0)} pages, "
        f"{new + changed + same} articles ({new} new, {changed} changed, {same} unchanged), "
        f"{c.get('requests', 0)} requests, {c.get('failures', 0)} failures"
    )


@dataclass
class RunResult:
    """How the last run ended: what ``epaper`` prints and its exit status."""

    run_id: int | None = None
    reason: str = "not started"
    failures: list[str] = field(default_factory=list)
    counters: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failures and self.reason == "finished"

    @property
    def verdict(self) -> str:
        """What ``crawl_runs.finish_reason`` and Scrapy's ``finish_reason`` stat say."""
        return "failed" if self.failures else self.reason


class RunRecorder:
    """Opens a ``crawl_runs`` row at start and closes it with counters and a verdict."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = database_url(crawler.settings)
        self.max_failure_ratio = crawler.settings.getfloat("EPAPER_MAX_FAILURE_RATIO")
        self.result = RunResult()
        self.started_at = utcnow()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunRecorder:
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.request_sent, signal=signals.request_reached_downloader)
        return ext

    def request_sent(self, request: Request, spider: Spider | None = None) -> None:
        slug = request.meta.get("epaper_paper")
        if slug and self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"{PREFIX}{slug}/requests")

    def spider_opened(self, spider: Spider) -> None:
        params = getattr(spider, "params", None)
        if params is None:
            return
        ensure_schema(self.url)
        engine = make_engine(self.url)
        try:
            killed = close_dead_runs(engine)
            if killed:
                logger.warning(
                    "runs %s ended without closing their record (killed?): marked killed",
                    ", ".join(map(str, killed)),
                )
            self.started_at = utcnow()
            self.result.run_id = start_run(engine, params.mode.value, params.as_json())
        finally:
            engine.dispose()

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.result.run_id is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        counters = paper_counters(stats)
        failures = judge(
            counters,
            list(getattr(spider, "problems", [])),
            self.max_failure_ratio,
            int(stats.get(f"{PREFIX}store_errors", 0)),
            reason,
        )
        self.result.reason = reason
        self.result.failures = failures
        self.result.counters = counters
        verdict = self.result.verdict
        if self.crawler.stats is not None:
            # Scrapy's own record of the run (its stats dump, ``scrapy crawl``'s exit status).
            self.crawler.stats.set_value("finish_reason", verdict)
        engine = make_engine(self.url)
        try:
            if reason != "finished":
                self._count_from_database(engine, spider)
            finish_run(
                engine, self.result.run_id, verdict, {"papers": counters, "failures": failures}
            )
        except SQLAlchemyError as exc:
            # A full disk or a lost server: the run's row stays open (the next run marks it
            # killed), and the run itself fails with one line instead of a trace.
            message = describe_database_error(exc, self.url)
            logger.error("could not record the end of run %s: %s", self.result.run_id, message)
            self.result.failures.append(f"the end of the run could not be recorded: {message}")
        finally:
            engine.dispose()
        for slug in sorted(counters):
            logger.info("%s", summary_line(slug, counters[slug]))
        for failure in failures:
            logger.error("run failed: %s", failure)

    def _count_from_database(self, engine: Any, spider: Spider) -> None:
        """An interrupted run's issue counts, as stored: its issues in progress were stored
        partial, but its counters only count the issues that finished."""
        params = getattr(spider, "params", None)
        if params is None:
            return
        slugs = [p.slug for p in params.papers]
        with engine.connect() as conn:
            stored = issue_counts_since(conn, slugs, self.started_at)
        for slug in slugs:
            if slug not in stored and slug not in self.result.counters:
                continue
            c = self.result.counters.setdefault(slug, {})
            for status in ("complete", "partial", "missing"):
                c[f"issues_{status}"] = stored.get(slug, {}).get(status, 0)
