"""Fixtures of the archive tests: a crawl and a nightly update of the mock site, archived to WARC.

The mock site is stopped before the tests run, so everything they read comes from the
WARC files and the database alone.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from crawler.db.engine import make_engine
from crawler.db.store import ARTICLES
from mocksite.testing import MockSiteProcess, run_mocksite

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The mock site's clock, and the day taken as "today" by the crawl: the update re-checks it.
SITE_TODAY = "2025-03-31"
TODAY = "2021-10-20"


@dataclass
class Command:
    """A finished ``epaper`` command."""

    returncode: int
    stdout: str
    stderr: str


def run_epaper(args: Sequence[str], cwd: Path, settings: Sequence[str] = ()) -> Command:
    """``epaper ARGS`` in a new process (Scrapy's reactor runs once per process), in ``cwd``."""
    command = [sys.executable, "-m", "crawler.cli", *args]
    for setting in settings:
        command += ["-s", setting]
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    done = subprocess.run(
        command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False
    )
    return Command(done.returncode, done.stdout, done.stderr)


def crawl_args(site: MockSiteProcess, database: str, *args: str) -> list[str]:
    return [
        *args,
        "--database",
        database,
        "--base-url-override",
        site.base_url + "/{slug}/",
        "--profile",
        "mock",
        "--today",
        TODAY,
    ]


@dataclass
class ArchivedCrawl:
    """A crawl of lzcb 2021-10-19..20 and the nightly update after it, both archived."""

    root: Path
    warc_dir: Path
    files_dir: Path
    database: str
    crawl_files: list[Path]
    update_files: list[Path]
    update_output: str
    served: dict[str, bytes] = field(default_factory=dict)  # article URL -> the mock's bytes


def archive_settings(root: Path) -> list[str]:
    return [
        f"EPAPER_WARC_DIR={root / 'warc'}",
        f"EPAPER_FILES_DIR={root / 'files'}",
        "EPAPER_DOWNLOAD_PDFS=true",
        "EPAPER_DOWNLOAD_IMAGES=true",
    ]


@pytest.fixture(scope="package")
def archived_crawl(tmp_path_factory: pytest.TempPathFactory) -> ArchivedCrawl:
    root = tmp_path_factory.mktemp("archived")
    database = f"sqlite:///{root / 'crawl.sqlite3'}"
    settings = archive_settings(root)
    with run_mocksite(today=SITE_TODAY) as site:
        done = run_epaper(
            crawl_args(site, database, "crawl", "lzcb", "--since", "2021-10-19", "--until", TODAY),
            root,
            settings,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        crawl_files = sorted((root / "warc").iterdir())
        engine = make_engine(database)
        with engine.connect() as conn:
            urls = list(conn.execute(select(ARTICLES.c.url)).scalars())
        engine.dispose()
        served = {url: site.get(urlsplit(url).path)[2] for url in urls}
        done = run_epaper(crawl_args(site, database, "update", "lzcb"), root, settings)
        assert done.returncode == 0, done.stderr[-3000:]
        update_files = sorted(set((root / "warc").iterdir()) - set(crawl_files))
    return ArchivedCrawl(
        root=root,
        warc_dir=root / "warc",
        files_dir=root / "files",
        database=database,
        crawl_files=crawl_files,
        update_files=update_files,
        update_output=done.stdout,
        served=served,
    )
