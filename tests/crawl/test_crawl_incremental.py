"""Nightly updates follow the site day by day, cheaply, corrections and late pages included."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, func, select

from crawler.db import models
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.crawl.conftest import run_epaper
from tests.crawl.truthdb import compare

PAPER = "lzcb"
START = dt.date(2025, 3, 14)
BACKFILLED = dt.date(2025, 3, 20)
WEEK = [BACKFILLED + dt.timedelta(days=n) for n in range(1, 8)]
MORNING, EVENING = dt.time(8, 0), dt.time(20, 0)


def corrected_articles(site: MockSiteProcess, day: dt.date) -> set[str]:
    """Articles of ``day``'s issue online in the morning and corrected in the afternoon."""
    morning, evening = (
        site.truth(dt.datetime.combine(day, t), papers=[PAPER], since=day, until=day)
        for t in (MORNING, EVENING)
    )
    online = {r["url"] for r in morning if r["kind"] == "article"}
    return {
        r["url"]
        for r in evening
        if r["kind"] == "article" and r.get("revision") == 2 and r["url"] in online
    }


def test_a_week_of_nightly_updates_equals_the_ground_truth_of_each_day(
    archive: tuple[str, Engine],
) -> None:
    url, engine = archive
    with run_mocksite(now=dt.datetime.combine(BACKFILLED, EVENING)) as site:
        backfill = run_epaper(
            site,
            url,
            ["crawl", PAPER, "--since", START.isoformat()],
            today=BACKFILLED.isoformat(),
        )
        assert backfill.returncode == 0, backfill.stderr[-2000:]
        # Every evening a nightly run; on two days with a correction, a morning run too,
        # which finds the issue half uploaded and the article not yet corrected.
        corrections = {day: corrected_articles(site, day) for day in WEEK}
        mornings = [day for day in WEEK if corrections[day]][:2]
        assert mornings, "the week has a corrected article"
        for day in WEEK:
            for time in (MORNING, EVENING) if day in mornings else (EVENING,):
                now = dt.datetime.combine(day, time)
                site.set_clock(now=now)
                site.reset_stats()
                run = run_epaper(site, url, ["update", PAPER], today=day.isoformat())
                assert run.returncode == 0, f"{now}: {run.stderr[-2000:]}"
                truth = site.truth(papers=[PAPER], since=START, until=day)
                result = compare(engine, truth, {PAPER}, START, day)
                assert result.equal, f"{now}:\n{result.report()}"
                todays = [r for r in truth if r.get("date") == day.isoformat()]
                budget = sum(r["kind"] in {"page", "article"} for r in todays) + 3
                requests = sum(
                    n for u, n in site.stats()["by_url"].items() if not u.endswith("robots.txt")
                )
                assert requests <= budget, f"{now}: {requests} requests, budget {budget}"
    expected = set().union(*(corrections[day] for day in mornings))
    with engine.connect() as conn:
        versions = dict(
            conn.execute(
                select(models.Article.url, func.count(models.ArticleVersion.id))
                .join(models.ArticleVersion, models.ArticleVersion.article_id == models.Article.id)
                .group_by(models.Article.url)
            ).all()
        )
    assert versions == dict.fromkeys(expected, 1)
