"""What the mock site serves: deterministic bytes, the seed page, encodings, eras and quirks."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import pytest
from parsel import Selector

from mocksite.seed import REPO_ROOT
from mocksite.site import MockResponse, MockSite, SiteOptions
from tests.mocksite.test_truth import (
    BASE,
    NOW,
    fetch,
    html_text,
    issue_truth,
    links,
    visible_text,
)

SEED_FILE = REPO_ROOT.parent / "shared" / "seed" / "000_c2c7fcfff5388598.txt"

#: One issue index, page, article and asset per family, as paths on the mock host.
SAMPLE_PATHS = (
    "/lzcb/content/PaperIndex.htm",
    "/lzcb/content/20211020/IssueIndex.htm",
    "/dzrb/content/20250303/IssueIndex.htm",
    "/kjrb/html/2025-03/03/node_2.htm",
    "/kjrb/html/2025-03/period.xml",
    "/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/29/node_189.htm",
    "/jxrb/html/2025-03/03/node_3.htm",
    "/jxrb/html/2025-03/navi.xml",
    "/rmrb/html/2024-11/20/nbs.D110000renmrb_01.htm",
    "/gmrb/html/2025-03/05/nbs.D110000gmrb_02.htm",
    "/rmrb/pc/layout/202503/03/node_01.html",
    "/hbrb/pc/column/202503/04/node_02.html",
)


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions(base_url=BASE))


def article_urls(site: MockSite, slug: str, date: dt.date) -> list[str]:
    return [str(r["url"]) for r in issue_truth(site, slug, date) if r["kind"] == "article"]


def sample_paths(site: MockSite) -> list[str]:
    paths = list(SAMPLE_PATHS)
    for slug, date in (("kjrb", "2025-03-03"), ("rmrb", "2024-11-20"), ("hbrb", "2025-03-04")):
        urls = article_urls(site, slug, dt.date.fromisoformat(date))
        paths += [url.removeprefix(BASE) for url in urls[:3]]
    return paths


def test_same_seed_serves_the_same_bytes(site: MockSite) -> None:
    other = MockSite(SiteOptions(base_url=BASE))
    for path in sample_paths(site):
        first, second = site.render(path, NOW), other.render(path, NOW)
        assert first.status == 200, path
        assert (first.headers, first.body) == (second.headers, second.body), path


def test_another_seed_serves_other_articles(site: MockSite) -> None:
    other = MockSite(SiteOptions(seed=1, base_url=BASE))
    # IssueIndex.htm is the same refresh stub whatever the seed.
    paths = [p for p in sample_paths(site) if "content" in p and "IssueIndex" not in p]
    differing = [p for p in paths if site.render(p, NOW).body != other.render(p, NOW).body]
    assert len(differing) >= len(paths) - 1  # an index may 404 on a holiday of the other seed


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/nosuchpaper/content/PaperIndex.htm",
        "/lzcb",
        "/lzcb/content/20211020/Page99ZZ.htm",
        "/lzcb/content/20211020/Articel05009SS.htm",
        "/lzcb/content/20211020/ArticelXX.htm",
        "/kjrb/html/2025-03/03/node_99.htm",
        "/kjrb/html/2025-03/03/content_1.htm",
        "/kjrb/html/2025-13/period.xml",
        "/rmrb/html/2024-11/20/nbs.D110000renmrb_77.htm",
        "/hbrb/pc/content/202503/04/content_abc.html",
        "/hbrb/pc/column/202503/04/node_01.htm",
    ],
)
def test_unknown_paths_answer_404(site: MockSite, path: str) -> None:
    response = site.render(path, NOW)
    assert response.status == 404
    assert "text/html" in response.content_type


def test_page_with_wrong_letters_is_404(site: MockSite) -> None:
    (page,) = [
        r
        for r in issue_truth(site, "lzcb", dt.date(2021, 10, 20))
        if r["kind"] == "page" and r["number"] == "05"
    ]
    url = str(page["url"])
    assert fetch(site, url).status == 200
    wrong = url[:-6] + ("AA" if not url.endswith("AA.htm") else "BB") + ".htm"
    assert fetch(site, wrong).status == 404


@pytest.mark.skipif(not SEED_FILE.exists(), reason="../shared/seed is absent")
def test_seed_article_page_shows_the_seed_lines_in_order(site: MockSite) -> None:
    records = issue_truth(site, "lzcb", dt.date(2021, 10, 20))
    (seed,) = [r for r in records if r["kind"] == "article" and "seed" in r["quirks"]]  # type: ignore[operator]
    text = visible_text(fetch(site, str(seed["url"])))
    position = 0
    lines = [line.split() for line in SEED_FILE.read_text(encoding="utf-8").splitlines()]
    for words in lines:
        if not words:
            continue
        line = " ".join(words)
        found = text.find(line, position)
        assert found >= 0, f"seed line not shown (in order): {line[:40]}"
        position = found + len(line)


@pytest.mark.skipif(not SEED_FILE.exists(), reason="../shared/seed is absent")
def test_seed_page_and_article_truth(site: MockSite) -> None:
    records = issue_truth(site, "lzcb", dt.date(2021, 10, 20))
    (page,) = [r for r in records if r["kind"] == "page" and r["number"] == "05"]
    assert page["name"] == "淄博" and page["article_count"] == 4
    on_page = [r for r in records if r["kind"] == "article" and r["page_number"] == "05"]
    seed_lines = SEED_FILE.read_text(encoding="utf-8").splitlines()
    titles = [line[1:].strip() for line in seed_lines if line.startswith("·")]
    assert [r["title"] for r in on_page] == titles
    seed = on_page[-1]
    assert seed["kicker"] == seed_lines[23].strip() and seed["title"] == titles[-1]
    assert seed["subtitle"] is None and seed["byline"] == " ".join(seed_lines[26].split())
    assert seed["authors"] == [
        {"name": "刘文思", "role": "记者"},
        {"name": "刘刚", "role": "通讯员"},
        {"name": "周赤诚", "role": "通讯员"},
    ]
    assert seed["dateline"] == {
        "text": "淄博10月19日",
        "place": "淄博",
        "month": 10,
        "day": 19,
        "agency": None,
    }
    paragraphs = seed["paragraphs"]
    assert isinstance(paragraphs, list)
    assert paragraphs[1].startswith("淄博10月19日讯 ")
    subheads = [line.strip() for line in seed_lines[28:52] if line and not line[0].isspace()]
    assert len(subheads) == 2 and all(s in paragraphs for s in subheads)
    assert not any(p.startswith("大众日报淄博融媒体中心记者") for p in paragraphs)
    assert seed["prev_url"] == on_page[-2]["url"] and seed["next_url"] is None


def test_seed_page_is_generated_without_the_seed_file(tmp_path: Path) -> None:
    site = MockSite(SiteOptions(base_url=BASE, seed_file=str(tmp_path / "absent.txt")))
    records = issue_truth(site, "lzcb", dt.date(2021, 10, 20))
    (page,) = [r for r in records if r["kind"] == "page" and r["number"] == "05"]
    assert page["name"] == "淄博" and page["reachable"]
    articles = [r for r in records if r["kind"] == "article" and r["page_number"] == "05"]
    assert articles and not any("seed" in r["quirks"] for r in articles)  # type: ignore[operator]
    assert fetch(site, str(articles[0]["url"])).status == 200


def test_gbk_paper_serves_gbk_bytes_with_letter_pages(site: MockSite) -> None:
    response = site.render("/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/29/node_187.htm", NOW)
    assert response.content_type == "text/html; charset=GBK"
    with pytest.raises(UnicodeDecodeError):
        response.body.decode("utf-8")
    text = response.body.decode("gbk")
    assert "charset=gb2312" in text
    labels = Selector(text=text).css("td a#pageLink::text").getall()
    assert labels[0] == "第A01版：头版" and labels[4].startswith("第B01版")


def test_meta_charset_quirk_keeps_utf8_header_and_bytes(site: MockSite) -> None:
    records = issue_truth(site, "dzrb", dt.date(2025, 3, 3))
    quirky = [r for r in records if "meta_charset" in r.get("quirks", [])]  # type: ignore[operator]
    assert quirky
    response = fetch(site, str(quirky[0]["url"]))
    assert response.content_type == "text/html; charset=utf-8"
    text = response.body.decode("utf-8")
    assert "charset=gb2312" in text and "charset=utf-8" not in text


def test_query_strings_do_not_change_the_article(site: MockSite) -> None:
    url = article_urls(site, "kjrb", dt.date(2025, 3, 3))[0]
    plain = fetch(site, url)
    assert plain.status == 200
    assert fetch(site, url + "?div=-1").body == plain.body == fetch(site, url + "?div=0").body


def test_long_founder_article_is_split_into_parts(site: MockSite) -> None:
    records = issue_truth(site, "kjrb", dt.date(2024, 11, 27)) + issue_truth(
        site, "jjjcb", dt.date(2018, 3, 6)
    )
    parted = [
        r
        for r in records
        if r["kind"] == "article" and "parts" in r["quirks"] and "continued" not in r["quirks"]  # type: ignore[operator]
    ]
    assert parted
    record = parted[0]
    (part,) = record["continuations"]  # type: ignore[misc]
    assert part["kind"] == "part" and part["url"].endswith("_2.htm")
    shown = []
    for url in (record["url"], part["url"]):
        response = fetch(site, str(url))
        body = Selector(text=html_text(response)).css("#ozoom p")
        shown += [" ".join("".join(p.css("::text").getall()).split()) for p in body]
    assert shown == record["paragraphs"]
    assert fetch(site, str(part["url"]).replace("_2.htm", "_3.htm")).status == 404


def test_broken_template_hides_articles_from_extractors() -> None:
    site = MockSite(SiteOptions(base_url=BASE, broken_template=frozenset({"lzcb", "kjrb"})))
    normal = MockSite(SiteOptions(base_url=BASE))
    day = dt.date(2021, 10, 20)
    page = next(str(r["url"]) for r in issue_truth(site, "lzcb", day) if r["kind"] == "page")
    broken, fine = fetch(site, page), fetch(normal, page)
    assert broken.status == fine.status == 200
    assert Selector(text=html_text(fine)).css("#TitleList a")
    assert not Selector(text=html_text(broken)).css("#TitleList a")
    assert not [u for u in links(page, broken) if "Articel" in u]
    article = article_urls(site, "lzcb", day)[0]
    assert not Selector(text=html_text(fetch(site, article))).css("#contenttext")
    kjrb = fetch(site, "/kjrb/html/2025-03/03/node_2.htm")
    assert not Selector(text=html_text(kjrb)).css("map[name=PagePicMap] area, a#pageLink")
    assert issue_truth(site, "lzcb", day) == issue_truth(normal, "lzcb", day)
    assert (
        fetch(site, "/dzrb/content/20250303/IssueIndex.htm").body
        == fetch(normal, "/dzrb/content/20250303/IssueIndex.htm").body
    )


def test_rmrb_switches_template_on_2024_12_01(site: MockSite) -> None:
    old_last = "/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm"
    new_first = "/rmrb/pc/layout/202412/01/node_01.html"
    assert site.render(old_last, NOW).status == 200
    assert site.render(new_first, NOW).status == 200
    assert site.render("/rmrb/html/2024-12/01/nbs.D110000renmrb_01.htm", NOW).status == 404
    assert site.render("/rmrb/pc/layout/202411/30/node_01.html", NOW).status == 404
    families = {
        r["family"]
        for r in site.truth(
            NOW, papers=("rmrb",), since=dt.date(2024, 11, 30), until=dt.date(2024, 12, 1)
        )
        if r["kind"] == "issue"
    }
    assert families == {"peoples_daily", "founder_pc"}


def test_old_archive_cutoff_is_listed_but_not_served(site: MockSite) -> None:
    calendar = site.render("/kjrb/html/2023-05/period.xml", NOW)
    assert calendar.status == 200
    dates = (
        Selector(text=calendar.body.decode(), type="xml")
        .xpath("/periodlist/period/period_date/text()")
        .getall()
    )
    assert "2023-05-04" in dates
    # 科技日报 answers a day it does not serve with its soft-404 page (status 200) at the
    # issue index, and 404 below it.
    index = site.render("/kjrb/html/2023-05/04/node_2.htm", NOW)
    assert index.status == 200
    assert "<title>科技网404错误跳转页面!</title>" in index.body.decode()
    assert site.render("/kjrb/html/2023-05/04/node_3.htm", NOW).status == 404
    records = list(
        site.truth(NOW, papers=("kjrb",), since=dt.date(2023, 5, 4), until=dt.date(2023, 5, 4))
    )
    unreachable = [r for r in records if r["kind"] == "unreachable"]
    assert [(r["reason"], r["status"], r.get("soft_404")) for r in unreachable] == [
        ("archive_cutoff", 200, True)
    ]
    assert not [r for r in records if r["kind"] in ("issue", "article")]


def test_rolling_window_answers_403_beyond_it(site: MockSite) -> None:
    """人民日报 keeps two years: an older date answers 403 for every URL, and the truth
    says so; the first kept day is served."""
    later = NOW.replace(year=2025, month=6, day=2)
    old_index = "/rmrb/html/2023-06/01/nbs.D110000renmrb_01.htm"
    assert site.render(old_index, later).status == 403
    assert site.render("/rmrb/html/2023-06/01/nbs.D110000renmrb_02.htm", later).status == 403
    assert site.render("/rmrb/html/2023-06/02/nbs.D110000renmrb_01.htm", later).status == 200
    assert site.render(old_index, NOW).status == 200
    records = list(
        site.truth(later, papers=("rmrb",), since=dt.date(2023, 6, 1), until=dt.date(2023, 6, 1))
    )
    assert [(r["kind"], r.get("reason"), r.get("status")) for r in records[1:]] == [
        ("unreachable", "outside_window", 403)
    ]


def test_schedules_skip_weekends(site: MockSite) -> None:
    saturday, sunday = dt.date(2025, 3, 29), dt.date(2025, 3, 30)
    # 科技日报 answers a day without an issue with its 200 soft-404 page.
    day_off = site.render("/kjrb/html/2025-03/29/node_2.htm", NOW)
    assert day_off.status == 200 and "科技网404错误跳转页面!".encode() in day_off.body
    assert site.render("/kjrb/html/2025-03/29/node_3.htm", NOW).status == 404
    assert site.render("/jjjcb/content/2018-03/25/node_2.htm", NOW).status == 404
    assert site.render("/jjjcb/content/2018-03/24/node_2.htm", NOW).status == 200
    xml = site.render("/kjrb/html/2025-03/period.xml", NOW).body.decode()
    assert saturday.isoformat() not in xml and sunday.isoformat() not in xml
    assert "2025-03-28" in xml


def test_page_pdfs_and_images_are_served(site: MockSite) -> None:
    for slug, date in (
        ("jjjcb", "2018-03-06"),
        ("gmrb", "2025-03-05"),
        ("hbrb", "2025-03-04"),
        ("lzcb", "2021-10-20"),
        ("jxrb", "2025-03-03"),
        ("jxrb", "2022-11-29"),
    ):
        pages = [
            r
            for r in issue_truth(site, slug, dt.date.fromisoformat(date))
            if r["kind"] == "page" and r["reachable"]
        ]
        pdf = fetch(site, str(pages[1]["pdf_url"]))
        assert (pdf.status, pdf.content_type) == (200, "application/pdf")
        assert pdf.body.startswith(b"%PDF-") and pdf.body.rstrip().endswith(b"%%EOF")
        image = fetch(site, str(pages[1]["image_url"]))
        assert (image.status, image.content_type) == (200, "image/jpeg")
        assert image.body[:2] == b"\xff\xd8"


@pytest.mark.parametrize(
    ("entry", "slug"),
    [
        ("/lzcb/content/PaperIndex.htm", "lzcb"),
        ("/kjrb/index.htm", "kjrb"),
        ("/gmrb/paperindex.htm", "gmrb"),
        ("/rmrb/paperindex.htm", "rmrb"),
        ("/hbrb/pc/column/index.html", "hbrb"),
    ],
)
def test_entry_page_forwards_to_the_newest_issue(site: MockSite, entry: str, slug: str) -> None:
    response = site.render(entry, NOW)
    refresh = Selector(text=html_text(response)).css("meta[http-equiv=refresh]::attr(content)")
    target = refresh.get("").partition("URL=")[2]
    issues = [
        r
        for r in site.truth(NOW, papers=(slug,), since=dt.date(2025, 3, 24))
        if r["kind"] == "issue"
    ]
    newest = str(issues[-1]["url"])
    if "/content/" in newest:
        # PaperIndex forwards to the issue's IssueIndex.htm stub (鲁中晨报's issue is entered
        # at its first page, where the stub forwards in turn).
        newest = newest.rsplit("/", 1)[0] + "/IssueIndex.htm"
    assert f"{BASE}{entry}".rsplit("/", 1)[0] + "/" + target == newest or (
        newest.endswith(target.lstrip("./"))
    )


def test_missing_page_is_listed_but_404(site: MockSite) -> None:
    # Find the day from the issue plans (cheap), then look at it as a user would.
    plans = [site.archive.issue("rmrb", dt.date(2024, 11, 1) + dt.timedelta(n)) for n in range(30)]
    day = next(p.date for p in plans if p is not None and any(x.missing for x in p.pages))
    records = issue_truth(site, "rmrb", day)
    missing = [r for r in records if r["kind"] == "page" and not r["reachable"]]
    assert missing
    page = missing[0]
    assert fetch(site, str(page["url"])).status == 404
    assert {"kind": "unreachable", "reason": "missing_page", "url": page["url"]}.items() <= next(
        r for r in records if r["kind"] == "unreachable" and r["url"] == page["url"]
    ).items()
    (index,) = [r for r in records if r["kind"] == "issue"]
    assert str(page["url"]) in links(str(index["url"]), fetch(site, str(index["url"])))


def test_first_render_of_an_article_is_fast() -> None:
    site = MockSite(SiteOptions(base_url=BASE))
    urls = article_urls(site, "dzrb", dt.date(2025, 2, 3))
    fresh = MockSite(SiteOptions(base_url=BASE))
    timings = []
    for url in urls[:40]:
        start = time.perf_counter()
        response: MockResponse = fetch(fresh, url)
        timings.append(time.perf_counter() - start)
        assert response.status == 200
    timings.sort()
    assert timings[len(timings) // 2] < 0.005  # median; the issue plan is built once


def test_a_paper_on_two_hosts_serves_each_era_on_its_own(site: MockSite) -> None:
    """江西日报: the old host's era under /jxrb/epaper.jxnews.com.cn/jxrb/ (where the registry's
    override mounts it), the navi.xml era on the paper's home; neither answers on the other."""
    old, new = dt.date(2022, 11, 29), dt.date(2022, 12, 1)
    old_issue = issue_truth(site, "jxrb", old)[0]
    new_issue = issue_truth(site, "jxrb", new)[0]
    assert old_issue["url"] == BASE + "/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/29/node_187.htm"
    assert new_issue["url"] == BASE + "/jxrb/html/2022-12/01/node_1.htm"
    for record in (old_issue, new_issue):
        assert fetch(site, str(record["url"])).status == 200
    assert site.render("/jxrb/html/2022-11/29/node_187.htm", NOW).status == 404
    assert site.render("/jxrb/html/2022-11/29/node_1.htm", NOW).status == 404
    assert (
        site.render("/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-12/01/node_1.htm", NOW).status == 404
    )
    assert (
        site.render("/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-12/01/node_187.htm", NOW).status
        == 404
    )
    old_calendar = site.render("/jxrb/epaper.jxnews.com.cn/jxrb/html/2022-11/period.xml", NOW)
    new_calendar = site.render("/jxrb/html/2022-12/navi.xml", NOW)
    assert b"<period_date>2022-11-29</period_date>" in old_calendar.body
    assert b"<date>2022-12-01</date>" in new_calendar.body
    assert site.render("/jxrb/html/2022-11/navi.xml", NOW).status == 404
    articles = [r for r in issue_truth(site, "jxrb", new) if r["kind"] == "article"]
    assert all(re.search(r"/content_\d+_\d+\.htm$", str(r["url"])) for r in articles)
    assert fetch(site, str(articles[0]["url"])).status == 200
