"""Extraction for the new Founder template (``pc/layout/YYYYMM/DD/node_NN.html`` pages,
``pc/content/YYYYMM/DD/content_N.html`` articles): 人民日报 from 2024-12-01, 湖北日报.

Like the People's Daily variant it prints 上一期/下一期 as scripts, so the issue index
computes them from the date in the URL.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from crawler.cleaning import is_byline_line, normalize_whitespace
from crawler.extract import founder_common as common
from crawler.extract.family import Family
from crawler.extract.founder import printed_page_label
from crawler.items import Article, ArticleRef, IssueIndex, PageContent

if TYPE_CHECKING:
    from parsel import Selector

#: The new template's skins: title lists (人民日报 ``ul.news-list``; others ``#titleList``),
#: where the page's own label is printed (``第01版：要闻``), and a byline apart from the body.
SKINS = replace(
    common.SHARED_SKINS,
    title_lists=(
        "//ul[contains(concat(' ', normalize-space(@class), ' '), ' news-list ')]/li//a[@href]",
        "//*[@id='titleList']//li//a[@href]",
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' title ')]//ul/li//a[@href]",
    ),
    page_labels=(
        (
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' paper-bot ')]"
            "//*[contains(concat(' ', normalize-space(@class), ' '), ' ban ')]"
        ),
    ),
    bylines=("//*[@id='Author']",),
)


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
    """An article: ``#PreTitle/#Title/#SubTitle`` or ``font#intro-title/#main-title/#sub-title``,
    body in ``founder-content`` (its first ``<p>`` is often the byline), pictures with captions
    before it."""
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


_SEC = "//p[contains(concat(' ', normalize-space(@class), ' '), ' sec ')]"


def _byline(selector: Selector, fields: dict[str, str]) -> str | None:
    """A byline printed apart from the body (``#Author``, ``p.sec`` without its date), else
    the enpproperty's; None when the page prints it only as the body's first paragraph."""
    printed = common.first_text(selector, *SKINS.bylines)
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
    root="pc/",
    entry="layout/{yyyy}{mm}/{dd}/node_01.html",
    extract_issue=extract_issue,
    extract_page=extract_page,
    extract_article=extract_article,
    article_id=re.compile(r"content_(?P<id>.+)$"),
    date_in_url=common.date_in_url,
    skins=SKINS,
)
