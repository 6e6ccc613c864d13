"""PaperIndex extraction (大众日报, 鲁中晨报) against the mock site's pages and ground truth.

The mock site is rendered in process (no server, no network); its truth records say what a
reader sees on each page. Small hand-written pages cover what the mock does not vary.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from crawler.encoding import charset_from_content_type, decode_body
from crawler.extract import ExtractionError
from crawler.extract import paperindex as pi
from crawler.extract.families import get_family
from crawler.items import to_jsonable
from mocksite.site import MockSite, SiteOptions

NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Beijing
# Windows of issues to look through; the tests take the days that show every quirk the mock
# prints (kickers, wire copy, photo-only, continued and duplicated articles, lying meta tags),
# so they keep covering them when the mock's random draws change.
WINDOWS = {
    "lzcb": (dt.date(2021, 10, 8), dt.date(2021, 10, 27)),
    "dzrb": (dt.date(2025, 3, 1), dt.date(2025, 3, 20)),
}
QUIRKS = frozenset({"photo_only", "continued", "continuation", "duplicate", "meta_charset"})
ARTICLE_FIELDS = [f.name for f in dataclasses.fields(pi.Article)]


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions(papers=tuple(WINDOWS)))


@pytest.fixture(scope="module")
def days(site: MockSite) -> dict[str, list[str]]:
    """Per paper, the fewest days of its window whose articles show every quirk."""
    chosen: dict[str, list[str]] = {}
    for slug, (since, until) in WINDOWS.items():
        missing, picked = set(QUIRKS), set()
        for rec in site.truth(NOW, papers=(slug,), since=since, until=until):
            found = missing & set(rec.get("quirks") or ())  # type: ignore[call-overload]
            if rec["kind"] == "article" and (found or "seed" in rec["quirks"]):  # type: ignore[operator]
                picked.add(str(rec["date"]))
                missing -= found
        assert not missing, f"{slug}: no {sorted(missing)} in {since}..{until}"
        chosen[slug] = sorted(picked)
    return chosen


def fetch(site: MockSite, url: str) -> Selector:
    response = site.render(urlsplit(url).path, NOW)
    assert response.status == 200, url
    decoded = decode_body(response.body, charset_from_content_type(response.content_type))
    assert not decoded.lossy
    return Selector(text=decoded.text)


def records(site: MockSite, days: dict[str, list[str]], kind: str) -> Iterator[dict[str, object]]:
    for slug, dates in days.items():
        for day in map(dt.date.fromisoformat, dates):
            recs = site.truth(NOW, papers=(slug,), since=day, until=day)
            yield from (r for r in recs if r["kind"] == kind)


# --- entry and issue ---------------------------------------------------------------------


FIRST_PAGES = {"dzrb": "Page01NU.htm", "lzcb": "Page01a.htm"}


def first_page(site: MockSite, url: str) -> str:
    """The issue's first page: ``url`` itself, or where its refresh stub forwards."""
    return pi.issue_refresh(fetch(site, url), url) or url


@pytest.mark.parametrize("slug", sorted(WINDOWS))
def test_entry_redirects_to_the_latest_issue_through_its_stub(site: MockSite, slug: str) -> None:
    url = f"{site.options.base_url}/{slug}/content/PaperIndex.htm"
    stub = pi.resolve_entry(fetch(site, url), url)
    assert stub is not None
    assert stub.endswith("/IssueIndex.htm")
    # The stub is empty: its 0-second refresh names the first page, where the issue is read.
    assert pi.extract_issue(fetch(site, stub), stub).pages == ()
    page = pi.issue_refresh(fetch(site, stub), stub)
    assert page is not None
    assert page == stub.replace("IssueIndex.htm", FIRST_PAGES[slug])
    issue = pi.extract_issue(fetch(site, page), page)
    assert issue.date <= NOW.date()
    assert issue.pages[0].url == page


def test_a_refresh_elsewhere_is_not_followed() -> None:
    """Only a 0-second refresh to a page of the same issue forwards an issue's entry."""
    url = "http://e.cn/dzrb/content/20250303/IssueIndex.htm"
    for content in ("5; URL=Page01NU.htm", "0; URL=../20250302/Page01NU.htm", "0; URL=x.htm"):
        html = f'<meta http-equiv="refresh" content="{content}">'
        assert pi.issue_refresh(Selector(text=html), url) is None, content


