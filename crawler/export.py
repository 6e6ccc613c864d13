"""``epaper export``: one flat record per article (the ``article_full`` columns), streamed.

CSV (UTF-8, a header line, empty for NULL), JSON Lines (one object a line, ``null`` for
NULL, dates as ISO text) or Parquet (typed: dates as ``date32``, times as UTC
timestamps, ids and counts as integers; needs the ``export`` extra, pyarrow). Records
are read and written in batches, so memory stays flat however large the archive.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from crawler.db.analysis import ARTICLE_COLUMNS, ARTICLE_TYPES
from crawler.errors import ConfigurationError

FORMATS = ("csv", "jsonl", "parquet")
#: Records per Parquet row group (and per batch written).
PARQUET_BATCH = 5000


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_csv(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write ``records`` as CSV with a header; returns how many were written.

    >>> import io
    >>> buf = io.StringIO()
    >>> write_csv([{"article_id": 1, "date": dt.date(2025, 2, 3), "title": "标题"}], buf)
    1
    >>> buf.getvalue().splitlines()[1].split(",")[:4]
    ['1', '', '', '2025-02-03']
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(ARTICLE_COLUMNS)
    count = 0
    for record in records:
        writer.writerow(
            ["" if record.get(c) is None else _plain(record.get(c)) for c in ARTICLE_COLUMNS]
        )
        count += 1
    return count


def write_jsonl(records: Iterable[dict[str, Any]], out: IO[str]) -> int:
    """Write ``records`` as JSON Lines (Chinese as is, not escaped); returns the count."""
    count = 0
    for record in records:
        row = {c: _plain(record.get(c)) for c in ARTICLE_COLUMNS}
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        count += 1
    return count


def parquet_schema() -> Any:
    """The Parquet schema of an export: the ``article_full`` columns, typed."""
    try:
        import pyarrow as pa
    except ImportError:
        msg = "Parquet needs pyarrow: pip install 'epaper-archive[export]'"
        raise ConfigurationError(msg) from None
    kinds = {
        "int": pa.int64(),
        "date": pa.date32(),
        "datetime": pa.timestamp("us", tz="UTC"),
    }
    fields = [
        pa.field(name, kinds.get(ARTICLE_TYPES.get(name, ""), pa.string()))
        for name in ARTICLE_COLUMNS
    ]
    return pa.schema(fields)


def _batches(records: Iterable[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def write_parquet(records: Iterable[dict[str, Any]], path: str) -> int:
    """Write ``records`` to a Parquet file at ``path``, a row group per batch."""
    schema = parquet_schema()
    import pyarrow as pa
    import pyarrow.parquet as pq

    count = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in _batches(records, PARQUET_BATCH):
            columns = {name: [r.get(name) for r in batch] for name in ARTICLE_COLUMNS}
            writer.write_table(pa.Table.from_pydict(columns, schema=schema))
            count += len(batch)
        if count == 0:
            writer.write_table(schema.empty_table())
    return count
