"""People's Daily variant: script titles, computed 上一期/下一期, and nw… article pages."""

from __future__ import annotations

import datetime as dt

import pytest
from parsel import Selector

from crawler.extract import peoples_daily
from crawler.items import ArticleRef, Image

ROOT = "http://e.invalid/rmrb/html/"


@pytest.mark.parametrize(
    ("script", "title"),
    [
        ('document.write(view("党的十九大代表陆续抵京  "))', "党的十九大代表陆续抵京"),
        ('document.write(view("座谈会<br>征求意见"))', "座谈会 征求意见"),
        ('document.write(view("座谈会<BR/>征求意见"))', "座谈会 征求意见"),
        ("document.write(view('单引号\\'内\\''))", "单引号'内'"),
        ('document.write(view("\\u4eba\\u6c11"))', "人民"),
        ('document.write(view("<font color=red>红</font>字"))', "红字"),
        ('document.write(view("   "))', None),
        ("document.write('no view here')", None),
    ],
)
def test_script_title(script: str, title: str | None) -> None:
    assert peoples_daily.script_title(script) == title


PAGE = """<html><body>
<map name=PagePicMap><area href="nw.D110000renmrb_20240101_2-01.htm">
<area href="nw.D110000renmrb_20240101_1-01.htm">
<area href="nw.D110000renmrb_20240101_3-01.htm"></map>
<img src=../../../page/2024-01/01/01/rmrb2024010101_b.jpg usemap=#PagePicMap>
<div id="titleList"><ul>
<li><a href=nw.D110000renmrb_20240101_1-01.htm>
<script>document.write(view("新年贺词  "))</script></a></li>
<li><a href=nw.D110000renmrb_20240101_2-01.htm>
<script>document.write(view("引题<br>主题"))</script></a></li>
</ul></div>
<div id="pageList"><ul>
<div><div><a id=pageLink href=./nbs.D110000renmrb_01.htm>第01版：要闻</a></div>
<div><a href=../../../page/2024-01/01/01/rmrb2024010101.pdf><img></a></div></div>
<div><div><a id=pageLink href=nbs.D110000renmrb_02.htm>第02版：要闻</a></div>
<div><a href=../../../page/2024-01/01/02/rmrb2024010102.pdf><img></a></div></div>
</ul></div>
<a href="#" onClick="goPrePeriod()">&lt;上一期</a>
<a href="#" onClick="goNextPeriod()">下一期&gt;</a>
</body></html>"""


def test_page_titles_come_from_the_scripts_and_hotspots_add_the_rest() -> None:
    url = ROOT + "2024-01/01/nbs.D110000renmrb_01.htm"
    page = peoples_daily.extract_page(Selector(text=PAGE), url)
    day = ROOT + "2024-01/01/"
    assert page.articles == (
        ArticleRef(day + "nw.D110000renmrb_20240101_1-01.htm", "新年贺词"),
        ArticleRef(day + "nw.D110000renmrb_20240101_2-01.htm", "引题 主题"),
        ArticleRef(day + "nw.D110000renmrb_20240101_3-01.htm", None),
    )
    assert page.pdf_url == "http://e.invalid/rmrb/page/2024-01/01/01/rmrb2024010101.pdf"
    assert [p.pdf_url for p in page.pages] == [
        "http://e.invalid/rmrb/page/2024-01/01/01/rmrb2024010101.pdf",
        "http://e.invalid/rmrb/page/2024-01/01/02/rmrb2024010102.pdf",
    ]


@pytest.mark.parametrize(
    ("day", "prev", "next_"),
    [
        ("2024-01-01", "2023-12/31", "2024-01/02"),
        ("2024-02-28", "2024-02/27", "2024-02/29"),
        ("2023-02-28", "2023-02/27", "2023-03/01"),
    ],
)
def test_issue_computes_the_neighbouring_days(day: str, prev: str, next_: str) -> None:
    date = dt.date.fromisoformat(day)
    url = f"{ROOT}{date:%Y-%m/%d}/nbs.D110000renmrb_02.htm"  # any page of the issue
    issue = peoples_daily.extract_issue(Selector(text=PAGE), url)
    assert issue.date == date
    # The neighbours are the first page of the list, moved to the other day.
    assert issue.prev_issue_url == f"{ROOT}{prev}/nbs.D110000renmrb_01.htm"
    assert issue.next_issue_url == f"{ROOT}{next_}/nbs.D110000renmrb_01.htm"


ARTICLE = """<html><body>
<div class="ban_t"><ul><li>03版:要闻 <a href=nbs.D110000renmrb_04.htm>下一版</a></li></ul></div>
<div class="text_c">
<h3>引题</h3><h1>主题</h1><h2>——副题</h2><h4>本报记者 张三 李四</h4>
<div class="lai">《 人民日报 》（ 2024年01月01日 03 版）</div>
<table class="pic_c"><tr><td><img src="../../../res/1.jpg"></td></tr>
<tr><td>图说文字</td></tr></table>
<div id="ozoom"><!--enpcontent--><P>　　本报北京12月31日电　正文第一段。</P>
<P>　　正文第二段。</P><!--/enpcontent--></div>
</div>
<a href=nw.D110000renmrb_20240101_1-03.htm>上一篇</a>
</body></html>"""


def test_article_fields() -> None:
    url = ROOT + "2024-01/01/nw.D110000renmrb_20240101_2-03.htm"
    article = peoples_daily.extract_article(Selector(text=ARTICLE), url)
    assert (article.kicker, article.title, article.subtitle) == ("引题", "主题", "——副题")
    assert article.byline == "本报记者 张三 李四"
    assert [a.name for a in article.authors] == ["张三", "李四"]
    assert article.paragraphs == ("本报北京12月31日电 正文第一段。", "正文第二段。")
    assert article.dateline is not None
    assert (article.dateline.month, article.dateline.day) == (12, 31)
    assert article.images == (Image("http://e.invalid/rmrb/res/1.jpg", "图说文字"),)
    assert article.prev_url == ROOT + "2024-01/01/nw.D110000renmrb_20240101_1-03.htm"
    assert article.next_url is None
    assert (article.page_number, article.page_name) == ("03", "要闻")
    assert article.date == dt.date(2024, 1, 1)


def test_article_page_number_and_date_from_the_url_when_not_printed() -> None:
    html = "<div class='text_c'><h1>只有标题</h1><div id='ozoom'><p>正文。</p></div></div>"
    url = ROOT + "2024-01/01/nw.D110000renmrb_20240101_7-12.htm"
    article = peoples_daily.extract_article(Selector(text=html), url)
    assert (article.title, article.page_number, article.date) == (
        "只有标题",
        "12",
        dt.date(2024, 1, 1),
    )
