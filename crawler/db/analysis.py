"""Reads for analysts: the views of migration 0008 (``article_full``, ``issue_coverage``)
and the runs, for ``epaper coverage``, ``epaper export`` and ``epaper serve``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, column, select, table
from sqlalchemy.engine import make_url

from crawler.db.engine import make_engine, redact
from crawler.db.migrate import alembic_config, schema_state
from crawler.db.models import CrawlRun
from crawler.errors import ConfigurationError, SchemaError

#: The columns of ``article_full``, in order: one flat record per article.
ARTICLE_COLUMNS = (
    "article_id",
    "paper",
    "paper_name",
    "date",
    "edition",
    "page_order",
    "page_number",
    "page_name",
    "article_order",
    "kicker",
    "title",
    "subtitle",
    "byline",
    "authors",
    "dateline",
    "dateline_place",
    "body",
    "characters",
    "url",
    "duplicate_of_id",
    "duplicate_of_url",
    "story_id",
    "first_seen_at",
    "last_changed_at",
)
#: Their kinds, for typed exports (Parquet): int, str, date or datetime.
ARTICLE_TYPES = {
    "article_id": "int",
    "date": "date",
    "page_order": "int",
    "article_order": "int",
    "characters": "int",
    "duplicate_of_id": "int",
    "story_id": "int",
    "first_seen_at": "datetime",
    "last_changed_at": "datetime",
}

ARTICLE_FULL = table("article_full", *(column(name) for name in ARTICLE_COLUMNS))
COVERAGE_COLUMNS = (
    "paper",
    "paper_name",
    "date",
    "coverage",
    "published",
    "reason",
    "expected_pages",
    "pages",
    "articles",
    "failures",
    "url",
    "last_crawled_at",
)
ISSUE_COVERAGE = table("issue_coverage", *(column(name) for name in COVERAGE_COLUMNS))
#: ``issue_coverage.coverage`` values, in the order a calendar's legend lists them.
COVERAGE_STATES = ("complete", "partial", "missing", "no issue", "not crawled")


def open_archive(url: str) -> Engine:
    """An engine on an existing archive at the current schema, for reading.

    A SQLite file that does not exist, or a schema that is older or newer than the code,
    is one clear error (reading commands never create or upgrade anything).
    """
    parsed = make_url(url) if "://" in url else None
    if parsed is None:
        msg = f"EPAPER_DATABASE_URL is not a database URL: {url!r}"
        raise ConfigurationError(msg)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not Path(database).is_file():
            msg = f"no archive at {database}: crawl into it first (epaper crawl ...)"
            raise ConfigurationError(msg)
    engine = make_engine(url)
    try:
        state = schema_state(engine, alembic_config(url))
    except BaseException:
        engine.dispose()
        raise
    if not state.is_current:
        engine.dispose()
        msg = (
            f"the database {redact(url)} is at schema {state.current or 'empty'}, this version "
            f"reads {state.head}: run `epaper db upgrade` first"
        )
        raise SchemaError(msg)
    return engine


def as_date(value: Any) -> dt.date:
    """A date from a view's column: SQLite returns ISO text, PostgreSQL a date.

    >>> as_date("2025-02-14"), as_date(dt.date(2025, 2, 14))
    (datetime.date(2025, 2, 14), datetime.date(2025, 2, 14))
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def as_datetime(value: Any) -> dt.datetime | None:
    """A UTC datetime from a view's column (SQLite: naive ISO text, always UTC).

    >>> as_datetime("2025-02-14 08:00:00.123456")
    datetime.datetime(2025, 2, 14, 8, 0, 0, 123456, tzinfo=datetime.timezone.utc)
    """
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


@dataclass(frozen=True, slots=True)
class DayCoverage:
    """One row of ``issue_coverage``."""

    paper: str
    paper_name: str
    date: dt.date
    coverage: str
    reason: str | None
    expected_pages: int | None
    pages: int
    articles: int
    failures: int


def coverage_days(conn: Connection, paper: str | None = None) -> list[DayCoverage]:
    """``issue_coverage`` for one paper (a slug) or all, by paper and date."""
    query = select(ISSUE_COVERAGE).order_by(ISSUE_COVERAGE.c.paper, ISSUE_COVERAGE.c.date)
    if paper is not None:
        query = query.where(ISSUE_COVERAGE.c.paper == paper)
    return [
        DayCoverage(
            paper=row.paper,
            paper_name=row.paper_name,
            date=as_date(row.date),
            coverage=row.coverage,
            reason=row.reason,
            expected_pages=row.expected_pages,
            pages=int(row.pages or 0),
            articles=int(row.articles or 0),
            failures=int(row.failures or 0),
        )
        for row in conn.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class RunInfo:
    """A crawl run, as the coverage report lists it."""

    id: int
    mode: str
    papers: tuple[str, ...]
    since: str | None
    until: str | None
    started_at: dt.datetime
    finished_at: dt.datetime | None
    finish_reason: str | None


def recent_runs(conn: Connection, paper: str | None = None, limit: int = 5) -> list[RunInfo]:
    """The newest runs (of ``paper``, when given), newest first."""
    runs = CrawlRun.__table__
    found: list[RunInfo] = []
    # Runs name their papers in the JSON arguments: filtered here, not in SQL, alike on
    # both backends; a few hundred runs a year are read at most.
    for row in conn.execute(select(runs).order_by(runs.c.started_at.desc(), runs.c.id.desc())):
        arguments = row.arguments or {}
        papers = tuple(arguments.get("papers") or ())
        if paper is not None and paper not in papers:
            continue
        found.append(
            RunInfo(
                id=row.id,
                mode=row.mode,
                papers=papers,
                since=arguments.get("since"),
                until=arguments.get("until"),
                started_at=row.started_at,
                finished_at=row.finished_at,
                finish_reason=row.finish_reason,
            )
        )
        if len(found) >= limit:
            break
    return found


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    """Which articles an export writes: a paper (slug), and dates from ``since`` to ``until``."""

    paper: str | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def article_records(
    conn: Connection, where: ArticleFilter, batch: int = 1000
) -> Iterator[dict[str, Any]]:
    """``article_full`` rows as dicts, by paper, date and reading order, streamed.

    Dates and datetimes are typed (SQLite's text is parsed), so every backend gives the
    same records.
    """
    view = ARTICLE_FULL
    query = select(view).order_by(
        view.c.paper,
        view.c.date,
        view.c.page_order.nulls_last(),
        view.c.article_order.nulls_last(),
        view.c.article_id,
    )
    if where.paper is not None:
        query = query.where(view.c.paper == where.paper)
    if where.since is not None:
        query = query.where(view.c.date >= where.since)
    if where.until is not None:
        query = query.where(view.c.date <= where.until)
    result = conn.execution_options(stream_results=True, yield_per=batch).execute(query)
    for row in result:
        record = dict(zip(ARTICLE_COLUMNS, row, strict=True))
        record["date"] = as_date(record["date"])
        record["first_seen_at"] = as_datetime(record["first_seen_at"])
        record["last_changed_at"] = as_datetime(record["last_changed_at"])
        yield record
