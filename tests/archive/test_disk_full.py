"""The archive never runs ahead of the WARC: a full WARC disk, then a run with space.

The WARC folder is a small tmpfs (or, where mounting is not permitted, a writer whose disk
fills after as many bytes, ``tests/archive/enospc.py``). The crawl that fills it must
store nothing the archive does not hold and leave those issues partial; the next run, with
space, fetches and archives them, and the archive alone rebuilds the same database.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from crawler.db.engine import make_engine
from crawler.db.store import ARTICLES, ISSUES
from crawler.warc import OPEN_SUFFIX
from mocksite.testing import run_mocksite
from tests.archive.conftest import REPO_ROOT, SITE_TODAY, Command, crawl_args, run_epaper
from tests.archive.dbcompare import differences
from tests.archive.test_archive import warcio
from tests.conftest import _postgres_database, postgres_admin_url
from tests.crawl.truthdb import compare

SINCE, UNTIL = "2021-10-18", "2021-10-20"
#: About 40 % of what the crawl writes (some 900 kB of WARC): it fills mid-crawl.
SMALL_DISK = 400 * 1024


class WarcDisk:
    """The WARC folder on a disk that is full after ``SMALL_DISK`` bytes, then grown."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        directory.mkdir()
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs", str(directory)],
            capture_output=True,
            check=False,
        )
        self.tmpfs = mounted.returncode == 0
        self.full = True

    def run(self, args: Sequence[str], cwd: Path, settings: Sequence[str]) -> Command:
        if self.tmpfs or not self.full:
            return run_epaper(args, cwd, settings)
        # No tmpfs here (not root): the writer's disk fills after as many bytes instead.
        command = [sys.executable, "-m", "tests.archive.enospc", str(SMALL_DISK), "epaper"]
        command += list(args)
        for setting in settings:
            command += ["-s", setting]
        env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
        env["PYTHONPATH"] = str(REPO_ROOT)
        done = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300, check=False
        )
        return Command(done.returncode, done.stdout, done.stderr)

    def grow(self) -> None:
        """The operator makes space: the files written so far stay."""
        if self.tmpfs:
            subprocess.run(["mount", "-o", "remount,size=64m", str(self.directory)], check=True)
        self.full = False

    def close(self) -> None:
        if self.tmpfs:
            subprocess.run(["umount", str(self.directory)], check=False)


@pytest.fixture
def warc_disk(tmp_path: Path) -> Iterator[WarcDisk]:
    disk = WarcDisk(tmp_path / "warc")
    try:
        yield disk
    finally:
        disk.close()


