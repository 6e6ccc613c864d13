"""Fixtures of the worker tests: a PostgreSQL archive, and the mock site of the crawl tests."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from crawler.db.migrate import upgrade
from tests.conftest import POSTGRES_ENV, POSTGRES_SKIP_REASON, _postgres_database
from tests.crawl.conftest import mocksite

__all__ = ["mocksite", "pg_archive"]


@pytest.fixture
def pg_archive() -> Iterator[str]:
    """The URL of a new PostgreSQL archive with the migrations' schema; the queue's tables are
    left to `epaper enqueue`, which creates them when they are missing."""
    admin = os.environ.get(POSTGRES_ENV)
    if not admin:
        if os.environ.get("EPAPER_TEST_REQUIRE_POSTGRES"):
            pytest.fail(f"EPAPER_TEST_REQUIRE_POSTGRES is set but {POSTGRES_ENV} is not")
        pytest.skip(POSTGRES_SKIP_REASON)
    for url in _postgres_database(admin):
        upgrade(url)
        yield url
