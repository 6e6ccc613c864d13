"""The crawl commands' arguments: checked before anything runs, one line when wrong."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from crawler.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["crawl", "nope"], "epaper: error: paper: unknown paper 'nope'"),
        (
            ["crawl", "lzcb", "--since", "2021-10-31", "--until", "2021-10-01"],
            "epaper: error: since 2021-10-31 is after until 2021-10-01",
        ),
        (
            ["crawl", "lzcb", "--since", "yesterday"],
            "epaper: error: since: 'yesterday' is not a date",
        ),
        (["update", "lzcb", "--profile", "fast"], "epaper: error: EPAPER_PROFILE: unknown profile"),
        (["retry", "lzcb", "-s", "NOEQUALS"], "epaper: error: -s 'NOEQUALS': expected NAME=VALUE"),
    ],
)
def test_a_bad_argument_is_one_line_and_nothing_is_written(
    argv: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "never.sqlite3"
    assert main([*argv, "--database", f"sqlite:///{database}"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert err.count("\n") == 1
    assert not database.exists()


def test_scrapy_crawl_refuses_a_bad_argument_in_one_line() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "epaper",
            "-a",
            "paper=nope",
            "-s",
            "LOG_LEVEL=ERROR",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    assert "epaper: error: paper: unknown paper 'nope'" in done.stderr
    assert "Traceback" not in done.stderr


def test_scrapy_crawl_refuses_a_bad_setting_in_one_line_before_it_starts() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    env["EPAPER_MAX_FAILURE_RATIO"] = "nan"
    done = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", "paper=lzcb"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        (
            "epaper: error: EPAPER_MAX_FAILURE_RATIO='nan' (from the environment) "
            "is not a finite number"
        )
    ]


def test_help_shows_examples(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["crawl", "--help"])
    out = capsys.readouterr().out
    assert "epaper crawl lzcb --since 2021-10-01 --until 2021-10-31" in out


def test_scrapy_crawl_on_an_archive_another_run_holds_is_one_line_and_exit_4(
    tmp_path: Path,
) -> None:
    from crawler.db.lock import writer_lock

    url = f"sqlite:///{tmp_path / 'held.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    env["EPAPER_DATABASE_URL"] = url
    # Nothing listens there: were the lock not refused, no real site would be asked.
    env["EPAPER_BASE_URL_OVERRIDE"] = "http://127.0.0.1:9/{slug}/"
    with writer_lock(url, command="the test's own run"):
        done = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "epaper", "-a", "paper=lzcb"],
            cwd=REPO, env=env, capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
    assert done.returncode == 4, done.stderr
    assert "Traceback" not in done.stderr
    # Scrapy logs its start-up banner first (LOG_LEVEL INFO); the refusal is one line.
    lines = [line for line in done.stderr.splitlines() if line.startswith("epaper:")]
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("epaper: error: the archive ")
    assert "the test's own run" in lines[0]
