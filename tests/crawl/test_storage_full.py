"""A SQLite archive on a full disk: nothing is marked complete that is not stored, and a
run with space makes the archive equal to the truth."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.db import models
from crawler.db.engine import make_engine
from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import run_epaper
from tests.crawl.truthdb import compare

PAPER = "lzcb"
SINCE, UNTIL = "2025-03-24", "2025-03-28"
#: Room for the schema and about half of the five issues (measured: the whole range needs
#: about 1.6 MB of database and WAL).
FULL_AT = "900k"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a tmpfs of ``FULL_AT`` bytes (mounting needs root)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={FULL_AT}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.mark.slow
def test_a_full_disk_marks_nothing_complete_that_is_not_stored_and_a_run_with_space_ends_equal(
    mocksite: MockSiteProcess, small_disk: Path
) -> None:
    url = f"sqlite:///{small_disk / 'archive.sqlite3'}"
    full = run_epaper(mocksite, url, ["crawl", PAPER, "--since", SINCE, "--until", UNTIL])
    assert full.returncode != 0, full.stderr[-2000:]
    assert "items could not be stored (their issues stay partial)" in full.stderr
    truth = mocksite.truth(papers=[PAPER], since=SINCE, until=UNTIL)
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            I, P = models.Issue, models.Paper  # noqa: N806, E741
            complete = (
                conn.execute(
                    select(I.date).join(P, P.id == I.paper_id).where(I.status == "complete")
                )
                .scalars()
                .all()
            )
        # Every issue the full run called complete is complete in fact.
        for day in complete:
            result = compare(engine, truth, {PAPER}, day, day)
            assert result.equal, f"{day}: {result.report()}"
        assert len(complete) < 5, "the disk never filled: make FULL_AT smaller"
    finally:
        engine.dispose()

    subprocess.run(["mount", "-o", "remount,size=200m", str(small_disk)], check=True)
    again = run_epaper(mocksite, url, ["crawl", PAPER, "--since", SINCE, "--until", UNTIL])
    assert again.returncode == 0, again.stderr[-2000:]
    engine = make_engine(url)
    try:
        result = compare(
            engine, truth, {PAPER}, dt.date.fromisoformat(SINCE), dt.date.fromisoformat(UNTIL)
        )
        assert result.equal, result.report()
    finally:
        engine.dispose()
