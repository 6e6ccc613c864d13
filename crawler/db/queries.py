"""Reads the crawler plans from: what is stored, complete, partial or failed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, case, func, inspect, select

from crawler.db.store import ARTICLES, AUTHORS, FAILURES, ISSUES, PAGES, PAPERS
from crawler.tracking import GONE as GONE_REASONS


@dataclass(frozen=True, slots=True)
class StoredIssue:
    """An issue as the database knows it."""

    date: dt.date
    status: str
    url: str


def stored_issues(
    conn: Connection, paper: str, since: dt.date | None = None, until: dt.date | None = None
) -> dict[dt.date, StoredIssue]:
    """The stored issues of ``paper`` (a slug) between ``since`` and ``until``, by date."""
    query = (
        select(ISSUES.c.date, ISSUES.c.status, ISSUES.c.url)
        .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
        .where(PAPERS.c.slug == paper)
    )
    if since is not None:
        query = query.where(ISSUES.c.date >= since)
    if until is not None:
        query = query.where(ISSUES.c.date <= until)
    return {row.date: StoredIssue(row.date, row.status, row.url) for row in conn.execute(query)}


def newest_issue(conn: Connection, paper: str) -> StoredIssue | None:
    """The newest stored issue of ``paper`` that the site published (not ``missing`` or
    ``none``)."""
    row = conn.execute(
        select(ISSUES.c.date, ISSUES.c.status, ISSUES.c.url)
        .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
        .where(PAPERS.c.slug == paper, ISSUES.c.status.not_in(("missing", "none")))
        .order_by(ISSUES.c.date.desc())
        .limit(1)
    ).one_or_none()
    return None if row is None else StoredIssue(row.date, row.status, row.url)


def stored_article_urls(conn: Connection, paper: str, day: dt.date) -> set[str]:
    """Canonical URLs of the articles stored for ``paper``'s issue of ``day``."""
    query = (
        select(ARTICLES.c.url)
        .join(PAPERS, PAPERS.c.id == ARTICLES.c.paper_id)
        .where(PAPERS.c.slug == paper, ARTICLES.c.date == day)
    )
    return set(conn.execute(query).scalars())


def failed_urls(conn: Connection, paper: str, day: dt.date) -> dict[str, str]:
    """The failed URLs of ``paper``'s issue of ``day``, with their reasons."""
    query = (
        select(FAILURES.c.url, FAILURES.c.reason)
        .join(ISSUES, ISSUES.c.id == FAILURES.c.issue_id)
        .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
        .where(PAPERS.c.slug == paper, ISSUES.c.date == day)
    )
    return {row.url: row.reason for row in conn.execute(query)}


@dataclass(frozen=True, slots=True)
class PaperSummary:
    """What the archive holds for one paper."""

    slug: str
    name: str
    issues: int
    complete: int
    pages: int
    articles: int
    first: dt.date | None
    last: dt.date | None


def paper_summaries(conn: Connection) -> list[PaperSummary]:
    """Per-paper counts of issues, pages and articles, and the dates covered."""
    issue_counts = {
        row.paper_id: row
        for row in conn.execute(
            select(
                ISSUES.c.paper_id,
                func.count().label("issues"),
                func.sum(case((ISSUES.c.status == "complete", 1), else_=0)).label("complete"),
                func.min(ISSUES.c.date).label("first"),
                func.max(ISSUES.c.date).label("last"),
            )
            .where(ISSUES.c.status.not_in(("missing", "none")))
            .group_by(ISSUES.c.paper_id)
        )
    }
    page_counts: dict[int, int] = dict(
        conn.execute(
            select(ISSUES.c.paper_id, func.count())
            .select_from(PAGES.join(ISSUES, ISSUES.c.id == PAGES.c.issue_id))
            .group_by(ISSUES.c.paper_id)
        ).all()
    )
    article_counts: dict[int, int] = dict(
        conn.execute(select(ARTICLES.c.paper_id, func.count()).group_by(ARTICLES.c.paper_id)).all()
    )
    summaries = []
    for paper in conn.execute(
        select(PAPERS.c.id, PAPERS.c.slug, PAPERS.c.name).order_by(PAPERS.c.slug)
    ):
        issues = issue_counts.get(paper.id)
        summaries.append(
            PaperSummary(
                slug=paper.slug,
                name=paper.name,
                issues=issues.issues if issues else 0,
                complete=int(issues.complete or 0) if issues else 0,
                pages=page_counts.get(paper.id, 0),
                articles=article_counts.get(paper.id, 0),
                first=issues.first if issues else None,
                last=issues.last if issues else None,
            )
        )
    return summaries


