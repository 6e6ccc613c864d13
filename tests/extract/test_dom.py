"""Visible text of HTML nodes: what a reader sees, line by line."""

from __future__ import annotations

import pytest
from parsel import Selector

from crawler.extract.dom import raw_lines, text_lines, visible_text


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ("<div><FONT face=Webdings>3</FONT><a>上一篇</a></div>", ["上一篇"]),
        ("<div><font face='WINGDINGS'>4</font>下一篇<font color=red>4</font></div>", ["下一篇4"]),
        ("<div>甲<br>乙<BR/>丙</div>", ["甲", "乙", "丙"]),
        ("<div><p>\u3000\u3000段一</p><p>段二<b>加粗</b>续</p></div>", ["段一", "段二加粗续"]),
        ("<div>前<script>var a='x';</script><style>p{}</style>后</div>", ["前后"]),
        ("<div>前<!-- 注释 -->后</div>", ["前后"]),
        ("<div><p> </p><p>\u00a0</p>字</div>", ["字"]),
        ("<div><table><tr><td>图</td></tr><tr><td>说明</td></tr></table></div>", ["图", "说明"]),
    ],
)
def test_text_lines(html: str, expected: list[str]) -> None:
    node = Selector(text=html).css("div")[0]
    assert text_lines(node) == expected


def test_a_node_tail_is_not_its_text() -> None:
    node = Selector(text="<div><span>内</span>外</div>").css("span")[0]
    assert text_lines(node) == ["内"]
    assert (
        Selector(text="<div><span>内</span>外</div>").css("div")[0].xpath("string()").get()
        == "内外"
    )


def test_raw_lines_keep_indents_for_cleaning() -> None:
    node = Selector(text="<div><p>\u3000\u3000甲</p><p>乙<br>\u3000丙</p></div>").css("div")[0]
    assert raw_lines(node) == ["\u3000\u3000甲", "乙", "\u3000丙"]


def test_visible_text_joins_lines() -> None:
    node = Selector(text="<a><font face=Webdings>3</font>上一篇:<br>标题</a>").css("a")[0]
    assert visible_text(node) == "上一篇: 标题"
