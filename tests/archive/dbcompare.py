"""Database contents compared by meaning: ids become natural keys, timestamps are left out."""

from __future__ import annotations

from typing import Any

from sqlalchemy import DateTime, Engine, select

from crawler.db.models import Base

#: How a row of a table is named without its id.
NATURAL_KEYS = {
    "papers": ("slug",),
    "issues": ("paper_id", "date", "edition"),
    "pages": ("issue_id", "number"),
    "articles": ("paper_id", "url"),
    "captures": ("warc_file", "warc_offset"),
}
#: Bookkeeping of the runs, not of the archive: who ran and who holds the writer lock.
SKIPPED = {"crawl_runs", "alembic_version", "writer_lock"}
#: Times that come from the archive itself (the WARC-Date), so they must match too.
KEPT_TIMES = {("captures", "fetched_at")}


def table_contents(
    engine: Engine, ignored: frozenset[tuple[str, str]] = frozenset()
) -> dict[str, list[tuple[Any, ...]]]:
    """Every table's rows as sorted tuples, with foreign keys as natural keys; ``ignored``
    (table, column) pairs are left out."""
    tables = {t.name: t for t in Base.metadata.sorted_tables}
    with engine.connect() as conn:
        rows = {name: conn.execute(select(t)).mappings().all() for name, t in tables.items()}
    by_id = {name: {r["id"]: r for r in found} for name, found in rows.items()}

    def key_of(table: str, row_id: Any) -> Any:
        if row_id is None:
            return None
        row = by_id[table][row_id]
        if table not in NATURAL_KEYS:
            return ("?", table, row_id)
        return tuple(value_of(table, column, row[column]) for column in NATURAL_KEYS[table])

    def value_of(table: str, column: str, value: Any) -> Any:
        col = tables[table].c[column]
        for fk in col.foreign_keys:
            return key_of(fk.column.table.name, value)
        return value

    contents = {}
    for name, table in tables.items():
        if name in SKIPPED:
            continue
        columns = [
            c.name
            for c in table.columns
            if c.name != "id"
            and (name, c.name) not in ignored
            and (not isinstance(c.type, DateTime) or (name, c.name) in KEPT_TIMES)
            and not (
                hasattr(c.type, "impl")
                and isinstance(c.type.impl, DateTime)
                and (name, c.name) not in KEPT_TIMES
            )
        ]
        contents[name] = sorted(
            (tuple(value_of(name, c, r[c]) for c in columns) for r in rows[name]), key=repr
        )
    return contents


def differences(
    left: Engine,
    right: Engine,
    limit: int = 5,
    ignored: frozenset[tuple[str, str]] = frozenset(),
) -> list[str]:
    """Human-readable differences between two databases' contents (empty when equal)."""
    a, b = table_contents(left, ignored), table_contents(right, ignored)
    found = []
    for name in sorted(set(a) | set(b)):
        only_a = sorted(set(a.get(name, [])) - set(b.get(name, [])), key=repr)
        only_b = sorted(set(b.get(name, [])) - set(a.get(name, [])), key=repr)
        if len(a.get(name, [])) != len(b.get(name, [])) or only_a or only_b:
            found.append(
                f"{name}: {len(a.get(name, []))} vs {len(b.get(name, []))} rows; "
                f"only left: {only_a[:limit]}; only right: {only_b[:limit]}"
            )
    return found
