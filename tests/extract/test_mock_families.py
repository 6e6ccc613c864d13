"""The Founder-made families against the mock site's ground truth, field by field.

The mock site renders in-process; the real registry entries, repointed at it with the host
override, give the entry URLs. One issue per paper (two for 人民日报, one on each side of its
template change), every page and every article of it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from crawler.encoding import charset_from_content_type, decode_html
from crawler.extract import founder
from crawler.extract.families import get_family
from crawler.extract.parts import merge_parts
from crawler.items import Article, to_jsonable
from crawler.registry import load_registry
from mocksite.site import MockSite, SiteOptions

MOCK = "http://127.0.0.1:8000"
OVERRIDE = MOCK + "/{slug}/"
NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Beijing

#: (paper, issue date): chosen so that together they show every quirk of these families
#: (parts, continued articles, duplicates, photo-only articles, corrections, GBK, wire copy).
ISSUES = [
    ("rmrb", "2024-11-30"),
    ("rmrb", "2024-12-01"),
    ("gmrb", "2025-03-05"),
    ("kjrb", "2025-03-05"),
    ("jjjcb", "2018-03-05"),
    ("jxrb", "2022-11-29"),  # the old host
    ("jxrb", "2025-03-05"),  # the navi.xml variant
    ("hbrb", "2025-03-05"),
]


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions(base_url=MOCK))


def fetch(site: MockSite, url: str) -> Selector:
    response = site.render(urlsplit(url).path, NOW)
    assert response.status == 200, url
    charset = charset_from_content_type(response.content_type)
    return Selector(text=decode_html(response.body, charset))


def records(site: MockSite, slug: str, day: dt.date, kind: str) -> list[dict[str, Any]]:
    found = site.truth(NOW, papers=(slug,), since=day, until=day)
    return [r for r in found if r["kind"] == kind]


def mismatches(got: dict[str, Any], want: dict[str, Any], where: str) -> Iterator[str]:
    for key, value in got.items():
        if key in want and want[key] != value:
            yield f"{where} {key}: expected {want[key]!r}, got {value!r}"


def extract_whole_article(site: MockSite, family: str, url: str) -> Article:
    """The article as the crawl stores it: a long classic article's parts joined."""
    extractor = get_family(family)
    article = extractor.extract_article(fetch(site, url), url)
    parts = [c.url for c in article.continuations if c.kind == "part" and c.url]
    for part_url in parts:
        article = merge_parts(article, extractor.extract_article(fetch(site, part_url), part_url))
    return article


@pytest.mark.parametrize(("slug", "day"), ISSUES)
def test_issue_page_and_article_fields_match_the_truth(site: MockSite, slug: str, day: str) -> None:
    date = dt.date.fromisoformat(day)
    paper = load_registry().get(slug)
    family = paper.era_for(date).family
    extractor = get_family(family)
    (issue_record,) = records(site, slug, date, "issue")
    url = paper.issue_url(date, OVERRIDE)
    assert url == issue_record["url"], "the registry and the mock disagree on the entry path"

    problems: list[str] = []
    issue = extractor.extract_issue(fetch(site, url), url)
    page_records = records(site, slug, date, "page")
    assert issue.date == date
    assert [(p.order, p.number, p.name, p.url) for p in issue.pages] == [
        (r["order"], r["number"], r["name"], r["url"]) for r in page_records
    ]

    articles = records(site, slug, date, "article")
    for record in page_records:
        if not record["reachable"]:
            continue
        page = extractor.extract_page(fetch(site, record["url"]), record["url"])
        problems += mismatches(to_jsonable(page), record, f"page {record['number']}")
        on_page = sorted(
            (a for a in articles if a["page_number"] == record["number"]), key=lambda a: a["order"]
        )
        listed = [(a.url, a.title) for a in page.articles]
        known = [(a["url"], a["title"]) for a in on_page]
        # A listed article that answers 404 has no record; the others keep their order.
        if [entry for entry in listed if entry in known] != known:
            problems.append(f"page {record['number']} articles: expected {known}, got {listed}")
        if len(listed) != record["listed_count"]:
            problems.append(
                f"page {record['number']}: {len(listed)} links, not {record['listed_count']}"
            )

    for record in articles:
        article = extract_whole_article(site, family, record["url"])
        problems += mismatches(to_jsonable(article), record, record["url"])
    assert not problems, "\n".join(problems[:20])


def test_founder_calendar_lists_the_days_with_an_issue(site: MockSite) -> None:
    paper = load_registry().get("kjrb")
    march = dt.date(2025, 3, 1)
    url = founder.calendar_url(paper.root_url(march, OVERRIDE), 2025, 3)
    response = site.render(urlsplit(url).path, NOW)
    assert response.status == 200
    days = founder.parse_calendar(response.body.decode("utf-8"), url)
    issues = [
        r
        for r in site.truth(NOW, papers=("kjrb",), since=march, until=dt.date(2025, 3, 31))
        if r["kind"] == "issue"
    ]
    assert days == tuple(dt.date.fromisoformat(r["date"]) for r in issues)
    assert all(day.weekday() < 5 for day in days)  # 科技日报 publishes on weekdays
