"""Writes a batch of crawl items in one transaction, resolving natural keys to row ids.

:meth:`BatchWriter.store` never drops a batch: a transient error (deadlock, serialization
failure, a locked SQLite file) is retried, and a batch that still fails is split until
the items that cannot be stored are alone. Everything else is stored; each item that
cannot be is recorded as a failure of its issue (reason ``store: ...``), and that issue's
outcome, in this batch or a later one, is ``partial``, so the next run fetches it again.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import Connection, Engine, Table, select, update
from sqlalchemy.exc import DBAPIError

from crawler.db.captures import attach_file, capture_id_at, set_capture, store_capture
from crawler.db.models import utcnow
from crawler.db.store import (
    ARTICLES,
    ISSUES,
    LINKS,
    PAGES,
    ArticleRecord,
    record_issue_outcome,
    record_store_failure,
    store_article,
    upsert_issue,
    upsert_page,
    upsert_paper,
)
from crawler.items import (
    ArticleItem,
    CaptureItem,
    CaptureRef,
    FetchFailure,
    FileItem,
    IssueItem,
    IssueOutcome,
    PageItem,
)

CrawlItem = IssueItem | PageItem | ArticleItem | IssueOutcome | CaptureItem | FileItem

logger = logging.getLogger(__name__)

#: Attempts at a batch that meets a transient error, and the first pause between them
#: (doubled each time): another writer's transaction is usually over within a second.
ATTEMPTS = 4
RETRY_PAUSE = 0.25

#: Items of one batch logged one by one when they cannot be stored; the rest are counted.
LOGGED_ITEMS = 5

#: SQLSTATEs of PostgreSQL errors that a new attempt can pass: serialization failure,
#: deadlock, lock not available.
TRANSIENT_SQLSTATES = frozenset({"40001", "40P01", "55P03"})


def is_transient(exc: BaseException) -> bool:
    """Whether trying the same transaction again may succeed.

    >>> import sqlite3
    >>> is_transient(sqlite3.OperationalError("database is locked"))
    True
    >>> is_transient(sqlite3.OperationalError("database or disk is full"))
    False
    """
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    if getattr(orig, "sqlstate", None) in TRANSIENT_SQLSTATES:
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


def one_line(exc: BaseException) -> str:
    """The first line of the driver's message, without SQLAlchemy's SQL and links.

    >>> one_line(ValueError("bad value\\n[SQL: INSERT ...]"))
    'ValueError: bad value'
    """
    orig = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = str(orig).strip().splitlines()
    first = lines[0].strip() if lines else ""
    return f"{type(orig).__name__}: {first}" if first else type(orig).__name__


class UnstorableItemError(Exception):
    """An item that must not be stored as it is (its capture row was lost)."""


@dataclass
class StoreResult:
    """What :meth:`BatchWriter.store` did: counters of what was stored, and the items that
    could not be stored with why (each recorded as a failure of its issue)."""

    counts: Counter[str] = field(default_factory=Counter)
    unstored: list[tuple[CrawlItem, str]] = field(default_factory=list)


IssueKey = tuple[str, dt.date, str]  # (paper slug, date, edition)
Failure = tuple[str, str, str, str | None]  # (url, kind, reason, page_number)


def failure_of(item: CrawlItem, reason: str) -> tuple[IssueKey, Failure] | None:
    """The issue an item belongs to and the failure that says it was not stored; None for
    a capture (which belongs to no issue).

    >>> import datetime as dt
    >>> from crawler.items import Article
    >>> article = Article(url="http://x/a", title="t")
    >>> failure_of(ArticleItem("lzcb", dt.date(2021, 10, 20), article, "01"), "store: boom")
    (('lzcb', datetime.date(2021, 10, 20), ''), ('http://x/a', 'article', 'store: boom', '01'))
    """
    if isinstance(item, ArticleItem):
        failure: Failure = (item.article.url, "article", reason, item.page_number)
    elif isinstance(item, PageItem):
        failure = (item.page.url, "page", reason, item.page.number)
    elif isinstance(item, IssueItem):
        failure = (item.url, "issue", reason, None)
    elif isinstance(item, FileItem):
        failure = (item.url, item.kind, reason, None)
    elif isinstance(item, IssueOutcome):
        failure = (item.url or "", "issue", reason, None)
    else:
        return None
    return (item.paper, item.date, item.edition), failure


#: Page and capture ids kept in memory between batches (the newest; the others are looked up).
CACHED_IDS = 10_000


def _trim(cache: dict[Any, int], size: int) -> None:
    """Drop the oldest entries of ``cache`` (insertion order) beyond ``size``.

    >>> cache = {n: n for n in range(5)}
    >>> _trim(cache, 2)
    >>> cache
    {3: 3, 4: 4}
    """
    excess = len(cache) - size
    if excess > 0:
        for key in list(itertools.islice(cache, excess)):
            del cache[key]


@dataclass(frozen=True, slots=True)
class PaperInfo:
    """What the ``papers`` row says of a paper (from the registry)."""

    slug: str
    name: str
    family: str
    home_url: str


class BatchWriter:
    """Stores batches of items; keeps id caches across batches (one writer per run).

    ``paper_info`` gives the registry facts of a slug the first time a paper is stored.
    Not thread-safe: use it from one thread at a time.
    """

    def __init__(self, engine: Engine, paper_info: Callable[[str], PaperInfo]) -> None:
        self.engine = engine
        self._paper_info = paper_info
        self._papers: dict[str, int] = {}
        self._issues: dict[tuple[int, dt.date, str], int] = {}
        self._pages: dict[tuple[int, str], int] = {}
        self._captures: dict[tuple[str, int], int] = {}
        # What this run could not store, kept for the whole run: an issue listed here ends
        # partial with these failures whatever its outcome says, and an item pointing at a
        # lost capture row is refused.
        self._unstored: dict[IssueKey, dict[str, Failure]] = {}
        self._lost_captures: set[tuple[str, int]] = set()

    def store(self, batch: Sequence[CrawlItem], now: dt.datetime | None = None) -> StoreResult:
        """Store ``batch``, losing nothing that can be stored (see the module docstring)."""
        at = now or utcnow()
        result = StoreResult()
        try:
            result.counts.update(self._write_retrying(batch, at))
            return result
        except Exception as exc:  # noqa: BLE001 - any failure: find the items it comes from
            logger.warning(
                "a batch of %d items could not be stored (%s); storing it in parts",
                len(batch),
                one_line(exc),
            )
        self._isolate(list(batch), at, result)
        for number, (item, reason) in enumerate(result.unstored):
            self._record_unstored(item, reason, at, loud=number < LOGGED_ITEMS)
        if len(result.unstored) > LOGGED_ITEMS:
            logger.error(
                "... and %d more items of the batch could not be stored",
                len(result.unstored) - LOGGED_ITEMS,
            )
        return result

    def _write_retrying(self, batch: Sequence[CrawlItem], at: dt.datetime) -> Counter[str]:
        for attempt in range(ATTEMPTS):
            try:
                return self.write(batch, at)
            except Exception as exc:
                if attempt == ATTEMPTS - 1 or not is_transient(exc):
                    raise
                logger.info("retrying a batch after %s", one_line(exc))
                time.sleep(RETRY_PAUSE * 2**attempt)
        raise AssertionError  # pragma: no cover - the loop returns or raises

    def _isolate(self, items: list[CrawlItem], at: dt.datetime, result: StoreResult) -> None:
        """Store ``items`` in halves until each failing item is alone.

        Halves go in order, so an item is resolved (stored, or marked unstored) before any
        later item of the batch, such as its issue's outcome, is written.
        """
        if len(items) > 1:
            middle = len(items) // 2
            for part in (items[:middle], items[middle:]):
                try:
                    result.counts.update(self._write_retrying(part, at))
                except Exception:  # noqa: BLE001 - split further
                    self._isolate(part, at, result)
            return
        try:
            result.counts.update(self._write_retrying(items, at))
        except Exception as exc:  # noqa: BLE001 - this item cannot be stored
            item, reason = items[0], f"store: {one_line(exc)}"
            result.unstored.append((item, reason))
            if isinstance(item, CaptureItem):
                self._lost_captures.add((item.capture.warc_file, item.capture.warc_offset))
            found = failure_of(item, reason)
            if found is not None:
                key, failure = found
                self._unstored.setdefault(key, {})[failure[0]] = failure

    def _record_unstored(
        self, item: CrawlItem, reason: str, at: dt.datetime, *, loud: bool = True
    ) -> None:
        """Make the item's issue partial with the failure, in a transaction of its own;
        ``loud`` logs it (a full disk fails every item of a batch: a few lines say it)."""
        found = failure_of(item, reason)
        if found is None:
            if loud:
                logger.error("could not store %s: %s", type(item).__name__, reason)
            return
        (slug, day, edition), failure = found
        if loud:
            logger.error(
                "could not store %s %s (%s %s): %s", failure[1], failure[0], slug, day, reason
            )
        try:
            for attempt in range(ATTEMPTS):
                try:
                    with self.engine.begin() as conn:
                        issue_id = self._issue_id(conn, slug, day, edition, at=at, url=failure[0])
                        record_store_failure(conn, issue_id, failure, at)
                    return
                except Exception as exc:
                    self._issues.clear()  # the issue row may have been rolled back
                    if attempt == ATTEMPTS - 1 or not is_transient(exc):
                        raise
                    time.sleep(RETRY_PAUSE * 2**attempt)
        except Exception as exc:  # noqa: BLE001 - the outcome is still made partial
            if not loud:
                return
            logger.error(
                "could not record the failure either (%s): %s %s stays as stored before, and "
                "its outcome in this run will be partial",
                one_line(exc),
                slug,
                day,
            )

    def write(self, batch: Sequence[CrawlItem], now: dt.datetime | None = None) -> Counter[str]:
        """Store ``batch`` atomically; returns counters such as ``lzcb/articles_new``."""
        at = now or utcnow()
        counts: Counter[str] = Counter()
        try:
            with self.engine.begin() as conn:
                for item in batch:
                    self._write_one(conn, item, at, counts)
        except BaseException:
            # The transaction rolled back: ids cached during it may not exist. Every cache
            # falls back to the database, so emptying them is enough (copying them before
            # each batch cost time and memory that grew with the run: docs/benchmarks.md).
            for cache in (self._issues, self._pages, self._captures, self._papers):
                cache.clear()
            raise
        # Only recent pages and captures are asked for again (by the items of the same
        # responses); older ones are found in the database. Memory stays flat in a long run.
        for cache in (self._pages, self._captures):
            _trim(cache, CACHED_IDS)
        return counts

    def _write_one(
        self, conn: Connection, item: CrawlItem, at: dt.datetime, counts: Counter[str]
    ) -> None:
        if isinstance(item, CaptureItem):
            self._capture_id(conn, item.capture, insert=True)
        elif isinstance(item, FileItem):
            self._store_file(conn, item, at, counts)
        elif isinstance(item, IssueItem):
            issue_id = self._store_issue(conn, item, at)
            self._link_capture(conn, ISSUES, issue_id, item.capture)
            counts[f"{item.paper}/issues_stored"] += 1
        elif isinstance(item, PageItem):
            issue_id = self._issue_id(conn, item.paper, item.date, item.edition, at=at)
            ref = item.page
            row_id = self._pages[(issue_id, ref.number)] = upsert_page(
                conn,
                issue_id=issue_id,
                order=ref.order,
                number=ref.number,
                name=ref.name,
                url=ref.url,
                pdf_url=ref.pdf_url,
                image_url=ref.image_url,
                expected_article_count=item.article_count,
            )
            self._link_capture(conn, PAGES, row_id, item.capture)
            if item.article_count is not None:  # the page itself, not its page-list entry
                counts[f"{item.paper}/pages_stored"] += 1
        elif isinstance(item, ArticleItem):
            issue_id = self._issue_id(conn, item.paper, item.date, item.edition, at=at)
            page_id = self._page_id(conn, issue_id, item.page_number)
            record = ArticleRecord(
                paper_id=self._paper_id(conn, item.paper),
                issue_id=issue_id,
                date=item.date,
                article=item.article,
                page_id=page_id,
                order=item.order,
                source_id=item.source_id,
            )
            article_id, outcome = store_article(conn, record, at)
            self._link_capture(conn, ARTICLES, article_id, item.capture)
            counts[f"{item.paper}/articles_{outcome.value}"] += 1
        elif item.status == "none":
            self._store_no_issue(conn, item, at, counts)
        else:
            issue_id = self._issue_id(
                conn, item.paper, item.date, item.edition, at=at, url=item.url
            )
            item = self._with_store_failures(item)
            failures = [(f.url, f.kind, f.reason, f.page_number) for f in item.failures]
            # A missing issue keeps what its index answered (404, 403, soft-404).
            reason = item.reason if item.status == "missing" else None
            record_issue_outcome(conn, issue_id, item.status, failures, at, none_reason=reason)
            mark_duplicates(conn, issue_id)
            link_stories(conn, issue_id)
            counts[f"{item.paper}/issues_{item.status}"] += 1

    def _with_store_failures(self, outcome: IssueOutcome) -> IssueOutcome:
        """The outcome, partial and with the failures, when an item of its issue was lost."""
        lost = self._unstored.get((outcome.paper, outcome.date, outcome.edition))
        if not lost:
            return outcome
        known = {f.url for f in outcome.failures}
        added = tuple(
            FetchFailure(url, reason, kind, page_number)
            for url, kind, reason, page_number in lost.values()
            if url not in known
        )
        return replace(outcome, status="partial", failures=outcome.failures + added)

    def _store_no_issue(
        self, conn: Connection, item: IssueOutcome, at: dt.datetime, counts: Counter[str]
    ) -> None:
        """A date without an issue: a ``none`` row, unless an issue of that date is stored
        (its index was seen once: a site that stops serving it does not unpublish it)."""
        paper_id = self._paper_id(conn, item.paper)
        row = conn.execute(
            select(ISSUES.c.id, ISSUES.c.status, ISSUES.c.expected_page_count).where(
                ISSUES.c.paper_id == paper_id,
                ISSUES.c.date == item.date,
                ISSUES.c.edition == item.edition,
            )
        ).one_or_none()
        if row is not None and row.status != "none" and row.expected_page_count is not None:
            return
        if row is None:
            issue_id = upsert_issue(
                conn,
                paper_id=paper_id,
                date=item.date,
                edition=item.edition,
                url=item.url or "",
                status="none",
                crawled_at=at,
            )
        else:
            issue_id = int(row.id)
        self._issues[(paper_id, item.date, item.edition)] = issue_id
        record_issue_outcome(conn, issue_id, "none", [], at, none_reason=item.reason)
        counts[f"{item.paper}/dates_without_issue_stored"] += 1

    def _capture_id(self, conn: Connection, ref: CaptureRef, *, insert: bool = False) -> int | None:
        """The ``captures`` id of ``ref``: inserted when ``insert`` (the archive announced it),
        else looked up (None when its row was lost with a failed batch)."""
        key = (ref.warc_file, ref.warc_offset)
        capture_id = self._captures.get(key)
        if capture_id is None:
            if insert:
                refers_to = None
                if ref.refers_to_file is not None and ref.refers_to_offset is not None:
                    original = (ref.refers_to_file, ref.refers_to_offset)
                    refers_to = self._captures.get(original) or capture_id_at(conn, *original)
                capture_id = store_capture(conn, ref, refers_to)
            else:
                if key in self._lost_captures:
                    msg = f"its capture ({ref.warc_file} at {ref.warc_offset}) was not stored"
                    raise UnstorableItemError(msg)
                capture_id = capture_id_at(conn, *key)
                if capture_id is None:
                    return None
            self._captures[key] = capture_id
        return capture_id

    def _link_capture(
        self, conn: Connection, table: Table, row_id: int, ref: CaptureRef | None
    ) -> None:
        if ref is not None:
            capture_id = self._capture_id(conn, ref)
            if capture_id is not None:
                set_capture(conn, table, row_id, capture_id)

    def _store_file(
        self, conn: Connection, item: FileItem, at: dt.datetime, counts: Counter[str]
    ) -> None:
        capture_id = None if item.capture is None else self._capture_id(conn, item.capture)
        paper_id = self._paper_id(conn, item.paper)
        rows = attach_file(
            conn,
            paper_id=paper_id,
            day=item.date,
            kind=item.kind,
            url=item.url,
            capture_id=capture_id,
            path=item.path,
        )
        if rows:
            counts[f"{item.paper}/{item.kind}s_stored"] += 1

    def _paper_id(self, conn: Connection, slug: str) -> int:
        paper_id = self._papers.get(slug)
        if paper_id is None:
            info = self._paper_info(slug)
            paper_id = upsert_paper(
                conn, slug=info.slug, name=info.name, family=info.family, home_url=info.home_url
            )
            self._papers[slug] = paper_id
        return paper_id

    def _store_issue(self, conn: Connection, item: IssueItem, at: dt.datetime) -> int:
        paper_id = self._paper_id(conn, item.paper)
        issue_id = upsert_issue(
            conn,
            paper_id=paper_id,
            date=item.date,
            edition=item.edition,
            url=item.url,
            # Partial until its outcome says otherwise: a crash mid-issue leaves it partial.
            status="partial",
            crawled_at=at,
            expected_page_count=item.page_count,
        )
        self._issues[(paper_id, item.date, item.edition)] = issue_id
        return issue_id

    def _issue_id(
        self,
        conn: Connection,
        slug: str,
        day: dt.date,
        edition: str,
        *,
        at: dt.datetime,
        url: str | None = None,
    ) -> int:
        paper_id = self._paper_id(conn, slug)
        key = (paper_id, day, edition)
        issue_id = self._issues.get(key)
        if issue_id is None:
            issue_id = conn.execute(
                select(ISSUES.c.id).where(
                    ISSUES.c.paper_id == paper_id,
                    ISSUES.c.date == day,
                    ISSUES.c.edition == edition,
                )
            ).scalar()
            if issue_id is None:  # an outcome for an issue whose index never came (404)
                issue_id = upsert_issue(
                    conn,
                    paper_id=paper_id,
                    date=day,
                    edition=edition,
                    url=url or "",
                    status="partial",
                    crawled_at=at,
                )
            self._issues[key] = issue_id
        return int(issue_id)

    def _page_id(self, conn: Connection, issue_id: int, number: str | None) -> int | None:
        if number is None:
            return None
        page_id = self._pages.get((issue_id, number))
        if page_id is None:
            page_id = conn.execute(
                select(PAGES.c.id).where(PAGES.c.issue_id == issue_id, PAGES.c.number == number)
            ).scalar()
            if page_id is not None:
                self._pages[(issue_id, number)] = page_id
        return page_id


def mark_duplicates(conn: Connection, issue_id: int) -> int:
    """Link articles of an issue that carry the same text under other ids to the first one.

    The first is the one earliest in reading order (page order, then order on the page).
    Returns how many articles were marked.
    """
    rows = conn.execute(
        select(ARTICLES.c.id, ARTICLES.c.content_hash, ARTICLES.c.duplicate_of_id)
        .select_from(ARTICLES.outerjoin(PAGES, PAGES.c.id == ARTICLES.c.page_id))
        .where(ARTICLES.c.issue_id == issue_id)
        .order_by(PAGES.c.order, ARTICLES.c.order, ARTICLES.c.id)
    ).all()
    first: dict[str, int] = {}
    marked = 0
    for row in rows:
        original = first.setdefault(row.content_hash, row.id)
        wanted = None if original == row.id else original
        if row.duplicate_of_id != wanted:
            conn.execute(
                update(ARTICLES).where(ARTICLES.c.id == row.id).values(duplicate_of_id=wanted)
            )
            marked += wanted is not None
    return marked


def page_key(number: str | None) -> str | None:
    """A page number as a 下转第X版 note and the page list may both print it.

    >>> [page_key(n) for n in ("05", "5", "A01", "a1", "B12", None)]
    ['5', '5', 'A1', 'A1', 'B12', None]
    """
    if number is None:
        return None
    match = re.fullmatch(r"([A-Za-z]*)0*(\d+)", number.strip())
    if match is None:
        return number.strip().upper()
    return match[1].upper() + match[2]


def link_stories(conn: Connection, issue_id: int) -> int:
    """Resolve the 下转第X版 links of an issue's articles: the target is the article on the
    named page with the same title (the rest of a story is printed under its title), and
    the story is the first part's. Returns how many links lead to an article.
    """
    links = conn.execute(
        select(
            LINKS.c.id,
            LINKS.c.article_id,
            LINKS.c.page_number,
            LINKS.c.target_id,
            LINKS.c.story_id,
            ARTICLES.c.title,
        )
        .join(ARTICLES, ARTICLES.c.id == LINKS.c.article_id)
        .where(ARTICLES.c.issue_id == issue_id)
        .order_by(LINKS.c.article_id, LINKS.c.position)
    ).all()
    if not links:
        return 0
    candidates: dict[tuple[str | None, str], list[tuple[bool, int]]] = {}
    for row in conn.execute(
        select(ARTICLES.c.id, ARTICLES.c.title, ARTICLES.c.duplicate_of_id, PAGES.c.number)
        .join(PAGES, PAGES.c.id == ARTICLES.c.page_id)
        .where(
            ARTICLES.c.issue_id == issue_id,
            ARTICLES.c.title.in_({link.title for link in links}),
        )
        .order_by(PAGES.c.order, ARTICLES.c.order, ARTICLES.c.id)
    ):
        key = (page_key(row.number), row.title)
        # A reprint of the story (duplicate_of) is not its continuation: originals first.
        candidates.setdefault(key, []).append((row.duplicate_of_id is not None, row.id))
    target: dict[int, int | None] = {}
    for link in links:
        found = sorted(
            (dup, art)
            for dup, art in candidates.get((page_key(link.page_number), link.title), [])
            if art != link.article_id
        )
        target[link.id] = found[0][1] if found else None
    # A story's first part is the article that no link of the issue leads to.
    came_from = {t: link.article_id for link in links if (t := target[link.id]) is not None}

    def first_part(article_id: int) -> int:
        seen = {article_id}
        while article_id in came_from and came_from[article_id] not in seen:
            article_id = came_from[article_id]
            seen.add(article_id)
        return article_id

    resolved = 0
    for link in links:
        wanted = target[link.id]
        story = first_part(link.article_id) if wanted is not None else None
        resolved += wanted is not None
        if (link.target_id, link.story_id) != (wanted, story):
            conn.execute(
                update(LINKS).where(LINKS.c.id == link.id).values(target_id=wanted, story_id=story)
            )
    return resolved
