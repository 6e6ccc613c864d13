"""The mock e-paper site: answers a request path at a given moment, and lists its ground truth.

Usage::

    site = MockSite(SiteOptions(seed=0, base_url="http://127.0.0.1:8000"))
    response = site.render("/lzcb/content/20211020/Page05a.htm", now)
    records = list(site.truth(now))

Every paper is served under ``/<slug>/`` with the same paths below it as the real
site's e-paper root. Nothing is stored: each document is generated on request from the
issue plans of :mod:`mocksite.model`.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator
from dataclasses import dataclass

from crawler.config import load_settings
from mocksite import truth as truth_module
from mocksite.assets import TINY_JPEG, tiny_pdf
from mocksite.family import Family, Target, View
from mocksite.founder import Founder, FounderNavi
from mocksite.founder_pc import FounderPc
from mocksite.markup import esc, relative
from mocksite.model import Archive, IssuePlan, as_china_time
from mocksite.options import QuirkRates, SiteOptions
from mocksite.paperindex import PaperIndex
from mocksite.papers import DEFAULT_TODAY, PAPERS, MockPaper
from mocksite.peoples_daily import PeoplesDaily
from mocksite.seed import SeedPage, load_seed, resolve_seed_path

__all__ = [
    "DEFAULT_TODAY",
    "MockPaper",
    "MockResponse",
    "MockSite",
    "QuirkRates",
    "SiteOptions",
]

#: One instance per family; families keep no state.
FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (Founder(), FounderNavi(), PeoplesDaily(), FounderPc(), PaperIndex())
}

_HTML_UTF8 = "text/html; charset=utf-8"
_META_UTF8 = "charset=utf-8"
_META_GB = "charset=gb2312"


@dataclass(frozen=True, slots=True)
class MockResponse:
    """A response of the mock site: status, headers (Content-Type with charset) and bytes."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes

    @property
    def content_type(self) -> str:
        return next((v for k, v in self.headers if k.lower() == "content-type"), "")


NOT_FOUND = MockResponse(
    404,
    (("Content-Type", _HTML_UTF8),),
    b"<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p>"
    b"</body></html>\n",
)


GONE_BODY = (
    b"<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1></body></html>\n"
)


def soft_404_page(title: str) -> bytes:
    """The page a site serves with status 200 for a day it has no issue of.

    >>> b"<title>x!</title>" in soft_404_page("x!")
    True
    """
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">'
        f"<title>{esc(title)}</title></head>"
        "<body><p>您访问的页面不存在，即将跳转到首页。</p></body></html>\n"
    ).encode()


