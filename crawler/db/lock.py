"""One writer at a time per archive: an advisory lock that the operating system or the
database server releases when its holder dies.

SQLite: ``fcntl.flock`` on a lock file beside the database (``archive.sqlite3.lock``),
which holds a line naming its holder. PostgreSQL: a session-level advisory lock (advisory
locks are per database, so the key is one constant), held on a connection of its own;
the ``writer_lock`` row names its holder. A killed holder releases either lock at once.

A second writer either fails at once with :class:`ArchiveLockedError` (exit status 4)
naming the run that holds the lock, or, with ``wait``, waits for it. The lock is taken
again freely inside the process that holds it (``epaper crawl`` takes it, then the
Scrapy extension of the crawl it starts finds it held).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import shlex
import socket
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO, cast

from sqlalchemy import Connection, Engine, Table, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from crawler.db.engine import make_engine, redact
from crawler.db.migrate import ensure_schema
from crawler.db.models import CrawlRun, WriterLock, utcnow
from crawler.errors import EpaperError

logger = logging.getLogger(__name__)

#: The advisory lock key of the archive writer (any constant: the lock is per database).
ADVISORY_KEY = 0x6570_6170_6572_0001  # "epaper" + 1

#: Seconds between two attempts while waiting for the lock.
POLL_SECONDS = 0.5

RUNS = cast(Table, CrawlRun.__table__)
HOLDERS = cast(Table, WriterLock.__table__)


class ArchiveLockedError(EpaperError):
    """Another process is writing to the archive."""

    exit_code = 4


@dataclass(frozen=True, slots=True)
class Holder:
    """Who holds an archive's lock, as far as it said."""

    pid: int | None
    host: str
    started_at: dt.datetime | None
    command: str
    run_id: int | None = None

    def describe(self) -> str:
        """One phrase naming the holder.

        >>> at = dt.datetime(2026, 12, 2, 3, 0, tzinfo=dt.UTC)
        >>> Holder(42, "box", at, "epaper update", 7).describe()
        'run 7 (pid 42 on box, since 2026-12-02 03:00:00 UTC: epaper update)'
        >>> Holder(None, "", None, "").describe()
        'another process (starting: it has not said who it is yet)'
        """
        if self.pid is None:
            return "another process (starting: it has not said who it is yet)"
        run = f"run {self.run_id}" if self.run_id is not None else "a process (no run recorded)"
        since = f"{self.started_at:%Y-%m-%d %H:%M:%S} UTC" if self.started_at else "unknown"
        return f"{run} (pid {self.pid} on {self.host}, since {since}: {self.command})"


def current_command() -> str:
    """This process's command line, as a user would type it."""
    program = Path(sys.argv[0]).name if sys.argv else "python"
    if program in {"__main__.py", "cli"}:
        program = "epaper"
    return shlex.join([program, *sys.argv[1:]])


class _Lock:
    """The backend's lock primitive: try once, say who holds it, release."""

    def __init__(self, url: str, command: str) -> None:
        self.url = url
        self.command = command
        self.started_at = utcnow()

    def try_acquire(self) -> bool:
        raise NotImplementedError

    def after_schema(self) -> None:
        """Say who holds the lock, where that needs the schema (PostgreSQL)."""

    def holder(self) -> Holder:
        raise NotImplementedError

    def release(self) -> None:
        raise NotImplementedError


class _FileLock(_Lock):
    def __init__(self, url: str, command: str, path: Path) -> None:
        super().__init__(url, command)
        self.path = path
        self.file: IO[str] | None = None

    def try_acquire(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        file = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            return False
        except BaseException:
            file.close()
            raise
        self.file = file
        self.started_at = utcnow()
        info = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started_at": self.started_at.isoformat(),
            "command": self.command,
        }
        file.seek(0)
        file.truncate()
        file.write(json.dumps(info, ensure_ascii=False) + "\n")
        file.flush()
        return True

    def holder(self) -> Holder:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            info = {}
        if not info.get("pid"):
            return Holder(None, "", None, "")
        started = dt.datetime.fromisoformat(info["started_at"])
        return Holder(
            int(info["pid"]),
            str(info.get("host", "")),
            started,
            str(info.get("command", "")),
            _run_since(self.url, started),
        )

    def release(self) -> None:
        if self.file is not None:
            # The file stays: removing it would let a waiter lock a file no one else sees.
            with suppress(OSError):
                fcntl.flock(self.file.fileno(), fcntl.LOCK_UN)
            self.file.close()
            self.file = None


