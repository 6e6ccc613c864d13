"""Every question of docs/sql-cookbook.md, on both backends, against the crawled archive."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from crawler.datasette import cookbook_queries
from crawler.db.analysis import as_date
from tests.analysis.conftest import Archive

# One worker crawls the archive once per backend (package fixture) and runs them all.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("analysis")]

COOKBOOK = Path(__file__).resolve().parents[2] / "docs" / "sql-cookbook.md"
QUERIES = {q.name: q for q in cookbook_queries(COOKBOOK.read_text(encoding="utf-8"))}


def run(archive: Archive, name: str, **params: Any) -> list[Any]:
    query = QUERIES[name]
    sql = query.sqlite if archive.dialect == "sqlite" else query.postgresql
    with archive.engine.connect() as conn:
        return list(conn.execute(text(sql), params).all())


def iso(value: Any) -> str:
    return as_date(value).isoformat()


def complete_days(archive: Archive) -> set[tuple[str, str]]:
    partial = {(p, d.isoformat()) for p, days in archive.failed_days.items() for d in days}
    return {
        (r["paper"], r["date"])
        for r in archive.truth
        if r["kind"] == "issue" and (r["paper"], r["date"]) not in partial
    }


def test_the_cookbook_has_every_question_of_the_issue() -> None:
    assert set(QUERIES) == {
        "front_pages", "authors_about", "articles_per_day", "articles_per_page", "duplicates",
        "reprints", "incomplete_issues", "coverage_per_month", "stories_across_pages",
        "search_filtered",
    }  # fmt: skip


def test_front_pages(crawled: Archive) -> None:
    order = crawled.page_order()
    want = sorted(
        (r["order"], r["title"])
        for r in crawled.articles("kjrb")
        if r["date"] == "2025-02-24" and order[("kjrb", r["date"], r["page_number"])] == 1
    )
    rows = run(crawled, "front_pages", paper="kjrb", date="2025-02-24")
    assert want
    assert [(r.article_order, r.title) for r in rows] == want


def _contains(record: dict[str, Any], q: str) -> bool:
    return q in record["title"] or q in "\n".join(record["paragraphs"])


def test_authors_about(crawled: Archive) -> None:
    q = "科技"
    counts: Counter[tuple[str, str]] = Counter()
    for r in crawled.articles():
        if _contains(r, q):
            for author in {(a["name"], a["role"]) for a in r["authors"]}:
                if author[1] != "通讯社":
                    counts[author] += 1
    rows = run(crawled, "authors_about", q=q)
    assert len(rows) == min(10, len(counts)) and rows
    # The ranking; names of equal counts sort by each database's collation.
    assert [r.articles for r in rows] == sorted(counts.values(), reverse=True)[: len(rows)]
    assert all(counts[(r.name, r.role)] == r.articles for r in rows)


def test_articles_per_day(crawled: Archive) -> None:
    whole = complete_days(crawled)
    articles = Counter(r["date"] for r in crawled.articles("lzcb"))
    stories = Counter(
        r["date"] for r in crawled.articles("lzcb") if "continuation" not in r["quirks"]
    )
    rows = {iso(r.date): (r.articles, r.stories) for r in run(crawled, "articles_per_day",
                                                              paper="lzcb")}  # fmt: skip
    assert set(rows) == set(articles)
    for date, counts in rows.items():
        if ("lzcb", date) in whole:
            assert counts == (articles[date], stories[date]), date


def test_articles_per_page(crawled: Archive) -> None:
    names = {(r["date"], r["number"]): r["name"] for r in crawled.truth if r["kind"] == "page"
             and r["paper"] == "kjrb"}  # fmt: skip
    days: defaultdict[tuple[str, str | None], set[str]] = defaultdict(set)
    articles: Counter[tuple[str, str | None]] = Counter()
    for r in crawled.articles("kjrb"):
        key = (r["page_number"], names[(r["date"], r["page_number"])])
        days[key].add(r["date"])
        articles[key] += 1
    rows = run(crawled, "articles_per_page", paper="kjrb")
    assert {(r.page_number, r.page_name): (r.days, r.articles) for r in rows} == {
        key: (len(days[key]), articles[key]) for key in articles
    }


def test_duplicates(crawled: Archive) -> None:
    by_url = {r["url"]: r for r in crawled.articles()}
    whole = complete_days(crawled)
    want = {
        (r["paper"], r["date"], r["page_number"], r["title"], by_url[r["duplicate_of"]]
         ["page_number"], r["duplicate_of"])
        for r in by_url.values()
        if r["duplicate_of"] and (r["paper"], r["date"]) in whole
    }  # fmt: skip
    rows = run(crawled, "duplicates")
    got = {(r.paper, iso(r.date), r.page_number, r.title, r.original_page, r.original_url)
           for r in rows}  # fmt: skip
    assert want
    assert {g for g in got if (g[0], g[1]) in whole} == want


def test_reprints(crawled: Archive) -> None:
    # The same visible text in more than one issue: none on the mock site's days, where
    # every text is drawn for its own issue; a copy stored in two issues is found.
    def text_of(r: dict[str, Any]) -> str:
        # What crawler.db.store.content_hash digests.
        visible = {k: r[k] for k in ("kicker", "title", "subtitle", "byline", "authors",
                                     "dateline", "paragraphs")}  # fmt: skip
        visible["captions"] = [image["caption"] for image in r["images"]]
        return json.dumps(visible, ensure_ascii=False, sort_keys=True)

    issues: defaultdict[str, set[tuple[str, str]]] = defaultdict(set)
    for r in crawled.articles():
        issues[text_of(r)].add((r["paper"], r["date"]))
    want = sorted(len(v) for v in issues.values() if len(v) > 1)
    rows = run(crawled, "reprints")
    assert sorted(r.copies for r in rows) == want


def test_incomplete_issues(crawled: Archive) -> None:
    rows = run(crawled, "incomplete_issues")
    want = {("lzcb", d.isoformat()) for d in crawled.failed_days["lzcb"]}
    assert {(r.paper, iso(r.date)) for r in rows} == want
    assert all(r.coverage == "partial" and "http 503" in r.reason for r in rows)


def test_coverage_per_month(crawled: Archive) -> None:
    want: defaultdict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    partial = {("lzcb", d) for d in crawled.failed_days["lzcb"]}
    for paper, dates in crawled.crawled.items():
        published = crawled.issue_dates(paper)
        first, last = min(dates), max(dates)
        for n in range((last - first).days + 1):
            date = first + dt.timedelta(days=n)
            if date not in dates:
                state = "not_crawled"
            elif date not in published:
                state = "no_issue"
            else:
                state = "incomplete" if (paper, date) in partial else "complete"
            want[(paper, date.isoformat()[:7])][state] += 1
    rows = run(crawled, "coverage_per_month")
    got = {
        (r.paper, r.month): Counter(
            {k: v for k, v in r._mapping.items() if k not in {"paper", "month"} and v}
        )
        for r in rows
    }
    assert got == want


def test_stories_across_pages(crawled: Archive) -> None:
    want = set()
    for tail in crawled.tails():
        head = crawled.head_of(tail)
        pages = f"{head['page_number']},{tail['page_number']}"
        want.add((head["paper"], head["date"], head["title"], pages))
    rows = run(crawled, "stories_across_pages")
    assert want
    assert {(r.paper, iso(r.date), r.title, r.pages) for r in rows} == want
    assert all(r.part_count == 2 for r in rows)


def test_search_filtered(crawled: Archive) -> None:
    q = "记者"
    want = sorted(
        (r["date"], r["page_number"], r["title"])
        for r in crawled.articles("kjrb")
        if "2025-02-19" <= r["date"] <= "2025-02-21" and _contains(r, q)
    )
    rows = run(crawled, "search_filtered", paper="kjrb", since="2025-02-19",
               until="2025-02-21", q=q)  # fmt: skip
    assert want
    assert sorted((iso(r.date), r.page_number, r.title) for r in rows) == want
