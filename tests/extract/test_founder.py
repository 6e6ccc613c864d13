"""Founder classic (方正): calendar, page, issue and article extraction on small pages."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from parsel import Selector

from crawler.extract import ExtractionError, founder, founder_common
from crawler.extract.founder_common import page_label
from crawler.items import ArticleRef, Continuation, Image
from crawler.registry import load_registry

BASE = "http://e.invalid/kjrb/html/2023-02/10/"
REAL_PAGES = Path(__file__).resolve().parents[2].parent / "shared" / "real-pages"


# ---------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------


def period_xml(*dates: str) -> str:
    periods = "".join(
        f'<period id="{n}"><period_name>{d}</period_name><paper_id>1</paper_id>'
        f"<period_date>{d}</period_date><front_page>node_2.htm</front_page></period>"
        for n, d in enumerate(dates)
    )
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<periodlist>{periods}</periodlist>'


NAME_ONLY = "<periodlist><period id='1'><period_name>2023-02-06</period_name></period></periodlist>"


@pytest.mark.parametrize(
    ("xml", "dates"),
    [
        (period_xml("2023-02-10", "2023-02-09"), ["2023-02-09", "2023-02-10"]),
        (period_xml("2023-02-10", "2023-02-10"), ["2023-02-10"]),
        (
            period_xml("2023/2/1", "20230203", "2023年02月04日"),
            ["2023-02-01", "2023-02-03", "2023-02-04"],
        ),
        (period_xml("not a date", "2023-02-30"), []),
        (period_xml(), []),
        (NAME_ONLY, ["2023-02-06"]),
    ],
)  # fmt: skip
def test_parse_calendar(xml: str, dates: list[str]) -> None:
    assert founder.parse_calendar(xml) == tuple(dt.date.fromisoformat(d) for d in dates)


def test_calendar_url_is_what_mp_js_builds() -> None:
    """mp.js finds period.xml by cutting location.href after ``YYYY-MM/``; so must we."""
    script = REAL_PAGES / "founder__mp.js_period-xml-calendar-loader-EXCERPT.js"
    if not script.exists():
        pytest.skip("the real mp.js excerpt is not present")
    source = script.read_text(encoding="utf-8")
    js_regex = re.search(r"var re = /(.+?)/i;", source)
    assert js_regex is not None
    assert 'r[0] + "period.xml"' in source
    cut = re.compile(js_regex.group(1), re.IGNORECASE)
    for slug in ("kjrb", "jjjcb", "jxrb"):
        paper = load_registry().get(slug)
        era = next(e for e in paper.eras if e.family == "founder")
        day = min(era.end or dt.date(2023, 2, 10), dt.date(2023, 2, 10))
        match = cut.match(paper.issue_url(day))
        assert match is not None
        calendar = founder.calendar_url(paper.root_url(day), day.year, day.month)
        assert calendar == match.group(0) + "period.xml"


# ---------------------------------------------------------------------------------------
# Page and issue
# ---------------------------------------------------------------------------------------

PAGE = """<html><body>
<map name=PagePicMap>
 <area coords="1,1,2,2" href="content_3.htm?div=0">
 <area coords="1,1,2,2" href="content_1.htm?div=-1">
 <area coords="1,1,2,2" href="content_9.htm?div=-1" title="只在热区里的文章">
</map><img src=../../../images/2023-02/10/01/P01_b.jpg usemap=#PagePicMap>
<div class="banci">第01版：<strong>要闻</strong></div>
<a href=../../../images/2023-02/10/01/P01.pdf>PDF</a>
<div class="title"><ul>
 <li><a href=content_1.htm?div=-1><div id=mp1>第一篇</div></a>
 <li><a href=content_3.htm?div=-1><div id=mp3>第三篇</div></a>
</ul></div>
<table><tr><td><a href=content_77.htm><div id=mp77>别的版的文章</div></a></td></tr></table>
<div class="bmname">
 <div><a id=pageLink href=./node_2.htm>第01版：要闻</a></div>
 <div><a id=pageLink href=node_3.htm>第02版：综　合</a></div>
