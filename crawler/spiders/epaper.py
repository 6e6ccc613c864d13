"""The ``epaper`` spider: walks calendar → issue → page → article, the way a reader does.

It only navigates: every page is handed to the family's extractor
(:mod:`crawler.extract`), what to fetch is planned from the database
(:mod:`crawler.planning`), and completeness is kept by :mod:`crawler.tracking`.
No canonical URL is requested twice in a run.
"""

from __future__ import annotations

import datetime as dt
import logging
import sys
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import (
    DontCloseSpider,
    DownloadCancelledError,
    DownloadTimeoutError,
    IgnoreRequest,
    ResponseDataLossError,
)
from scrapy.http import Request, Response, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import TCPTimedOutError
from twisted.internet.error import TimeoutError as TxTimeoutError
from twisted.web._newclient import ResponseNeverReceived
from twisted.web.http import PotentialDataLoss, _DataLoss
from w3lib.html import get_base_url

from crawler.archive import META_CAPTURE, NotArchivedResponseError
from crawler.db.queries import StoredProgress
from crawler.encoding import (
    DecodedHtml,
    UndecodableError,
    charset_from_content_type,
    strict_decode,
)
from crawler.errors import EpaperError
from crawler.extract.dom import link_count, parse_html
from crawler.extract.families import get_family
from crawler.extract.family import Calendar, Family
from crawler.extract.parts import merge_parts
from crawler.files import META_FILE_PAPER, META_FILE_URL, FileRequests, file_item
from crawler.items import (
    Article,
    ArticleItem,
    CaptureRef,
    FileItem,
    IssueIndex,
    IssueItem,
    IssueOutcome,
    PageItem,
    PageRef,
)
from crawler.offsite import OffsiteRedirectError, on_site, origin
from crawler.params import ArgumentError, CrawlParams, beijing_today
from crawler.planning import (
    PaperPlan,
    classify_issue_response,
    has_calendar,
    outside_archive,
)
from crawler.registry import Paper
from crawler.spiders.context import (
    ArticleContext,
    CalendarContext,
    Context,
    IssueContext,
    PageContext,
    PartContext,
)
from crawler.spiders.plans import DatabasePlans, Entry, PlanSource
from crawler.tracking import CrawlTracker, IssueKey
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: ``Request.meta`` keys this spider sets (documented in docs/crawling.md).
META_PAPER = "epaper_paper"
META_DATE = "epaper_date"
META_KIND = "epaper_kind"
META_LISTED = "epaper_listed"


def calendar_day(paper: Paper, year: int, month: int) -> dt.date:
    """The first day of a month whose era's family publishes a calendar (the planner asks
    for a month's calendar only when one of its days has one)."""
    first = dt.date(year, month, 1)
    days = (first + dt.timedelta(days=n) for n in range(31))
    return next(
        (day for day in days if day.month == month and has_calendar(paper, day)),
        first,
    )


def calendar_gaps(
    slug: str, plan: PaperPlan, listed: Iterable[dt.date], month: tuple[int, int], today: dt.date
) -> Iterator[IssueOutcome]:
    """The wanted days of a calendar's month that it does not list, as dates without issue.

    >>> from crawler.registry import load_registry
    >>> paper = load_registry().get("kjrb")
    >>> plan = PaperPlan(paper, dt.date(2025, 2, 27), dt.date(2025, 3, 3))
    >>> [o.date.day for o in calendar_gaps("kjrb", plan, [dt.date(2025, 2, 27)], (2025, 2),
    ...     dt.date(2025, 3, 1))]
    [28]
    """
    days = set(listed)
    day = dt.date(*month, 1)
    while day.month == month[1]:
        by_calendar = has_calendar(plan.paper, day)
        if by_calendar and day < today and plan.wants(day) and day not in days:
            yield IssueOutcome(slug, day, "none", reason="calendar")
        day += dt.timedelta(days=1)


def calendar_of(paper: Paper, month: tuple[int, int] | None) -> Calendar:
    """The calendar of a paper in a month, or (month unknown) of its latest era that has one."""
    if month is not None:
        era = paper.era_for(calendar_day(paper, *month))
        calendar = get_family(era.family).calendar
        if era.calendar and calendar is not None:
            return calendar
    for era in reversed(paper.eras):
        calendar = get_family(era.family).calendar
        if era.calendar and calendar is not None:
            return calendar
    raise ValueError(f"{paper.slug}: no era of the paper publishes a calendar")


