"""Extraction: one module per CMS family, pure functions from a parsel Selector to crawler.items.

Every family module (``crawler.extract.<family>``) exports its ``FAMILY``
(:class:`crawler.extract.family.Family`): URL layout, calendar, skins and the three
extractors::

    extract_issue(selector, url) -> IssueIndex      # an issue's index / first page
    extract_page(selector, url) -> PageContent      # one page (版): its article links
    extract_article(selector, url) -> Article       # one article page

The families are listed once, in :data:`crawler.extract.families.FAMILIES`. Selectors are
built from text decoded by :func:`crawler.encoding.decode_html`; no network, no Scrapy engine.
"""

from __future__ import annotations


class ExtractionError(ValueError):
    """A page lacks what its family always prints (no title, no issue date): the template
    changed or the page is not what the URL promised. A ValueError, so callers that catch
    ValueError keep working."""
