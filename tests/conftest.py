"""Shared fixtures: fresh databases on SQLite and PostgreSQL, built by the migrations."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from crawler.db.engine import make_engine
from crawler.db.migrate import upgrade

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"
POSTGRES_ENV = "EPAPER_TEST_POSTGRES_URL"
POSTGRES_SKIP_REASON = (
    f"PostgreSQL tests need a server: set {POSTGRES_ENV}="
    "postgresql+psycopg://USER@HOST/DB (a role that may CREATE DATABASE); "
    ".ci/run does this with the local server"
)


def postgres_admin_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a new, empty database: a SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'archive.sqlite3'}"
        return
    admin = postgres_admin_url()
    if admin is None:
        if os.environ.get("EPAPER_TEST_REQUIRE_POSTGRES"):
            pytest.fail(f"EPAPER_TEST_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not")
        pytest.skip(POSTGRES_SKIP_REASON)
    yield from _postgres_database(admin)


def _postgres_database(admin_url: str, prefix: str = "epaper_test") -> Iterator[str]:
    """A new PostgreSQL database on the server of ``admin_url``, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def migrated_url(db_url: str) -> str:
    """A new database upgraded to the newest schema by the migrations themselves."""
    upgrade(db_url)
    return db_url


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    eng = make_engine(migrated_url)
    yield eng
    eng.dispose()
