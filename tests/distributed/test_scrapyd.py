"""A real Scrapyd on loopback runs the project as deployed by ``scrapyd-deploy``.

Scrapyd runs in an environment that has the dependencies but not this checkout, so the
crawl can only import ``crawler`` from the egg: its settings entry point, its registry and
its migrations (read as package resources from a zip) are what is being tested.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import Engine, select

from crawler.db import models
from crawler.db.engine import make_engine
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import MockSiteProcess, mocksite_fixture
from tests.crawl.truthdb import compare

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
PROJECT = "epaper-archive"
#: The files scrapyd-deploy needs to build the egg (it runs ``setup.py bdist_egg``).
SOURCES = ("pyproject.toml", "README.md", "setup.py", "scrapy.cfg")
PAPER, SINCE, UNTIL = "lzcb", "2021-10-19", "2021-10-21"

mocksite = mocksite_fixture("mocksite", scope="module", today=DEFAULT_TODAY)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class ScrapydNode:
    """A running Scrapyd and its folders."""

    url: str
    root: Path
    process: subprocess.Popen[bytes]

    def get(self, endpoint: str, **params: str) -> dict[str, Any]:
        query = f"?{urlencode(params)}" if params else ""
        with urllib.request.urlopen(f"{self.url}{endpoint}{query}", timeout=30) as answer:
            result: dict[str, Any] = json.load(answer)
        return result

    def post(self, endpoint: str, fields: Sequence[tuple[str, str]]) -> dict[str, Any]:
        # Form-encoded as curl --data-urlencode does: the `+` of postgresql+psycopg survives.
        body = urlencode(list(fields)).encode()
        with urllib.request.urlopen(f"{self.url}{endpoint}", body, timeout=60) as answer:
            result: dict[str, Any] = json.load(answer)
        return result

    def text(self, path: str) -> str:
        with urllib.request.urlopen(self.url + path.lstrip("/"), timeout=30) as answer:
            data: bytes = answer.read()
        return data.decode()

    def log(self) -> str:
        return (self.root / "scrapyd.log").read_text(errors="replace")

    def wait_finished(self, job: str, timeout: float = 300) -> dict[str, Any]:
        """The job's entry in listjobs.json once it is finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            jobs = self.get("listjobs.json", project=PROJECT)
            entry: dict[str, Any]
            for entry in jobs["finished"]:
                if entry["id"] == job:
                    return entry
            time.sleep(0.5)
        pytest.fail(f"job {job} did not finish in {timeout} s; Scrapyd said:\n{self.log()[-4000:]}")


def _environment_without_checkout(root: Path) -> Path:
    """A Python whose packages are this environment's, except the editable checkout."""
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(
        subprocess.run(
            [python, "-c", purelib], capture_output=True, text=True, check=True
        ).stdout.strip()
    )
    # A path line only: the .pth files found there (the checkout's editable install) are
    # not run, so `crawler` is not importable.
    (site / "deps-of-the-test.pth").write_text(sysconfig.get_path("purelib") + "\n")
    return python


def _scrapyd_environ(root: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("EPAPER_", "SCRAPY_")) and k != "PYTHONPATH"
    }
    env["HOME"] = str(root)  # no ~/.scrapyd.conf of the user's
    return env


