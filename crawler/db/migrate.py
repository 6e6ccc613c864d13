"""Schema versions: upgrade a database to the code's Alembic head, refuse one that is newer."""

from __future__ import annotations

import atexit
import contextlib
import logging
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, event, inspect, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry

from crawler.db.engine import make_engine, redact
from crawler.db.models import Base
from crawler.errors import SchemaError

logger = logging.getLogger(__name__)

#: The Alembic environment ships inside the package (``crawler/migrations/``), read as a
#: package resource so that an installed wheel upgrades its own schema.
MIGRATIONS_RESOURCE = "migrations"

#: Where a zipped package's migrations are unpacked for this process.
_UNPACKED = contextlib.ExitStack()
atexit.register(_UNPACKED.close)


@dataclass(frozen=True, slots=True)
class SchemaState:
    """Where a database stands against the code's migrations."""

    current: str | None  # None: no schema yet (empty database)
    head: str

    @property
    def is_current(self) -> bool:
        return self.current == self.head


@cache
def migrations_dir() -> Path:
    """The folder of the package's Alembic environment, on the file system.

    Alembic reads scripts from a directory: an installed package is one already; a zipped
    one is unpacked into a temporary folder that lives as long as the process.
    """
    location = resources.files("crawler").joinpath(MIGRATIONS_RESOURCE)
    if not location.joinpath("env.py").is_file():
        msg = f"the package has no migrations: crawler/{MIGRATIONS_RESOURCE}/env.py is missing"
        raise SchemaError(msg)
    if isinstance(location, Path):
        return location
    try:
        return _unpack(location)
    except OSError as exc:
        msg = f"cannot unpack the package's migrations to a folder: {exc}"
        raise SchemaError(msg) from exc


def _unpack(location: Traversable) -> Path:
    """Copy a zipped resource folder (an egg on Scrapyd) to a temporary folder.

    ``resources.as_file`` takes a folder only from Python 3.12 on.
    """
    folder = Path(tempfile.mkdtemp(prefix="epaper-migrations-"))
    _UNPACKED.callback(shutil.rmtree, folder, ignore_errors=True)
    pending = [(location, folder)]
    while pending:
        source, target = pending.pop()
        for entry in source.iterdir():
            if entry.is_dir():
                if entry.name != "__pycache__":
                    (target / entry.name).mkdir()
                    pending.append((entry, target / entry.name))
            else:
                (target / entry.name).write_bytes(entry.read_bytes())
    return folder


def alembic_config(url: str) -> Config:
    """An Alembic configuration for ``url`` that needs no ini file."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir()))
    config.attributes["url"] = url
    return config


def schema_state(engine: Engine, config: Config) -> SchemaState:
    """The database's current revision and the code's head; raises when it cannot be used."""
    script = ScriptDirectory.from_config(config)
    heads = script.get_heads()
    if len(heads) != 1:
        msg = f"the migrations have {len(heads)} heads ({', '.join(heads)}); merge them"
        raise SchemaError(msg)
    with engine.connect() as conn:
        currents = MigrationContext.configure(conn).get_current_heads()
    if len(currents) > 1:
        msg = f"the database has several schema revisions: {', '.join(currents)}"
        raise SchemaError(msg)
    current = currents[0] if currents else None
    if current is not None and _unknown(script, current):
        msg = (
            f"the database {redact(str(engine.url))} is at schema revision {current}, which this "
            f"version of epaper-archive does not know (its newest is {heads[0]}): the database "
            "was written by a newer version; upgrade epaper-archive instead"
        )
        raise SchemaError(msg)
    return SchemaState(current=current, head=heads[0])


def _unknown(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is None
    except Exception:  # noqa: BLE001 - alembic raises several types for an unknown id
        return True


def migration_engine(url: str) -> Engine:
    """An engine whose transactions hold DDL too, so a migration is all or nothing.

    PostgreSQL does this by itself. pysqlite runs DDL outside any transaction under
    SQLAlchemy's default, so a kill during the first ``db upgrade`` left half a schema
    for ever: here the driver's own transaction handling is turned off and SQLAlchemy
    emits BEGIN itself (SQLAlchemy's documented pysqlite recipe). Foreign keys are off
    on these connections: a table SQLite's batch mode copies is dropped, and with them
    on, that drop would cascade to the rows pointing at it.
    """
    engine = make_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_autocommit_driver)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_autocommit_driver(
    dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry
) -> None:
    dbapi_connection.execute("PRAGMA foreign_keys=OFF")
    dbapi_connection.isolation_level = None


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN")


def _half_made(engine: Engine) -> list[str]:
    """Tables of a schema whose creation never finished (no ``alembic_version``)."""
    names = set(inspect(engine).get_table_names())
    if "alembic_version" in names:
        return []
    return sorted(names)


def _rebuild_half_made(engine: Engine, tables: list[str]) -> None:
    """Drop a half-made schema that holds no row, or refuse with a clear message.

    Older versions created the SQLite schema outside a transaction: a kill left some
    tables and no version, and every later command failed with ``already exists``.
    """
    ours = {table.name for table in Base.metadata.sorted_tables}
    where = redact(str(engine.url))
    foreign = [name for name in tables if name not in ours]
    if foreign:
        msg = (
            f"the database {where} holds tables that are not epaper-archive's "
            f"({', '.join(foreign[:5])}) and no schema version: use an empty database"
        )
        raise SchemaError(msg)
    with engine.begin() as conn:
        filled = [
            name
            for name in tables
            # The names come from the database's own catalogue and are all ours (above).
            if conn.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()  # noqa: S608
        ]
        if filled:
            msg = (
                f"the database {where} has a half-made schema (tables {', '.join(tables[:5])}"
                f"{', ...' if len(tables) > 5 else ''} but no schema version) with rows in "
                f"{', '.join(filled[:5])}: it was not made by `epaper db upgrade`; move it "
                "away and run `epaper db upgrade` on an empty database"
            )
            raise SchemaError(msg)
        # Foreign keys are off on a SQLite migration connection; PostgreSQL cascades.
        cascade = " CASCADE" if conn.dialect.name == "postgresql" else ""
        for name in tables:
            conn.execute(text(f'DROP TABLE IF EXISTS "{name}"{cascade}'))
    logger.warning(
        "the database %s had a half-made, empty schema (an interrupted first upgrade): rebuilt it",
        where,
    )


def upgrade(url: str, revision: str = "head") -> SchemaState:
    """Upgrade the database at ``url`` to ``revision``; returns the state before."""
    config = alembic_config(url)
    engine = migration_engine(url)
    try:
        before = schema_state(engine, config)
        if before.current is None:
            tables = _half_made(engine)
            if tables:
                _rebuild_half_made(engine, tables)
        if before.current != before.head or revision != "head":
            with engine.begin() as conn:
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if conn.dialect.name == "sqlite":
                    _check_foreign_keys(conn)
        return before
    finally:
        engine.dispose()


def _check_foreign_keys(conn: Connection) -> None:
    """Refuse (and roll back) a migration that left a row pointing at nothing."""
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        msg = f"the migration left rows of {broken[0]} pointing at missing rows; rolled back"
        raise SchemaError(msg)


def ensure_schema(url: str) -> SchemaState:
    """Make the database usable by this code: upgrade an empty or older one and say so.

    Every command that writes calls this first.
    """
    before = upgrade(url)
    if not before.is_current:
        logger.warning(
            "upgraded the schema of %s from %s to %s",
            redact(url),
            before.current or "empty",
            before.head,
        )
    return before