def page_title_text(selector: Selector) -> tuple[str, str]:
    """A page's ``<title>`` and the text of its body, for the ``soft_404`` patterns."""
    title = selector.xpath("string(//title)").get() or ""
    return title.strip(), selector.xpath("string(//body)").get() or ""


def requested_url(message: Request | Response) -> str:
    """The canonical URL the spider asked for, before any redirect (what it tracks)."""
    redirects = message.meta.get("redirect_urls")
    return canonical_url(redirects[0] if redirects else message.url)


#: Failures told apart by their type, first match wins: (types, reason).
FAILURE_REASONS: tuple[tuple[tuple[type[BaseException], ...], str], ...] = (
    ((DownloadTimeoutError, TxTimeoutError, TCPTimedOutError), "timeout"),
    # Scrapy cancels a download only when its body passes DOWNLOAD_MAXSIZE.
    ((DownloadCancelledError,), "too large"),
    ((ResponseDataLossError, ResponseNeverReceived, PotentialDataLoss, _DataLoss), "truncated"),
    ((OffsiteRedirectError,), "refused: off-site redirect"),
)


def failure_reason(failure: Failure) -> str:
    """A short, stable reason for a failed request, as stored in ``fetch_failures``.

    Told apart by the failure's type, never by the words of its message.
    """
    value = failure.value
    if isinstance(value, HttpError):
        return f"http {value.response.status}"
    if isinstance(value, NotArchivedResponseError):
        return f"not archived: {value.reason}"
    for types, reason in FAILURE_REASONS:
        if isinstance(value, types):
            return reason
    if type(value) is IgnoreRequest:
        # Scrapy's own refusals raise IgnoreRequest itself: its robots.txt middleware (the
        # spider refuses off-site links before asking, so its off-site filter never does).
        return "refused: robots.txt"
    return f"error: {type(value).__name__}"


def unreadable_reason(exc: Exception) -> str:
    """The failure reason of a page that was fetched but could not be read.

    >>> unreadable_reason(UndecodableError("no charset decodes it (tried utf-8, gb18030)"))
    'decode: no charset decodes it (tried utf-8, gb18030)'
    >>> unreadable_reason(ValueError("Excessive depth in document: 256"))
    'parse: Excessive depth in document: 256'
    """
    prefix = "decode" if isinstance(exc, UndecodableError) else "parse"
    return f"{prefix}: {exc}"[:200]  # fetch_failures.reason holds 200 characters


