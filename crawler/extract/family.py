"""A CMS family as one declared object: URL layout, calendar, navigation, skins, extractors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from parsel import Selector

    from crawler.items import Article, IssueIndex, PageContent


@dataclass(frozen=True, slots=True)
class Calendar:
    """A month's list of issues that a site publishes (``period.xml``, later ``navi.xml``).

    ``url`` builds the month's address from the era's root URL; ``parse`` reads the dates
    that have an issue from its decoded text (and its URL, for messages). ``everywhere``
    says whether every site of the family publishes it: where only some do (Founder new:
    湖北日报 does, nothing shows that 人民日报 does), an era of papers.toml opts in with
    ``calendar = true``, and the other eras fetch each day's first page instead.
    """

    url: Callable[[str, int, int], str]
    parse: Callable[[str, str], tuple[dt.date, ...]]
    everywhere: bool = True


@dataclass(frozen=True, slots=True)
class Skins:
    """The alternative selectors (XPath) a family's templates are known to use, tried in order.

    Each tuple lists the skins of one part of a page, most specific first; an extractor
    takes the first that matches. ``titles`` are (kicker, title, subtitle), each an element
    id or an XPath (starting with ``/``); ``title_stacks`` the same three as XPaths, for
    templates that print them without ids (an element's text, or an attribute such as
    ``input/@value``; ``""`` where the template has no such part). ``dates`` locate the
    printed issue date, ``images`` an article's pictures.
    """

    page_lists: tuple[str, ...] = ()
    title_lists: tuple[str, ...] = ()
    titles: tuple[tuple[str, str, str], ...] = ()
    bodies: tuple[str, ...] = ()
    bylines: tuple[str, ...] = ()
    pdfs: tuple[str, ...] = ()
    page_labels: tuple[str, ...] = ()
    title_stacks: tuple[tuple[str, str, str], ...] = ()
    dates: tuple[str, ...] = ()
    images: tuple[str, ...] = ()


def _no_calendar_date(url: str) -> dt.date | None:
    return None


@dataclass(frozen=True, slots=True)
class Family:
    """Everything the crawl knows about one CMS family; nothing else names a family.

    ``root`` and ``entry`` are the registry's defaults for an era of the family (the
    directory the dated paths start from, and an issue's first page below it, a template
    with ``{yyyy}``, ``{mm}``, ``{dd}`` and ``{slug}``). ``article_id`` finds the CMS's own
    id of an article in the file name of its URL (group ``id``); ``date_in_url`` reads an
    issue date from a URL of the family. ``static_issue_links`` says whether 上一期/下一期
    are real links worth following (elsewhere they are computed from the date, and only
    the calendar or the plan adds issues). ``body_ends`` are the closing tags, one of
    which ends every complete document of the family in its last kilobyte.
    ``issue_refresh`` reads an issue's entry that is only a stub forwarding to the issue's
    first page by a 0-second ``<meta http-equiv=refresh>`` (大众报业's ``IssueIndex.htm``):
    it returns the first page's URL, or None for a real page. Scrapy's refresh middleware
    is off, so the spider follows such a stub itself and reads the issue from the page.
    """

    name: str
    root: str
    entry: str
    extract_issue: Callable[[Selector, str], IssueIndex]
    extract_page: Callable[[Selector, str], PageContent]
    extract_article: Callable[[Selector, str], Article]
    article_id: re.Pattern[str]
    date_in_url: Callable[[str], dt.date | None] = _no_calendar_date
    calendar: Calendar | None = None
    static_issue_links: bool = False
    body_ends: tuple[bytes, ...] = (b"</html>",)
    skins: Skins = field(default_factory=Skins)
    issue_refresh: Callable[[Selector, str], str | None] | None = None

    def source_id(self, url: str) -> str | None:
        """The CMS's own id of an article, from its URL (the file stem when no id matches).

        >>> never = str  # extractors a doctest does not call
        >>> toy = Family("toy", "", "", never, never, never, re.compile(r"a(?P<id>\\d+)$"))
        >>> toy.source_id("http://e.cn/2023/a42.htm"), toy.source_id("http://e.cn/x/b7.htm")
        ('42', 'b7')
        """
        stem = urlsplit(url).path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        match = self.article_id.match(stem)
        return match["id"] if match else (stem or None)

    def body_complete(self, tail: bytes) -> bool:
        """Whether the lower-cased last kilobyte of a document ends it (not cut short)."""
        return any(end in tail for end in self.body_ends)
