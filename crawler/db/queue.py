"""The work queue's schema in the archive's own PostgreSQL database (``epaper worker``).

The queue is Procrastinate's: its tables live beside the archive's, created by the
library's own schema file (its documented ``schema --apply`` step), which ``epaper db
upgrade``, ``epaper enqueue`` and ``epaper worker`` run when the tables are not there yet.
They are not part of the Alembic migrations because the library is an optional extra: an
archive upgraded without it would otherwise never get the queue.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url

from crawler.errors import ConfigurationError

#: Held while the queue schema is created, so two workers starting at once create it once.
SCHEMA_LOCK_KEY = 0x6570_6170_6572_0071  # "epaper" + q


class DistributedUnavailableError(ConfigurationError):
    """The multi-worker mode cannot run here: SQLite, or the extra is not installed."""


def conninfo(url: str) -> str:
    """The libpq connection string of an SQLAlchemy PostgreSQL URL.

    >>> conninfo("postgresql+psycopg://me:pw@db.example:5433/epaper?sslmode=require")
    'postgresql://me:pw@db.example:5433/epaper?sslmode=require'
    >>> conninfo("sqlite:///data/epaper.sqlite3")
    Traceback (most recent call last):
    ...
    crawler.db.queue.DistributedUnavailableError: workers share one PostgreSQL archive; \
sqlite:///data/epaper.sqlite3 is SQLite (one process only): use epaper crawl, or set \
EPAPER_DATABASE_URL to a PostgreSQL database
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "postgresql":
        msg = (
            f"workers share one PostgreSQL archive; {parsed.render_as_string()} is "
            f"{'SQLite' if parsed.get_backend_name() == 'sqlite' else parsed.get_backend_name()}"
            " (one process only): use epaper crawl, or set EPAPER_DATABASE_URL to a "
            "PostgreSQL database"
        )
        raise DistributedUnavailableError(msg)
    return parsed.set(drivername="postgresql").render_as_string(hide_password=False)


def queue_schema_present(url: str) -> bool:
    """Whether the queue's tables exist in the archive at ``url``."""
    import psycopg

    with psycopg.connect(conninfo(url)) as conn:
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
    return bool(row and row[0])


def ensure_queue_schema(url: str) -> bool:
    """Create the queue's tables in the archive at ``url`` unless they exist; True if it
    created them."""
    import psycopg
    from procrastinate.schema import SchemaManager

    with psycopg.connect(conninfo(url)) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (SCHEMA_LOCK_KEY,))
        row = conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL").fetchone()
        if row and row[0]:
            return False
        # The library's schema file: several statements, run as one script, no parameters.
        conn.execute(SchemaManager.get_schema())
    return True
