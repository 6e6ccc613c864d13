"""``epaper db``: create, upgrade and inspect the archive database schema."""

from __future__ import annotations

import argparse
import time

from sqlalchemy.exc import SQLAlchemyError

from crawler.cli.common import add_database_option
from crawler.config import database_url, load_settings
from crawler.db.check import describe_database_error, sqlite_problem
from crawler.db.engine import make_engine, redact
from crawler.db.migrate import alembic_config, ensure_schema, schema_state, upgrade
from crawler.db.search import pg_index_method, reindex
from crawler.errors import ConfigurationError

DB_EPILOG = """\
examples:
  epaper db upgrade
  EPAPER_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1/epaper epaper db upgrade
  epaper db status --database sqlite:///data/demo.sqlite3
  epaper db reindex
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "db",
        help="create, upgrade or inspect the database schema",
        description="Create, upgrade or inspect the archive's database schema (Alembic).",
        epilog=DB_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="db commands", metavar="COMMAND", required=True)

    up = commands.add_parser(
        "upgrade",
        help="create the schema, or upgrade it to this version's",
        description="Create the schema in an empty database, or upgrade an older one.",
    )
    add_database_option(up)
    up.set_defaults(func=run_upgrade)

    status = commands.add_parser(
        "status",
        help="show the database's schema revision and this version's",
        description="Show the database's schema revision and whether it is current.",
    )
    add_database_option(status)
    status.set_defaults(func=run_status)

    reindex = commands.add_parser(
        "reindex",
        help="rebuild the full-text search index from the stored articles",
        description="Empty the full-text search index and index every stored article again, "
        "in one transaction (searches see the old index until it commits).",
    )
    add_database_option(reindex)
    reindex.set_defaults(func=run_reindex)


def _url(args: argparse.Namespace) -> str:
    """The database URL, checked like every setting, and the file it names, if any."""
    url = database_url(
        load_settings({"EPAPER_DATABASE_URL": args.database} if args.database else None)
    )
    problem = sqlite_problem(url)
    if problem:
        raise ConfigurationError(f"the database {redact(url)} {problem}")
    return url


def run_upgrade(args: argparse.Namespace) -> int:
    url = _url(args)
    try:
        before = upgrade(url)
    except SQLAlchemyError as exc:
        raise ConfigurationError(describe_database_error(exc, url)) from exc
    if before.is_current:
        print(f"{redact(url)}: schema already at {before.head}")
    else:
        print(f"{redact(url)}: schema upgraded from {before.current or 'empty'} to {before.head}")
    if _queue_wanted(url):
        from crawler.db.queue import ensure_queue_schema

        if ensure_queue_schema(url):
            print(f"{redact(url)}: workers' queue created (epaper worker)")
    return 0


def _queue_wanted(url: str) -> bool:
    """Whether the archive gets the workers' queue: PostgreSQL, with the distributed extra."""
    import importlib.util

    from sqlalchemy.engine import make_url

    return (
        make_url(url).get_backend_name() == "postgresql"
        and importlib.util.find_spec("procrastinate") is not None
    )


def run_status(args: argparse.Namespace) -> int:
    url = _url(args)
    engine = make_engine(url)
    try:
        state = schema_state(engine, alembic_config(url))
    except SQLAlchemyError as exc:
        raise ConfigurationError(describe_database_error(exc, url)) from exc
    finally:
        engine.dispose()
    verdict = "current" if state.is_current else "needs `epaper db upgrade`"
    print(f"{redact(url)}: schema {state.current or 'empty'}, code {state.head} ({verdict})")
    return 0 if state.is_current else 1


def run_reindex(args: argparse.Namespace) -> int:
    url = _url(args)
    ensure_schema(url)
    engine = make_engine(url)
    try:
        started = time.monotonic()
        done = reindex(engine)
        seconds = time.monotonic() - started
        how = "FTS5"
        if engine.dialect.name == "postgresql":
            with engine.connect() as conn:
                how = f"{pg_index_method(conn).upper()} index"
    finally:
        engine.dispose()
    print(f"{redact(url)}: search index rebuilt ({how}): {done} articles in {seconds:.1f} s")
    return 0
