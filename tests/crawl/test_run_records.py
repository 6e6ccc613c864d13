"""Run records and exit statuses say what really happened, under ``epaper`` and ``scrapy crawl``."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select, update

from crawler.db import models
from crawler.db.models import utcnow
from crawler.db.runs import KILLED, RUNS, close_dead_runs, start_run
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.crawl.conftest import REPO, TODAY, crawl_env, epaper_command, run_epaper

#: Any request not sent to the loopback goes to this closed port: nothing reaches a real host.
NO_WAY_OUT = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "no_proxy": "127.0.0.1",
}


def scrapy_crawl(
    site: MockSiteProcess, url: str, tmp_path: Path, *spargs: str, settings: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl epaper`` configured only through EPAPER_* environment variables."""
    env = {
        **crawl_env(tmp_path / "warc"),
        **NO_WAY_OUT,
        "EPAPER_DATABASE_URL": url,
        "EPAPER_BASE_URL_OVERRIDE": site.base_url + "/{slug}/",
        "EPAPER_PROFILE": "mock",
        "EPAPER_TODAY": TODAY,
    }
    command = [sys.executable, "-m", "scrapy", "crawl", "epaper"]
    for arg in spargs:
        command += ["-a", arg]
    for setting in settings:
        command += ["-s", setting]
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )


def reasons(engine: Engine) -> list[str | None]:
    with engine.connect() as conn:
        query = select(models.CrawlRun.finish_reason).order_by(models.CrawlRun.id)
        return list(conn.execute(query).scalars())


@pytest.mark.slow
def test_scrapy_crawl_gets_the_environment_before_the_spider_is_built(
    mocksite: MockSiteProcess, archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    mocksite.reset_stats()
    done = scrapy_crawl(mocksite, url, tmp_path, "paper=lzcb", f"since={TODAY}", f"until={TODAY}")
    assert done.returncode == 0, done.stderr[-3000:]
    assert mocksite.stats()["total"] > 10  # the override reached the spider
    with engine.connect() as conn:
        articles = conn.execute(select(func.count()).select_from(models.Article)).scalar_one()
    assert articles > 0
    assert reasons(engine) == ["finished"]


@pytest.mark.slow
def test_scrapy_crawl_of_a_failed_run_says_failed_and_exits_1(
    archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    with run_mocksite(today=DEFAULT_TODAY, site={"broken_template": "lzcb"}) as site:
        done = scrapy_crawl(
            site, url, tmp_path, "paper=lzcb", "mode=update", settings=("LOG_LEVEL=INFO",)
        )
    assert done.returncode == 1, done.stderr[-3000:]
    assert "'finish_reason': 'failed'" in done.stderr  # Scrapy's own stats dump
    assert reasons(engine) == ["failed"]


def _started(site: MockSiteProcess, requests: int) -> None:
    deadline = time.monotonic() + 60
    while site.stats()["total"] < requests and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.mark.slow
def test_an_interrupted_crawl_is_recorded_as_such_with_the_counts_it_stored(
    archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    with run_mocksite(today=DEFAULT_TODAY, latency_ms=20) as site:
        command = epaper_command(
            site, url, ["crawl", "lzcb", "--since", "2025-02-01", "--until", TODAY]
        )
        process = subprocess.Popen(
            command, cwd=REPO, env=crawl_env(tmp_path / "warc"), text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        _started(site, 300)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=120)
    assert process.returncode == 1, stderr[-3000:]
    assert "has the site moved" not in stderr
    assert "interrupted" in stderr
    assert reasons(engine) == ["shutdown"]
    with engine.connect() as conn:
        stored = dict(
            conn.execute(
                select(models.Issue.status, func.count()).group_by(models.Issue.status)
            ).all()
        )
    summary = re.search(r"lzcb: (\d+) issues \((\d+) complete, (\d+) partial", stdout)
    assert summary, stdout
    assert sum(stored.values()) > 0
    assert int(summary[1]) == stored.get("complete", 0) + stored.get("partial", 0)
    assert (int(summary[2]), int(summary[3])) == (
        stored.get("complete", 0),
        stored.get("partial", 0),
    )


@pytest.mark.slow
def test_a_killed_run_is_marked_killed_by_the_next_one(
    mocksite: MockSiteProcess, archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    command = epaper_command(mocksite, url, ["crawl", "lzcb", "--since", "2025-03-01"])
    mocksite.reset_stats()
    process = subprocess.Popen(
        command, cwd=REPO, env=crawl_env(tmp_path / "warc"),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    _started(mocksite, 50)
    process.kill()
    process.wait(timeout=30)
    assert reasons(engine) == [None]
    done = run_epaper(mocksite, url, ["crawl", "lzcb", "--since", TODAY])
    assert done.returncode == 0, done.stderr[-3000:]
    assert reasons(engine) == [KILLED, "finished"]


def test_only_runs_whose_process_is_gone_are_marked_killed(engine: Engine) -> None:
    dead, alive, elsewhere = (start_run(engine, "crawl", {}) for _ in range(3))
    with engine.begin() as conn:
        conn.execute(update(RUNS).where(RUNS.c.id == dead).values(pid=os.getpid() + 1))
        conn.execute(update(RUNS).where(RUNS.c.id == alive).values(pid=os.getpid() + 2))
        conn.execute(update(RUNS).where(RUNS.c.id == elsewhere).values(host="another-host"))

    def running(pid: int, since: dt.datetime) -> bool:
        assert since <= utcnow()
        return pid == os.getpid() + 2

    assert close_dead_runs(engine, running) == [dead]
    assert reasons(engine) == [KILLED, None, None]
    assert close_dead_runs(engine, running) == []  # this process's own run stays open


@pytest.mark.slow
def test_update_without_a_paper_means_the_papers_the_archive_holds(
    mocksite: MockSiteProcess, archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, _ = archive
    first = run_epaper(mocksite, url, ["crawl", "lzcb", "--since", TODAY])
    assert first.returncode == 0, first.stderr[-3000:]
    mocksite.reset_stats()
    log = tmp_path / "logs" / "update.log"  # a folder that does not exist yet
    update = run_epaper(mocksite, url, ["update"], settings=[f"LOG_FILE={log}", "LOG_LEVEL=INFO"])
    assert update.returncode == 0, update.stderr[-3000:]
    assert [line.split(":")[0] for line in update.stdout.splitlines()] == ["lzcb"]
    paths = mocksite.stats()["by_url"]
    assert paths
    assert all(p.startswith(("/lzcb/", "/robots.txt")) for p in paths), sorted(paths)[:5]
    logged = log.read_text(encoding="utf-8")
    assert "lzcb: " in logged  # the run's summary, logged where LOG_FILE says
    assert "Spider closed (finished)" in logged
