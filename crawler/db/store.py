"""Writes to the archive: idempotent upserts on natural keys, and article change tracking.

Every function takes an open :class:`~sqlalchemy.Connection` inside the caller's
transaction, so a batch of items is stored atomically or not at all. The same SQL
runs on SQLite and PostgreSQL (``INSERT ... ON CONFLICT``).
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from crawler.db.models import (
    Article,
    ArticleAuthor,
    ArticleImage,
    ArticleLink,
    ArticleVersion,
    FetchFailure,
    Issue,
    Page,
    Paper,
)
from crawler.db.search import index_article
from crawler.items import Article as ArticleItem
from crawler.items import Continuation, to_jsonable

PAPERS = cast(Table, Paper.__table__)
ISSUES = cast(Table, Issue.__table__)
PAGES = cast(Table, Page.__table__)
ARTICLES = cast(Table, Article.__table__)
AUTHORS = cast(Table, ArticleAuthor.__table__)
IMAGES = cast(Table, ArticleImage.__table__)
LINKS = cast(Table, ArticleLink.__table__)
VERSIONS = cast(Table, ArticleVersion.__table__)
FAILURES = cast(Table, FetchFailure.__table__)


class Outcome(enum.StrEnum):
    """What storing an article did."""

    NEW = "new"
    CHANGED = "changed"
    UNCHANGED = "unchanged"


#: Statements built once per shape and reused with new parameters: building a Core
#: statement and its cache key costs about ten times what running it costs on SQLite
#: (docs/benchmarks.md). The key of a statement that differs by dialect (an upsert) holds
#: the dialect's name; the SQL is the same as built anew.
_STATEMENTS: dict[tuple[Any, ...], Any] = {}


def cached_statement(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The statement cached under ``key``, built by ``build()`` the first time.

    >>> cached_statement(("doc", 1), lambda: "built") is cached_statement(("doc", 1), list)
    True
    """
    statement = _STATEMENTS.get(key)
    if statement is None:
        statement = _STATEMENTS[key] = build()
    return statement


