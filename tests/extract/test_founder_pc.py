"""New Founder template: its skins (人民日报 pc/layout, 湖北日报 pc/column, 光明日报 2026
html/layout), computed issue navigation, article title stacks, the period.xml calendar."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from crawler.evaluation import Selection, check_floors, evaluate, load_floors
from crawler.extract import founder_pc
from crawler.items import ArticleRef, Image
from mocksite.site import MockSite, SiteOptions

LAYOUT = "http://e.invalid/rmrb/pc/layout/202412/01/"
CONTENT = "http://e.invalid/rmrb/pc/content/202412/01/"

PAGE = """<html><body>
<div class="paper"><MAP NAME="PagePicMap">
<Area coords="3.7,92.8,194.4,92.8" shape="polygon" href="../../../content/202412/01/content_2.html">
<Area coords="3.7,92.8,194.4,92.8" shape="polygon" href="../../../content/202412/01/content_1.html">
</MAP><img src="../../../pic/202412/01/a.jpg.2" USEMAP=#PagePicMap></div>
<div class="paper-bot"><p class="left ban">第02版：要闻</p>
<p class="right btn"><a href="../../../attachement/202412/01/b.pdf">PDF下载</a></p></div>
<span class="prev" onClick="goPrePeriod()">上一期</span>
<div class="swiper-box">
<div class="swiper-slide"><a id="pageLink" href="node_01.html">01版：要闻</a></div>
<div class="swiper-slide"><a id="pageLink" href="node_02.html">02版：要闻</a></div>
</div>
<ul class="news-list">
<li><span>·</span><a href="../../../content/202412/01/content_1.html">  第一篇  </a></li>
</ul>
</body></html>"""


def test_page_fields() -> None:
    page = founder_pc.extract_page(Selector(text=PAGE), LAYOUT + "node_02.html")
    assert (page.number, page.name) == ("02", "要闻")
    assert page.articles == (
        ArticleRef(CONTENT + "content_1.html", "第一篇"),
        ArticleRef(CONTENT + "content_2.html", None),
    )
    assert page.pdf_url == "http://e.invalid/rmrb/pc/attachement/202412/01/b.pdf"
    assert page.image_url == "http://e.invalid/rmrb/pc/pic/202412/01/a.jpg.2"
    assert [p.url for p in page.pages] == [LAYOUT + "node_01.html", LAYOUT + "node_02.html"]


def test_page_label_from_the_printed_label_when_the_list_lacks_the_page() -> None:
    page = founder_pc.extract_page(Selector(text=PAGE), LAYOUT + "node_09.html")
    assert (page.number, page.name) == ("02", "要闻")


def test_issue_navigation_is_computed_across_a_year_end() -> None:
    url = "http://e.invalid/rmrb/pc/layout/202412/31/node_01.html"
    issue = founder_pc.extract_issue(Selector(text=PAGE), url)
    assert issue.date == dt.date(2024, 12, 31)
    assert issue.prev_issue_url == "http://e.invalid/rmrb/pc/layout/202412/30/node_01.html"
    assert issue.next_issue_url == "http://e.invalid/rmrb/pc/layout/202501/01/node_01.html"


ARTICLE_IDS = """<html><body><div class="article">
<p id="PreTitle">引题</p><p id="Title">主题</p><p id="SubTitle"></p>
<p class="sec">本报记者 王五</p><p class="date">2024年12月01日</p>
<div id="ozoom"><founder-content><p>　　本报北京11月30日电　第一段。</p>
<p>第二段。</p></founder-content></div>
</div><a href="content_3.html">下一篇</a></body></html>"""

ARTICLE_FONTS = """<div id="scroller"><div class="caption">
<p id="nowLayout" class="hide">05</p>
<font id="intro-title"></font><font id="main-title">主题二</font><font id="sub-title">副题二</font>
<font id="author">2023年02月11日</font></div>
<div class="content" id="content"><img src="../../../pic/202302/11/p.jpg">
<p>  图片说明（记者 赵六 摄）</p>
<founder-content><!--enpcontent--><p>某某报全媒记者 钱七 通讯员 孙八</p><p><br></p>
<p>第一段。</p><p><strong>小标题</strong></p><p>第二段。</p>
<!--/enpcontent-->
<!--enpproperty <date>2023-02-11 00:00:00:0</date><title>主题二</title>/enpproperty-->
</founder-content></div></div>"""


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        (
            ARTICLE_IDS,
            CONTENT + "content_2.html",
            {
                "kicker": "引题",
                "title": "主题",
                "subtitle": None,
                "byline": "本报记者 王五",
                "paragraphs": ("本报北京11月30日电 第一段。", "第二段。"),
                "images": (),
                "next_url": CONTENT + "content_3.html",
                "date": dt.date(2024, 12, 1),
                "page_number": None,
            },
        ),
        (
            ARTICLE_FONTS,
            "http://e.invalid/pc/content/202302/11/content_9.html",
            {
                "kicker": None,
                "title": "主题二",
                "subtitle": "副题二",
                "byline": "某某报全媒记者 钱七 通讯员 孙八",
                "paragraphs": ("第一段。", "小标题", "第二段。"),
                "images": (
                    Image("http://e.invalid/pc/pic/202302/11/p.jpg", "图片说明（记者 赵六 摄）"),
                ),
                "next_url": None,
                "date": dt.date(2023, 2, 11),
                "page_number": "05",
            },
        ),
    ],
    ids=["element-ids", "font-ids-byline-in-body"],
)
def test_article_fields(html: str, url: str, expected: dict[str, object]) -> None:
    article = founder_pc.extract_article(Selector(text=html), url)
    assert {key: getattr(article, key) for key in expected} == expected


def test_byline_in_the_body_gives_authors_with_roles() -> None:
    article = founder_pc.extract_article(
        Selector(text=ARTICLE_FONTS), "http://e.invalid/pc/content/202302/11/content_9.html"
    )
    assert [(a.name, a.role) for a in article.authors] == [("钱七", "记者"), ("孙八", "通讯员")]


# ---------------------------------------------------------------------------------------
# The other skins (REAL-SITES.md 1.5): 湖北日报 pc/column, 光明日报 2026 html/layout
# ---------------------------------------------------------------------------------------

COLUMN = "http://e.invalid/pc/column/202302/11/"
HUBEI_PAGE = """<html><body>
<div class="col-md-5"><div class="nav-list"><ul>
<li><a href="node_01.html">01版：要闻</a></li>
<li><a href="node_02.html">02版：评论</a></li>
</ul></div>
<img src="../../../pic/202302/11/p.jpg.2" USEMAP=#PagePicMap></div>
<div class="col-md-7">
<p id="pdfUrl" style="display:none"> http://e.invalid/pc/attachment/202302/11/u.pdf </p>
<div class="news-list"><ul>
<li><a href="../../../content/202302/11/content_7.html">甲文</a></li>
<li><a href="../../../content/202302/11/content_8.html">乙文</a></li>
</ul></div></div>
</body></html>"""


def test_hubei_page_list_titles_and_pdf_printed_as_text() -> None:
    page = founder_pc.extract_page(Selector(text=HUBEI_PAGE), COLUMN + "node_02.html")
    assert [(p.number, p.name, p.url) for p in page.pages] == [
        ("01", "要闻", COLUMN + "node_01.html"),
        ("02", "评论", COLUMN + "node_02.html"),
    ]
    assert (page.number, page.name) == ("02", "评论")
    assert [ref.title for ref in page.articles] == ["甲文", "乙文"]
    assert page.articles[0].url == "http://e.invalid/pc/content/202302/11/content_7.html"
    assert page.pdf_url == "http://e.invalid/pc/attachment/202302/11/u.pdf"


def test_hubei_titles_in_a_result_list() -> None:
    html = """<div class="col-md-5"><div><ul><li><a href="node_01.html">第01版：要闻</a></li>
    </ul></div></div><div class="resultList"><a href="../../../content/202302/11/content_9.html">
    丙文</a></div>"""
    page = founder_pc.extract_page(Selector(text=html), COLUMN + "node_01.html")
    assert [(p.number, p.name) for p in page.pages] == [("01", "要闻")]
    assert [ref.title for ref in page.articles] == ["丙文"]


GM_LAYOUT = "http://e.invalid/gmrb/html/layout/202601/05/"
GM_PAGE = """<html><body>
<img id="map" src="../../../pic/202601/05/a.jpg.2" usemap="#m"><map name="m"></map>
<ul id="list">
<li><a href="node_01.html">第01版：头版</a></li>
<li><a href="node_02.html">第02版：要闻</a></li>
</ul>
<div class="m-title-list"><div class="m-type">02版:<span>要闻</span></div><ul>
<li><a href="../../../content/202601/05/content_11.html">一题</a></li>
<li><a href="#top">回到顶部</a></li>
</ul></div>
</body></html>"""


def test_gmrb_2026_page_list_without_page_link_ids_and_its_title_list() -> None:
    issue = founder_pc.extract_issue(Selector(text=GM_PAGE), GM_LAYOUT + "node_01.html")
    assert [p.url for p in issue.pages] == [GM_LAYOUT + "node_01.html", GM_LAYOUT + "node_02.html"]
    page = founder_pc.extract_page(Selector(text=GM_PAGE), GM_LAYOUT + "node_09.html")
    assert (page.number, page.name) == ("02", "要闻")  # from div.m-type: not in the list
    assert page.articles == (
        ArticleRef("http://e.invalid/gmrb/html/content/202601/05/content_11.html", "一题"),
    )
    assert page.pdf_url is None
    assert page.image_url == "http://e.invalid/gmrb/html/pic/202601/05/a.jpg.2"


GM_ARTICLE = """<html><body>
<div class="m-bread"><a href="../../../layout/202601/05/node_02.html">第02版：要闻</a></div>
<div class="m-article-content">
<h3>引题</h3><h1>主题</h1><h2>副题</h2>
<p class="m-article-author">作者：本报记者 张三</p>
<img src="../../../pic/202601/05/i.jpg.1"><p>图片说明</p>
<div class="m-article-main"><p>　　第一段。</p><p>　　第二段。</p></div>
</div>
<div class="m-footer">Copyright © 2026</div>
<!--enpproperty <date>2026-01-05 00:00:00:0</date><author></author>/enpproperty-->
</body></html>"""


def test_gmrb_2026_article() -> None:
    url = "http://e.invalid/gmrb/html/content/202601/05/content_11.html"
    art = founder_pc.extract_article(Selector(text=GM_ARTICLE), url)
    assert (art.kicker, art.title, art.subtitle) == ("引题", "主题", "副题")
    assert art.byline == "本报记者 张三"
    assert [a.name for a in art.authors] == ["张三"]
    assert art.paragraphs == ("第一段。", "第二段。")
    assert art.images == (Image("http://e.invalid/gmrb/html/pic/202601/05/i.jpg.1", "图片说明"),)
    assert (art.page_number, art.page_name, art.date) == ("02", "要闻", dt.date(2026, 1, 5))


def test_a_page_of_no_known_skin_lists_no_pages() -> None:
    html = '<ul class="pages"><li><a href="node_01.html">01版：要闻</a></li></ul>'
    issue = founder_pc.extract_issue(Selector(text=html), COLUMN + "node_01.html")
    assert issue.pages == ()


def test_the_calendar_is_the_eras_root_and_month() -> None:
    calendar = founder_pc.FAMILY.calendar
    assert calendar is not None and not calendar.everywhere
    assert calendar.url("https://epaper.hubeidaily.net/pc/column/", 2025, 2) == (
        "https://epaper.hubeidaily.net/pc/column/202502/period.xml"
    )
    xml = """<?xml version="1.0" encoding="UTF-8"?><periodlist>
    <period id="1"><period_date>2025-02-18</period_date><front_page>node_01.html</front_page>
    </period><period id="2"><period_date>2025-02-20</period_date></period></periodlist>"""
    assert calendar.parse(xml, "") == (dt.date(2025, 2, 18), dt.date(2025, 2, 20))


def test_gmrb_meets_the_floors_on_both_sides_of_its_2026_template_change() -> None:
    # The mock's clock after the change: 2025-12-31 is the People's Daily template,
    # 2026-01-01 and 2026-01-02 the new one (ul#list, .m-title-list, .m-article-main).
    now = dt.datetime(2026, 1, 5, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Beijing
    report = evaluate(
        MockSite(SiteOptions(seed=0)),
        now,
        [Selection("gmrb", dt.date(2025, 12, 31), dt.date(2026, 1, 2))],
    )
    assert report.families == ("peoples_daily", "founder_pc")
    assert report.tallies["founder_pc"].articles > 100
    assert check_floors(report, load_floors()) == []
