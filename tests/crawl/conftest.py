"""Fixtures of the crawl tests: one mock site for the session, and a crawl command runner."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from crawler.db.engine import make_engine
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import MockSiteProcess, run_mocksite

TODAY = DEFAULT_TODAY.isoformat()


@pytest.fixture(scope="session")
def mocksite() -> Iterator[MockSiteProcess]:
    """The mock e-paper site on 127.0.0.1, at its default clock."""
    with run_mocksite(today=DEFAULT_TODAY) as site:
        yield site


REPO = Path(__file__).resolve().parents[2]


def crawl_env(warc_dir: str | Path) -> dict[str, str]:
    """The environment of a crawl subprocess: no EPAPER_* setting of the caller's leaks in,
    and the raw archive stays on, as in real use, but out of the repository's data/."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    env["EPAPER_WARC_DIR"] = str(warc_dir)
    return env


@dataclass
class CrawlRun:
    """A finished ``epaper`` command: exit status and output."""

    returncode: int
    stdout: str
    stderr: str


def epaper_command(
    site: MockSiteProcess,
    url: str,
    args: Sequence[str],
    *,
    today: str = TODAY,
    settings: Sequence[str] = (),
) -> list[str]:
    """``epaper ARGS`` pointed at the mock site and the database ``url``."""
    command = [
        sys.executable, "-m", "crawler.cli", *args,
        "--database", url,
        "--base-url-override", site.base_url + "/{slug}/",
        "--profile", "mock",
        "--today", today,
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    return command


def run_epaper(
    site: MockSiteProcess,
    url: str,
    args: Sequence[str],
    *,
    today: str = TODAY,
    settings: Sequence[str] = (),
    timeout: float = 300,
) -> CrawlRun:
    """Run ``epaper ARGS`` against the mock site in a new process (one reactor per crawl)."""
    command = epaper_command(site, url, args, today=today, settings=settings)
    with tempfile.TemporaryDirectory(prefix="epaper-warc-") as warc_dir:
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=crawl_env(warc_dir),
            check=False,
            cwd=REPO,
        )
    return CrawlRun(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def archive(migrated_url: str) -> Iterator[tuple[str, Engine]]:
    """An empty archive database (SQLite and PostgreSQL) and an engine on it."""
    engine = make_engine(migrated_url)
    yield migrated_url, engine
    engine.dispose()
