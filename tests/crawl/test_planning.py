"""Planning a run from its arguments and the database's state, and parsing the arguments."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.db.queries import StoredIssue
from crawler.params import ArgumentError, CrawlParams, Mode
from crawler.planning import plan_paper
from crawler.registry import load_registry

TODAY = dt.date(2025, 3, 31)
REGISTRY = load_registry()


def stored(*entries: tuple[str, str]) -> dict[dt.date, StoredIssue]:
    return {
        dt.date.fromisoformat(d): StoredIssue(dt.date.fromisoformat(d), status, "u")
        for d, status in entries
    }


def params(mode: Mode = Mode.CRAWL, **kw: object) -> CrawlParams:
    return CrawlParams.from_arguments({"paper": "lzcb", "mode": mode.value, **kw}, today=TODAY)


def test_backfill_skips_complete_and_missing_issues_and_refetches_partial_ones() -> None:
    paper = REGISTRY.get("lzcb")
    p = params(since="2021-10-18", until="2021-10-22")
    plan = plan_paper(
        p,
        paper,
        stored(("2021-10-19", "complete"), ("2021-10-20", "partial"), ("2021-10-21", "missing")),
    )
    assert [d.day for d in plan.dates] == [18, 20, 22]
    assert plan.calendar_months == ()


def test_calendar_families_are_planned_by_month() -> None:
    paper = REGISTRY.get("kjrb")
    p = CrawlParams.from_arguments(
        {"paper": "kjrb", "since": "2025-01-30", "until": "2025-03-02"}, today=TODAY
    )
    plan = plan_paper(p, paper, stored(("2025-02-03", "complete")))
    assert plan.dates == ()
    assert plan.calendar_months == ((2025, 1), (2025, 2), (2025, 3))
    assert plan.wants(dt.date(2025, 2, 4))
    assert not plan.wants(dt.date(2025, 2, 3))  # complete already
    assert not plan.wants(dt.date(2025, 3, 3))  # outside the range


def test_a_paper_that_switched_family_is_planned_per_era() -> None:
    paper = REGISTRY.get("rmrb")
    p = CrawlParams.from_arguments(
        {"paper": "rmrb", "since": "2024-11-29", "until": "2024-12-02"}, today=TODAY
    )
    plan = plan_paper(p, paper, {})
    assert [d.isoformat() for d in plan.dates] == [
        "2024-11-29",
        "2024-11-30",
        "2024-12-01",
        "2024-12-02",
    ]
    assert paper.era_for(plan.dates[1]).family == "peoples_daily"
    assert paper.era_for(plan.dates[2]).family == "founder_pc"


def test_the_range_is_bounded_by_the_archive_and_today() -> None:
    paper = REGISTRY.get("lzcb")
    p = params(since="1990-01-01", until="2030-01-01")
    assert p.range_for(paper) == (paper.first_issue, TODAY)


@pytest.mark.parametrize(
    ("newest", "status", "expected"),
    [
        ("2025-03-29", "complete", ["2025-03-30", "2025-03-31"]),
        ("2025-03-29", "partial", ["2025-03-29", "2025-03-30", "2025-03-31"]),
        ("2025-03-31", "complete", ["2025-03-31"]),  # today's: pages and corrections may come
        ("2025-03-31", "partial", ["2025-03-31"]),
    ],
)
def test_update_rechecks_the_newest_issue_only_while_it_may_change(
    newest: str, status: str, expected: list[str]
) -> None:
    paper = REGISTRY.get("lzcb")
    history = stored(("2025-03-01", "partial"), (newest, status))
    plan = plan_paper(params(Mode.UPDATE), paper, history)
    assert [d.isoformat() for d in plan.dates] == expected
    assert dt.date(2025, 3, 1) in plan.skip  # an older partial issue is retry's business


def test_update_of_an_empty_archive_fetches_today_and_says_why() -> None:
    plan = plan_paper(params(Mode.UPDATE), REGISTRY.get("lzcb"), {})
    assert plan.dates == (TODAY,)
    assert plan.note is not None and "epaper crawl" in plan.note


def test_retry_plans_only_partial_issues() -> None:
    history = stored(
        ("2021-10-19", "complete"), ("2021-10-20", "partial"), ("2021-10-21", "missing")
    )
    plan = plan_paper(params(Mode.RETRY), REGISTRY.get("lzcb"), history)
    assert plan.dates == (dt.date(2021, 10, 20),)


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"paper": "nope"}, "paper: unknown paper 'nope'"),
        ({"paper": ""}, "paper: name at least one paper"),
        ({"paper": "lzcb", "since": "2021-10-32"}, "since: '2021-10-32' is not a date"),
        (
            {"paper": "lzcb", "since": "2021-10-31", "until": "2021-10-01"},
            "since 2021-10-31 is after until",
        ),
        ({"paper": "lzcb", "mode": "fast"}, "mode: 'fast' is not one of crawl, update, retry"),
        ({"paper": "lzcb", "sinse": "2021-10-01"}, "unknown argument 'sinse'"),
    ],
)
def test_bad_arguments_are_one_line_errors(arguments: dict[str, str], message: str) -> None:
    with pytest.raises(ArgumentError) as excinfo:
        CrawlParams.from_arguments(arguments, today=TODAY)
    assert message in str(excinfo.value)
    assert "\n" not in str(excinfo.value)


def test_several_papers_and_all() -> None:
    two = CrawlParams.from_arguments({"paper": "lzcb,rmrb"}, today=TODAY)
    assert {p.slug for p in two.papers} == {"lzcb", "rmrb"}
    every = CrawlParams.from_arguments({"paper": "all"}, today=TODAY)
    assert len(every.papers) == len(REGISTRY)


def test_a_retry_wants_only_its_partial_dates_never_the_complete_ones_between() -> None:
    paper = REGISTRY.get("lzcb")
    plan = plan_paper(
        params(Mode.RETRY),
        paper,
        stored(("2021-10-19", "partial"), ("2021-10-20", "complete"), ("2021-10-22", "partial")),
    )
    assert [d.day for d in plan.dates] == [19, 22]
    # 上一期/下一期 of a partial issue lead to the complete one: it is not fetched.
    assert not plan.wants(dt.date(2021, 10, 20))
    assert not plan.wants(dt.date(2021, 10, 21))
    assert plan.wants(dt.date(2021, 10, 22))
    assert plan.partial == {dt.date(2021, 10, 19), dt.date(2021, 10, 22)}


def test_dates_without_an_issue_are_asked_again_by_a_backfill_and_ignored_by_the_update() -> None:
    paper = REGISTRY.get("lzcb")
    backfill = plan_paper(
        params(since="2021-10-18", until="2021-10-20"),
        paper,
        stored(("2021-10-18", "complete"), ("2021-10-19", "none")),
    )
    assert [d.day for d in backfill.dates] == [19, 20]  # a late upload is found
    # The newest issue is the partial one before the day without issue: it is checked again.
    update = plan_paper(
        params(Mode.UPDATE),
        paper,
        stored(("2025-03-28", "complete"), ("2025-03-29", "partial"), ("2025-03-30", "none")),
    )
    assert update.dates[0] == dt.date(2025, 3, 29)
