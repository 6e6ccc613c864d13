"""The database check every command that writes makes first, and its errors as one line.

A database that cannot be reached, opened, read, written or understood is reported before
the crawler starts, in words that name the database and the cause, with exit status 2
(3 for a schema this code cannot use): never a traceback from deep inside a crawl.
"""

from __future__ import annotations

import struct
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from crawler.db.engine import make_engine, redact
from crawler.db.migrate import SchemaState, ensure_schema
from crawler.db.runs import probe_writable
from crawler.errors import ConfigurationError

SQLITE_MAGIC = b"SQLite format 3\x00"

#: SQLite's messages, in the words a user acts on.
SQLITE_CAUSES = (
    ("readonly", "is read-only (check the file's permissions and attributes, e.g. lsattr)"),
    ("file is not a database", "is not a SQLite database"),
    ("malformed", "is damaged (database disk image is malformed)"),
    ("unable to open", "cannot be opened (a missing folder, a folder, or no permission?)"),
    ("disk i/o error", "cannot be read or written (disk I/O error)"),
)


def describe_database_error(exc: BaseException, url: str | None = None) -> str:
    """One line for a database error: which database, and the driver's first words on why.

    >>> import sqlite3
    >>> from sqlalchemy.exc import OperationalError
    >>> err = OperationalError("UPDATE ...", {}, sqlite3.OperationalError(
    ...     "attempt to write a readonly database"))
    >>> print(describe_database_error(err, "sqlite:///data/a.sqlite3"))  # doctest: +ELLIPSIS
    the database sqlite:///data/a.sqlite3 is read-only (check ...)
    """
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(original).splitlines() if line.strip()]
    text = " ".join(lines[:2]) if lines else type(original).__name__
    text = text.removeprefix("connection failed: ").replace("FATAL:  ", "")
    name = f"the database {redact(url)}" if url else "the database"
    lowered = text.lower()
    if url and make_url(url).get_backend_name() == "sqlite":
        for needle, cause in SQLITE_CAUSES:
            if needle in lowered:
                return f"{name} {cause}"
    if "connect" in lowered or "does not exist" in lowered or "authentication" in lowered:
        return f"cannot connect to {name}: {text}"
    return f"{name}: {text}"


def sqlite_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a SQLite database, read from its header; None when it can
    (or does not exist yet). Reads 100 bytes: a truncated archive is caught before a crawl
    stores into it.
    """
    if path.is_dir():
        return "is a folder, not a file"
    if not path.parent.is_dir() and any(p.exists() and not p.is_dir() for p in path.parents):
        return "is inside a file, not a folder"
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if size == 0:
        return None  # SQLite makes an empty file a new database
    if not header.startswith(SQLITE_MAGIC):
        return "is not a SQLite database"
    if len(header) < 100:
        return f"is truncated ({size} bytes, not even a header)"
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    changes, pages, valid_for = (struct.unpack(">I", header[i : i + 4])[0] for i in (24, 28, 92))
    # The header's page count is reliable when written by the same change (SQLite >= 3.7),
    # unless a write-ahead log or a hot journal beside it holds the rest: a checkpoint cut
    # short by a full disk writes page 1 before it could grow the file.
    if changes == valid_for and pages and size < pages * page_size and not _has_log(path):
        return f"is truncated ({size} bytes of {pages * page_size})"
    return None


def _has_log(path: Path) -> bool:
    """Whether a non-empty ``-wal`` or ``-journal`` file lies beside the database."""
    for suffix in ("-wal", "-journal"):
        log = path.with_name(path.name + suffix)
        try:
            if log.stat().st_size > 0:
                return True
        except OSError:
            continue
    return False


def sqlite_problem(url: str) -> str | None:
    """Why the SQLite file ``url`` names cannot be a database (None: it can, or no file)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or database in ("", ":memory:"):
        return None
    return None if database.startswith("file:") else sqlite_file_problem(Path(database))


def check_database(url: str) -> SchemaState:
    """Make sure the crawl can use ``url``: reachable, a usable schema (an empty or older one
    is upgraded), writable. Raises :class:`ConfigurationError` (exit 2) or ``SchemaError``
    (exit 3) with one line."""
    problem = sqlite_problem(url)
    if problem:
        msg = f"the database {redact(url)} {problem}"
        raise ConfigurationError(msg)
    try:
        state = ensure_schema(url)
        engine = make_engine(url)
        try:
            probe_writable(engine)
        finally:
            engine.dispose()
    except (SQLAlchemyError, OSError) as exc:
        raise ConfigurationError(describe_database_error(exc, url)) from exc
    return state
