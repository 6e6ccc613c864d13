"""Runs that overlap on one archive: one writer at a time, the others exit 4 or queue, and
the archive ends equal to the ground truth of every range."""

from __future__ import annotations

import datetime as dt
import itertools
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack

import pytest
from sqlalchemy import Engine, select

from crawler.db import models
from crawler.db.engine import make_engine
from crawler.db.migrate import upgrade
from mocksite.testing import MockSiteProcess
from tests.conftest import POSTGRES_SKIP_REASON, _postgres_database, postgres_admin_url
from tests.crawl.conftest import REPO, TODAY, crawl_env, epaper_command, run_epaper
from tests.crawl.truthdb import compare

PAPER = "lzcb"
FIRST = ("2025-03-24", "2025-03-26")
SECOND = ("2025-03-27", "2025-03-29")


def start(
    stack: ExitStack,
    site: MockSiteProcess,
    url: str,
    args: Sequence[str],
    settings: Sequence[str] = (),
) -> subprocess.Popen[str]:
    """``epaper ARGS`` started in the background against the mock site."""
    warc_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="epaper-warc-"))
    process = subprocess.Popen(
        epaper_command(site, url, args, settings=settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=crawl_env(warc_dir),
        cwd=REPO,
    )
    stack.callback(lambda: process.poll() is None and process.kill())
    return process


def runs(engine: Engine) -> list[tuple[int, str, dt.datetime, dt.datetime | None]]:
    R = models.CrawlRun  # noqa: N806
    with engine.connect() as conn:
        rows = conn.execute(select(R.id, R.mode, R.started_at, R.finished_at).order_by(R.id))
        return [(r.id, r.mode, r.started_at, r.finished_at) for r in rows]


def wait_for_run(engine: Engine, timeout: float = 30) -> None:
    """Until the first run is recorded (the lock is taken before, at start-up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if runs(engine):
                return
        except Exception:  # noqa: BLE001 - the schema is being created
            pass
        time.sleep(0.2)
    msg = "the first run was never recorded"
    raise AssertionError(msg)


@pytest.fixture
def pg_archive() -> Iterator[tuple[str, Engine]]:
    """An empty PostgreSQL archive (the overlap of two updates is PostgreSQL's case)."""
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    for url in _postgres_database(admin):
        upgrade(url)
        engine = make_engine(url)
        yield url, engine
        engine.dispose()


@pytest.mark.slow
def test_two_crawls_and_an_update_4_s_apart_queue_or_exit_4_and_end_equal_to_the_truth(
    mocksite: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    url, engine = archive
    with ExitStack() as stack:
        first = start(
            stack,
            mocksite,
            url,
            ["crawl", PAPER, "--since", FIRST[0], "--until", FIRST[1]],
            # Slower than the mock site allows, so the others surely start while it runs.
            settings=["DOWNLOAD_DELAY=0.2"],
        )
        time.sleep(4)
        wait_for_run(engine)
        refused = subprocess.run(
            epaper_command(
                mocksite, url, ["crawl", PAPER, "--since", SECOND[0], "--until", SECOND[1]]
            ),
            capture_output=True,
            text=True,
            env=crawl_env(stack.enter_context(tempfile.TemporaryDirectory())),
            cwd=REPO,
            timeout=60,
            check=False,
        )
        # At once: it ended while the first still runs (it did not wait for the lock).
        assert first.poll() is None, "the first crawl ended before the second started"
        second = start(
            stack,
            mocksite,
            url,
            ["crawl", PAPER, "--since", SECOND[0], "--until", SECOND[1], "--wait"],
        )
        time.sleep(4)
        update = start(stack, mocksite, url, ["update", PAPER, "--wait"])
        assert first.poll() is None, "the first crawl ended before the update started"
        outputs = [p.communicate(timeout=600) for p in (first, second, update)]
        codes = [p.returncode for p in (first, second, update)]

    assert refused.returncode == 4, refused.stderr
    lines = refused.stderr.strip().splitlines()
    assert len(lines) == 1, refused.stderr
    assert lines[0].startswith("epaper: error: the archive ")
    first_run = runs(engine)[0]
    assert f"run {first_run[0]} (pid {first.pid} on " in lines[0]
    assert "epaper crawl lzcb --since 2025-03-24" in lines[0]
    assert "--wait" in lines[0]
    assert codes == [0, 0, 0], [err[-2000:] for _, err in outputs]
    for _, err in outputs[1:]:
        assert err.count("waiting for the archive") == 1, err[-2000:]
    # One after the other: each queued run started after the one before it finished.
    # (The two queued runs take the lock in either order: both ends are the truth.)
    recorded = sorted(runs(engine), key=lambda r: r[2])
    assert sorted(mode for _, mode, _, _ in recorded) == ["crawl", "crawl", "update"]
    assert recorded[0][0] == first_run[0]
    for (_, _, _, finished), (_, _, started, _) in itertools.pairwise(recorded):
        assert finished is not None
        assert started >= finished
    truth = mocksite.truth(papers=[PAPER], since=FIRST[0], until=TODAY)
    result = compare(
        engine, truth, {PAPER}, dt.date.fromisoformat(FIRST[0]), dt.date.fromisoformat(TODAY)
    )
    assert result.equal, result.report()


@pytest.mark.slow
@pytest.mark.postgres
def test_two_overlapping_updates_with_wait_on_postgresql_neither_deadlock_nor_lose(
    mocksite: MockSiteProcess, pg_archive: tuple[str, Engine]
) -> None:
    url, engine = pg_archive
    backfill = run_epaper(
        mocksite, url, ["crawl", PAPER, "--since", SECOND[0], "--until", SECOND[1]]
    )
    assert backfill.returncode == 0, backfill.stderr[-2000:]
    with ExitStack() as stack:
        updates = [start(stack, mocksite, url, ["update", PAPER, "--wait"])]
        time.sleep(1)
        updates.append(start(stack, mocksite, url, ["update", PAPER, "--wait"]))
        outputs = [p.communicate(timeout=300) for p in updates]
    assert [p.returncode for p in updates] == [0, 0], [err[-2000:] for _, err in outputs]
    assert sum("waiting for the archive" in err for _, err in outputs) == 1
    assert not any("deadlock" in err.lower() for _, err in outputs)
    truth = mocksite.truth(papers=[PAPER], since=SECOND[0], until=TODAY)
    result = compare(
        engine, truth, {PAPER}, dt.date.fromisoformat(SECOND[0]), dt.date.fromisoformat(TODAY)
    )
    assert result.equal, result.report()
