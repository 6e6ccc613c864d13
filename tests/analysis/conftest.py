"""A small archive crawled from the mock site, once per backend, for the analysts' tests.

kjrb (Founder classic, weekdays: its calendar leaves weekends out) over ten days; lzcb
(PaperIndex, daily) from two days before the mock site's first issue, and again after a
gap over a range with a day without issue (2021-10-22) while the site answers 503 for a
few URLs, so some issues end partial; hbrb before its first issue in the registry
(2023-02-11), which the mock site does not have either. Every kind of day of
``issue_coverage`` is there but ``missing``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from crawler.db.engine import make_engine
from crawler.extract.families import FAMILIES
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.conftest import POSTGRES_ENV, POSTGRES_SKIP_REASON, _postgres_database
from tests.crawl.conftest import run_epaper

#: (paper, since, until, faulty): the crawls, in order.
CRAWLS = (
    ("kjrb", "2025-02-19", "2025-02-28", False),
    ("lzcb", "2021-10-06", "2021-10-09", False),
    ("lzcb", "2021-10-20", "2021-10-23", True),
    ("hbrb", "2023-02-08", "2023-02-10", False),
)
FAULTS = {"spec": "503:0.03", "seed": 11, "permanent": True}


def day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@dataclass
class Archive:
    """The crawled archive: its URL, an engine, and what the mock site says of it."""

    url: str
    engine: Engine
    dialect: str
    truth: list[dict[str, Any]]
    crawled: dict[str, set[dt.date]]  # per paper, the dates a crawl asked for
    failed_days: dict[str, set[dt.date]] = field(default_factory=dict)  # a 503 was served

    def articles(self, paper: str | None = None) -> list[dict[str, Any]]:
        return [
            r
            for r in self.truth
            if r["kind"] == "article" and (paper is None or r["paper"] == paper)
        ]

    def issue_dates(self, paper: str) -> set[dt.date]:
        return {day(r["date"]) for r in self.truth if r["kind"] == "issue" and r["paper"] == paper}

    def page_order(self) -> dict[tuple[str, str, str], int]:
        return {
            (r["paper"], r["date"], r["number"]): r["order"]
            for r in self.truth
            if r["kind"] == "page"
        }

    def tails(self) -> list[dict[str, Any]]:
        """Articles that are the rest of a story begun on another page (上接第X版)."""
        return [r for r in self.articles() if "continuation" in r["quirks"]]

    def head_of(self, tail: dict[str, Any]) -> dict[str, Any]:
        """The article a tail continues: same issue, same title, 下转第X版."""
        (head,) = [
            r
            for r in self.articles(tail["paper"])
            if r["date"] == tail["date"]
            and r["title"] == tail["title"]
            and "continued" in r["quirks"]
        ]
        return head


def _crawl(site: MockSiteProcess, url: str) -> Archive:
    truth: list[dict[str, Any]] = []
    crawled: dict[str, set[dt.date]] = {}
    failed: dict[str, set[dt.date]] = {}
    for paper, since, until, faulty in CRAWLS:
        settings: list[str] = []
        if faulty:
            site.set_faults(**FAULTS)
            site.reset_stats()
            settings = ["RETRY_TIMES=0"]
        run = run_epaper(site, url, ["crawl", paper, "--since", since, "--until", until],
                         settings=settings)  # fmt: skip
        if faulty:
            for path, statuses in site.stats()["by_url_status"].items():
                served = served_date(site.base_url + path)
                if "503" in statuses and served is not None and path.endswith(".htm"):
                    failed.setdefault(paper, set()).add(served)
            site.set_faults(spec="")
        assert run.returncode in (0, 1), run.stderr[-3000:]
        truth += site.truth(papers=[paper], since=since, until=until)
        first, last = day(since), day(until)
        crawled.setdefault(paper, set()).update(
            first + dt.timedelta(days=n) for n in range((last - first).days + 1)
        )
    dialect = "postgresql" if url.startswith("postgresql") else "sqlite"
    return Archive(url, make_engine(url), dialect, truth, crawled, failed)


@pytest.fixture(scope="package")
def analysis_site() -> Iterator[MockSiteProcess]:
    with run_mocksite(today=DEFAULT_TODAY) as site:
        yield site


@pytest.fixture(
    scope="package", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def crawled(
    request: pytest.FixtureRequest,
    analysis_site: MockSiteProcess,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Archive]:
    """The crawled archive on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("analysis") / "archive.sqlite3"
        archive = _crawl(analysis_site, f"sqlite:///{path}")
        yield archive
        archive.engine.dispose()
        return
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        if os.environ.get("EPAPER_TEST_REQUIRE_POSTGRES"):
            pytest.fail(f"EPAPER_TEST_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not")
        pytest.skip(POSTGRES_SKIP_REASON)
    for url in _postgres_database(admin):
        archive = _crawl(analysis_site, url)
        yield archive
        archive.engine.dispose()


def served_date(url: str) -> dt.date | None:
    """The issue date a mock URL carries, in whichever family's spelling it is."""
    for family in FAMILIES:
        day = family.date_in_url(url)
        if day is not None:
            return day
    return None
