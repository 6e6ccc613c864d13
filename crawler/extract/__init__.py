"""Extraction: one module per CMS family, pure functions from a parsel Selector to crawler.items.

Every family module (``crawler.extract.<family>``) exposes at least::

    extract_issue(selector, url) -> IssueIndex      # an issue's index / first page
    extract_page(selector, url) -> PageContent      # one page (版): its article links
    extract_article(selector, url) -> Article       # one article page

and may add family-specific helpers (calendars, entry redirects). Selectors are built from
text decoded by :func:`crawler.encoding.decode_html`; no network, no Scrapy engine.

Shared by helpers B1 (paperindex) and B2 (founder, peoples_daily, founder_pc): to add a
family, add one line to :data:`FAMILY_MODULES`, keyed like ``crawler.registry.FAMILIES``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol, cast

if TYPE_CHECKING:
    from parsel import Selector

    from crawler.items import Article, IssueIndex, PageContent


class ExtractionError(ValueError):
    """A page lacks what its family always prints (no title, no issue date): the template
    changed or the page is not what the URL promised. A ValueError, so callers that catch
    ValueError keep working."""


class FamilyExtractor(Protocol):
    """What every family module provides (a module satisfies this structurally)."""

    def extract_issue(self, selector: Selector, url: str) -> IssueIndex: ...

    def extract_page(self, selector: Selector, url: str) -> PageContent: ...

    def extract_article(self, selector: Selector, url: str) -> Article: ...


#: Family slug (as in crawler.registry.FAMILIES) → the module that extracts it.
FAMILY_MODULES: dict[str, str] = {
    "paperindex": "crawler.extract.paperindex",
    "founder": "crawler.extract.founder",
    "peoples_daily": "crawler.extract.peoples_daily",
    "founder_pc": "crawler.extract.founder_pc",
}


def get_extractor(family: str) -> FamilyExtractor:
    """The extractor module of a family; KeyError for an unknown family.

    >>> get_extractor("paperindex").__name__
    'crawler.extract.paperindex'
    """
    return cast("FamilyExtractor", importlib.import_module(FAMILY_MODULES[family]))
