"""``python -m mocksite`` as a process: start-up line, signals, the testing helpers, the clock."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from crawler.errors import ConfigurationError
from mocksite.cli import build_site_options, main
from mocksite.server import MockSiteApp, bind_socket, serve
from mocksite.site import DEFAULT_TODAY, MockSite
from mocksite.testing import (
    MockSiteError,
    MockSiteProcess,
    mocksite_fixture,
    run_mocksite,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
TODAY = DEFAULT_TODAY
PAPER = "lzcb"


def _path(url: object) -> str:
    split = urlsplit(str(url))
    return split.path + (f"?{split.query}" if split.query else "")


def _at(hour: int, day: dt.date = TODAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, 0))


def _urls(records: list[dict[str, object]], kind: str, day: dt.date) -> set[str]:
    return {
        _path(r["url"]) for r in records if r["kind"] == kind and r.get("date") == day.isoformat()
    }


# The fixture factory the test suites use, here for this module's tests.
mocksite = mocksite_fixture("mocksite", scope="module", seed=0, today=TODAY)


def test_the_fixture_factory_runs_the_site_with_the_given_options(
    mocksite: MockSiteProcess,
) -> None:
    assert mocksite.base_url.startswith("http://127.0.0.1:")
    assert mocksite.process.poll() is None
    assert mocksite.clock() == _at(12)  # today=TODAY reached the server
    assert mocksite.get("/robots.txt")[0] == 200


def test_serve_prints_its_url_then_stops_cleanly_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "mocksite", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        match = re.fullmatch(r"mocksite listening on (http://127\.0\.0\.1:(\d+))\n", line)
        assert match, line
        assert int(match.group(2)) > 0
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert "mocksite stopped" in process.stderr.read()  # type: ignore[union-attr]
    finally:
        process.kill()
        process.wait()


def test_serve_stops_cleanly_on_sigint(default_site: MockSite) -> None:
    # In this process's main thread, where the server installs its signal handlers; from
    # any other thread the SIGINT would interrupt the test runner instead.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signal handlers can only be installed from the main thread")
    app = MockSiteApp(default_site, _at(12))
    sock = bind_socket("127.0.0.1", 0)
    announced: list[str] = []

    def interrupt(url: str) -> None:
        announced.append(url)
        os.kill(os.getpid(), signal.SIGINT)

    try:
        asyncio.run(asyncio.wait_for(serve(app, sock, on_listening=interrupt), timeout=10))
    finally:
        sock.close()
    assert announced
    assert announced[0].startswith("http://127.0.0.1:")
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_run_mocksite_reports_why_the_server_did_not_start() -> None:
    with (
        pytest.raises(MockSiteError, match="unknown fault 'bogus'"),
        run_mocksite(faults="bogus:1"),
    ):
        pass


def test_serve_refuses_a_non_loopback_host(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 2
    assert "loopback only" in capsys.readouterr().err


def test_a_date_after_today_appears_when_the_clock_moves(mocksite: MockSiteProcess) -> None:
    tomorrow = TODAY + dt.timedelta(days=1)
    later = mocksite.truth(_at(12, tomorrow), papers=[PAPER], since=tomorrow, until=tomorrow)
    article = min(_urls(later, "article", tomorrow))
    assert mocksite.get(article)[0] == 404
    assert mocksite.set_clock(advance_days=1) == _at(12, tomorrow)
    try:
        assert mocksite.get(article)[0] == 200
    finally:
        mocksite.set_clock(today=TODAY)
    assert mocksite.clock() == _at(12)


def test_the_half_uploaded_issue_fills_in(mocksite: MockSiteProcess) -> None:
    morning = mocksite.truth(_at(6), papers=[PAPER], since=TODAY, until=TODAY)
    noon = mocksite.truth(_at(13), papers=[PAPER], since=TODAY, until=TODAY)
    early_pages, all_pages = _urls(morning, "page", TODAY), _urls(noon, "page", TODAY)
    late = sorted(all_pages - early_pages)
    assert early_pages
    assert late, "the mock site should hold back some pages in the morning"
    mocksite.set_clock(_at(6))
    try:
        assert [mocksite.get(page)[0] for page in late] == [404] * len(late)
        mocksite.set_clock(advance_hours=7)
        assert [mocksite.get(page)[0] for page in late] == [200] * len(late)
    finally:
        mocksite.set_clock(_at(12))


def test_stats_show_each_url_once_for_a_crawl_without_repeats(mocksite: MockSiteProcess) -> None:
    records = mocksite.truth(papers=[PAPER], since=TODAY, until=TODAY)
    pages = sorted(_urls(records, "page", TODAY))
    mocksite.reset_stats()
    for page in pages:
        assert mocksite.get(page)[0] == 200
    mocksite.get(pages[0])
    stats = mocksite.stats()
    assert stats["total"] == len(pages) + 1
    assert [url for url, n in stats["by_url"].items() if n > 1] == [pages[0]]
    mocksite.reset_stats()
    assert mocksite.stats()["by_url"] == {}


def test_faults_switch_on_and_off_at_runtime(mocksite: MockSiteProcess) -> None:
    records = mocksite.truth(papers=[PAPER], since=TODAY, until=TODAY)
    page = min(_urls(records, "page", TODAY))
    assert mocksite.set_faults("503!:1", retry_after=9)["spec"] == "503!:1"
    try:
        status, headers, _ = mocksite.get(page)
        assert (status, headers["retry-after"]) == (503, "9")
    finally:
        mocksite.set_faults("")
    assert mocksite.get(page)[0] == 200


def test_truth_command_matches_the_running_server(
    mocksite: MockSiteProcess, tmp_path: Path
) -> None:
    out = tmp_path / "truth.jsonl"
    day = TODAY - dt.timedelta(days=1)
    argv = ["truth", "--today", str(TODAY), "--base-url", mocksite.base_url]
    argv += ["--papers", PAPER, "--since", str(day), "--until", str(day), "--out", str(out)]
    assert main(argv) == 0
    written = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert written == mocksite.truth(papers=[PAPER], since=day, until=day)
    assert {r["kind"] for r in written} >= {"paper", "issue", "page", "article"}


def test_site_options_from_the_command_line() -> None:
    options = build_site_options(
        3, "http://127.0.0.1:9/", {"papers": "lzcb,rmrb", "rates.correction": "0.5"}
    )
    assert (options.seed, options.base_url, options.papers) == (
        3,
        "http://127.0.0.1:9",
        ("lzcb", "rmrb"),
    )
    assert options.rates.correction == 0.5
    with pytest.raises(ConfigurationError, match="unknown site option 'colour'"):
        build_site_options(0, None, {"colour": "red"})
    with pytest.raises(ConfigurationError, match="publish_hour"):
        build_site_options(0, None, {"publish_hour": "early"})
