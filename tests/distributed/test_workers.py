"""Several ``epaper worker`` processes over one PostgreSQL archive end equal to the truth."""

from __future__ import annotations

import datetime as dt
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.cli import main
from crawler.db.engine import make_engine
from crawler.db.queue import queue_schema_present
from mocksite.testing import MockSiteProcess
from tests.crawl.truthdb import compare
from tests.distributed.workers import (
    alive,
    children,
    complete_issues,
    duplicate_rows,
    enqueue,
    issue_urls,
    start_worker,
    status,
)

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs /proc")

#: Two papers of the mock site.
PAPERS = ("jxrb", "kjrb")  # 中国纪检监察报 has no issue after 2018-03


def fetched(site: MockSiteProcess) -> Counter[str]:
    by_url = site.stats()["by_url"]
    return Counter({u: n for u, n in by_url.items() if not u.endswith("robots.txt")})


def content(site: MockSiteProcess, since: str, until: str) -> set[str]:
    """The paths of the issues, pages and articles: what a crawl must fetch once. (Each
    partition's crawl reads the month's calendar again: that is navigation, not content.)"""
    truth = site.truth(papers=list(PAPERS), since=since, until=until)
    return {
        paths({r["url"]}).pop()
        for r in truth
        if r.get("kind") in {"issue", "page", "article"} and r.get("url")
    }


def paths(urls: set[str]) -> set[str]:
    return {urlsplit(u).path for u in urls}


def equal_to_truth(site: MockSiteProcess, url: str, since: str, until: str) -> None:
    engine = make_engine(url)
    try:
        truth = site.truth(papers=list(PAPERS), since=since, until=until)
        result = compare(
            engine, truth, set(PAPERS), dt.date.fromisoformat(since), dt.date.fromisoformat(until)
        )
        assert result.equal, result.report()
        assert result.counts["article"] > 0
        assert duplicate_rows(engine) == 0
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_over_two_papers_equal_the_truth_and_fetch_nothing_twice(
    mocksite: MockSiteProcess, pg_archive: str, tmp_path: Path
) -> None:
    since, until = "2025-03-10", "2025-03-23"
    queued = enqueue(pg_archive, PAPERS, since, until, days=7)
    assert queued.returncode == 0, queued.stderr
    assert "4 partitions queued" in queued.stdout
    mocksite.reset_stats()
    workers = [
        start_worker(mocksite, pg_archive, tmp_path / f"w{n}.log", tmp_path / f"warc{n}")
        for n in range(2)
    ]
    for worker in workers:
        assert worker.wait(timeout=400) == 0, (tmp_path / "w0.log").read_text()[-3000:]
    equal_to_truth(mocksite, pg_archive, since, until)
    requests = fetched(mocksite)
    pages = content(mocksite, since, until)
    assert pages <= set(requests)
    assert {u: n for u, n in requests.items() if n > 1 and u in pages} == {}
    table = status(pg_archive)
    assert table.splitlines()[-1].split() == ["total", "0", "0", "4", "0"], table
    # Both took partitions: the queue lock lets each run one paper at once.
    for n in range(2):
        assert "issues (" in (tmp_path / f"w{n}.log").read_text(), n


@pytest.mark.slow
@pytest.mark.postgres
def test_a_killed_workers_partition_is_finished_by_the_other_without_refetching_stored_issues(
    mocksite: MockSiteProcess, pg_archive: str, tmp_path: Path
) -> None:
    since, until = "2025-03-17", "2025-03-22"
    assert enqueue(pg_archive, PAPERS, since, until, days=3).returncode == 0
    engine = make_engine(pg_archive)
    try:
        # The first worker is slowed down, so that it is killed in the middle of a partition.
        slow = start_worker(
            mocksite,
            pg_archive,
            tmp_path / "a.log",
            tmp_path / "warc-a",
            settings=["DOWNLOAD_DELAY=0.1", "CONCURRENT_REQUESTS_PER_DOMAIN=1"],
        )
        deadline = time.monotonic() + 240
        stored: set[tuple[str, str]] = set()
        while time.monotonic() < deadline and not stored:
            time.sleep(0.2)
            stored = complete_issues(engine)
        assert stored, (tmp_path / "a.log").read_text()[-3000:]
        crawls = children(slow.pid)
        assert crawls, "the worker runs its partition in a child process"
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=30)
        stored = complete_issues(engine)
        mocksite.reset_stats()
        time.sleep(1)
        # The crawl of the killed worker died with it: nothing races the partition's next run.
        assert not [pid for pid in crawls if alive(pid)]
        running = status(pg_archive)
        assert running.splitlines()[-1].split()[2] == "1", running  # still 'running'

        other = start_worker(
            mocksite, pg_archive, tmp_path / "b.log", tmp_path / "warc-b", concurrency=2
        )
        assert other.wait(timeout=400) == 0, (tmp_path / "b.log").read_text()[-3000:]
        log = (tmp_path / "b.log").read_text()
        assert "queued again" in log
        equal_to_truth(mocksite, pg_archive, since, until)
        # Nothing of the issues stored before the kill is fetched again.
        again = paths(issue_urls(engine, stored)) & set(fetched(mocksite))
        assert again == set()
        table = status(pg_archive)
        assert table.splitlines()[-1].split() == ["total", "0", "0", "4", "0"], table
    finally:
        engine.dispose()


@pytest.mark.parametrize("command", ["worker", "enqueue lzcb", "status"])
def test_sqlite_refuses_the_multi_worker_mode_with_one_line(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    assert main([*command.split(), "--database", url]) == 2
    expected = (
        f"epaper: error: workers share one PostgreSQL archive; {url} is SQLite "
        "(one process only): use epaper crawl, or set EPAPER_DATABASE_URL to a PostgreSQL "
        "database"
    )
    assert capsys.readouterr().err.splitlines() == [expected]
    assert not (tmp_path / "archive.sqlite3").exists()


@pytest.mark.postgres
def test_db_upgrade_creates_the_queue_once(
    pg_archive: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not queue_schema_present(pg_archive)
    assert main(["db", "upgrade", "--database", pg_archive]) == 0
    assert "workers' queue created (epaper worker)" in capsys.readouterr().out
    assert queue_schema_present(pg_archive)
    assert main(["db", "upgrade", "--database", pg_archive]) == 0
    assert "queue" not in capsys.readouterr().out
