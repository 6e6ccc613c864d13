"""The mock's rarer byline forms (``QuirkRates.byline_forms``): printed in a few articles, with
the authors the truth gives, and without changing any other article's page."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import cast
from urllib.parse import urlsplit

import pytest

from mocksite.options import QuirkRates
from mocksite.site import MockSite, SiteOptions

NOW = dt.datetime(2025, 3, 31, 15, 0)  # noqa: DTZ001 (the site clock is naive China time)
#: One paper per family, a week each.
DAYS = [
    ("hbrb", dt.date(2025, 3, 10), dt.date(2025, 3, 16)),
    ("lzcb", dt.date(2025, 3, 10), dt.date(2025, 3, 16)),
    ("kjrb", dt.date(2025, 3, 10), dt.date(2025, 3, 16)),
    ("rmrb", dt.date(2024, 11, 10), dt.date(2024, 11, 16)),
]


def _articles(
    site: MockSite, paper: str, since: dt.date, until: dt.date
) -> list[dict[str, object]]:
    records = site.truth(NOW, papers=(paper,), since=since, until=until)
    return [r for r in records if r["kind"] == "article"]


def _page(site: MockSite, url: str) -> str:
    response = site.render(urlsplit(url).path, NOW)
    assert response.status == 200, url
    return response.body.decode("utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(("paper", "since", "until"), DAYS)
def test_rare_forms_appear_with_their_authors_and_leave_other_pages_alone(
    paper: str, since: dt.date, until: dt.date
) -> None:
    site = MockSite(SiteOptions())
    plain = MockSite(SiteOptions(rates=dataclasses.replace(QuirkRates(), byline_forms=0.0)))
    articles = _articles(site, paper, since, until)
    before = {str(r["url"]): r for r in _articles(plain, paper, since, until)}
    forms: set[str] = set()
    changed = 0
    for record in articles:
        url, byline = str(record["url"]), record["byline"]
        authors = [(a["name"], a["role"]) for a in cast(list[dict[str, str]], record["authors"])]
        if record == before[url]:
            if "missing_article" not in cast(list[str], record["quirks"]):
                assert _page(site, url) == _page(plain, url), url
            continue
        changed += 1
        if isinstance(byline, str) and "·" in byline:
            forms.add("dot")
            assert authors[0][1] == "记者"
            assert all("·" not in name for name, _ in authors)
        elif isinstance(byline, str) and byline.startswith("（") and byline.endswith("摄）"):
            forms.add("credit")
            half = len(authors) // 2
            assert [n for n, _ in authors[:half]] == [n for n, _ in authors[half:]]
            assert {r for _, r in authors[half:]} == {"摄影"}
            assert {r for _, r in authors[:half]} <= {"记者", "通讯员"}
        else:
            forms.add("signature")
            assert authors == [(byline, "评论员")]
            assert str(byline).endswith("评论员")
            page = _page(site, url)
            assert f"□ {byline}" in page or f"■ {byline}" in page
    assert forms == {"dot", "credit", "signature"}
    assert 0 < changed < 0.1 * len(articles)