class MockSite:
    """A deterministic e-paper site of several papers and CMS families (see module docs)."""

    def __init__(self, options: SiteOptions) -> None:
        self.options = options
        seed_file = options.seed_file
        if seed_file is None:
            seed_file = str(load_settings().get("EPAPER_MOCKSITE_SEED_FILE"))
        self.seed_page: SeedPage | None = load_seed(resolve_seed_path(seed_file))
        self.archive = Archive(options, self.seed_page)
        wanted = options.papers
        self.papers: tuple[MockPaper, ...] = tuple(
            paper for paper in PAPERS if wanted is None or paper.slug in wanted
        )
        self._by_slug = {paper.slug: paper for paper in self.papers}
        # Recent views, with the fragments their documents share (View.memo): a crawl
        # fetches an issue's pages and articles together, at one moment of the clock.
        self._views = functools.lru_cache(maxsize=32)(self._new_view)

    # -- URLs -------------------------------------------------------------------------------

    def paper_url(self, paper: MockPaper) -> str:
        """The paper's root URL on the mock host, ending in /."""
        return f"{self.options.base_url.rstrip('/')}/{paper.slug}/"

    def family(self, paper: MockPaper, date: dt.date) -> Family:
        """The family serving ``paper`` on ``date``."""
        name = paper.family_on(date)
        if name is None:
            raise ValueError(f"{paper.slug} has no issue on {date}")
        return FAMILIES[name]

    def families(self, paper: MockPaper) -> tuple[Family, ...]:
        """The families of the paper's eras, oldest first."""
        return tuple(dict.fromkeys(FAMILIES[era.family] for era in paper.eras))

    def era_url(self, paper: MockPaper, date: dt.date) -> str:
        """The root URL of the site serving ``paper`` on ``date``: the paper's, or the
        other host's place below it (``/<slug>/HOST/PATH/``)."""
        return self.paper_url(paper) + paper.mount_on(date)

    def _mounts(self, paper: MockPaper) -> tuple[tuple[str, Family], ...]:
        """(mount, family) of each era, other hosts first (every path is below "")."""
        pairs = dict.fromkeys((era.mount, FAMILIES[era.family]) for era in paper.eras)
        return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))

    def view(self, issue: IssuePlan, now: dt.datetime) -> View:
        """The issue as a template sees it at ``now``."""
        now = as_china_time(now)
        view = self._views(issue.paper.slug, issue.date, now)
        if view.issue is not issue:
            # Not the plan the view was made of (an older one, since dropped from the
            # archive's cache): templates compare pages by identity, so make a new view.
            view = self._new_view(issue.paper.slug, issue.date, now, issue)
        return view

    def _new_view(
        self, slug: str, date: dt.date, now: dt.datetime, issue: IssuePlan | None = None
    ) -> View:
        if issue is None:
            issue = self.archive.plan(slug, date)
        pages = self.archive.visible_pages(issue, now)
        return View(self.archive, issue, pages, now, self.era_url(issue.paper, issue.date))

    # -- requests ---------------------------------------------------------------------------

    def render(self, path: str, now: dt.datetime) -> MockResponse:
        """The response to ``path`` (URL path and optional query) at ``now``."""
        now = as_china_time(now)
        path_only = path.partition("?")[0].partition("#")[0]
        slug, slash, rest = path_only.lstrip("/").partition("/")
        paper = self._by_slug.get(slug)
        if paper is None or not slash:
            return NOT_FOUND
        for mount, family in self._mounts(paper):
            if not rest.startswith(mount):
                continue
            target = family.parse(paper, rest[len(mount) :])
            if target is not None:
                return self._answer(paper, family, target, rest[len(mount) :], now, mount=mount)
        return NOT_FOUND

    def _answer(
        self,
        paper: MockPaper,
        family: Family,
        target: Target,
        rest: str,
        now: dt.datetime,
        *,
        mount: str = "",
    ) -> MockResponse:
        if target.kind == "entry":
            return self._entry(paper, mount + rest, now)
        if target.kind == "calendar" and target.month is not None:
            xml = family.render_calendar(self.archive, paper, *target.month, now)
            if xml is None:
                return NOT_FOUND
            return MockResponse(200, (("Content-Type", "text/xml; charset=utf-8"),), xml.encode())
        date = target.date
        era = paper.era_on(date) if date is not None else None
        if date is None or era is None or era.family != family.name or era.mount != mount:
            return NOT_FOUND
        if not self.archive.reachable(paper, date, now):
            return self._not_kept(paper, target, date, now)
        issue = self.archive.issue(paper.slug, date)
        if issue is None:
            return NOT_FOUND
        view = self.view(issue, now)
        if target.kind == "asset":
            return self._asset(family, view, rest)
        located = family.locate(issue, target)
        if located is None:
            return NOT_FOUND
        page, art = located
        if page.missing or not view.listed(page):
            return NOT_FOUND
        if target.kind == "stub" and art is None:
            html, meta_quirk = family.render_stub(view, page), False
        elif target.kind == "issue" and rest == family.issue_path(issue):
            html, meta_quirk = family.render_page(view, page, index=True), page.meta_charset
        elif target.kind == "page" and art is None and rest == family.page_path(issue, page):
            html, meta_quirk = family.render_page(view, page), page.meta_charset
        elif target.kind == "article" and art is not None and not art.missing:
            if target.part > view.content(art).parts:
                return NOT_FOUND
            if rest != family.article_path(issue, art, target.part):
                return NOT_FOUND
            html, meta_quirk = family.render_article(view, art, target.part), art.meta_charset
        else:
            return NOT_FOUND
        return self._html(paper, family, html, meta_quirk=meta_quirk)

    def _not_kept(
        self, paper: MockPaper, target: Target, date: dt.date, now: dt.datetime
    ) -> MockResponse:
        """A date the site has no issue for: 404, the paper's gone status outside its
        window (for every URL of the date), or its soft-404 page for the issue index of a
        cut-off day or of a past day without an issue."""
        if not paper.kept(date, now.date()):
            return MockResponse(paper.gone_status, NOT_FOUND.headers, GONE_BODY)
        # The soft-404 page stands for the days the calendar lists but the site does not
        # serve (before the cut-off), and for the days off (科技日报 answers every missing
        # day so); today's issue, not out yet, and a later day keep their 404.
        cut = paper.cutoff is not None and date < paper.cutoff
        day_off = date < now.date() and not self.archive.scheduled(paper, date)
        if (cut or day_off) and target.kind == "issue" and paper.soft_404_title is not None:
            return MockResponse(200, NOT_FOUND.headers, soft_404_page(paper.soft_404_title))
        return NOT_FOUND

    def _html(
        self, paper: MockPaper, family: Family, html: str, *, meta_quirk: bool = False
    ) -> MockResponse:
        if paper.slug in self.options.broken_template:
            for old, new in family.broken_replacements:
                html = html.replace(old, new)
        if paper.encoding != "utf-8":
            body = html.replace(_META_UTF8, _META_GB, 1).encode(paper.encoding, "xmlcharrefreplace")
            return MockResponse(200, (("Content-Type", "text/html; charset=GBK"),), body)
        if meta_quirk:
            # The page's <meta> claims gb2312; header and bytes are UTF-8 (trust the header).
            html = html.replace(_META_UTF8, _META_GB, 1)
        return MockResponse(200, (("Content-Type", _HTML_UTF8),), html.encode())

    def _entry(self, paper: MockPaper, rest: str, now: dt.datetime) -> MockResponse:
        latest = self.archive.latest_issue(paper, now)
        issue = self.archive.issue(paper.slug, latest) if latest else None
        if issue is None:
            return NOT_FOUND
        home = paper.mount_on(issue.date) + self.family(paper, issue.date).entry_target(issue)
        target = relative(rest, home)
        html = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">\n'
            f'<meta http-equiv="refresh" content="0; URL={esc(target)}">\n'
            f"<title>{esc(paper.name)}</title></head>\n"
            f'<body><a href="{esc(target)}">{esc(paper.name)}</a></body></html>\n'
        )
        return self._html(paper, self.families(paper)[0], html)

    def _asset(self, family: Family, view: View, rest: str) -> MockResponse:
        issue = view.issue
        for page in view.pages:
            if page.missing:
                continue
            if rest == family.pdf_path(issue, page):
                label = f"{issue.paper.slug} {issue.date.isoformat()} {page.number}"
                return MockResponse(200, (("Content-Type", "application/pdf"),), tiny_pdf(label))
            if rest == family.page_image_path(issue, page):
                return MockResponse(200, (("Content-Type", "image/jpeg"),), TINY_JPEG)
            for art in page.articles:
                if art.missing:
                    continue
                for index in range(1, len(view.content(art).captions) + 1):
                    if rest == family.image_path(issue, art, index):
                        return MockResponse(200, (("Content-Type", "image/jpeg"),), TINY_JPEG)
        return NOT_FOUND

    # -- ground truth -----------------------------------------------------------------------

    def truth(
        self,
        now: dt.datetime,
        *,
        papers: tuple[str, ...] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Iterator[dict[str, object]]:
        """Ground-truth records (JSON-ready) of the site as it stands at ``now``.

        ``papers``, ``since`` and ``until`` (inclusive) narrow the records to part of the
        archive; the paper records are always listed for the papers selected.
        """
        return truth_module.records(self, as_china_time(now), papers, since, until)