@pytest.fixture(scope="module")
def scrapyd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScrapydNode]:
    """Scrapyd on a free loopback port, with its eggs, logs and dbs in a temporary folder."""
    root = tmp_path_factory.mktemp("scrapyd")
    python = _environment_without_checkout(root)
    env = _scrapyd_environ(root)
    no_crawler = subprocess.run(
        [python, "-c", "import crawler"], cwd=root, env=env, capture_output=True, check=False
    )
    assert no_crawler.returncode != 0, "the checkout leaks into Scrapyd's environment"
    port = _free_port()
    (root / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {root / 'eggs'}\n"
        f"logs_dir = {root / 'logs'}\n"
        f"dbs_dir = {root / 'dbs'}\n"
        "items_dir =\n"
        "max_proc = 2\n"
        "poll_interval = 0.2\n"
    )
    with (root / "scrapyd.log").open("wb") as out:
        process = subprocess.Popen(
            [python, "-m", "scrapyd"], cwd=root, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    node = ScrapydNode(f"http://127.0.0.1:{port}/", root, process)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                pytest.fail(f"Scrapyd exited with {process.returncode}:\n{node.log()}")
            try:
                if node.get("daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Scrapyd did not answer in 60 s:\n{node.log()}")
                time.sleep(0.2)
        yield node
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def deployed(scrapyd: ScrapydNode, tmp_path_factory: pytest.TempPathFactory) -> ScrapydNode:
    """The project deployed by ``scrapyd-deploy local``, from a copy of the sources (so the
    checkout gets no build/ or egg-info), its target pointed at the test's port."""
    source = tmp_path_factory.mktemp("source")
    shutil.copytree(
        REPO / "crawler", source / "crawler", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in SOURCES:
        shutil.copy(REPO / name, source / name)
    config = (source / "scrapy.cfg").read_text()
    assert "[deploy:local]\nurl = http://127.0.0.1:6800/\n" in config
    (source / "scrapy.cfg").write_text(config.replace("http://127.0.0.1:6800/", scrapyd.url))
    done = subprocess.run(
        [sys.executable, "-m", "scrapyd_client.deploy", "local", "--version", "1"],
        cwd=source,
        env=_scrapyd_environ(source),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    assert answer["status"] == "ok", answer
    assert (answer["project"], answer["version"], answer["spiders"]) == (PROJECT, "1", 1)
    assert scrapyd.get("listspiders.json", project=PROJECT)["spiders"] == ["epaper"]
    return scrapyd


def _schedule(node: ScrapydNode, base_url: str, database: str, warc_dir: Path) -> str:
    settings = {
        "EPAPER_DATABASE_URL": database,
        "EPAPER_BASE_URL_OVERRIDE": base_url + "/{slug}/",
        "EPAPER_PROFILE": "mock",
        "EPAPER_TODAY": DEFAULT_TODAY.isoformat(),
        "EPAPER_WARC_DIR": str(warc_dir),
        # The mock profile logs warnings only: INFO puts the summary and Scrapy's stats in.
        "LOG_LEVEL": "INFO",
    }
    fields = [
        ("project", PROJECT),
        ("spider", "epaper"),
        ("paper", PAPER),
        ("since", SINCE),
        ("until", UNTIL),
        *(("setting", f"{name}={value}") for name, value in settings.items()),
    ]
    answer = node.post("schedule.json", fields)
    assert answer["status"] == "ok", answer
    job: str = answer["jobid"]
    return job


def _runs(engine: Engine) -> list[tuple[str, str | None]]:
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.CrawlRun.mode, models.CrawlRun.finish_reason).order_by(models.CrawlRun.id)
        ).all()
    return [(r.mode, r.finish_reason) for r in rows]


def test_a_crawl_scheduled_on_scrapyd_stores_the_ground_truth(
    deployed: ScrapydNode,
    mocksite: MockSiteProcess,
    migrated_url: str,
    engine: Engine,
    tmp_path: Path,
) -> None:
    job = _schedule(deployed, mocksite.base_url, migrated_url, tmp_path / "warc")
    finished = deployed.wait_finished(job)

    truth = mocksite.truth(papers=[PAPER], since=SINCE, until=UNTIL)
    since, until = dt.date.fromisoformat(SINCE), dt.date.fromisoformat(UNTIL)
    result = compare(engine, truth, {PAPER}, since, until)
    log = deployed.text(finished["log_url"])
    assert result.equal, result.report() + "\n" + log[-3000:]
    assert result.counts["issue"] == 3
    assert result.counts["article"] > 0
    assert _runs(engine) == [("crawl", "finished")]
    assert "lzcb: 3 issues (3 complete, 0 partial)" in log
    assert "'finish_reason': 'finished'" in log
    assert list((tmp_path / "warc").glob("*.warc.gz"))
    # Where Scrapyd keeps the log: logs_dir/PROJECT/SPIDER/JOB.log, also served at log_url.
    assert finished["log_url"] == f"/logs/{PROJECT}/epaper/{job}.log"
    assert (deployed.root / "logs" / PROJECT / "epaper" / f"{job}.log").read_text() == log


def test_a_failed_run_on_scrapyd_is_recorded_failed_and_says_why_in_the_log(
    deployed: ScrapydNode, tmp_path: Path
) -> None:
    database = f"sqlite:///{tmp_path / 'failed.sqlite3'}"
    # A loopback port nobody listens on: every request is refused.
    job = _schedule(deployed, f"http://127.0.0.1:{_free_port()}", database, tmp_path / "warc")
    finished = deployed.wait_finished(job)

    log = deployed.text(finished["log_url"])
    # Each of the three dates' issue index was refused, through every retry.
    assert re.search(r"ERROR: run failed: lzcb: 3 of \d+ requests failed", log), log[-3000:]
    engine = make_engine(database)
    try:
        assert _runs(engine) == [("crawl", "failed")]
    finally:
        engine.dispose()
    # Scrapy's own stats and Scrapyd's process status say so too.
    assert "'finish_reason': 'failed'" in log
    assert f"Process died: exitstatus=1 project='{PROJECT}' spider='epaper' job='{job}'" in (
        deployed.log()
    )
