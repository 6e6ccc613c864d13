"""Extraction for the People's Daily variant (``nbs.D110000renmrb_01.htm`` pages,
``nw.D110000renmrb_YYYYMMDD_N-PP.htm`` articles), used by 人民日报 to 2024-11 and 光明日报.

Its 上一期/下一期 are scripts (``goPrePeriod()``) that rewrite the date in the address,
so the issue index computes those URLs instead of reading them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from crawler.cleaning import normalize_whitespace
from crawler.extract import founder_common as common
from crawler.extract.dom import visible_text
from crawler.extract.family import Family
from crawler.extract.founder import printed_page_label
from crawler.items import Article, ArticleRef, IssueIndex, PageContent
from crawler.urls import resolve_link

if TYPE_CHECKING:
    from parsel import Selector

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"

#: The variant's skins (REAL-SITES §2.1). 2017: the title list, whose links write their
#: titles with ``document.write(view("…"))``, and a hidden table repeating them as plain
#: text in ``div#mp_nw…`` (used when the script form is missing). 2020–24: pages in
#: ``div.swiper-slide``, titles in ``ul.news-list``, the page's label in ``p.left.ban``
#: and its PDF in ``p.right.btn a``. Both: the ``h4`` byline.
SKINS = replace(
    common.SHARED_SKINS,
    page_lists=(
        *common.SHARED_SKINS.page_lists,
        f"//div[{_CLASS.format('swiper-slide')}]//a[@href]",
    ),
    title_lists=(
        "//*[@id='titleList']//a[@href]",
        f"//ul[{_CLASS.format('news-list')}]//a[@href]",
        "//a[@href][div[starts-with(@id, 'mp_')]]",
    ),
    page_labels=(f"//p[{_CLASS.format('ban')}]",),
    pdfs=(
        f"//p[{_CLASS.format('btn')}]//a[contains(translate(@href, 'PDF', 'pdf'), '.pdf')]/@href",
        *common.SHARED_SKINS.pdfs,
    ),
    bylines=("//h4",),
)

_VIEW_CALL = re.compile(
    r"""view\(\s*(?P<q>["'])(?P<s>(?:\\.|(?!(?P=q)).)*)(?P=q)\s*\)""", re.DOTALL
)
_TAG = re.compile(r"<[^>]+>")
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.DOTALL)
_JS_SIMPLE = {"n": "\n", "r": "\n", "t": " "}


def _unescape(match: re.Match[str]) -> str:
    code = match[1]
    if code[0] in "ux" and len(code) > 1:
        return chr(int(code[1:], 16))
    return _JS_SIMPLE.get(code, code)


def script_title(script: str) -> str | None:
    """The title a ``document.write(view("…"))`` script writes, line breaks as spaces.

    >>> script_title('document.write(view("中共中央召开党外人士座谈会<br>征求意见  "))')
    '中共中央召开党外人士座谈会 征求意见'
    >>> script_title('document.write(view("他说\\\\"好\\\\""))')
    '他说"好"'
    """
    match = _VIEW_CALL.search(script)
    if not match:
        return None
    text = _JS_ESCAPE.sub(_unescape, match["s"])
    text = _TAG.sub("", _BR.sub(" ", text))
    return normalize_whitespace(text) or None


def title_refs(selector: Selector, url: str) -> list[ArticleRef]:
    """The page's title list in its order, titles taken from the ``view("…")`` scripts."""
    scripted, *plain = SKINS.title_lists
    refs: list[ArticleRef] = []
    for link in selector.xpath(scripted):
        target = resolve_link(link.attrib.get("href"), url)
        if target is None:
            continue
        title = script_title(" ".join(link.xpath(".//script/text()").getall()))
        refs.append(ArticleRef(target, title or normalize_whitespace(visible_text(link)) or None))
    for query in plain:
        if refs:
            break
        refs = common.link_refs(selector.xpath(query), url)
    return refs


def extract_issue(selector: Selector, url: str) -> IssueIndex:
    """An issue's first page: date (from the URL), page list, computed 上一期/下一期."""
    return common.computed_issue(selector, url, SKINS)


def page_label(selector: Selector) -> tuple[str | None, str | None]:
    """The label a page prints for itself: the 2020–24 ``p.left.ban`` (``第01版：要闻``),
    else the 2017 label outside any link.

    >>> from parsel import Selector
    >>> page_label(Selector(text='<p class="left ban">第01版：要闻</p>'))
    ('01', '要闻')
    """
    for query in SKINS.page_labels:
        for node in selector.xpath(query):
            number, name = common.page_label(visible_text(node))
            if number is not None:
                return number, name
    return printed_page_label(selector)


def extract_page(selector: Selector, url: str) -> PageContent:
    """A page (版): label, articles (title list, then hotspots), PDF, page image, page list."""
    return common.page_content(selector, url, title_refs(selector, url), page_label, SKINS)


_ARTICLE_PAGE = re.compile(r"nw\.D110000\w+?_(?P<date>\d{8})_\d+-(?P<page>[A-Za-z]?\d+)\.htm")


def extract_article(selector: Selector, url: str) -> Article:
    """An article (``nw.…_YYYYMMDD_N-PP.htm``): ``h3`` kicker, ``h1`` title, ``h2`` subtitle,
    ``h4`` byline, ``#ozoom`` body, ``table.pic_c`` pictures."""
    fields = common.enpproperty(selector)
    number, name = printed_page_label(selector)
    match = _ARTICLE_PAGE.search(url)
    if number is None and match:
        number = match["page"].upper()
    return common.build_article(
        selector,
        url,
        common.ArticleParts(
            titles=common.title_stack(selector, fields, SKINS),
            byline=common.first_text(selector, *SKINS.bylines) or fields.get("author") or None,
            date=_article_date(selector, url, match),
            page_number=number,
            page_name=name,
            prev_url=common.link_by_text(selector, url, "上一篇"),
            next_url=common.link_by_text(selector, url, "下一篇"),
        ),
        SKINS,
    )


def _article_date(selector: Selector, url: str, match: re.Match[str] | None) -> dt.date | None:
    # The "lai" line prints 《 人民日报 》（ 2017年10月16日 01 版）.
    printed = common.first_text(selector, "//*[@class='lai']", "//*[@id='riqi_']")
    found = common.printed_date(printed)
    if found:
        return found
    if match:
        found = common.printed_date(f"{match['date'][:4]}-{match['date'][4:6]}-{match['date'][6:]}")
    return found or common.date_in_url(url)


FAMILY = Family(
    name="peoples_daily",
    root="html/",
    entry="{yyyy}-{mm}/{dd}/nbs.D110000{slug}_01.htm",
    extract_issue=extract_issue,
    extract_page=extract_page,
    extract_article=extract_article,
    article_id=re.compile(r"nw\.D110000[a-z]+_(?P<id>.+)$"),
    date_in_url=common.date_in_url,
    skins=SKINS,
)