def _insert(conn: Connection, table: Table) -> Any:
    """The dialect's INSERT, which has ``on_conflict_do_update``."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    if conn.dialect.name == "sqlite":
        return sqlite.insert(table)
    msg = f"unsupported database {conn.dialect.name!r}: use SQLite or PostgreSQL"
    raise NotImplementedError(msg)


def _upsert(
    conn: Connection,
    table: Table,
    keys: tuple[str, ...],
    values: dict[str, Any],
    *,
    keep: tuple[str, ...] = (),
    fill: tuple[str, ...] = (),
) -> int:
    """Insert ``values`` or update the row with the same ``keys``; return its id.

    Columns named in ``keep`` are written on insert only (e.g. ``first_crawled_at``);
    columns named in ``fill`` are updated only with a value, never back to NULL.
    """
    names = tuple(values)

    def build() -> Any:
        stmt = _insert(conn, table)
        changes = {
            k: func.coalesce(stmt.excluded[k], table.c[k]) if k in fill else stmt.excluded[k]
            for k in names
            if k not in keys and k not in keep
        }
        stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
        return stmt.returning(table.c.id)

    key = ("upsert", conn.dialect.name, table.name, keys, keep, fill, names)
    return int(conn.execute(cached_statement(key, build), values).scalar_one())


def upsert_paper(conn: Connection, *, slug: str, name: str, family: str, home_url: str) -> int:
    """The id of the paper ``slug``, created or refreshed from the registry."""
    values = {"slug": slug, "name": name, "family": family, "home_url": home_url}
    return _upsert(conn, PAPERS, ("slug",), values)


def upsert_issue(
    conn: Connection,
    *,
    paper_id: int,
    date: dt.date,
    url: str,
    status: str,
    crawled_at: dt.datetime,
    edition: str = "",
    expected_page_count: int | None = None,
) -> int:
    """The id of the issue (paper, date, edition), created or updated."""
    values = {
        "paper_id": paper_id,
        "date": date,
        "edition": edition,
        "url": url,
        "status": status,
        "expected_page_count": expected_page_count,
        "first_crawled_at": crawled_at,
        "last_crawled_at": crawled_at,
    }
    return _upsert(
        conn,
        ISSUES,
        ("paper_id", "date", "edition"),
        values,
        keep=("first_crawled_at",),
    )


def upsert_page(
    conn: Connection,
    *,
    issue_id: int,
    order: int,
    number: str,
    url: str,
    name: str | None = None,
    pdf_url: str | None = None,
    image_url: str | None = None,
    expected_article_count: int | None = None,
) -> int:
    """The id of the page (issue, number), created or updated."""
    values = {
        "issue_id": issue_id,
        "order": order,
        "number": number,
        "name": name,
        "url": url,
        "pdf_url": pdf_url,
        "image_url": image_url,
        "expected_article_count": expected_article_count,
    }
    # What the page list says of a page is less than what the page itself says: a page
    # known only from the list (count None) keeps the files and count a fetch found.
    fill = ("name", "pdf_url", "image_url", "expected_article_count")
    return _upsert(conn, PAGES, ("issue_id", "number"), values, fill=fill)


@dataclass(frozen=True, slots=True)
class ArticleRecord:
    """An extracted article with where it was found, ready to store."""

    paper_id: int
    issue_id: int
    date: dt.date
    article: ArticleItem
    page_id: int | None = None
    order: int | None = None
    source_id: str | None = None
    duplicate_of_id: int | None = None


def content_hash(article: ArticleItem) -> str:
    """A digest of the text a reader sees in an article; a change means a new version, and
    two articles of an issue with the same digest are one article printed twice.

    >>> a = ArticleItem(url="u", title="标题", paragraphs=("正文。",))
    >>> same = ArticleItem(url="other", title="标题", paragraphs=("正文。",))
    >>> content_hash(a) == content_hash(same)
    True
    >>> content_hash(a) == content_hash(ArticleItem(url="u", title="标题", paragraphs=("改正。",)))
    False
    """
    visible = {
        "kicker": article.kicker,
        "title": article.title,
        "subtitle": article.subtitle,
        "byline": article.byline,
        "authors": to_jsonable(article.authors),
        "dateline": to_jsonable(article.dateline),
        "paragraphs": list(article.paragraphs),
        # Captions, not image URLs: the same article on two pages has the same pictures
        # under per-article file names.
        "captions": [image.caption for image in article.images],
    }
    encoded = json.dumps(visible, ensure_ascii=False, sort_keys=True).encode("utf-8")
    return hashlib.sha256(encoded).hexdigest()


def _article_values(record: ArticleRecord, digest: str) -> dict[str, Any]:
    item = record.article
    body = item.body
    return {
        "paper_id": record.paper_id,
        "issue_id": record.issue_id,
        "page_id": record.page_id,
        "date": record.date,
        "order": record.order,
        "source_id": record.source_id,
        "url": item.url,
        "kicker": item.kicker,
        "title": item.title,
        "subtitle": item.subtitle,
        "byline": item.byline,
        "dateline": item.dateline.text if item.dateline else None,
        "dateline_place": item.dateline.place if item.dateline else None,
        "body": body,
        "char_count": len(body.replace("\n", "")),
        "content_hash": digest,
        "duplicate_of_id": record.duplicate_of_id,
    }


def _article_by_url(dialect: str) -> Any:
    table = ARTICLES
    query = select(
        table.c.id,
        table.c.content_hash,
        table.c.kicker,
        table.c.title,
        table.c.subtitle,
        table.c.byline,
        table.c.body,
        table.c.last_changed_at,
    ).where(table.c.paper_id == bindparam("b_paper_id"), table.c.url == bindparam("b_url"))
    # Another run changing the same article waits here until it commits, so the two
    # versions are numbered one after the other (SQLite has one writer anyway).
    return query.with_for_update() if dialect == "postgresql" else query


def _insert_new_article(conn: Connection) -> Any:
    """INSERT that does nothing (and returns no row) when the article is already stored."""

    def build() -> Any:
        stmt = _insert(conn, ARTICLES).on_conflict_do_nothing(index_elements=["paper_id", "url"])
        return stmt.returning(ARTICLES.c.id)

    return cached_statement(("insert new article", conn.dialect.name), build)


def store_article(
    conn: Connection, record: ArticleRecord, seen_at: dt.datetime
) -> tuple[int, Outcome]:
    """Insert a new article, update a changed one (keeping its old text as a version),
    or only mark an unchanged one as seen. Returns the article id and what was done.

    The insert is an ``INSERT ... ON CONFLICT DO NOTHING``: an article another writer
    stored meanwhile is compared with, never a unique violation that loses the batch. It
    comes after a look-up, so a known article costs no insert attempt (nor, on PostgreSQL,
    a sequence number).
    """
    table = ARTICLES
    digest = content_hash(record.article)
    values = _article_values(record, digest)
    stamps = {"first_seen_at": seen_at, "last_seen_at": seen_at, "last_changed_at": seen_at}
    by_url = cached_statement(
        ("article by url", conn.dialect.name), lambda: _article_by_url(conn.dialect.name)
    )
    keys = {"b_paper_id": record.paper_id, "b_url": record.article.url}
    existing = conn.execute(by_url, keys).one_or_none()
    if existing is None:
        inserted = conn.execute(_insert_new_article(conn), {**values, **stamps}).scalar()
        if inserted is not None:
            article_id = int(inserted)
            _write_parts(conn, article_id, record.article)
            index_article(conn, article_id, record.article.title, values["body"])
            return article_id, Outcome.NEW
        # Another writer stored it between the two statements: compare with its row.
        existing = conn.execute(by_url, keys).one()
    article_id = int(existing.id)
    if existing.content_hash == digest:
        seen = cached_statement(
            ("article seen",), lambda: update(table).where(table.c.id == bindparam("b_id"))
        )
        conn.execute(
            seen,
            {
                "b_id": article_id,
                "last_seen_at": seen_at,
                "page_id": values["page_id"],
                "order": values["order"],
            },
        )
        if _jumps(record.article):
            # Stored before links were kept (schema 0008): add them now, once.
            has_links = conn.execute(
                select(LINKS.c.id).where(LINKS.c.article_id == article_id).limit(1)
            ).first()
            if has_links is None:
                _write_links(conn, article_id, record.article)
        return article_id, Outcome.UNCHANGED

    versions = VERSIONS
    count = conn.execute(
        select(versions.c.version)
        .where(versions.c.article_id == article_id)
        .order_by(versions.c.version.desc())
        .limit(1)
    ).scalar()
    conn.execute(
        versions.insert().values(
            article_id=article_id,
            version=(count or 0) + 1,
            kicker=existing.kicker,
            title=existing.title,
            subtitle=existing.subtitle,
            byline=existing.byline,
            body=existing.body,
            content_hash=existing.content_hash,
            seen_from=existing.last_changed_at,
            replaced_at=seen_at,
        )
    )
    # duplicate_of_id is the issue's business (crawler.db.writer.mark_duplicates).
    del values["duplicate_of_id"]
    conn.execute(
        update(table)
        .where(table.c.id == article_id)
        .values(**values, last_seen_at=seen_at, last_changed_at=seen_at)
    )
    _write_parts(conn, article_id, record.article, replace=True)
    index_article(conn, article_id, record.article.title, values["body"])
    return article_id, Outcome.CHANGED


def _write_parts(
    conn: Connection, article_id: int, item: ArticleItem, *, replace: bool = False
) -> None:
    authors, images = AUTHORS, IMAGES
    if replace:
        conn.execute(delete(authors).where(authors.c.article_id == article_id))
        conn.execute(delete(images).where(images.c.article_id == article_id))
        conn.execute(delete(LINKS).where(LINKS.c.article_id == article_id))
    if item.authors:
        conn.execute(
            cached_statement(("insert", "authors"), authors.insert),
            [
                {"article_id": article_id, "position": i, "name": a.name, "role": a.role}
                for i, a in enumerate(item.authors, 1)
            ],
        )
    if item.images:
        conn.execute(
            cached_statement(("insert", "images"), images.insert),
            [
                {"article_id": article_id, "position": i, "url": im.url, "caption": im.caption}
                for i, im in enumerate(item.images, 1)
            ],
        )
    _write_links(conn, article_id, item)


def _jumps(item: ArticleItem) -> list[Continuation]:
    """The 下转第X版 pointers of an article (its parts, content_N_2, are merged already)."""
    return [c for c in item.continuations if c.kind == "page"]


def _write_links(conn: Connection, article_id: int, item: ArticleItem) -> None:
    # The rest of the story is another article of the issue, found when the issue ends
    # (crawler.db.writer.link_stories).
    jumps = _jumps(item)
    if jumps:
        conn.execute(
            cached_statement(("insert", "links"), LINKS.insert),
            [
                {
                    "article_id": article_id,
                    "position": i,
                    "kind": "continued_on",
                    "page_number": c.page_number,
                    "url": c.url,
                }
                for i, c in enumerate(jumps, 1)
            ],
        )


#: Longest failure reason kept: a reason is a short, stable label for people and queries.
REASON_CHARS = 200

#: Longest failed URL kept: a B-tree index (the unique key) cannot hold much more on
#: PostgreSQL, and Scrapy never fetches a URL longer than URLLENGTH_LIMIT (2,083) anyway.
FAILED_URL_CHARS = 2083


def _upsert_failure(
    conn: Connection,
    issue_id: int,
    failure: tuple[str, str, str, str | None],
    at: dt.datetime,
) -> None:
    url, kind, reason, page_number = failure
    stmt = _insert(conn, FAILURES).values(
        issue_id=issue_id,
        url=url[:FAILED_URL_CHARS],
        kind=kind,
        page_number=page_number,
        reason=reason[:REASON_CHARS],
        attempts=1,
        first_failed_at=at,
        last_failed_at=at,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["issue_id", "url"],
        set_={
            "kind": stmt.excluded.kind,
            "page_number": stmt.excluded.page_number,
            "reason": stmt.excluded.reason,
            "attempts": FAILURES.c.attempts + 1,
            "last_failed_at": stmt.excluded.last_failed_at,
        },
    )
    conn.execute(stmt)


def record_issue_outcome(
    conn: Connection,
    issue_id: int,
    status: str,
    failures: list[tuple[str, str, str, str | None]],
    at: dt.datetime,
    *,
    none_reason: str | None = None,
) -> None:
    """Set an issue's status and replace its failures: ``(url, kind, reason, page_number)``.

    A URL that failed before keeps its first failure time and counts one more attempt.
    ``none_reason`` says how a date without an issue (status ``none``) was known.
    """
    conn.execute(
        update(ISSUES)
        .where(ISSUES.c.id == issue_id)
        .values(status=status, last_crawled_at=at, none_reason=none_reason)
    )
    urls = [url[:FAILED_URL_CHARS] for url, _, _, _ in failures]
    conn.execute(
        delete(FAILURES).where(FAILURES.c.issue_id == issue_id, FAILURES.c.url.not_in(urls))
    )
    for failure in failures:
        _upsert_failure(conn, issue_id, failure, at)


def record_store_failure(
    conn: Connection,
    issue_id: int,
    failure: tuple[str, str, str, str | None],
    at: dt.datetime,
) -> None:
    """An item of the issue could not be stored: the issue is partial, with the failure, so
    the next run fetches it again (even if an earlier run had completed the issue)."""
    conn.execute(
        update(ISSUES).where(ISSUES.c.id == issue_id).values(status="partial", last_crawled_at=at)
    )
    _upsert_failure(conn, issue_id, failure, at)
