"""Reads the crawler plans from: what is stored, complete, partial or failed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, select

from crawler.db.store import ARTICLES, FAILURES, ISSUES, PAPERS


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
    """The newest stored issue of ``paper`` that the site published (not ``missing``)."""
    row = conn.execute(
        select(ISSUES.c.date, ISSUES.c.status, ISSUES.c.url)
        .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
        .where(PAPERS.c.slug == paper, ISSUES.c.status != "missing")
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
