"""The analysts' views on a crawled archive agree with the mock site's ground truth."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import text

from crawler.db.analysis import as_date
from tests.analysis.conftest import Archive, day

# One worker crawls the archive once per backend (package fixture) and runs them all.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("analysis")]


def coverage(archive: Archive) -> dict[tuple[str, dt.date], tuple[str, str | None, int | None]]:
    with archive.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT paper, date, coverage, reason, published FROM issue_coverage")
        ).all()
    found: dict[tuple[str, dt.date], tuple[str, str | None, int | None]] = {}
    for row in rows:
        key = (row.paper, as_date(row.date))
        assert key not in found, f"two rows for {key}"
        found[key] = (row.coverage, row.reason, row.published)
    return found


def test_issue_coverage_has_one_row_per_paper_and_date_agreeing_with_the_truth(
    crawled: Archive,
) -> None:
    rows = coverage(crawled)
    for paper, dates in crawled.crawled.items():
        first, last = min(dates), max(dates)
        span = {first + dt.timedelta(days=n) for n in range((last - first).days + 1)}
        assert {d for p, d in rows if p == paper} == span, paper
        published = crawled.issue_dates(paper)
        for date in sorted(span):
            state, _reason, flag = rows[(paper, date)]
            if date not in dates:
                assert (state, flag) == ("not crawled", None), (paper, date)
            elif date in published:
                assert flag == 1 and state in {"complete", "partial"}, (paper, date, state)
            else:
                assert (state, flag) == ("no issue", 0), (paper, date, state)
    # How each date without an issue was known.
    assert rows[("kjrb", day("2025-02-22"))][:2] == ("no issue", "calendar")
    assert rows[("lzcb", day("2021-10-06"))][:2] == ("no issue", "404")
    assert rows[("lzcb", day("2021-10-22"))][:2] == ("no issue", "404")
    assert rows[("hbrb", day("2023-02-10"))][:2] == ("no issue", "outside window")
    # The issues whose pages or articles the site answered with 503 are partial, and why.
    partial = {(p, d) for (p, d), (state, _, _) in rows.items() if state == "partial"}
    failed = {("lzcb", d) for d in crawled.failed_days.get("lzcb", set())}
    assert failed, "the faults were injected"
    assert partial == failed
    assert all("http 503" in str(rows[key][1]) for key in partial)


def test_every_continuation_is_one_story_and_stories_per_day_equal_the_truth(
    crawled: Archive,
) -> None:
    by_url = {r["url"]: r for r in crawled.articles()}
    partial = {(p, d.isoformat()) for p, days in crawled.failed_days.items() for d in days}
    tails = [t for t in crawled.tails() if (t["paper"], t["date"]) not in partial]
    assert tails, "the crawled days have stories continued on another page"
    with crawled.engine.connect() as conn:
        ids = dict(conn.execute(text("SELECT url, article_id FROM article_full")).all())
        story_of = dict(conn.execute(text("SELECT article_id, story_id FROM article_full")).all())
        stories = conn.execute(
            text("SELECT paper, date, story_id, part_count, pages, title FROM stories")
        ).all()
    heads = {}
    for tail in tails:
        head = crawled.head_of(tail)
        heads[head["url"]] = tail
        assert story_of[ids[tail["url"]]] == ids[head["url"]], tail["url"]
        assert story_of[ids[head["url"]]] == ids[head["url"]]
    by_story = {row.story_id: row for row in stories}
    for head_url, tail in heads.items():
        row = by_story[ids[head_url]]
        assert row.part_count == 2
        assert row.pages == f"{by_url[head_url]['page_number']},{tail['page_number']}"
    # Stories per paper and day of a complete issue: every article but the rests of stories.
    want = Counter(
        (r["paper"], r["date"])
        for r in crawled.articles()
        if "continuation" not in r["quirks"] and (r["paper"], r["date"]) not in partial
    )
    got = Counter(
        key for row in stories if (key := (row.paper, as_date(row.date).isoformat())) not in partial
    )
    assert got == want