def test_issue_page_list_and_neighbours(site: MockSite) -> None:
    for slug, (since, _until) in WINDOWS.items():
        recs = list(
            site.truth(NOW, papers=(slug,), since=since, until=since + dt.timedelta(days=3))
        )
        issues = [r for r in recs if r["kind"] == "issue" and r.get("status") == "complete"]
        assert len(issues) >= 2
        for number, rec in enumerate(issues):
            url = first_page(site, str(rec["url"]))
            got = pi.extract_issue(fetch(site, url), url)
            pages = sorted(
                (r for r in recs if r["kind"] == "page" and r["date"] == rec["date"]),
                key=lambda r: int(str(r["order"])),
            )
            # 大众日报's page list links no PDF: each page prints its own.
            assert [to_jsonable(p) for p in got.pages] == [
                {k: p[k] for k in ("order", "number", "name", "url", "pdf_url")}
                | {"image_url": None}
                | ({"pdf_url": None} if slug == "dzrb" else {})
                for p in pages
            ]
            assert got.date.isoformat() == rec["date"]
            # 上一期/下一期 link the neighbours' IssueIndex.htm: the spider takes their dates.
            if number + 1 < len(issues):
                assert pi.issue_date_from_url(str(got.next_issue_url)) == dt.date.fromisoformat(
                    str(issues[number + 1]["date"])
                )
            if number > 0:
                assert pi.issue_date_from_url(str(got.prev_issue_url)) == dt.date.fromisoformat(
                    str(issues[number - 1]["date"])
                )


# --- pages ---------------------------------------------------------------------------------


def test_every_page_lists_its_articles_in_order(site: MockSite, days: dict[str, list[str]]) -> None:
    pages = [p for p in records(site, days, "page") if p["reachable"]]
    articles = list(records(site, days, "article"))
    assert len(pages) > 20
    for rec in pages:
        url = str(rec["url"])
        got = pi.extract_page(fetch(site, url), url)
        assert (got.number, got.name) == (rec["number"], rec["name"])
        assert (got.pdf_url, got.image_url) == (rec["pdf_url"], rec["image_url"])
        assert len(got.articles) == rec["listed_count"]
        expected = sorted(
            (a for a in articles if a["date"] == rec["date"] and a["page_number"] == rec["number"]),
            key=lambda a: int(str(a["order"])),
        )
        listed = {a.url: a for a in got.articles}
        for art in expected:
            assert listed[str(art["url"])].title == art["title"]
        got_order = [a.url for a in got.articles if a.url in {x["url"] for x in expected}]
        assert got_order == [a["url"] for a in expected]


@pytest.mark.parametrize("slug", sorted(WINDOWS))
def test_the_issue_entry_leads_to_page_one(
    site: MockSite, days: dict[str, list[str]], slug: str
) -> None:
    rec = next(
        r for r in records(site, {slug: days[slug]}, "issue") if r.get("status") == "complete"
    )
    page_one = next(
        p
        for p in records(site, {slug: days[slug]}, "page")
        if p["date"] == rec["date"] and p["order"] == 1
    )
    url = first_page(site, str(rec["url"]))
    assert url == page_one["url"]
    got = pi.extract_page(fetch(site, url), url)
    assert (got.number, got.name) == ("01", page_one["name"])
    assert len(got.articles) == page_one["listed_count"]


def test_dazhong_page_list_number_and_name_are_one_page(site: MockSite) -> None:
    """大众日报 prints ``[01]:头版``, two links to one page, and a 下一版 row: one entry a page,
    with both its number and its name."""
    day = WINDOWS["dzrb"][0]
    recs = list(site.truth(NOW, papers=("dzrb",), since=day, until=day))
    pages = [r for r in recs if r["kind"] == "page"]
    url = first_page(site, str(next(r for r in recs if r["kind"] == "issue")["url"]))
    html = site.render(urlsplit(url).path, NOW).body.decode()
    assert (
        f'<A href="Page01NU.htm">01</A></SPAN>]:<A href="Page01NU.htm">{pages[0]["name"]}' in html
    )
    assert ">下一版</A>" in html
    got = pi.extract_issue(fetch(site, url), url)
    assert [(p.number, p.name, p.url) for p in got.pages] == [
        (p["number"], p["name"], p["url"]) for p in pages
    ]
    assert got.pages[0].name == "头版"


