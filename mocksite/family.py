"""What every CMS family of the mock site provides: its URL layout and its templates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import TypeVar

from mocksite.model import (
    IDS_PER_DAY,
    IDS_PER_PAGE,
    Archive,
    ArticleContent,
    ArticlePlan,
    IssuePlan,
    PagePlan,
)
from mocksite.papers import MockPaper

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Target:
    """What a request path names, before anyone checks that it exists."""

    kind: str  # entry, calendar, issue, stub, page, article, asset
    date: dt.date | None = None
    page: int | None = None  # page order
    article: int | None = None  # article order on the page
    part: int = 1
    month: tuple[int, int] | None = None  # calendar: (year, month)
    key: int | None = None  # article id when the URL names one (content_N)
    number: str | None = None  # page number when the URL names one (Page05NU)


@dataclass(frozen=True, slots=True)
class View:
    """One issue as it looks at one moment: what a template needs to render a document."""

    archive: Archive
    issue: IssuePlan
    pages: tuple[PagePlan, ...]  # listed at ``now``
    now: dt.datetime
    base_url: str  # the paper's root URL, ending in /
    #: Pieces shared by the documents of the issue at ``now`` (see :meth:`memo`).
    fragments: dict[Hashable, object] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    @property
    def paper(self) -> MockPaper:
        return self.issue.paper

    def memo(self, key: Hashable, build: Callable[[], T]) -> T:
        """``build()``, computed once per view and ``key``.

        A site keeps its recent views (one per issue and moment), so a piece every page of
        an issue prints (a title list, a page list, the masthead) is built once and not
        for each of its articles. ``key`` must name everything ``build`` depends on beyond
        the view itself (a page, the folder relative links start from).
        """
        try:
            return self.fragments[key]  # type: ignore[return-value]
        except KeyError:
            value = self.fragments[key] = build()
            return value

    def content(self, art: ArticlePlan) -> ArticleContent:
        return self.archive.article_content(self.issue, art, self.now)

    def listed(self, page: PagePlan) -> bool:
        # By identity first: comparing unequal plans field by field is slow.
        return any(p is page for p in self.pages) or page in self.pages

    def neighbour(self, step: int) -> dt.date | None:
        return self.memo(
            ("neighbour", step),
            lambda: self.archive.neighbour_issue(self.paper, self.issue.date, self.now, step),
        )

    def neighbour_page(self, page: PagePlan, step: int) -> PagePlan | None:
        """上一版 / 下一版 among the listed pages."""
        index = self.pages.index(page) + step if page in self.pages else -1
        return self.pages[index] if 0 <= index < len(self.pages) else None

    def neighbour_article(self, art: ArticlePlan, step: int) -> ArticlePlan | None:
        """上一篇 / 下一篇: the article before or after ``art`` on its page."""
        articles = self.issue.page(art.page).articles
        index = art.order - 1 + step
        return articles[index] if 0 <= index < len(articles) else None

    def same_slot(self, page: PagePlan, step: int) -> tuple[IssuePlan, PagePlan] | None:
        """本版上一期 / 本版下一期: the page with the same number in the neighbour issue."""
        date = self.neighbour(step)
        if date is None:
            return None
        other = self.archive.issue(self.paper.slug, date)
        if other is None:
            return None
        for candidate in self.archive.visible_pages(other, self.now):
            if candidate.number == page.number and not candidate.missing:
                return other, candidate
        return None


class Family:
    """A CMS family: paths of every document of an issue, a path parser, and templates.

    Paths are relative to the paper's root (the part of the URL after ``/<slug>/``).
    """

    name = ""
    #: Whether the issue's page list links each page's PDF; where it does not, a page that
    #: answers 404 leaves nothing to know its PDF by.
    page_list_pdfs = True

    # -- paths --------------------------------------------------------------------------

    def issue_path(self, issue: IssuePlan) -> str:
        return self.page_path(issue, issue.pages[0])

    def page_path(self, issue: IssuePlan, page: PagePlan) -> str:
        raise NotImplementedError

    def article_path(self, issue: IssuePlan, art: ArticlePlan, part: int = 1) -> str:
        raise NotImplementedError

    def pdf_path(self, issue: IssuePlan, page: PagePlan) -> str | None:
        """The page's PDF, or None where the site has no PDFs."""
        raise NotImplementedError

    def page_image_path(self, issue: IssuePlan, page: PagePlan) -> str:
        raise NotImplementedError

    def image_path(self, issue: IssuePlan, art: ArticlePlan, index: int) -> str:
        raise NotImplementedError

    def entry_path(self, paper: MockPaper) -> str | None:
        """The page that forwards to the newest issue, if the family has one."""
        return None

    def entry_target(self, issue: IssuePlan) -> str:
        """Where the entry page forwards to for the newest issue."""
        return self.issue_path(issue)

    def lists_page_pdfs(self, paper: MockPaper) -> bool:
        """Whether ``paper``'s page list links each page's PDF (:attr:`page_list_pdfs`)."""
        return self.page_list_pdfs

    def calendar_path(self, paper: MockPaper, year: int, month: int) -> str | None:
        """The month's calendar document, if the family has one."""
        return None

    # -- requests -----------------------------------------------------------------------

    def parse(self, paper: MockPaper, path: str) -> Target | None:
        """What ``path`` names, or None when the family has no such path."""
        raise NotImplementedError

    def locate(
        self, issue: IssuePlan, target: Target
    ) -> tuple[PagePlan, ArticlePlan | None] | None:
        """The page (and article) ``target`` names in ``issue``."""
        if target.key is not None:
            rel = (
                target.key
                - issue.paper.id_base
                - (issue.date - issue.paper.first_date).days * (IDS_PER_DAY)
            )
            page_order, order = divmod(rel, IDS_PER_PAGE)
            return _pick(issue, page_order, order)
        if target.number is not None:
            page = next((p for p in issue.pages if p.number == target.number), None)
            if page is None:
                return None
            if target.article is None:
                return page, None
            return _pick(issue, page.order, target.article)
        if target.page is None:
            return None
        if target.article is None:
            if 1 <= target.page <= len(issue.pages):
                return issue.page(target.page), None
            return None
        return _pick(issue, target.page, target.article)

    # -- documents ----------------------------------------------------------------------

    def render_page(self, view: View, page: PagePlan, *, index: bool = False) -> str:
        raise NotImplementedError

    def render_article(self, view: View, art: ArticlePlan, part: int) -> str:
        raise NotImplementedError

    def render_stub(self, view: View, page: PagePlan) -> str:
        """A page that only forwards to ``page`` (a ``stub`` target), if the family has one."""
        raise NotImplementedError

    def render_calendar(
        self, archive: Archive, paper: MockPaper, year: int, month: int, now: dt.datetime
    ) -> str | None:
        return None

    #: Markup swapped when the paper's template is "broken" (renamed ids and classes).
    broken_replacements: tuple[tuple[str, str], ...] = ()


def _pick(issue: IssuePlan, page_order: int, order: int) -> tuple[PagePlan, ArticlePlan] | None:
    if not 1 <= page_order <= len(issue.pages):
        return None
    page = issue.page(page_order)
    if not 1 <= order <= len(page.articles):
        return None
    return page, page.articles[order - 1]


def page_label_date(date: dt.date) -> str:
    """The date as 2021年10月20日 星期三.

    >>> page_label_date(dt.date(2021, 10, 20))
    '2021年10月20日 星期三'
    """
    return f"{date.year}年{date.month:02d}月{date.day:02d}日 星期{'一二三四五六日'[date.weekday()]}"
