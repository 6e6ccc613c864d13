"""Time on the mock site: no future issues, today's issue uploaded in halves, corrections."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from mocksite.site import MockSite, SiteOptions
from tests.mocksite.test_truth import BASE, fetch, html_text, issue_truth, visible_text

TODAY = dt.date(2025, 3, 31)


def at(hour: int, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions(base_url=BASE))


@pytest.mark.parametrize(
    "path",
    [
        "/lzcb/content/20250401/IssueIndex.htm",
        "/kjrb/html/2025-04/01/node_2.htm",
        "/kjrb/html/2025-04/period.xml",
        "/gmrb/html/2025-04/01/nbs.D110000gmrb_01.htm",
        "/hbrb/pc/column/202504/01/node_01.html",
    ],
)
def test_dates_after_today_are_404(site: MockSite, path: str) -> None:
    assert site.render(path, at(23)).status == 404
    assert site.render(path, at(12, TODAY + dt.timedelta(days=1))).status == 200


def test_truth_has_no_issue_after_today(site: MockSite) -> None:
    records = list(site.truth(at(23), papers=("dzrb", "hbrb"), since=TODAY - dt.timedelta(2)))
    dates = {r["date"] for r in records if r["kind"] == "issue"}
    assert max(dates) == TODAY.isoformat()


def test_todays_issue_is_published_at_five_and_completed_at_noon(site: MockSite) -> None:
    index = "/hbrb/pc/column/202503/31/node_01.html"
    assert site.render(index, at(4)).status == 404
    assert site.render("/hbrb/pc/column/index.html", at(4)).body.count(b"202503/30") >= 1

    morning = issue_truth_at(site, at(8))
    noon = issue_truth_at(site, at(12))
    (issue_8,) = [r for r in morning if r["kind"] == "issue"]
    (issue_12,) = [r for r in noon if r["kind"] == "issue"]
    assert issue_8["status"] == "partial" and issue_12["status"] == "complete"
    assert 0 < int(issue_8["page_count"]) < int(issue_12["page_count"])  # type: ignore[call-overload]

    early_pages = {r["url"] for r in morning if r["kind"] == "page"}
    late_pages = [r["url"] for r in noon if r["kind"] == "page" and r["url"] not in early_pages]
    assert late_pages
    page_list = ".nav-list li a::text"  # 湖北日报's page list
    listed_8 = Selector(text=html_text(site.render(index, at(8)))).css(page_list).getall()
    listed_12 = Selector(text=html_text(site.render(index, at(12)))).css(page_list).getall()
    assert len(listed_8) == len(early_pages) and len(listed_12) == len(early_pages) + len(
        late_pages
    )
    for url in late_pages:
        assert fetch(site, str(url), at(11)).status == 404
        assert fetch(site, str(url), at(12)).status == 200
    late_articles = [
        r["url"]
        for r in noon
        if r["kind"] == "article"
        and r["url"] not in {a["url"] for a in morning if a["kind"] == "article"}
    ]
    assert late_articles and fetch(site, str(late_articles[0]), at(11)).status == 404


def issue_truth_at(site: MockSite, now: dt.datetime) -> list[dict[str, object]]:
    return [r for r in site.truth(now, papers=("hbrb",), since=TODAY) if r["kind"] != "paper"]


def test_aware_times_are_read_as_china_time(site: MockSite) -> None:
    utc_2am = dt.datetime(2025, 3, 31, 2, 0, tzinfo=dt.UTC)  # 10:00 in Beijing
    path = "/hbrb/pc/column/202503/31/node_01.html"
    assert site.render(path, utc_2am).body == site.render(path, at(10)).body


def test_corrected_article_changes_text_in_the_afternoon_of_its_day(site: MockSite) -> None:
    later = at(12)
    records = list(
        site.truth(later, papers=("rmrb",), since=dt.date(2025, 1, 6), until=dt.date(2025, 1, 12))
    )
    corrected = [r for r in records if r["kind"] == "article" and r["corrected_on"]]
    assert corrected
    record = corrected[0]
    day = dt.date.fromisoformat(str(record["corrected_on"]))
    issue_day = dt.date.fromisoformat(str(record["date"]))
    assert day == issue_day
    before = at(11, day)
    after = at(12, day)
    old = [r for r in issue_truth(site, "rmrb", issue_day, before) if r["url"] == record["url"]]
    new = [r for r in issue_truth(site, "rmrb", issue_day, after) if r["url"] == record["url"]]
    assert old[0]["revision"] == 1 and new[0]["revision"] == 2
    assert old[0]["paragraphs"] != new[0]["paragraphs"] == record["paragraphs"]
    assert old[0]["title"] == new[0]["title"]
    changed = [p for p in new[0]["paragraphs"] if p not in old[0]["paragraphs"]]  # type: ignore[union-attr]
    assert len(changed) == 1
    assert changed[0] not in visible_text(fetch(site, str(record["url"]), before))
    assert changed[0] in visible_text(fetch(site, str(record["url"]), after))