def test_split_page_links_by_hand() -> None:
    html = """<ul><LI class=banci>[<SPAN class=banci-A01><A href="Page01NU.htm">01</A></SPAN>]:
    <A href="Page01NU.htm">头版</A></LI>
    <LI class=banci>[<SPAN><A href="Page02NU.htm">02</A></SPAN>]:
    <A href="Page02NU.htm">要闻</A></LI>
    <LI class=banci><A href="Page02NU.htm">下一版</A></LI></ul>
    <p>参见第<a href="Page05NU.htm">05</a>版--<a href="Page05NU.htm">体育</a></p>"""
    got = pi.extract_issue(Selector(text=html), "http://e.cn/dzrb/content/20260927/Page01NU.htm")
    assert [(p.order, p.number, p.name, p.url.rsplit("/", 1)[1]) for p in got.pages] == [
        (1, "01", "头版", "Page01NU.htm"),
        (2, "02", "要闻", "Page02NU.htm"),
    ]


def test_dazhong_article_template_by_hand() -> None:
    """大众日报's article skins: ``#news-header h1`` (2020-05), else ``input#Text_title``'s
    value (2020-12), with ``#news-con`` and the ``input#Text_*`` byline and date."""
    url = "http://e.cn/dzrb/content/20260703/Articel01003MT.htm"
    body = '<div id="news-con"><p>　　第一段。</p><p><b>小标题</b></p></div>'
    inputs = (
        '<input type=hidden id="Text_title" value="输入框里的标题">'
        '<input type=hidden id="Text_author" value="本报记者 张三">'
        '<input type=hidden id="Text_date" value="2026-07-03">'
    )
    header = '<div id="news-header"><h3>引题</h3><h1>页面上的标题</h1></div>'
    got = pi.extract_article(Selector(text=f"<body>{header}{inputs}{body}</body>"), url)
    assert (got.kicker, got.title, got.subtitle) == ("引题", "页面上的标题", None)
    assert got.paragraphs == ("第一段。", "小标题")
    assert [(a.name, a.role) for a in got.authors] == [("张三", "记者")]
    assert got.date == dt.date(2026, 7, 3)
    only_inputs = pi.extract_article(Selector(text=f"<body>{inputs}{body}</body>"), url)
    assert (only_inputs.kicker, only_inputs.title) == (None, "输入框里的标题")
    assert only_inputs.byline == "本报记者 张三"
    with pytest.raises(ExtractionError, match="Text_title"):
        pi.extract_article(Selector(text=f"<body>{body}</body>"), url)


# --- articles ------------------------------------------------------------------------------


def _comparable(record: dict[str, object]) -> dict[str, object]:
    return {k: record[k] for k in ARTICLE_FIELDS if k in record}


def _known_truth_gap(record: dict[str, object], field: str, truth_value: object) -> bool:
    # The mock's second part of a continued article opens with a fresh dateline
    # (本报周村10月21日电 …) that its truth leaves out (dateline null, no wire authors);
    # reported to A1 in notes/B1-to-A1.md item 10. Only that exact gap is tolerated.
    quirks = record["quirks"]
    return (
        isinstance(quirks, list)
        and "continuation" in quirks
        and field in {"dateline", "authors"}
        and truth_value in (None, [])
    )


def test_every_article_field_matches_the_truth(site: MockSite, days: dict[str, list[str]]) -> None:
    seen = 0
    mismatches: list[tuple[str, str, object, object]] = []
    quirks: set[str] = set()
    for rec in records(site, days, "article"):
        url = str(rec["url"])
        got = to_jsonable(pi.extract_article(fetch(site, url), url))
        want = _comparable(rec)
        mismatches += [
            (url, k, got[k], v)
            for k, v in want.items()
            if got[k] != v and not _known_truth_gap(rec, k, v)
        ]
        quirks.update(map(str, rec["quirks"]))  # type: ignore[call-overload]
        seen += 1
    assert seen > 100
    assert quirks >= QUIRKS
    assert mismatches == []


def test_wire_copy_authors_come_from_the_dateline(
    site: MockSite, days: dict[str, list[str]]
) -> None:
    wire = [
        r
        for r in records(site, days, "article")
        if isinstance(r["dateline"], dict) and r["dateline"].get("agency")
    ]
    assert wire
    for rec in wire:
        got = pi.extract_article(fetch(site, str(rec["url"])), str(rec["url"]))
        assert got.byline is None
        assert got.authors[0].name == "新华社"
        assert got.authors[0].role == "通讯社"


def test_gbk_served_page_extracts_the_same(site: MockSite, days: dict[str, list[str]]) -> None:
    rec = next(r for r in records(site, days, "article") if r["kicker"] and r["paragraphs"])
    url = str(rec["url"])
    text = site.render(urlsplit(url).path, NOW).body.decode("utf-8")
    gbk = text.replace("charset=utf-8", "charset=gb2312").encode("gbk", "xmlcharrefreplace")
    decoded = decode_body(gbk, "gb2312")
    assert decoded.encoding == "gb18030"
    got = pi.extract_article(Selector(text=decoded.text), url)
    assert to_jsonable(got) == to_jsonable(pi.extract_article(fetch(site, url), url))