</div>
<a class=preart href="../09/node_2.htm"><font face=Webdings>3</font>上一期</a>
</body></html>"""


def test_page_merges_title_list_and_hotspots_in_reading_order() -> None:
    page = founder.extract_page(Selector(text=PAGE), BASE + "node_2.htm")
    assert page.articles == (
        ArticleRef(BASE + "content_1.htm", "第一篇"),
        ArticleRef(BASE + "content_3.htm", "第三篇"),
        ArticleRef(BASE + "content_9.htm", "只在热区里的文章"),
    )
    assert (page.number, page.name) == ("01", "要闻")
    assert page.pdf_url == "http://e.invalid/kjrb/images/2023-02/10/01/P01.pdf"
    assert page.image_url == "http://e.invalid/kjrb/images/2023-02/10/01/P01_b.jpg"
    assert [(p.order, p.number, p.name) for p in page.pages] == [
        (1, "01", "要闻"),
        (2, "02", "综 合"),
    ]


def test_page_label_falls_back_to_the_printed_label() -> None:
    """Reached under another URL than its page-list link, the page reads its printed label."""
    page = founder.extract_page(Selector(text=PAGE), BASE + "node_2.htm?x=1#top")
    assert (page.number, page.name) == ("01", "要闻")
    odd = founder.extract_page(Selector(text=PAGE), "http://e.invalid/other/node_2.htm")
    assert (odd.number, odd.name) == ("01", "要闻")


def test_issue_reads_the_static_previous_issue_link() -> None:
    issue = founder.extract_issue(Selector(text=PAGE), BASE + "node_2.htm")
    assert issue.date == dt.date(2023, 2, 10)
    assert issue.prev_issue_url == "http://e.invalid/kjrb/html/2023-02/09/node_2.htm"
    assert issue.next_issue_url is None
    assert len(issue.pages) == 2


def test_issue_without_a_date_anywhere_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="no issue date"):
        founder.extract_issue(Selector(text="<html><body>x</body></html>"), "http://e.invalid/")


def test_page_without_a_title_list_uses_the_mp_links() -> None:
    html = '<a href=content_5.htm><div style="display:inline" id=mp5>唯一一篇</div></a>'
    page = founder.extract_page(Selector(text=html), BASE + "node_2.htm")
    assert page.articles == (ArticleRef(BASE + "content_5.htm", "唯一一篇"),)


@pytest.mark.parametrize(
    ("label", "number", "name"),
    [
        ("第01版：今日要闻", "01", "今日要闻"),
        ("第A01版：头版", "A01", "头版"),
        ("A01： 头版", "A01", "头版"),
        ("b03：学与思", "B03", "学与思"),
        ("01版:要闻", "01", "要闻"),
        ("第1版\u3000\u3000要闻", "1", "要闻"),
        ("第02版：综\u3000合", "02", "综 合"),
        ("第05版", "05", None),
        ("今日要闻", None, None),
    ],
)
def test_page_label_spellings(label: str, number: str | None, name: str | None) -> None:
    assert page_label(label) == (number, name)


# ---------------------------------------------------------------------------------------
# Article
# ---------------------------------------------------------------------------------------

ARTICLE = """<html><body>
<div class="banci">第03版：<strong>综合新闻</strong></div>
<table><tr><td><a href=content_10.htm><font face=Webdings>3</font>上一篇</a></td>
<td><a href=content_12.htm>下一篇<font face=Webdings>4</font></a></td></tr></table>
<div class="article">
 <h3>引题在此</h3><h1>主标题<br>第二行</h1><h2></h2>
 <div class="author">本报记者 张三</div>
</div>
<table class="pic_c"><tr><td><img src="../../../images/2023-02/10/03/p1.jpg"></td></tr>
<tr><td>图为示意。 王五 摄</td></tr></table>
<div id="ozoom"><founder-content>
 <p>\u3000\u3000北京2月9日电 第一段。</p>
 <p><strong>小标题</strong></p>
 <p>\u3000\u3000第二段。</p>
 <p>（下转第5版）</p>
