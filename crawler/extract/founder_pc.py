"""Extraction for the new Founder template (``…/YYYYMM/DD/node_NN.html`` pages,
``…/content/YYYYMM/DD/content_N.html`` articles): 人民日报 from 2024-12-01 (``pc/layout/``),
湖北日报 (``pc/column/``, with a ``period.xml`` calendar), 光明日报 from 2026 (``html/layout/``).

One product in many skins (../shared/REAL-SITES.md 1.5): the extractors try each skin of
:data:`SKINS` in order and take the first that matches, so a paper is a root and an entry in
papers.toml, never code. Like the People's Daily variant it prints 上一期/下一期 as scripts,
so the issue index computes them from the date in the URL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from crawler.cleaning import is_byline_line, normalize_whitespace
from crawler.extract import founder_common as common
from crawler.extract.family import Calendar, Family
from crawler.extract.founder import parse_calendar, printed_page_label
from crawler.items import Article, ArticleRef, IssueIndex, PageContent

if TYPE_CHECKING:
    from parsel import Selector


def _class(name: str) -> str:
    """XPath test for an element with the CSS class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


#: The skins of the new template, each part's most specific first (REAL-SITES.md 1.5):
#: 人民日报 (``.swiper-slide a#pageLink``, ``ul.news-list``, the label in ``.paper-bot
#: .ban``, the PDF a link in ``p.right.btn``), 光明日报 2026 (``ul#list``, ``.m-title-list``
#: with its label in ``.m-type``, ``.m-article-main``, ``.m-article-author``), 湖北日报
#: (``.nav-list`` / ``div.col-md-5`` page lists, ``div.news-list > ul`` / ``.resultList``
#: titles, ``div#ozoom`` bodies, the PDF's address as the text of ``p#pdfUrl``).
SKINS = replace(
    common.SHARED_SKINS,
    page_lists=(
        *common.SHARED_SKINS.page_lists,
        "//ul[@id='list']//a[contains(@href, 'node_')]",
        f"//*[{_class('nav-list')}]//li//a[@href]",
        f"//div[{_class('col-md-5')}]/div/ul/li/a[@href]",
    ),
    title_lists=(
        f"//ul[{_class('news-list')}]/li//a[@href]",
        f"//*[{_class('m-title-list')}]//a[contains(@href, 'content_')]",
        f"//div[{_class('news-list')}]/ul/li/a[@href]",
        f"//*[{_class('resultList')}]//a[@href]",
        "//*[@id='titleList']//li//a[@href]",
        f"//div[{_class('title')}]//ul/li//a[@href]",
    ),
    bodies=(*common.SHARED_SKINS.bodies, f"//*[{_class('m-article-main')}]"),
    pdfs=(*common.SHARED_SKINS.pdfs, "//p[@id='pdfUrl']/text()[normalize-space()]"),
    page_labels=(
        f"//*[{_class('paper-bot')}]//*[{_class('ban')}]",
        f"//*[{_class('m-title-list')}]//*[{_class('m-type')}]",
    ),
    bylines=("//*[@id='Author']", f"//*[{_class('m-article-author')}]"),
)


def calendar_url(root_url: str, year: int, month: int) -> str:
    """URL of the month's ``period.xml``: ``<root>YYYYMM/period.xml``, the root being the
    era's page directory (``pc/column/`` on 湖北日报, ``pc/layout/`` on 新华日报).

    >>> calendar_url("https://epaper.hubeidaily.net/pc/column/", 2023, 2)
    'https://epaper.hubeidaily.net/pc/column/202302/period.xml'
    """
    return f"{root_url}{year:04d}{month:02d}/period.xml"


def title_refs(selector: Selector, url: str) -> list[ArticleRef]:
    """The page's title list, in its order."""
    for query in SKINS.title_lists:
        links = selector.xpath(query)
        if links:
            return common.link_refs(links, url)
    return []


def extract_issue(selector: Selector, url: str) -> IssueIndex:
    """An issue's first page: date (from the URL), page list, computed 上一期/下一期."""
    return common.computed_issue(selector, url, SKINS)


def extract_page(selector: Selector, url: str) -> PageContent:
    """A page (版): label, articles (title list, then hotspots), PDF, page image, page list."""
    return common.page_content(selector, url, title_refs(selector, url), _page_label, SKINS)


def _page_label(selector: Selector) -> tuple[str | None, str | None]:
    """The label of a page the page list lacks: in the skins' page labels, else as printed."""
    label = common.first_text(selector, *SKINS.page_labels)
    return common.page_label(label) if label else printed_page_label(selector)


_PAGE_NUMBER = re.compile(r"^[A-Za-z]?\d{1,3}$")


def extract_article(selector: Selector, url: str) -> Article:
    """An article: ``#PreTitle/#Title/#SubTitle``, ``font#intro-title/#main-title/#sub-title``
    or the ``h3/h1/h2`` of ``.m-article-content``; body in ``founder-content`` (its first
    ``<p>`` is often the byline) or ``.m-article-main``, pictures with captions before it."""
    fields = common.enpproperty(selector)
    number = common.first_text(selector, "//*[@id='nowLayout']")
    if number is not None and not _PAGE_NUMBER.match(number):
        number = None
    label_number, name = printed_page_label(selector, links=True)
    # 湖北日报's ``font#author`` holds the date, not the author.
    date_text = common.first_text(
        selector, "//*[@id='author']", "//*[contains(concat(' ', @class, ' '), ' date ')]"
    )
    return common.build_article(
        selector,
        url,
        common.ArticleParts(
            titles=common.title_stack(selector, fields, SKINS),
            byline=_byline(selector, fields),
            date=common.printed_date(date_text, fields.get("date")) or common.date_in_url(url),
            page_number=(number or label_number or "").upper() or None,
            page_name=name,
            prev_url=common.link_by_text(selector, url, "上一篇"),
            next_url=common.link_by_text(selector, url, "下一篇"),
        ),
        SKINS,
    )


_SEC = f"//p[{_class('sec')}]"
# 光明日报's ``.m-article-author`` opens with the label 作者：.
_AUTHOR_LABEL = re.compile(r"^作者\s*[:：]\s*")


def _byline(selector: Selector, fields: dict[str, str]) -> str | None:
    """A byline printed apart from the body (``#Author``, ``p.sec`` without its date), else
    the enpproperty's; None when the page prints it only as the body's first paragraph."""
    printed = common.first_text(selector, *SKINS.bylines)
    if printed is not None:
        printed = _AUTHOR_LABEL.sub("", printed) or None
    if printed is None:
        sec = selector.xpath(_SEC)
        if sec:
            # p.sec holds the date in span.date and, on some pages, the byline after it.
            text = " ".join(
                sec[0].xpath(".//text()[not(ancestor::*[contains(@class, 'date')])]").getall()
            )
            printed = normalize_whitespace(text) or None
            if printed and common.printed_date(printed) and not is_byline_line(printed):
                printed = None
    return printed or fields.get("author") or None


FAMILY = Family(
    name="founder_pc",
    root="pc/layout/",
    entry="{yyyy}{mm}/{dd}/node_01.html",
    extract_issue=extract_issue,
    extract_page=extract_page,
    extract_article=extract_article,
    article_id=re.compile(r"content_(?P<id>.+)$"),
    date_in_url=common.date_in_url,
    # Only some sites publish it (湖北日报 does): an era opts in with calendar = true.
    calendar=Calendar(url=calendar_url, parse=parse_calendar, everywhere=False),
    # A period.xml is XML: its own closing tag ends it.
    body_ends=(b"</html>", b"</periodlist>"),
    skins=SKINS,
)
