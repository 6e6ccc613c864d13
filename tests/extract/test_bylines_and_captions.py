"""Bylines and captions as the article templates of every family print them (made-up text).

The byline forms themselves are doctests of :mod:`crawler.cleaning`; here each family's
article extractor is shown to use them: a middle-dot organisation before the role, a
bracketed 摄 credit, a ``□ …评论员`` signature paragraph at the end of the body, and a
caption kept only in a ``data-original-title`` attribute.
"""

from __future__ import annotations

from parsel import Selector

from crawler.extract import founder, founder_pc, paperindex, peoples_daily
from crawler.items import Article, Image

PC_URL = "http://e.invalid/pc/content/202302/11/content_9.html"
CLASSIC_URL = "http://e.invalid/kjrb/html/2023-02/10/content_11.htm"
NBS_URL = "http://e.invalid/rmrb/html/2017-10/16/nw.D110000renmrb_20171016_1-01.htm"
PI_URL = "http://e.invalid/lzcb/content/20211020/Articel05004MT.htm"


def _pc(first: str, last: str, caption_p: str = "<p></p>", img_attr: str = "") -> Article:
    html = f"""<div id="scroller"><div class="caption">
<font id="intro-title"></font><font id="main-title">主题</font><font id="sub-title"></font>
</div><div class="content" id="content"><img src="../../../pic/202302/11/p.jpg"{img_attr}>
{caption_p}
<founder-content><p>{first}</p><p>第一段。</p><p>第二段。</p><p>{last}</p></founder-content>
</div></div>"""
    return founder_pc.extract_article(Selector(text=html), PC_URL)


def _pairs(article: Article) -> list[tuple[str, str]]:
    return [(a.name, a.role) for a in article.authors]


def test_a_middle_dot_organisation_names_only_the_person() -> None:
    article = _pc("某某报·某某网记者 张三 通讯员 李四", "第三段。")
    assert article.byline == "某某报·某某网记者 张三 通讯员 李四"
    assert _pairs(article) == [("张三", "记者"), ("李四", "通讯员")]
    assert article.paragraphs == ("第一段。", "第二段。", "第三段。")


def test_a_signature_paragraph_at_the_end_is_the_byline_not_body() -> None:
    article = _pc("第零段。", "□ 某某日报评论员")
    assert article.byline == "某某日报评论员"
    assert _pairs(article) == [("某某日报评论员", "评论员")]
    assert article.paragraphs == ("第零段。", "第一段。", "第二段。")


def test_a_bracketed_photo_credit_makes_every_name_a_photographer() -> None:
    article = _pc("（某某日报全媒记者 张三 通讯员 李四 王五 摄）", "第三段。")
    assert _pairs(article) == [
        ("张三", "记者"),
        ("李四", "通讯员"),
        ("王五", "通讯员"),
        ("张三", "摄影"),
        ("李四", "摄影"),
        ("王五", "摄影"),
    ]


def test_founder_pc_caption_from_data_original_title_when_the_caption_is_empty() -> None:
    attr = ' data-original-title="某地一景。（记者 赵六 摄）"'
    article = _pc("本报记者 张三", "第三段。", img_attr=attr)
    assert article.images == (
        Image("http://e.invalid/pc/pic/202302/11/p.jpg", "某地一景。（记者 赵六 摄）"),
    )
    printed = _pc("本报记者 张三", "第三段。", "<p>印出的说明</p>", attr)
    assert printed.images[0].caption == "印出的说明"


PIC_TABLE = """<table class="pic_c"><tr><td>
<a data-original-title="  某地一景。  王五 摄"><img src="{src}"></a></td></tr>
<tr><td></td></tr></table>"""


def test_founder_classic_signature_and_attribute_caption() -> None:
    html = f"""<html><body><div class="article"><h1>主题</h1><div class="author"></div></div>
{PIC_TABLE.format(src="../../../images/2023-02/10/03/p1.jpg")}
<div id="ozoom"><founder-content><p>第一段。</p><p>第二段。</p><p>■ 本报评论员</p>
</founder-content></div></body></html>"""
    article = founder.extract_article(Selector(text=html), CLASSIC_URL)
    assert (article.byline, _pairs(article)) == ("本报评论员", [("本报评论员", "评论员")])
    assert article.paragraphs == ("第一段。", "第二段。")
    assert article.images == (
        Image("http://e.invalid/kjrb/images/2023-02/10/03/p1.jpg", "某地一景。 王五 摄"),
    )


def test_peoples_daily_byline_with_a_middle_dot_organisation() -> None:
    html = """<html><body><div class="text_c"><h1>主题</h1>
<h4>某某报·某某网记者 张三</h4><div id="ozoom"><P>第一段。</P></div></div></body></html>"""
    article = peoples_daily.extract_article(Selector(text=html), NBS_URL)
    assert _pairs(article) == [("张三", "记者")]


def test_paperindex_signature_and_attribute_caption() -> None:
    html = """<html><body><TABLE id="ArticleTitle">
<TR><TD class="title"><SPAN id="contenttitle">主题</SPAN></TD></TR>
<TR><TD class="author"><SPAN id="contentauthor"></SPAN></TD></TR></TABLE>
<TABLE class="pic"><TR><TD><A href="p.jpg" target="_blank"
 data-original-title="某地一景。（王五 摄）"><IMG src="p.jpg"></A></TD></TR>
<TR><TD class="picdesc"></TD></TR></TABLE>
<SPAN id="contenttext"><P>第一段。<BR>第二段。<BR>□ 某某晨报评论员</P></SPAN></body></html>"""
    article = paperindex.extract_article(Selector(text=html), PI_URL)
    assert (article.byline, _pairs(article)) == ("某某晨报评论员", [("某某晨报评论员", "评论员")])
    assert article.paragraphs == ("第一段。", "第二段。")
    assert article.images == (
        Image("http://e.invalid/lzcb/content/20211020/p.jpg", "某地一景。（王五 摄）"),
    )