</founder-content></div>
<a href=content_11_2.htm>2</a> <a href=content_11_3.htm>3</a> <a href=content_11.htm>1</a>
</body></html>
<!--enpproperty <founder-date>2023-02-10</founder-date>
<founder-pagenum>03</founder-pagenum>/enpproperty-->"""


def test_article_fields() -> None:
    url = BASE + "content_11.htm"
    article = founder.extract_article(Selector(text=ARTICLE), url)
    assert (article.kicker, article.title, article.subtitle) == ("引题在此", "主标题 第二行", None)
    assert article.byline == "本报记者 张三"
    assert [(a.name, a.role) for a in article.authors] == [("张三", "记者")]
    assert article.paragraphs == ("北京2月9日电 第一段。", "小标题", "第二段。")
    assert article.dateline is not None
    assert article.dateline.place == "北京"
    assert article.images == (
        Image("http://e.invalid/kjrb/images/2023-02/10/03/p1.jpg", "图为示意。 王五 摄"),
    )
    assert (article.prev_url, article.next_url) == (
        BASE + "content_10.htm",
        BASE + "content_12.htm",
    )
    assert article.continuations == (
        Continuation("page", "5", None),
        Continuation("part", None, BASE + "content_11_2.htm"),
        Continuation("part", None, BASE + "content_11_3.htm"),
    )
    assert (article.page_number, article.page_name) == ("03", "综合新闻")
    assert article.date == dt.date(2023, 2, 10)


def test_article_titles_fall_back_to_enpproperty_and_body_to_enpcontent() -> None:
    html = (
        "<html><body><div><!--enpcontent--><p>正文一。</p><p>正文二。</p><!--/enpcontent-->"
        "<p>页脚</p></div></body></html><!--enpproperty <title>元数据标题</title>"
        "<introtitle>元数据引题</introtitle><subtitle></subtitle>/enpproperty-->"
    )
    article = founder.extract_article(Selector(text=html), BASE + "content_1.htm")
    assert (article.kicker, article.title, article.subtitle) == ("元数据引题", "元数据标题", None)
    assert article.paragraphs == ("正文一。", "正文二。")
    assert article.date == dt.date(2023, 2, 10)  # from the URL


@pytest.mark.parametrize(
    ("body", "paragraphs", "pages"),
    [
        ("<p>甲。（下转第三版）</p>", ("甲。",), ["3"]),
        ("<p>（上接第1版）乙。</p><p>丙。(下转第A12版)</p>", ("乙。", "丙。"), ["A12"]),
        ("<p>丁。</p><p>（ 下转第十二版 ）</p>", ("丁。",), ["12"]),
        ("<p>转第二版的消息很多。</p>", ("转第二版的消息很多。",), []),
    ],
)
def test_jump_notes_leave_the_body_and_become_continuations(
    body: str, paragraphs: tuple[str, ...], pages: list[str]
) -> None:
    html = f"<h1>题</h1><founder-content>{body}</founder-content>"
    article = founder.extract_article(Selector(text=html), BASE + "content_1.htm")
    assert article.paragraphs == paragraphs
    assert [(c.kind, c.page_number, c.url) for c in article.continuations] == [
        ("page", number, None) for number in pages
    ]


def test_jump_link_keeps_its_target() -> None:
    html = "<h1>题</h1><founder-content><p>正文。</p></founder-content>"
    html += "<a href=node_4.htm>参见第03版</a>"
    article = founder.extract_article(Selector(text=html), BASE + "content_1.htm")
    assert article.continuations == (Continuation("page", "03", BASE + "node_4.htm"),)


def test_article_without_any_title_is_an_extraction_error() -> None:
    html = "<html><body><founder-content><p>只有正文。</p></founder-content></body></html>"
    with pytest.raises(ExtractionError, match="no article title"):
        founder.extract_article(Selector(text=html), BASE + "content_1.htm")


# ---------------------------------------------------------------------------------------
# 科技日报's title skin and the navi.xml variant (江西日报's new host)
# ---------------------------------------------------------------------------------------

YINTI_ARTICLE = """<html><body><div class="box0-right">
<div class="yinti">引题文字</div><div class="biaoti">主标题</div><div class="futi">副标题文字</div>
<div class="author">本报记者 张三</div>
<div class="article" id="ozoom"><p>　　正文第一段。</p><p>　　正文第二段。</p></div>
</div></body></html>"""


def test_kjrb_title_stack_is_read_from_yinti_biaoti_futi() -> None:
    article = founder.extract_article(Selector(text=YINTI_ARTICLE), BASE + "content_1.htm")
    assert (article.kicker, article.title, article.subtitle) == ("引题文字", "主标题", "副标题文字")
    assert article.byline == "本报记者 张三"
    assert article.paragraphs == ("正文第一段。", "正文第二段。")


NAVI = "http://e.invalid/html/2023-05/19/"
NAVI_ARTICLE = """<html><body>
<div class="banci">第01版：<strong>头版</strong></div>
<div class="article-box"><p class="BSHARE_TEXT">第二篇文章</p>
<div id="ozoom"><p>　　这是第二篇的正文。</p></div>
<a href="content_5411_7712601.htm">上一篇</a> <a href="content_5411_7712603.htm">下一篇</a>
</div></body></html>"""


def test_navi_content_p_n_links_are_the_pages_other_articles_never_parts() -> None:
    """content_5411_7712602 is page 5411, article 7712602: its 下一篇 content_5411_7712603
    is the next article. Read as Founder classic, it would be part 7712603 of article 5411
    (and the spider would merge the neighbour in); the navi variant reads it as a link."""
    url = NAVI + "content_5411_7712602.htm"
    navi = founder.NAVI_FAMILY.extract_article(Selector(text=NAVI_ARTICLE), url)
    assert navi.title == "第二篇文章"
    assert navi.continuations == ()
    assert navi.next_url == NAVI + "content_5411_7712603.htm"
    assert navi.prev_url == NAVI + "content_5411_7712601.htm"
    assert (navi.page_number, navi.page_name) == ("01", "头版")
    as_parts = founder_common.part_continuations(Selector(text=NAVI_ARTICLE), url)
    assert as_parts == [Continuation("part", None, NAVI + "content_5411_7712603.htm")]
    assert founder.NAVI_FAMILY.source_id(url) == "7712602"


NAVI_PAGE = """<html><body>
<img src="../../../resfile/2023-05-19/01/jxrb-20230519-001.jpg" usemap="#pagePicMap">
<map name="pagePicMap"><area href="content_1_11.htm"><area href="content_1_13.htm" title="三"></map>
<div id="main-ed-articlenav-list"><ul>
<li><a href="content_1_11.htm">一</a></li><li><a href="content_1_12.htm">二</a></li></ul></div>
<table id="bmdhTable">
<tr><td><a href="node_1.htm">第01版：头版</a></td>
<td><a href="../../../resfile/2023-05-19/01/jxrb-20230519-001.pdf">PDF</a></td></tr>
<tr><td><a href="node_2.htm">第02版：要闻</a></td>
<td><a href="../../../resfile/2023-05-19/02/jxrb-20230519-002.pdf">PDF</a></td></tr>
</table></body></html>"""


def test_navi_page_lists_bmdh_rows_with_their_pdfs_and_the_title_list() -> None:
    sel = Selector(text=NAVI_PAGE)
    issue = founder.NAVI_FAMILY.extract_issue(sel, NAVI + "node_1.htm")
    assert issue.date == dt.date(2023, 5, 19)
    assert [(p.number, p.name, p.url, p.pdf_url) for p in issue.pages] == [
        (
            "01",
            "头版",
            NAVI + "node_1.htm",
            "http://e.invalid/resfile/2023-05-19/01/jxrb-20230519-001.pdf",
        ),
        (
            "02",
            "要闻",
            NAVI + "node_2.htm",
            "http://e.invalid/resfile/2023-05-19/02/jxrb-20230519-002.pdf",
        ),
    ]
    page = founder.NAVI_FAMILY.extract_page(sel, NAVI + "node_1.htm")
    assert [(a.url.rsplit("/", 1)[1], a.title) for a in page.articles] == [
        ("content_1_11.htm", "一"),
        ("content_1_12.htm", "二"),
        ("content_1_13.htm", "三"),
    ]


def test_navi_calendar_is_the_months_navi_xml() -> None:
    calendar = founder.NAVI_FAMILY.calendar
    assert calendar is not None
    url = calendar.url("http://e.invalid/html/", 2023, 5)
    assert url == "http://e.invalid/html/2023-05/navi.xml"
    xml = "<navi><item><date>2023-05-19</date><url>../19/node_1.htm</url></item></navi>"
    assert calendar.parse(xml, url) == (dt.date(2023, 5, 19),)
    assert calendar.parse("<navi></navi>", url) == ()
