"""New Founder template (pc/layout): pages, computed issue navigation, article title stacks."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from crawler.extract import founder_pc
from crawler.items import ArticleRef, Image

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