def test_broken_template_fails_loudly() -> None:
    day = WINDOWS["lzcb"][0]
    broken = MockSite(SiteOptions(papers=("lzcb",), broken_template=frozenset({"lzcb"})))
    rec = next(
        r
        for r in broken.truth(NOW, papers=("lzcb",), since=day, until=day)
        if r["kind"] == "article"
    )
    url = str(rec["url"])
    with pytest.raises(ExtractionError, match="contenttitle"):
        pi.extract_article(fetch(broken, url), url)
    page = next(
        r for r in broken.truth(NOW, papers=("lzcb",), since=day, until=day) if r["kind"] == "page"
    )
    assert pi.extract_page(fetch(broken, str(page["url"])), str(page["url"])).articles == ()


def test_family_lookup_finds_this_module() -> None:
    assert get_family("paperindex") is pi.FAMILY
    assert pi.FAMILY.extract_article is pi.extract_article


# --- hand-written pages: what the mock does not vary ----------------------------------------

BASE = "http://e.cn/lzcb/content/20211020/"


def test_title_list_and_hotspots_merge_by_canonical_url() -> None:
    html = """<body><span id=PageLabel>第05版：综　合</span>
    <table id=TitleList>
      <tr><td>· <a href="Articel05002AB.htm?div=-1">乙</a></td></tr>
      <tr><td>· <a href="./Articel05001AB.htm">甲</a></td></tr></table>
    <img src="../../images/20211020/Page05AB.jpg" usemap="#m"><map name=m>
      <area href="Articel05001AB.htm?div=0"><area href="Articel05003AB.htm" title="丙">
      <area href="Articel05002AB.htm#x"></map>
    <a href="../../pdf/20211020/Page05AB.pdf">PDF 版</a></body>"""
    got = pi.extract_page(Selector(text=html), BASE + "Page05AB.htm")
    assert [(a.url.rsplit("/", 1)[1], a.title) for a in got.articles] == [
        ("Articel05002AB.htm", "乙"),
        ("Articel05001AB.htm", "甲"),
        ("Articel05003AB.htm", "丙"),
    ]
    assert (got.number, got.name) == ("05", "综 合")
    assert got.pdf_url == "http://e.cn/lzcb/pdf/20211020/Page05AB.pdf"
    assert got.image_url == "http://e.cn/lzcb/images/20211020/Page05AB.jpg"


def test_article_without_neighbours_or_jump_gets_none() -> None:
    marker = "****处理标记:[Article]时,数据源为空。 ****"
    no_page = "****处理标记:[Article]时, 字段 [URLOtherPageNo] 在数据源中没有找到! ****"
    html = f"""<body><span id=PageLabel>第05版:淄博</span>
    <td class=artnav><font face=Webdings>3</font>上一篇:{marker}</td>
    <td class=artnav><font face=Webdings>4</font>下一篇:{marker}</td>
    <td class=artnav><font face=Webdings>4</font>参见第{no_page}版--</td>
    <td class=date>2021/10/20</td><a href="javascript:readText()">朗读</a>
    <span id=contentpretitle></span><span id=contenttitle>标题　文字</span>
    <span id=contentsubtitle></span><span id=contentauthor>本报记者　张三</span>
    <span id=contenttext><p>　　第一段。<br>　　第二段，共3个。</p><p><b>小标题</b></p></span>
    <a href="javascript:postComment()">发表评论</a></body>"""
    got = pi.extract_article(Selector(text=html), BASE + "Articel05001AB.htm?div=-1")
    assert got.url == BASE + "Articel05001AB.htm"
    assert (got.kicker, got.title, got.subtitle) == (None, "标题 文字", None)
    assert (got.prev_url, got.next_url, got.continuations) == (None, None, ())
    assert got.paragraphs == ("第一段。", "第二段，共3个。", "小标题")
    assert [(a.name, a.role) for a in got.authors] == [("张三", "记者")]
    assert (got.page_number, got.page_name, got.date) == ("05", "淄博", dt.date(2021, 10, 20))


def test_issue_without_a_date_in_url_or_page_is_an_error() -> None:
    with pytest.raises(ExtractionError):
        pi.extract_issue(Selector(text="<body>空</body>"), "http://e.cn/lzcb/content/x.htm")