class _AdvisoryLock(_Lock):
    def __init__(self, url: str, command: str) -> None:
        super().__init__(url, command)
        self.engine: Engine = make_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.conn: Connection | None = None

    def _session(self) -> Connection:
        if self.conn is None:
            self.conn = self.engine.connect()
        return self.conn

    def try_acquire(self) -> bool:
        conn = self._session()
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_KEY}).scalar()
        if got:
            self.started_at = utcnow()
        return bool(got)

    def after_schema(self) -> None:
        conn = self._session()
        values = {
            "id": 1,
            "backend_pid": conn.execute(text("SELECT pg_backend_pid()")).scalar_one(),
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "command": self.command,
            "started_at": self.started_at,
        }
        stmt = postgresql.insert(HOLDERS).values(values)
        stmt = stmt.on_conflict_do_update(
            index_elements=["id"], set_={k: stmt.excluded[k] for k in values if k != "id"}
        )
        conn.execute(stmt)

    def holder(self) -> Holder:
        conn = self._session()
        # A bigint key shows in pg_locks as its high and low halves, with objsubid 1.
        held = conn.execute(
            text(
                "SELECT l.pid, a.backend_start FROM pg_locks l "
                "JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 "
                "AND l.classid = :high AND l.objid = :low "
                "AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
            ),
            {"high": (ADVISORY_KEY >> 32) & 0xFFFFFFFF, "low": ADVISORY_KEY & 0xFFFFFFFF},
        ).first()
        if held is None:
            return Holder(None, "", None, "")
        try:
            row = conn.execute(select(HOLDERS).where(HOLDERS.c.backend_pid == held.pid)).first()
        except SQLAlchemyError:  # no schema yet: the holder is creating it
            row = None
        if row is None:
            return Holder(None, "", None, "")
        run_id = _run_since(self.url, row.started_at)
        return Holder(row.pid, row.host, row.started_at, row.command, run_id)

    def release(self) -> None:
        if self.conn is not None:
            with suppress(SQLAlchemyError):
                self.conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_KEY})
            with suppress(SQLAlchemyError):
                self.conn.close()
            self.conn = None
        self.engine.dispose()


def _run_since(url: str, started: dt.datetime) -> int | None:
    """The run the holder recorded: the newest unfinished one it started after the lock."""
    engine = make_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            found = conn.execute(
                select(RUNS.c.id)
                .where(
                    RUNS.c.finished_at.is_(None),
                    RUNS.c.started_at >= started - dt.timedelta(seconds=1),
                )
                .order_by(RUNS.c.id.desc())
                .limit(1)
            ).scalar()
    except SQLAlchemyError:  # no schema yet, or unreadable: the run is not named
        return None
    finally:
        engine.dispose()
    return None if found is None else int(found)


def _identity(url: str) -> tuple[str, Path | None] | None:
    """What names the archive (for re-entry) and the lock file of SQLite; None: no lock
    (an in-memory database has no other writer)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            return None
        path = Path(database).resolve()
        return f"sqlite:{path}", path.with_name(path.name + ".lock")
    return f"{parsed.get_backend_name()}:{parsed.host}:{parsed.port}/{parsed.database}", None


#: Locks this process holds, by archive, with how many times it entered each.
_HELD: dict[str, tuple[_Lock, int]] = {}


def acquire(url: str, *, wait: bool = False, command: str | None = None) -> str | None:
    """Take the writer lock of the archive at ``url`` and bring its schema up to date;
    returns a token for :func:`release` (None: nothing to lock).

    Raises :class:`ArchiveLockedError` naming the holder unless ``wait``; with ``wait``,
    logs once that it waits and returns when it has the lock.
    """
    identity = _identity(url)
    if identity is None:
        return None
    key, path = identity
    if key in _HELD:
        held, depth = _HELD[key]
        _HELD[key] = (held, depth + 1)
        return key
    lock: _Lock = (
        _FileLock(url, command or current_command(), path)
        if path is not None
        else _AdvisoryLock(url, command or current_command())
    )
    try:
        waited = False
        while not lock.try_acquire():
            holder = lock.holder()
            if not wait:
                msg = (
                    f"the archive {redact(url)} is being written by {holder.describe()}; "
                    "one writer at a time: try again later, or add --wait to queue"
                )
                raise ArchiveLockedError(msg)
            if not waited:
                logger.warning(
                    "waiting for the archive %s: it is being written by %s",
                    redact(url),
                    holder.describe(),
                )
                waited = True
            time.sleep(POLL_SECONDS)
        # Under the lock, so two first runs do not both create the schema.
        ensure_schema(url)
        lock.after_schema()
    except BaseException:
        lock.release()
        raise
    _HELD[key] = (lock, 1)
    return key


def release(token: str | None) -> None:
    """Give back a lock :func:`acquire` took (the last release of the process frees it)."""
    if token is None or token not in _HELD:
        return
    lock, depth = _HELD[token]
    if depth > 1:
        _HELD[token] = (lock, depth - 1)
        return
    del _HELD[token]
    lock.release()


@contextmanager
def writer_lock(url: str, *, wait: bool = False, command: str | None = None) -> Iterator[None]:
    """Hold the archive's writer lock for the ``with`` block (see :func:`acquire`)."""
    token = acquire(url, wait=wait, command=command)
    try:
        yield
    finally:
        release(token)


def holding(url: str) -> bool:
    """Whether this process holds the writer lock of the archive at ``url``."""
    identity = _identity(url)
    return identity is not None and identity[0] in _HELD
