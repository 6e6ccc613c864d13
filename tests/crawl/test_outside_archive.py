"""Outside the archive: a rolling window, the paper's gone status and a soft-404 page on an
issue index end as dates without an issue (or missing issues) with their reason, never as
failures; the same status inside an issue is still a failure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select, text

from crawler.db import models
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.crawl.conftest import run_epaper
from tests.crawl.truthdb import compare

#: The site's clock: 人民日报 keeps two years, so 2023-06-02 is its oldest issue.
SITE_TODAY = dt.date(2025, 6, 2)

ISSUES, P, F = models.Issue.__table__, models.Paper.__table__, models.FetchFailure.__table__


@pytest.fixture(scope="module")
def site() -> Iterator[MockSiteProcess]:
    with run_mocksite(today=SITE_TODAY) as running:
        yield running


def stored(engine: Engine, paper: str) -> dict[str, tuple[str, str | None]]:
    """date -> (status, none_reason) of the paper's stored issues."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(ISSUES.c.date, ISSUES.c.status, ISSUES.c.none_reason)
            .join(P, P.c.id == ISSUES.c.paper_id)
            .where(P.c.slug == paper)
        ).all()
    return {row.date.isoformat(): (row.status, row.none_reason) for row in rows}


def failures(engine: Engine) -> list[tuple[str, str]]:
    """(kind, reason) of the stored failures, but the mock's listed-but-gone URLs (404)."""
    with engine.connect() as conn:
        rows = conn.execute(select(F.c.kind, F.c.reason)).all()
    return [(r.kind, r.reason) for r in rows if r.reason != "http 404"]


def assert_truth(site: MockSiteProcess, engine: Engine, paper: str, since: str, until: str) -> None:
    truth = site.truth(papers=[paper], since=since, until=until)
    result = compare(
        engine, truth, {paper}, dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    )
    assert result.equal, result.report()
    assert result.counts["article"] > 0


def test_dates_before_the_rolling_window_are_never_requested(
    site: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    url, engine = archive
    site.reset_stats()
    run = run_epaper(
        site,
        url,
        ["crawl", "rmrb", "--since", "2023-05-31", "--until", "2023-06-03"],
        today=SITE_TODAY.isoformat(),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert stored(engine, "rmrb") == {
        "2023-05-31": ("none", "outside window"),
        "2023-06-01": ("none", "outside window"),
        "2023-06-02": ("complete", None),
        "2023-06-03": ("complete", None),
    }
    assert failures(engine) == []
    assert not [u for u in site.stats()["by_url"] if "2023-05/31" in u or "2023-06/01" in u]
    assert "2 dates outside the archive" in run.stdout
    assert_truth(site, engine, "rmrb", "2023-06-02", "2023-06-03")


def test_the_gone_status_on_an_issue_index_is_a_date_outside_the_archive(
    site: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    """The crawl's clock is two days behind the site's: it asks for days the site no longer
    keeps, and the site answers 403 (人民日报's answer beyond its window)."""
    url, engine = archive
    truth = site.truth(papers=["rmrb"], since="2023-05-31", until="2023-06-01")
    assert [(r["reason"], r["status"]) for r in truth if r["kind"] == "unreachable"] == [
        ("outside_window", 403),
        ("outside_window", 403),
    ]
    run = run_epaper(
        site,
        url,
        ["crawl", "rmrb", "--since", "2023-05-31", "--until", "2023-06-02"],
        today="2025-05-31",
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert stored(engine, "rmrb") == {
        "2023-05-31": ("none", "403"),
        "2023-06-01": ("none", "403"),
        "2023-06-02": ("complete", None),
    }
    assert failures(engine) == []
    assert "0 failures" in run.stdout


def test_a_partial_nbs_issue_that_left_the_window_is_missing_with_its_reason(
    site: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    """人民日报's nbs era (to 2024-11-30), stored partial while the site still kept it, is
    retried once the site's two years have passed it (2026-12-01: the whole era answers 403)
    by a run whose clock is a few days behind: missing with the status, no failure."""
    url, engine = archive
    day = "2024-11-28"
    try:
        site.set_clock(now=f"{day}T06:00")  # half uploaded: the run stores it partial
        first = run_epaper(site, url, ["crawl", "rmrb", "--since", day, "--until", day], today=day)
        assert first.returncode == 0, first.stderr[-3000:]
        assert stored(engine, "rmrb") == {day: ("partial", None)}
        site.set_clock(now="2026-12-01T12:00")
        assert site.get("/rmrb/html/2024-11/28/nbs.D110000renmrb_01.htm")[0] == 403
        assert site.get("/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm")[0] == 403
        retry = run_epaper(
            site, url, ["retry", "rmrb", "--since", day, "--until", day], today="2026-11-27"
        )
    finally:
        site.set_clock(now=f"{SITE_TODAY.isoformat()}T12:00")
    assert retry.returncode == 0, retry.stderr[-3000:]
    assert stored(engine, "rmrb") == {day: ("missing", "403")}
    assert failures(engine) == []


def test_a_soft_404_page_on_a_listed_day_is_missing_with_its_reason(
    site: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    """科技日报's calendar lists the days before its cut-off, whose index is a 200 page
    titled 科技网404错误跳转页面!: missing, no failure, and the served days equal the truth."""
    url, engine = archive
    truth = site.truth(papers=["kjrb"], since="2023-05-30", until="2023-05-31")
    assert [r.get("soft_404") for r in truth if r["kind"] == "unreachable"] == [True, True]
    run = run_epaper(
        site,
        url,
        ["crawl", "kjrb", "--since", "2023-05-30", "--until", "2023-06-02"],
        today=SITE_TODAY.isoformat(),
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert stored(engine, "kjrb") == {
        "2023-05-30": ("missing", "soft-404"),
        "2023-05-31": ("missing", "soft-404"),
        "2023-06-01": ("complete", None),
        "2023-06-02": ("complete", None),
    }
    assert failures(engine) == []
    with engine.connect() as conn:
        coverage = conn.execute(
            text(
                "SELECT coverage, reason FROM issue_coverage "
                "WHERE paper = 'kjrb' AND date < '2023-06-01' ORDER BY date"
            )
        ).all()
    assert [tuple(row) for row in coverage] == [("missing", "soft-404")] * 2
    assert_truth(site, engine, "kjrb", "2023-06-01", "2023-06-02")


@pytest.fixture(scope="module")
def forbidding_site() -> Iterator[MockSiteProcess]:
    """Some URLs answer 403 for good, inside issues as well as at their index."""
    with run_mocksite(today=SITE_TODAY, faults="403!:0.08", fault_seed=5) as running:
        yield running


def test_the_gone_status_inside_an_issue_is_still_a_failure(
    forbidding_site: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    url, engine = archive
    run = run_epaper(
        forbidding_site,
        url,
        ["crawl", "rmrb", "--since", "2024-11-29", "--until", "2024-12-02"],
        today=SITE_TODAY.isoformat(),
        settings=["EPAPER_MAX_FAILURE_RATIO=1"],
    )
    assert run.returncode == 0, run.stderr[-3000:]
    issues = stored(engine, "rmrb")
    inside = [kind for kind, reason in failures(engine) if reason == "http 403"]
    assert inside, "403s inside the issues were recorded as failures"
    assert set(inside) <= {"page", "article"}
    assert "partial" in {status for status, _ in issues.values()}
    # An index that answers 403 is a date outside the archive, never a failed issue (a
    # day off of the mock answers 404).
    assert all(reason in (None, "403", "404") for _, reason in issues.values()), issues
    assert "issue" not in {kind for kind, _ in failures(engine)}
    assert len(issues) == 4
