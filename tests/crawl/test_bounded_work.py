"""Retry touches only partial issues, and a partial issue whose index is gone becomes missing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from sqlalchemy import Engine, select

from crawler.db import models
from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import TODAY, run_epaper
from tests.crawl.hostile import Answer, Rule, hostile_proxy, run_crawl

PAPER = "lzcb"


def test_retry_after_a_short_crawl_fetches_only_todays_partial_issue(
    mocksite: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    url, engine = archive
    today = dt.date.fromisoformat(TODAY)
    since = (today - dt.timedelta(days=2)).isoformat()
    crawl = run_epaper(mocksite, url, ["crawl", PAPER, "--since", since, "--until", TODAY])
    assert crawl.returncode == 0, crawl.stderr[-2000:]
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(models.Issue.date, models.Issue.status)).all())
    assert statuses[today] == "partial"  # today's issue is checked again by the next run
    assert [s for d, s in statuses.items() if d < today] == ["complete", "complete"]
    mocksite.reset_stats()
    retry = run_epaper(mocksite, url, ["retry", PAPER])
    assert retry.returncode == 0, retry.stderr[-2000:]
    todays = mocksite.truth(papers=[PAPER], since=today, until=today)
    budget = sum(r["kind"] in {"page", "article"} for r in todays) + 3
    by_url = mocksite.stats()["by_url"]
    requests = sum(n for u, n in by_url.items() if not u.endswith("robots.txt"))
    assert requests <= budget, f"{requests} requests, budget {budget}"
    # Nothing of the complete issues before it (上一期 leads there) was fetched again.
    earlier = {(today - dt.timedelta(days=n)).strftime("%Y%m%d") for n in (1, 2)}
    assert not [u for u in by_url if any(f"/{d}/" in u for d in earlier)]


def test_a_partial_issue_whose_index_now_answers_404_becomes_missing(
    mocksite: MockSiteProcess, archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    day = "2021-10-29"
    status = {"code": 503}

    def index(path: str, answer: Answer | None) -> Answer:
        return status["code"], {"Content-Type": "text/html; charset=utf-8"}, b"<html></html>"

    rule = Rule(re.compile(r"/20211029/Page01a\.htm$"), index, upstream=False)
    with hostile_proxy(mocksite, [rule]) as site:
        args = ["--since", day, "--until", day]
        settings = ["RETRY_TIMES=0"]
        first = run_crawl(
            site.base_url, url, ["crawl", PAPER, *args], tmp_path, today=TODAY, settings=settings
        )
        assert "Traceback" not in first.stderr, first.stderr[-2000:]
        with engine.connect() as conn:
            stored = conn.execute(select(models.Issue.status)).scalars().all()
            reasons = conn.execute(select(models.FetchFailure.reason)).scalars().all()
        assert (stored, reasons) == (["partial"], ["http 503"])
        status["code"] = 404  # the site has dropped the issue
        retry = run_crawl(
            site.base_url, url, ["retry", PAPER, *args], tmp_path, today=TODAY, settings=settings
        )
    assert retry.returncode == 0, retry.stderr[-2000:]
    with engine.connect() as conn:
        assert conn.execute(select(models.Issue.status)).scalars().all() == ["missing"]
