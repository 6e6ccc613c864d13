"""Engines for the archive database: SQLite tuned for a crawler, PostgreSQL through psycopg 3."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.exc import ArgumentError
from sqlalchemy.pool import ConnectionPoolEntry

from crawler.errors import ConfigurationError


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout.

    The folder of a SQLite file is created when missing.

    >>> engine = make_engine("sqlite://")
    >>> with engine.connect() as conn:
    ...     conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    1
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        msg = f"EPAPER_DATABASE_URL is not a database URL: {url!r}"
        raise ConfigurationError(msg) from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        event.listen(engine, "connect", _configure_sqlite)
    else:
        if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() != "psycopg":
            msg = f"use the psycopg 3 driver: postgresql+psycopg://... (got {parsed.drivername!r})"
            raise ConfigurationError(msg)
        engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
    event.listen(engine, "before_cursor_execute", _strip_nul, retval=True)
    return engine


def without_nul(value: Any) -> Any:
    r"""``value`` without NUL characters when it is text (PostgreSQL refuses them in text).

    >>> without_nul("text/html\x00; charset=utf-8"), without_nul(5)
    ('text/html; charset=utf-8', 5)
    """
    if type(value) is str and "\x00" in value:
        return value.replace("\x00", "")
    return value


def without_nul_in_json(value: Any) -> Any:
    r"""A JSON value with NUL removed from every string in it, keys too (PostgreSQL's JSONB
    refuses ``\u0000``; the driver sends JSON past the hook below).

    >>> without_nul_in_json({"a\x00": ["x\x00y", 1, None]})
    {'a': ['xy', 1, None]}
    """
    if isinstance(value, dict):
        return {without_nul(k): without_nul_in_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [without_nul_in_json(v) for v in value]
    return without_nul(value)


def _clean_parameters(parameters: Any) -> Any:
    if isinstance(parameters, dict):
        if any(type(v) is str and "\x00" in v for v in parameters.values()):
            return {k: without_nul(v) for k, v in parameters.items()}
        return parameters
    if isinstance(parameters, tuple | list):
        if any(type(v) is str and "\x00" in v for v in parameters):
            return type(parameters)(without_nul(v) for v in parameters)
        return parameters
    return parameters


def _strip_nul(  # noqa: PLR0917 - SQLAlchemy's event signature
    conn: Any,
    cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    """Every text value the database is sent, without NUL characters, on every backend (so
    both store the same text): a NUL in a header or a page must not lose a batch."""
    if executemany:
        return statement, [_clean_parameters(p) for p in parameters]
    return statement, _clean_parameters(parameters)


def _configure_sqlite(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets analysts read while a crawl writes; NORMAL sync is durable in WAL mode
        # across process crashes (only an OS crash can lose the last transactions).
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
    finally:
        cursor.close()


def redact(url: str) -> str:
    """The URL with its password hidden, for messages and logs.

    >>> redact("postgresql+psycopg://u:secret@localhost/db")
    'postgresql+psycopg://u:***@localhost/db'
    """
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid URL>"
