"""Crashes, faults and redesigns: the archive ends right, or the run fails loudly."""

from __future__ import annotations

import datetime as dt
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from crawler.db import models
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.crawl.conftest import REPO, crawl_env, epaper_command, run_epaper
from tests.crawl.truthdb import compare


def complete_issue_urls(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        return set(
            conn.execute(
                select(models.Issue.url).where(models.Issue.status == "complete")
            ).scalars()
        )


def test_killed_three_times_and_resumed_equals_an_uninterrupted_crawl(
    mocksite: MockSiteProcess, archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    paper, since, until = "lzcb", "2021-10-14", "2021-10-21"
    command = epaper_command(mocksite, url, ["crawl", paper, "--since", since, "--until", until])
    env = crawl_env(tmp_path / "warc")
    rng = random.Random(20211020)
    mocksite.reset_stats()  # by_url then counts this test's requests only
    refetched: list[str] = []
    returncodes: list[int] = []
    for _ in range(3):
        done_before = complete_issue_urls(engine)
        before = mocksite.stats()["by_url"]
        # A random moment of the crawl itself, whatever the start-up takes: after a random
        # number of responses of the ~600 an uninterrupted run needs.
        kill_after = sum(before.values()) + rng.randint(20, 250)
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 120
        while process.poll() is None and time.monotonic() < deadline:
            if mocksite.stats()["total"] >= kill_after:
                break
            time.sleep(0.02)
        process.send_signal(signal.SIGKILL)
        returncodes.append(process.wait())
        after = mocksite.stats()["by_url"]
        refetched += [u for u in done_before if after.get(_path(u), 0) > before.get(_path(u), 0)]
    assert returncodes[:2] == [-signal.SIGKILL, -signal.SIGKILL], "killed in mid-crawl"
    final = run_epaper(mocksite, url, ["crawl", paper, "--since", since, "--until", until])
    assert final.returncode == 0, final.stderr[-2000:]
    assert refetched == [], "complete issues were fetched again after a kill"
    truth = mocksite.truth(papers=[paper], since=since, until=until)
    result = compare(
        engine, truth, {paper}, dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    )
    assert result.equal, result.report()
    with engine.connect() as conn:
        statuses = set(conn.execute(select(models.Issue.status)).scalars())
    assert statuses <= {"complete", "partial"}


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


@pytest.fixture
def faulty_site() -> MockSiteProcess:
    with run_mocksite(today=DEFAULT_TODAY) as site:
        yield site  # type: ignore[misc]


def test_with_transient_faults_one_crawl_and_one_retry_reach_the_ground_truth(
    faulty_site: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    url, engine = archive
    paper, since, until = "lzcb", "2021-10-19", "2021-10-21"
    faulty_site.set_faults(
        "500:0.04,503:0.03,429:0.02,slow:0.05,truncate:0.03,reset:0.02",
        seed=7,
        retry_after=1,
        slow_ms=300,
    )
    first = run_epaper(
        faulty_site,
        url,
        ["crawl", paper, "--since", since, "--until", until],
        settings=["RETRY_TIMES=1"],
    )
    assert first.returncode in (0, 1), first.stderr[-2000:]
    retry = run_epaper(faulty_site, url, ["retry", paper])
    assert retry.returncode == 0, retry.stderr[-2000:]
    truth = faulty_site.truth(papers=[paper], since=since, until=until)
    result = compare(
        engine, truth, {paper}, dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    )
    assert result.equal, result.report()
    by_fault = faulty_site.stats()["by_fault"]
    assert by_fault, "the faults were injected"


def test_a_redesigned_site_makes_the_nightly_update_fail_loudly(
    archive: tuple[str, Engine],
) -> None:
    url, _ = archive
    with run_mocksite(today=DEFAULT_TODAY, site={"broken_template": "lzcb"}) as site:
        run = run_epaper(site, url, ["update", "lzcb"])
    assert run.returncode == 1
    assert "lzcb 2025-03-31" in run.stderr
    assert "epaper: error:" in run.stderr


def test_a_job_paused_with_ctrl_c_resumes_from_its_jobdir(
    mocksite: MockSiteProcess, archive: tuple[str, Engine], tmp_path: Path
) -> None:
    url, engine = archive
    paper, since, until = "lzcb", "2021-10-14", "2021-10-18"
    jobdir = tmp_path / "job"
    command = epaper_command(
        mocksite,
        url,
        ["crawl", paper, "--since", since, "--until", until],
        settings=[f"JOBDIR={jobdir}", "CONCURRENT_REQUESTS=4"],
    )
    env = crawl_env(tmp_path / "warc")
    process = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    mocksite.reset_stats()
    deadline = time.monotonic() + 60
    while mocksite.stats()["total"] < 30 and time.monotonic() < deadline:
        time.sleep(0.1)  # wait until the crawl is under way, however slow the start-up
    process.send_signal(signal.SIGINT)  # one Ctrl-C: a clean stop that saves the job
    _, stderr = process.communicate(timeout=120)
    assert (jobdir / "spider.state").exists(), stderr[-2000:]
    resumed = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    with engine.connect() as conn:
        reasons = (
            conn.execute(select(models.CrawlRun.finish_reason).order_by(models.CrawlRun.id))
            .scalars()
            .all()
        )
    assert reasons == ["shutdown", "finished"]
    truth = mocksite.truth(papers=[paper], since=since, until=until)
    result = compare(
        engine, truth, {paper}, dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    )
    assert result.equal, result.report()