@pytest.fixture
def rebuilt_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """A second empty database on the same backend as ``db_url``, for ``reparse``."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}"
        return
    admin = postgres_admin_url()
    assert admin is not None
    yield from _postgres_database(admin)


def article_orders(engine: Engine) -> dict[str, int | None]:
    with engine.connect() as conn:
        rows = conn.execute(select(ARTICLES.c.url, ARTICLES.c.order))
        return {row.url: row.order for row in rows}


@pytest.mark.slow
def test_a_full_warc_disk_stores_nothing_unarchived_and_the_next_run_completes(
    migrated_url: str, rebuilt_url: str, warc_disk: WarcDisk, tmp_path: Path
) -> None:
    settings = [f"EPAPER_WARC_DIR={warc_disk.directory}"]
    with run_mocksite(today=SITE_TODAY) as site:
        args = crawl_args(site, migrated_url, "crawl", "lzcb", "--since", SINCE, "--until", UNTIL)
        full = warc_disk.run(args, tmp_path, settings)
        assert full.returncode == 1, full.stderr[-3000:]
        assert "cannot write the WARC archive" in full.stderr
        assert "not archived: No space left on device" in full.stderr
        assert "ended early (archive_error)" in full.stderr
        engine = make_engine(migrated_url)
        try:
            with engine.connect() as conn:
                statuses = dict(conn.execute(select(ISSUES.c.date, ISSUES.c.status)).all())
                stored = conn.execute(select(ARTICLES.c.url, ARTICLES.c.capture_id)).all()
            # Nothing stored without its record, and not every issue finished.
            assert stored and all(capture is not None for _, capture in stored)
            assert set(statuses.values()) != {"complete"}, statuses
            # What was written before the disk filled reads to its end: no half record.
            files = sorted(warc_disk.directory.iterdir())
            assert files and not [f for f in files if f.name.endswith(OPEN_SUFFIX)]
            checked = warcio("check", *map(str, files))
            assert checked.returncode == 0, checked.stdout + checked.stderr

            warc_disk.grow()
            again = warc_disk.run(args, tmp_path, settings)
            assert again.returncode == 0, again.stderr[-3000:]
            truth = site.truth(papers=["lzcb"], since=SINCE, until=UNTIL)
            result = compare(
                engine, truth, {"lzcb"}, dt.date.fromisoformat(SINCE), dt.date.fromisoformat(UNTIL)
            )
            assert result.equal, result.report()
            assert result.counts["article"] > 150
            with engine.connect() as conn:
                unarchived = conn.execute(
                    select(ARTICLES.c.url).where(ARTICLES.c.capture_id.is_(None))
                ).all()
            assert unarchived == []
        finally:
            engine.dispose()
    # The site is gone: the archive alone rebuilds the same database.
    rebuilt = run_epaper(
        ["reparse", "--warc-dir", str(warc_disk.directory), "--database", rebuilt_url], tmp_path
    )
    assert rebuilt.returncode == 0, rebuilt.stderr[-3000:]
    crawl, copy = make_engine(migrated_url), make_engine(rebuilt_url)
    try:
        # An article the full disk failed was fetched again alone, without its page, so
        # the crawl does not know its place on the page; the replay walks the page.
        assert differences(crawl, copy, ignored=frozenset({("articles", "order")})) == []
        crawl_order, copy_order = (article_orders(e) for e in (crawl, copy))
        assert all(copy_order[url] == order for url, order in crawl_order.items() if order)
        assert None not in copy_order.values()
    finally:
        crawl.dispose()
        copy.dispose()


@pytest.mark.slow
def test_a_full_disk_under_both_the_sqlite_archive_and_its_warc_loses_nothing(
    warc_disk: WarcDisk, tmp_path: Path
) -> None:
    """The database and the WARC folder on one small disk: whichever fills first, nothing
    is stored as complete or unarchived, and a run with space ends equal to the truth."""
    if not warc_disk.tmpfs:
        pytest.skip("one disk under both needs a tmpfs mount (root)")
    database = f"sqlite:///{warc_disk.directory / 'archive.sqlite3'}"
    settings = [f"EPAPER_WARC_DIR={warc_disk.directory / 'warc'}"]
    since, until = dt.date.fromisoformat(SINCE), dt.date.fromisoformat(UNTIL)
    with run_mocksite(today=SITE_TODAY) as site:
        args = crawl_args(site, database, "crawl", "lzcb", "--since", SINCE, "--until", UNTIL)
        full = warc_disk.run(args, tmp_path, settings)
        assert full.returncode != 0, full.stderr[-3000:]
        assert "Traceback" not in full.stderr
        truth = site.truth(papers=["lzcb"], since=SINCE, until=UNTIL)
        engine = make_engine(database)
        try:
            with engine.connect() as conn:
                statuses = dict(conn.execute(select(ISSUES.c.date, ISSUES.c.status)).all())
                stored = conn.execute(select(ARTICLES.c.url, ARTICLES.c.capture_id)).all()
            assert all(capture is not None for _, capture in stored)
            assert set(statuses.values()) != {"complete"}, statuses
            for day, status in statuses.items():
                if status == "complete":  # what the full run called complete is so
                    result = compare(engine, truth, {"lzcb"}, day, day)
                    assert result.equal, f"{day}: {result.report()}"
        finally:
            engine.dispose()

        warc_disk.grow()
        again = warc_disk.run(args, tmp_path, settings)
        assert again.returncode == 0, again.stderr[-3000:]
        engine = make_engine(database)
        try:
            result = compare(engine, truth, {"lzcb"}, since, until)
            assert result.equal, result.report()
            with engine.connect() as conn:
                unarchived = conn.execute(
                    select(ARTICLES.c.url).where(ARTICLES.c.capture_id.is_(None))
                ).all()
            assert unarchived == []
        finally:
            engine.dispose()
