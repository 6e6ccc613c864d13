"""Text of HTML nodes as a reader sees it: no scripts, styles or Webdings glyphs; lines at blocks.

E-paper templates draw their navigation arrows with ``<font face=Webdings>3</font>`` /
``4``; those digits are not text, so they are skipped here, at the HTML level, where they
can still be told apart from a real 3 or 4.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # parsel's parser, no stubs
from parsel import Selector

from crawler.cleaning import normalize_whitespace
from crawler.urls import canonical_url

#: Elements that start a new line of text.
BLOCK_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl"),
        *("dt", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6"),
        *("header", "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "tbody"),
        *("td", "th", "thead", "tr", "ul", "founder-content"),
    }
)
#: Elements whose text is never shown.
HIDDEN_TAGS = frozenset({"script", "style", "noscript", "head", "title", "template", "select"})


class UnparsableError(ValueError):
    """The parser gave up on a page: it nests too deep or holds a node past its limits."""


def parse_html(text: str, base_url: str | None = None) -> Selector:
    """A page's ``Selector``, as parsel builds it, but failing on a page the parser cut short.

    libxml2 stops reading a document nested deeper than 256 elements (the real pages nest
    at most 24 deep) and silently returns what it read so far; that page is an error here,
    never a page with its title list or body lost. The limit also keeps every recursive
    walk of the tree (:func:`text_lines`) far from Python's recursion limit.

    >>> parse_html("<ul><li><a href='a.htm'>标题</a></li></ul>").xpath("//a/@href").get()
    'a.htm'
    >>> parse_html("<div>" * 1000 + "<a href='a.htm'>标题</a>")
    Traceback (most recent call last):
    ...
    crawler.extract.dom.UnparsableError: Excessive depth in document: 256, use XML_PARSE_HUGE option
    """
    body = text.strip().replace("\x00", "").encode("utf-8") or b"<html/>"
    parser = etree.HTMLParser(recover=True, encoding="utf-8")
    root = etree.fromstring(body, parser=parser, base_url=base_url)
    # A resource limit is a fatal error: the parser stops there, so it is the last error.
    error = parser.error_log.last_error
    if error is not None and error.type_name == "ERR_RESOURCE_LIMIT":
        raise UnparsableError(error.message)
    if root is None:
        root = etree.fromstring(b"<html/>", parser=parser, base_url=base_url)
    return Selector(root=root, type="html", base_url=base_url)


_LINKS = etree.XPath("count(//a | //area)")


def link_count(node: Selector) -> int:
    """How many ``<a>`` and ``<area>`` elements a page holds: counted in microseconds, where
    extracting a page of 100,000 links takes seconds.

    >>> link_count(parse_html("<a href=a.htm>甲</a><map><area href=b.htm></map><a>乙</a>"))
    3
    """
    return int(_LINKS(node.root))


def is_glyph_font(element: Any) -> bool:
    """Whether an element is ``<font face=Webdings|Wingdings>``, whose digits draw arrows.

    >>> from parsel import Selector
    >>> is_glyph_font(Selector(text="<font face=Webdings>3</font>").css("font")[0].root)
    True
    """
    tag = element.tag if isinstance(element.tag, str) else ""
    face = (element.get("face") or "").lower()
    return tag.lower() == "font" and ("webdings" in face or "wingdings" in face)


def _walk(element: Any, lines: list[list[str]]) -> None:
    tag = element.tag.lower() if isinstance(element.tag, str) else None
    hidden = tag is None or tag in HIDDEN_TAGS or is_glyph_font(element)
    block = tag in BLOCK_TAGS
    if block:
        lines.append([])
    if not hidden:
        if element.text:
            lines[-1].append(element.text)
        for child in element:
            _walk(child, lines)
    if block:
        lines.append([])
    # The tail belongs to the parent, so it is shown even after a hidden element.
    if element.tail:
        lines[-1].append(element.tail)


def text_lines(node: Selector) -> list[str]:
    """The node's visible text, one string per block line, whitespace normalised, empties dropped.

    >>> from parsel import Selector
    >>> sel = Selector(text="<div><font face=Webdings>3</font>上一篇<br>正 文<p>段落</p>"
    ...                     "<script>x()</script><!-- c -->尾</div>")
    >>> text_lines(sel.css("div")[0])
    ['上一篇', '正 文', '段落', '尾']
    """
    root = node.root
    if isinstance(root, str):
        return [normalize_whitespace(root)] if normalize_whitespace(root) else []
    lines: list[list[str]] = [[]]
    tail, root.tail = root.tail, None  # the node's own tail is outside it
    try:
        _walk(root, lines)
    finally:
        root.tail = tail
    return [text for text in (normalize_whitespace("".join(parts)) for parts in lines) if text]


def raw_lines(node: Selector) -> list[str]:
    """Like :func:`text_lines` but without whitespace normalisation (for cleaning to measure).

    >>> from parsel import Selector
    >>> raw_lines(Selector(text="<p>\\u3000\\u3000甲</p><p>乙</p>").css("body")[0])
    ['\\u3000\\u3000甲', '乙']
    """
    root = node.root
    if isinstance(root, str):
        return [root]
    lines: list[list[str]] = [[]]
    tail, root.tail = root.tail, None
    try:
        _walk(root, lines)
    finally:
        root.tail = tail
    return [text for text in ("".join(parts) for parts in lines) if text.strip()]


def holds_chars(*words: str) -> str:
    """An XPath predicate: the node's text holds every character of one of ``words``.

    Visible text only ever drops characters (hidden elements, glyphs, garbage) and turns
    spaces into spaces, so a node whose visible text contains a word passes this test:
    XPath skips the other nodes before their visible text, the slow part, is computed.

    >>> holds_chars("上一篇")
    "(contains(., '上') and contains(., '一') and contains(., '篇'))"
    >>> from parsel import Selector
    >>> sel = Selector(text="<a href=x><font face=Webdings>3</font>上一篇</a><a href=y>下一版</a>")
    >>> sel.xpath(f"//a[{holds_chars('上一篇', '上一期')}]/@href").getall()
    ['x']
    """
    assert all("'" not in word for word in words), "words are XPath literals"
    return " or ".join(
        "(" + " and ".join(f"contains(., '{char}')" for char in dict.fromkeys(word)) + ")"
        for word in words
    )


def visible_text(node: Selector) -> str:
    """The node's visible text on one line (blocks joined by a space).

    >>> from parsel import Selector
    >>> visible_text(Selector(text="<a><font face=webdings>4</font>下一篇</a>").css("a")[0])
    '下一篇'
    """
    return " ".join(text_lines(node))


#: The attribute some templates keep a picture's caption in (Bootstrap's tooltip title),
#: leaving the caption element empty.
CAPTION_ATTRIBUTE = "data-original-title"


def picture_caption(
    img: Selector, printed: str | None = None, element: Selector | None = None
) -> str | None:
    """A picture's caption: the caption ``element``'s text as ``printed``, else the
    ``data-original-title`` of that element, of the ``img``, or of the link or box around
    the ``img`` (up to two levels up), nearest first.

    >>> from parsel import Selector
    >>> sel = Selector(text='<a data-original-title=" 某地风光 （王五 摄）"><img src=p.jpg></a>')
    >>> picture_caption(sel.css("img")[0])
    '某地风光 （王五 摄）'
    >>> picture_caption(sel.css("img")[0], "印在图下的说明")
    '印在图下的说明'
    >>> box = Selector(text='<img src=p.jpg><p data-original-title="说明"></p>')
    >>> picture_caption(box.css("img")[0], "", box.css("p")[0])
    '说明'
    >>> picture_caption(Selector(text="<img src=p.jpg data-original-title=' '>").css("img")[0])
    """
    if printed:
        return printed
    nodes = ([element] if element is not None else []) + [img]
    for node in nodes:
        # ancestor-or-self is a reverse axis: [1] is the node itself, [2] its parent.
        for level in (1, 2, 3) if node is img else (1,):
            for value in node.xpath(f"ancestor-or-self::*[{level}]/@{CAPTION_ATTRIBUTE}").getall():
                text = normalize_whitespace(value)
                if text:
                    return text
    return None


_REFRESH = re.compile(r"^\s*0*(?:\.0*)?\s*[;,]\s*url\s*=\s*['\"]?([^'\"\s;]+)", re.IGNORECASE)


def refresh_targets(selector: Selector, url: str) -> list[str]:
    """Where a page's 0-second ``<meta http-equiv=refresh>`` tags send the reader, absolute
    and canonical, in document order (Scrapy's refresh middleware is off in the crawl).

    >>> stub = parse_html("<META HTTP-EQUIV='REFRESH' CONTENT='0; URL=Page01NU.htm'>")
    >>> refresh_targets(stub, "http://e.cn/c/20250331/IssueIndex.htm")
    ['http://e.cn/c/20250331/Page01NU.htm']
    >>> refresh_targets(parse_html("<meta http-equiv=refresh content='5; url=x.htm'>"), "http://e.cn/")
    []
    """
    found = []
    for content in selector.xpath(
        "//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content"
    ).getall():
        match = _REFRESH.match(content)
        if match:
            found.append(canonical_url(match.group(1), url))
    return found