class EpaperSpider(scrapy.Spider):
    """One spider for every paper and every mode (crawl, update, retry)."""

    name = "epaper"

    params: CrawlParams
    plan_source: PlanSource
    allowed_domains: list[str]
    allowed_origins: frozenset[tuple[str, str, int]]
    max_articles: int
    max_links: int
    max_url_length: int
    override: str
    tracker: CrawlTracker
    plans: dict[str, PaperPlan]
    stored: dict[IssueKey, StoredProgress]
    problems: list[str]
    robots_ignored: frozenset[str]
    files: FileRequests

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> EpaperSpider:
        settings = crawler.settings
        plan_source: PlanSource | None = kwargs.pop("plan_source", None)
        today_setting = settings.get("EPAPER_TODAY") or ""
        try:
            params = CrawlParams.from_arguments(
                {"today": today_setting, **kwargs} if today_setting else kwargs,
                today=beijing_today(),
            )
        except ArgumentError as exc:
            # `scrapy crawl epaper -a ...`: a bad argument is one line, before anything runs.
            print(f"epaper: error: {exc}", file=sys.stderr)
            raise SystemExit(2) from None
        spider = super().from_crawler(crawler, *args)
        spider.params = params
        spider.plan_source = plan_source or DatabasePlans()
        spider.override = str(settings.get("EPAPER_BASE_URL_OVERRIDE") or "")
        spider.tracker = CrawlTracker()
        spider.plans = {}
        spider.stored = {}
        spider.problems = []
        spider.robots_ignored = frozenset(settings.getlist("EPAPER_ROBOTSTXT_IGNORE"))
        # Every era's host: a paper that moved host is on both sites.
        bases = sorted(
            {p.era_base_url(era, spider.override) for p in params.papers for era in p.eras}
        )
        spider.allowed_domains = sorted({urlsplit(url).hostname or "" for url in bases})
        # Scrapy's allowed_domains name hosts only; the site is its scheme, host and port.
        spider.allowed_origins = frozenset(o for o in map(origin, bases) if o is not None)
        spider.files = FileRequests.from_settings(
            settings, spider.allowed_domains, spider.allowed_origins
        )
        spider.max_articles = settings.getint("EPAPER_MAX_ARTICLES_PER_ISSUE")
        spider.max_links = settings.getint("EPAPER_MAX_LINKS_PER_PAGE")
        # Scrapy's UrlLengthMiddleware drops a longer URL without an errback: refuse it first.
        spider.max_url_length = settings.getint("URLLENGTH_LIMIT")
        crawler.signals.connect(spider._on_idle, signal=signals.spider_idle)
        return spider

    # --- planning ---------------------------------------------------------------------

    async def start(self) -> AsyncIterator[Any]:
        # Under JOBDIR (Scrapy's pause and resume), the bookkeeping is kept in
        # ``self.state``, which Scrapy saves at a clean stop: a resumed job carries on
        # with its saved requests instead of planning again.
        state = getattr(self, "state", None)
        if state is not None and "tracker" in state:
            self.tracker, self.plans, self.stored = (
                state["tracker"],
                state["plans"],
                state["stored"],
            )
            logger.info("resuming a paused job: %d issues in progress", len(self.tracker))
            return
        planned = self.plan_source.plan(self.params, self.crawler.settings)
        self.plans, self.stored = planned.plans, planned.stored
        if state is not None:
            state.update(tracker=self.tracker, plans=self.plans, stored=self.stored)
        for slug, plan in self.plans.items():
            self._stat(slug, "dates_planned", len(plan.dates))
            if isinstance(self.plan_source, DatabasePlans):  # a crawl, not a replay
                for day in outside_archive(self.params, plan.paper):
                    self._stat(slug, "dates_outside_archive")
                    yield IssueOutcome(slug, day, "none", reason="outside window")
        for entry in planned.entries:
            request = self._entry_request(entry)
            if request is not None:
                yield request

    def _entry_request(self, entry: Entry) -> Request | None:
        paper = self.plans[entry.paper].paper
        if entry.kind == "calendar":
            month = entry.month
            url = entry.url
            if url is None:
                assert month is not None  # a planned calendar names its month
                day = calendar_day(paper, *month)
                root = paper.root_url(day, self.override)
                url = calendar_of(paper, month).url(root, *month)
            return self._request(
                url,
                self.parse_calendar,
                {META_PAPER: entry.paper, META_KIND: "calendar"},
                CalendarContext(month),
                errback=self.calendar_failed,
            )
        assert entry.date is not None  # an issue entry names its date
        return self._issue_request(paper, entry.date, listed=entry.listed, url=entry.url)

    def _issue_request(
        self, paper: Paper, day: dt.date, *, listed: bool, url: str | None = None
    ) -> Request | None:
        url = canonical_url(url or paper.issue_url(day, self.override))
        if not self.tracker.expect((paper.slug, day), url, "issue"):
            return None
        self.tracker.issue((paper.slug, day)).url = url
        return self._request(
            url,
            self.parse_issue,
            {META_PAPER: paper.slug, META_DATE: day, META_KIND: "issue", META_LISTED: listed},
        )

    # --- callbacks --------------------------------------------------------------------

    def parse_calendar(
        self, response: Response, context: CalendarContext | None = None
    ) -> Iterator[Request | IssueOutcome]:
        slug = response.meta[META_PAPER]
        plan = self.plans[slug]
        try:
            text = self._decode(response, plan.paper).text
        except UndecodableError as exc:
            self._stat(slug, "failures")
            self.problems.append(
                f"{slug}: the calendar {response.url} failed ({unreadable_reason(exc)})"
            )
            return
        month = context.month if context is not None else None
        listed = calendar_of(plan.paper, month).parse(text, response.url)
        if month is not None and not any((d.year, d.month) == month for d in listed):
            # A broken calendar says nothing of its days: none of them is stored as "no issue".
            self._empty_calendar(slug, month, response.url)
            return
        for day in listed:
            if plan.wants(day):
                request = self._issue_request(plan.paper, day, listed=True)
                if request is not None:
                    yield request
        if month is not None:
            # The month's other wanted days have no issue: the calendar says so.
            yield from calendar_gaps(slug, plan, listed, month, self.params.today)

    def _empty_calendar(self, slug: str, month: tuple[int, int], url: str) -> None:
        """A calendar that lists no date of its month fails the run, when the range asks
        for a day of that month before today (today's issue may not be out yet): a broken
        or hostile ``period.xml`` never passes as a month without issues."""
        plan = self.plans[slug]
        first = dt.date(month[0], month[1], 1)
        last = (first + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
        start, end = (
            max(first, plan.since),
            min(last, plan.until, self.params.today - dt.timedelta(days=1)),
        )
        if start > end:
            return
        self._stat(slug, "empty_calendars")
        self.problems.append(
            f"{slug} {month[0]:04d}-{month[1]:02d}: the calendar {url} lists no issue "
            "(has the site's calendar changed?)"
        )

    def calendar_failed(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        reason = failure_reason(failure)
        slug = request.meta[META_PAPER]
        if reason == "http 404":
            # A month outside the site's archive: nothing to list.
            logger.info("%s: no calendar at %s", slug, request.url)
            return
        self._stat(slug, "failures")
        self.problems.append(f"{slug}: the calendar {request.url} failed ({reason})")

    def parse_issue(self, response: Response, context: IssueContext | None = None) -> Iterator[Any]:
        meta = response.meta
        slug, day = meta[META_PAPER], meta[META_DATE]
        key: IssueKey = (slug, day)
        url = requested_url(response)
        # The issue is stored under its entry, even when a refresh stub led to this page.
        entry = context.entry if context is not None else url
        paper = self.plans[slug].paper
        family = self._family(key)
        soft: list[str] = []
        forward: list[str] = []

        def issue_index(f: Family, selector: Selector) -> IssueIndex | None:
            # A 200 page that says "no such issue" (the era's soft_404) is no index.
            if paper.era_for(day).soft_404:
                reason = classify_issue_response(
                    paper, day, response.status, *page_title_text(selector)
                )
                if reason is not None:
                    soft.append(reason)
                    return None
            if f.issue_refresh is not None and context is None:
                target = f.issue_refresh(selector, url)
                if target is not None:
                    forward.append(target)
                    return None
            return f.extract_issue(selector, url)

        index, failed = self._extract(response, key, issue_index)
        if soft:
            yield from self._no_issue(response.request, soft[0])  # type: ignore[arg-type]
            return
        if forward:
            yield from self._forward_issue(key, url, forward[0], bool(meta.get(META_LISTED)))
            return
        if index is None:
            yield from self._fail_url(url, failed, "issue")
            return
        if len(index.pages) > self.max_links:
            yield from self._fail_url(url, self._too_many(len(index.pages), "pages"), "issue")
            return
        if not index.pages:
            self.problems.append(
                f"{slug} {day}: the issue at {url} lists no pages (has the site's template "
                "changed?)"
            )
            self._stat(slug, "empty_issues")
            yield from self._fail_url(url, "parse: no pages", "issue")
            return
        self._stat(slug, "issues_found")
        yield IssueItem(
            paper=slug,
            date=day,
            url=entry,
            page_count=len(index.pages),
            capture=meta.get(META_CAPTURE),
        )
        before = self.stored.get(key)
        for page in index.pages:
            page_url = canonical_url(page.url)
            done = before is not None and page_url in before.done_pages
            # Every page of the page list gets a row, even one that fails to load. A stored
            # page that is the index itself was fetched again just now: its row points at
            # this newer capture of the same document, as a replay of the archive does.
            capture = meta.get(META_CAPTURE) if done and page_url == url else None
            yield PageItem(paper=slug, date=day, page=page, article_count=None, capture=capture)
            if done:
                continue
            if page_url == url:
                # The index is the first page itself (node_2.htm, _01.htm): parse it here.
                self.tracker.expect(key, page_url + "#page", "page")
                yield from self._page(response, page, key, tracked=page_url + "#page")
            else:
                yield from self._follow(key, page_url, self.parse_page, "page", PageContext(page))
        if before is not None:
            for failed, kind in sorted(before.failed.items()):
                if kind == "article" and failed not in before.stored_articles:
                    yield from self._article_request(key, failed, None, None)
        if family.static_issue_links:
            yield from self._adjacent_issues(paper, (index.prev_issue_url, index.next_issue_url))
        yield from self._resolve(url)

    def _forward_issue(self, key: IssueKey, stub: str, target: str, listed: bool) -> Iterator[Any]:
        """An issue's entry that only forwards (a 0-second refresh stub): its first page is
        fetched as the issue's index, once. A stub forwarding to a URL the run has asked for
        already is a loop, and fails the issue."""
        if self.tracker.seen(target):
            yield from self._fail_url(stub, "parse: refresh to a URL asked for already", "issue")
            return
        refused = self._refusal(target)
        if refused is not None:
            self._stat(key[0], "links_refused")
            yield from self._fail_url(stub, refused, "issue")
            return
        self.tracker.expect(key, target, "issue")
        meta = {META_PAPER: key[0], META_DATE: key[1], META_KIND: "issue", META_LISTED: listed}
        yield self._request(target, self.parse_issue, meta, IssueContext(stub))
        yield from self._resolve(stub)

    def _adjacent_issues(self, paper: Paper, urls: tuple[str | None, ...]) -> Iterator[Request]:
        """Cross-check the calendar with 上一期/下一期: an issue it missed is fetched too."""
        plan = self.plans[paper.slug]
        for link in urls:
            day = self._url_date(paper, link) if link else None
            if day is None or not plan.wants(day):
                continue
            request = self._issue_request(paper, day, listed=True)
            if request is not None:
                self._stat(paper.slug, "issues_found_by_links")
                yield request

    def parse_page(self, response: Response, context: PageContext) -> Iterator[Any]:
        key: IssueKey = (response.meta[META_PAPER], response.meta[META_DATE])
        yield from self._page(response, context.page, key, requested_url(response))

    def _page(self, response: Response, ref: PageRef, key: IssueKey, tracked: str) -> Iterator[Any]:
        slug, day = key
        url = canonical_url(response.url)
        content, failed = self._extract(response, key, lambda f, sel: f.extract_page(sel, url))
        if content is None:
            yield from self._fail_url(tracked, failed, "page", ref.number)
            return
        if len(content.articles) > self.max_links:
            yield from self._fail_url(
                tracked, self._too_many(len(content.articles), "articles"), "page"
            )
            return
        page = PageRef(
            order=ref.order,
            number=ref.number,
            name=ref.name,
            url=canonical_url(ref.url),
            pdf_url=ref.pdf_url or content.pdf_url,
            image_url=ref.image_url or content.image_url,
        )
        progress = self.tracker.issue(key)
        progress.pages += 1
        progress.articles += len(content.articles)
        yield PageItem(
            paper=slug,
            date=day,
            page=page,
            article_count=len(content.articles),
            capture=response.meta.get(META_CAPTURE),
        )
        yield from self._file_requests(key, "pdf", [page.pdf_url])
        before = self.stored.get(key)
        known = before.stored_articles if before is not None else frozenset()
        for order, article in enumerate(content.articles, 1):
            article_url = canonical_url(article.url)
            if article_url in known:
                continue  # stored by an earlier run
            yield from self._article_request(key, article_url, page.number, order)
        yield from self._resolve(tracked)

    def _article_request(
        self, key: IssueKey, url: str, page_number: str | None, order: int | None
    ) -> Iterator[Any]:
        """The request for an article, unless it was asked for already or the issue has
        reached ``EPAPER_MAX_ARTICLES_PER_ISSUE`` (the first URL over the cap is a recorded
        failure; the rest are dropped, counted in ``articles_over_cap``)."""
        if self.tracker.seen(url):
            return
        asked = self.tracker.issue(key).article_requests
        if asked > self.max_articles:
            self._stat(key[0], "articles_over_cap")
            return
        context = ArticleContext(page_number, order)
        if asked == self.max_articles:
            self.tracker.expect(key, url, "article")
            self._stat(key[0], "articles_over_cap")
            reason = (
                f"refused: more than {self.max_articles} articles in the issue "
                "(EPAPER_MAX_ARTICLES_PER_ISSUE)"
            )
            yield from self._fail_url(url, reason, "article", page_number)
            return
        yield from self._follow(key, url, self.parse_article, "article", context)

    def parse_article(self, response: Response, context: ArticleContext) -> Iterator[Any]:
        key: IssueKey = (response.meta[META_PAPER], response.meta[META_DATE])
        url = requested_url(response)
        number = context.page_number
        article, failed = self._extract(response, key, lambda f, sel: f.extract_article(sel, url))
        if article is None:
            yield from self._fail_url(url, failed, "article", number)
            return
        if not article.title:
            yield from self._fail_url(url, "parse: no title", "article", number)
            return
        parts = [c.url for c in article.continuations if c.kind == "part" and c.url]
        parts = [canonical_url(u) for u in parts if canonical_url(u) != url]
        if len(parts) > self.max_links:
            yield from self._fail_url(url, self._too_many(len(parts), "parts"), "article", number)
            return
        if parts:
            # A long article continues in content_N_2.htm ...: fetch the parts first and
            # store the article whole, or not at all.
            head = PartContext(
                head=url,
                article=article,
                rest=tuple(parts[1:]),
                head_capture=response.meta.get(META_CAPTURE),
                page_number=number,
                order=context.order,
            )
            yield from self._follow(key, parts[0], self.parse_part, "part", head)
        else:
            yield self._article_item(key, article, url, context, response.meta.get(META_CAPTURE))
            yield from self._file_requests(key, "image", [i.url for i in article.images])
        yield from self._neighbours(key, article, url)
        yield from self._resolve(url)

    def _article_item(
        self,
        key: IssueKey,
        article: Article,
        url: str,
        context: ArticleContext | PartContext,
        capture: CaptureRef | None,
    ) -> ArticleItem:
        return ArticleItem(
            paper=key[0],
            date=key[1],
            article=article,
            page_number=context.page_number or article.page_number,
            order=context.order,
            source_id=self._family(key).source_id(url),
            capture=capture,
        )

    def parse_part(self, response: Response, context: PartContext) -> Iterator[Any]:
        """A continuation part of a long article: append it, then store the whole."""
        key: IssueKey = (response.meta[META_PAPER], response.meta[META_DATE])
        url = requested_url(response)
        part, failed = self._extract(response, key, lambda f, sel: f.extract_article(sel, url))
        if part is None:
            yield from self._fail_url(url, failed, "part")
            return
        article = merge_parts(context.article, part)
        if context.rest:
            later = replace(context, article=article, rest=context.rest[1:])
            yield from self._follow(key, context.rest[0], self.parse_part, "part", later)
        else:
            yield self._article_item(key, article, context.head, context, context.head_capture)
            yield from self._file_requests(key, "image", [i.url for i in article.images])
        yield from self._resolve(url)

    def _neighbours(self, key: IssueKey, article: Article, url: str) -> Iterator[Request]:
        # 上一篇/下一篇 catch articles that the page's lists and hotspots missed.
        for neighbour in (article.prev_url, article.next_url):
            if neighbour and self._url_date(self.plans[key[0]].paper, neighbour) in (None, key[1]):
                for found in self._article_request(key, canonical_url(neighbour), None, None):
                    if isinstance(found, Request):
                        self._stat(key[0], "articles_found_by_links")
                    yield found

    # --- page PDFs and article images --------------------------------------------------

    def _file_requests(self, key: IssueKey, kind: str, urls: list[str | None]) -> Iterator[Request]:
        def count(name: str) -> None:
            self._stat(key[0], name)

        yield from self.files.requests(
            key[0],
            key[1],
            kind,
            urls,
            callback=self.parse_file,
            errback=self.file_failed,
            count=count,
        )

    def parse_file(self, response: Response) -> Iterator[FileItem]:
        yield file_item(response, response.meta.get(META_CAPTURE))

    def file_failed(self, failure: Failure) -> None:
        request: Request = failure.request  # type: ignore[attr-defined]
        meta = request.meta
        self._stat(meta[META_FILE_PAPER], "files_failed")
        logger.warning(
            "failed %s %s: %s (its issue is complete without it)",
            meta[META_KIND],
            meta[META_FILE_URL],
            failure_reason(failure),
        )

    # --- failures and completion ------------------------------------------------------

    def request_failed(self, failure: Failure) -> Iterator[Any]:
        request: Request = failure.request  # type: ignore[attr-defined]
        kind = request.meta.get(META_KIND, "article")
        reason = failure_reason(failure)
        if kind == "issue" and isinstance(failure.value, HttpError):
            slug, day = request.meta[META_PAPER], request.meta[META_DATE]
            status = failure.value.response.status
            gone = classify_issue_response(self.plans[slug].paper, day, status)
            if gone is not None:
                yield from self._no_issue(request, gone)
                return
        yield from self._fail(request, reason, kind)

    def _no_issue(self, request: Request, reason: str) -> Iterator[IssueOutcome]:
        """The issue index says the site has no such issue (404, the paper's gone status,
        a soft-404 page): no failure, whatever ``reason`` says."""
        slug, day = request.meta[META_PAPER], request.meta[META_DATE]
        if reason != "404":
            self._stat(slug, "dates_outside_archive")
        if request.meta.get(META_LISTED) or day in self.plans[slug].partial:
            # Listed by the calendar or a link, or stored by an earlier run (partial),
            # but the site does not serve it (any more).
            self._stat(slug, "issues_missing")
            outcome = self.tracker.mark_missing(requested_url(request), reason)
            if outcome is not None:
                yield outcome
        else:
            # A date without an issue (a weekend, a holiday): stored as such.
            self._stat(slug, "dates_without_issue")
            self.tracker.issue((slug, day)).closed = True
            self.tracker.resolve(requested_url(request))
            if day < self.params.today:  # today's may come later in the day
                yield IssueOutcome(slug, day, "none", url=requested_url(request), reason=reason)

    def _fail(self, request: Request, reason: str, kind: str) -> Iterator[Any]:
        context = request.cb_kwargs.get("context")
        number = getattr(context, "page_number", None)
        yield from self._fail_url(requested_url(request), reason, kind, number)

    def _fail_url(
        self, url: str, reason: str, kind: str, page_number: str | None = None
    ) -> Iterator[Any]:
        key = self.tracker.owner(url)
        if key is not None:
            self._stat(key[0], "failures")
        logger.warning("failed %s %s: %s", kind, url, reason)
        outcome = self.tracker.fail(url, reason, kind, page_number)
        if outcome is not None:
            yield from self._finish(outcome)

    def _resolve(self, url: str) -> Iterator[Any]:
        outcome = self.tracker.resolve(url)
        if outcome is not None:
            yield from self._finish(outcome)

    def _finish(self, outcome: IssueOutcome) -> Iterator[IssueOutcome]:
        if outcome.status == "complete" and outcome.date >= self.params.today:
            # Today's issue may still get pages and corrections: the next run checks it.
            outcome = replace(outcome, status="partial")
        progress = self.tracker.issue((outcome.paper, outcome.date))
        if outcome.status != "missing" and progress.pages and not progress.articles:
            self.problems.append(
                f"{outcome.paper} {outcome.date}: {progress.pages} pages but no article "
                "(has the site's template changed?)"
            )
            self._stat(outcome.paper, "issues_without_articles")
        yield outcome

    def _on_idle(self) -> None:
        """Issues still waiting when nothing is left to fetch end partial, never silently."""
        if self.tracker.has_unfinished():
            request = Request("data:,", callback=self._flush_unfinished, dont_filter=True)
            self.crawler.engine.crawl(request)
            raise DontCloseSpider

    def _flush_unfinished(self, response: Response) -> Iterator[Any]:
        for outcome in self.tracker.unfinished():
            yield from self._finish(outcome)

    # --- helpers ----------------------------------------------------------------------

    def _follow(
        self, key: IssueKey, url: str, callback: Any, kind: str, context: Context
    ) -> Iterator[Any]:
        """The request for a link of ``key``'s issue, unless it was asked for already; a
        link the crawl must not follow (off-site, longer than Scrapy's ``URLLENGTH_LIMIT``)
        is a recorded failure here, where a middleware would drop it without a word."""
        if not self.tracker.expect(key, url, kind):
            return
        refused = self._refusal(url)
        if refused is None:
            meta = {META_PAPER: key[0], META_DATE: key[1], META_KIND: kind}
            yield self._request(url, callback, meta, context)
            return
        self._stat(key[0], "links_refused")
        yield from self._fail_url(url, refused, kind, getattr(context, "page_number", None))

    def _refusal(self, url: str) -> str | None:
        if self.max_url_length and len(url) > self.max_url_length:
            return f"refused: URL longer than URLLENGTH_LIMIT ({self.max_url_length})"
        if not on_site(url, self.allowed_origins):
            return "refused: off-site link"
        return None

    def _too_many(self, count: int, what: str) -> str:
        return f"refused: {count} {what} linked, over EPAPER_MAX_LINKS_PER_PAGE ({self.max_links})"

    def _request(
        self,
        url: str,
        callback: Any,
        meta: dict[str, Any],
        context: Context | None = None,
        errback: Any = None,
    ) -> Request:
        if meta[META_PAPER] in self.robots_ignored:
            meta["dont_obey_robotstxt"] = True
        # The tracker already asks for each canonical URL once. Scrapy's duplicate filter
        # would drop without an errback a redirect to a URL asked for before, leaving the
        # redirected URL waiting until the run ends.
        return Request(
            url,
            callback=callback,
            errback=errback or self.request_failed,
            meta=meta,
            cb_kwargs={} if context is None else {"context": context},
            dont_filter=True,
        )

    def _extract(
        self, response: Response, key: IssueKey, extract: Callable[[Family, Selector], T]
    ) -> tuple[T, str] | tuple[None, str]:
        """Every page's one way to its item: a complete body, decoded and parsed, with no
        more links than ``EPAPER_MAX_LINKS_PER_PAGE``, handed to the family's extractor.
        Returns (result, "") or (None, the failure's reason)."""
        family = self._family(key)
        if not self._complete_body(response, family):
            return None, "truncated"
        try:
            selector = self._selector(response, self.plans[key[0]].paper)
            links = link_count(selector)
            if links > self.max_links:
                return None, self._too_many(links, "links")
            return extract(family, selector), ""
        except (ValueError, EpaperError) as exc:
            return None, unreadable_reason(exc)

    @staticmethod
    def _complete_body(response: Response, family: Family) -> bool:
        """False for an HTML body that was cut short without a Content-Length to say so."""
        if not isinstance(response, TextResponse) or b"Content-Length" in response.headers:
            return True
        return family.body_complete(response.body[-1024:].lower())

    def _family(self, key: IssueKey) -> Family:
        """The family of the paper's era on the issue's date."""
        return get_family(self.plans[key[0]].paper.era_for(key[1]).family)

    @staticmethod
    def _url_date(paper: Paper, url: str) -> dt.date | None:
        """The issue date a link carries, in the spelling of one of the paper's families."""
        for era in reversed(paper.eras):
            day = get_family(era.family).date_in_url(url)
            if day is not None:
                return day
        return None

    @staticmethod
    def _decode(response: Response, paper: Paper) -> DecodedHtml:
        """The page's text by the project's one decoder (:func:`crawler.encoding.decode_body`):
        the declared charset (the registry's ``encoding`` for a site whose headers lie, else
        the header's), then UTF-8, the meta charset and GB18030, strictly. Scrapy's
        ``response.text`` is never read: it replaces what it cannot decode, and decoding
        again would cost a second pass over every page."""
        declared = paper.encoding or charset_from_content_type(
            response.headers.get(b"Content-Type")
        )
        return strict_decode(bytes(response.body), declared)

    @classmethod
    def _selector(cls, response: Response, paper: Paper) -> Selector:
        """The page as parsel's own Selector (raises ``UndecodableError`` or ``ValueError``).

        Not ``response.selector``: Scrapy's subclass registers every result of every XPath
        (15-35 an article) in its live-object tracker, 3-7 % of the extraction time
        (docs/benchmarks.md, "Measured in isolation").
        """
        decoded = cls._decode(response, paper)
        base_url = get_base_url(decoded.text[:4096], response.url, decoded.encoding)
        return parse_html(decoded.text, base_url)

    def _stat(self, slug: str, name: str, count: int = 1) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.inc_value(f"epaper/{slug}/{name}", count)
