"""The captures index: storing archived responses, linking rows to them, and finding them again."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, select, update

from crawler.db.models import Capture
from crawler.db.store import ARTICLES, IMAGES, ISSUES, PAGES, PAPERS, _insert, cached_statement
from crawler.items import CaptureRef
from crawler.warc import Original

CAPTURES = cast(Table, Capture.__table__)


def store_capture(conn: Connection, ref: CaptureRef, refers_to_id: int | None) -> int:
    """The id of the ``captures`` row of ``ref``, inserted unless its record is listed."""
    values = {
        "url": ref.url,
        "fetched_at": ref.fetched_at,
        "http_status": ref.http_status,
        "content_type": (ref.content_type or None) and ref.content_type[:200],
        "payload_digest": ref.payload_digest,
        "record_type": ref.record_type,
        "warc_file": ref.warc_file,
        "warc_offset": ref.warc_offset,
        "warc_length": ref.warc_length,
        "warc_record_id": ref.warc_record_id,
        "refers_to_id": refers_to_id,
    }

    def build() -> Any:
        stmt = _insert(conn, CAPTURES)
        # A conflict means the same record (a re-parse into the crawl's database): keep the row.
        stmt = stmt.on_conflict_do_update(
            index_elements=["warc_file", "warc_offset"],
            set_={"warc_record_id": stmt.excluded.warc_record_id},
        )
        return stmt.returning(CAPTURES.c.id)

    # Built once (one per response is ten times the cost of running it; docs/benchmarks.md).
    stmt = cached_statement(("store capture", conn.dialect.name), build)
    return int(conn.execute(stmt, values).scalar_one())


def capture_id_at(conn: Connection, warc_file: str, warc_offset: int) -> int | None:
    """The id of the capture stored for the record at ``(warc_file, warc_offset)``."""
    stmt = cached_statement(
        ("capture at",),
        lambda: select(CAPTURES.c.id).where(
            CAPTURES.c.warc_file == bindparam("b_file"),
            CAPTURES.c.warc_offset == bindparam("b_offset"),
        ),
    )
    found = conn.execute(stmt, {"b_file": warc_file, "b_offset": warc_offset}).scalar()
    return None if found is None else int(found)


def _original_of() -> Any:
    return (
        select(
            CAPTURES.c.warc_file,
            CAPTURES.c.warc_offset,
            CAPTURES.c.warc_record_id,
            CAPTURES.c.url,
            CAPTURES.c.fetched_at,
        )
        .where(
            CAPTURES.c.url == bindparam("b_url"),
            CAPTURES.c.payload_digest == bindparam("b_digest"),
            CAPTURES.c.record_type == "response",
            CAPTURES.c.warc_record_id.is_not(None),
        )
        .order_by(CAPTURES.c.id)
        .limit(1)
    )


def find_original(conn: Connection, url: str, digest: str) -> Original | None:
    """The first archived ``response`` of ``url`` whose payload had ``digest``."""
    stmt = cached_statement(("original of",), _original_of)
    row = conn.execute(stmt, {"b_url": url, "b_digest": digest}).one_or_none()
    if row is None:
        return None
    return Original(row.warc_file, row.warc_offset, row.warc_record_id, row.url, row.fetched_at)


def set_capture(conn: Connection, table: Table, row_id: int, capture_id: int) -> None:
    """Point the row ``row_id`` of ``table`` (issues, pages, articles) at its capture."""
    stmt = cached_statement(
        ("set capture", table.name), lambda: update(table).where(table.c.id == bindparam("b_id"))
    )
    conn.execute(stmt, {"b_id": row_id, "capture_id": capture_id})


def attach_file(
    conn: Connection,
    *,
    paper_id: int,
    day: dt.date,
    kind: str,
    url: str,
    capture_id: int | None,
    path: str | None,
) -> int:
    """Point the pages (``kind`` "pdf") or article images ("image") of ``paper_id``'s issue
    of ``day`` that link to ``url`` at its capture and file; returns how many rows.

    A ``path`` of None leaves the stored path as it is: a run without a file store (or a
    re-parse) keeps the copy an earlier run made."""
    issue_ids = select(ISSUES.c.id).where(ISSUES.c.paper_id == paper_id, ISSUES.c.date == day)
    if kind == "pdf":
        stmt = (
            update(PAGES)
            .where(PAGES.c.issue_id.in_(issue_ids), PAGES.c.pdf_url == url)
            .values(pdf_capture_id=capture_id, **({"pdf_path": path} if path else {}))
        )
    else:
        article_ids = select(ARTICLES.c.id).where(
            ARTICLES.c.paper_id == paper_id, ARTICLES.c.date == day
        )
        stmt = (
            update(IMAGES)
            .where(IMAGES.c.article_id.in_(article_ids), IMAGES.c.url == url)
            .values(capture_id=capture_id, **({"file_path": path} if path else {}))
        )
    return int(conn.execute(stmt).rowcount or 0)


@dataclass(frozen=True, slots=True)
class StoredCapture:
    """A ``captures`` row: where the record is, and the record its payload is in."""

    id: int
    url: str
    fetched_at: dt.datetime
    http_status: int
    record_type: str
    warc_file: str
    warc_offset: int
    payload_file: str  # the response record holding the payload (itself, unless a revisit)
    payload_offset: int


#: Which column of which table names the capture of each kind of row.
CAPTURE_COLUMNS = {
    "issue": (ISSUES, "capture_id"),
    "page": (PAGES, "capture_id"),
    "pdf": (PAGES, "pdf_capture_id"),
    "article": (ARTICLES, "capture_id"),
    "image": (IMAGES, "capture_id"),
}


def capture_of_row(conn: Connection, kind: str, row_id: int) -> StoredCapture | None:
    """The capture a row was extracted from (``kind`` as in :data:`CAPTURE_COLUMNS`, or
    ``capture`` for a ``captures`` id); None when the row or its capture is unknown."""
    if kind == "capture":
        capture_id: int | None = row_id
    else:
        table, column = CAPTURE_COLUMNS[kind]
        capture_id = conn.execute(select(table.c[column]).where(table.c.id == row_id)).scalar()
    if capture_id is None:
        return None
    row = conn.execute(select(CAPTURES).where(CAPTURES.c.id == capture_id)).one_or_none()
    if row is None:
        return None
    payload_file, payload_offset = row.warc_file, row.warc_offset
    if row.record_type == "revisit" and row.refers_to_id is not None:
        original = conn.execute(
            select(CAPTURES.c.warc_file, CAPTURES.c.warc_offset).where(
                CAPTURES.c.id == row.refers_to_id
            )
        ).one()
        payload_file, payload_offset = original.warc_file, original.warc_offset
    return StoredCapture(
        id=row.id,
        url=row.url,
        fetched_at=row.fetched_at,
        http_status=row.http_status,
        record_type=row.record_type,
        warc_file=row.warc_file,
        warc_offset=row.warc_offset,
        payload_file=payload_file,
        payload_offset=payload_offset,
    )


def paper_id_of(conn: Connection, slug: str) -> int | None:
    """The id of the paper ``slug``, if stored."""
    found = conn.execute(select(PAPERS.c.id).where(PAPERS.c.slug == slug)).scalar()
    return None if found is None else int(found)