def holds_archive(conn: Connection) -> bool:
    """Whether the database has the archive's tables (a new, empty one has none yet)."""
    return {PAPERS.name, ISSUES.name} <= set(inspect(conn).get_table_names())


def top_authors(
    conn: Connection, limit: int = 10, role: str | None = None
) -> list[tuple[str, str, int]]:
    """The most frequent bylined people: (name, role, articles), most articles first."""
    query = select(AUTHORS.c.name, AUTHORS.c.role, func.count().label("n")).group_by(
        AUTHORS.c.name, AUTHORS.c.role
    )
    if role is not None:
        query = query.where(AUTHORS.c.role == role)
    query = query.order_by(func.count().desc(), AUTHORS.c.name).limit(limit)
    return [(row.name, row.role, int(row.n)) for row in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class StoredProgress:
    """What is already stored of an issue, so a recheck fetches only the rest."""

    done_pages: frozenset[str]  # page URLs parsed, with all their articles stored or gone
    stored_articles: frozenset[str]
    failed: dict[str, str]  # URL -> kind (page, article) of failures that may pass


def issue_progress(conn: Connection, paper: str, day: dt.date) -> StoredProgress:
    """The stored state of ``paper``'s issue of ``day``."""
    issue_id = conn.execute(
        select(ISSUES.c.id)
        .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
        .where(PAPERS.c.slug == paper, ISSUES.c.date == day, ISSUES.c.edition == "")
    ).scalar()
    if issue_id is None:
        return StoredProgress(frozenset(), frozenset(), {})
    stored_per_page = (
        select(ARTICLES.c.page_id, func.count().label("n"))
        .where(ARTICLES.c.issue_id == issue_id)
        .group_by(ARTICLES.c.page_id)
        .subquery()
    )
    gone = FAILURES.c.reason.in_(GONE_REASONS)
    gone_per_page = (
        select(FAILURES.c.page_number, func.count().label("n"))
        .where(FAILURES.c.issue_id == issue_id, FAILURES.c.kind == "article", gone)
        .group_by(FAILURES.c.page_number)
        .subquery()
    )
    done_pages = conn.execute(
        select(PAGES.c.url)
        .outerjoin(stored_per_page, stored_per_page.c.page_id == PAGES.c.id)
        .outerjoin(gone_per_page, gone_per_page.c.page_number == PAGES.c.number)
        .where(
            PAGES.c.issue_id == issue_id,
            PAGES.c.expected_article_count.is_not(None),
            func.coalesce(stored_per_page.c.n, 0) + func.coalesce(gone_per_page.c.n, 0)
            >= PAGES.c.expected_article_count,
        )
    ).scalars()
    articles = conn.execute(select(ARTICLES.c.url).where(ARTICLES.c.issue_id == issue_id)).scalars()
    failed = conn.execute(
        select(FAILURES.c.url, FAILURES.c.kind).where(FAILURES.c.issue_id == issue_id, ~gone)
    ).all()
    return StoredProgress(
        done_pages=frozenset(done_pages),
        stored_articles=frozenset(articles),
        failed={row.url: row.kind for row in failed},
    )
