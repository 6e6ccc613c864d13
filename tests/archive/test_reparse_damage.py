"""``epaper reparse`` of a damaged archive, and stopped by a signal.

A crawl of three lzcb issues and the nightly update after it, in WARC files of 200 kB (so
several), with the mock site stopped: 64 zeroed bytes in one record, a closed file cut in
half, SIGTERM or Ctrl-C in the middle of the replay.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.db.captures import CAPTURES
from crawler.db.engine import make_engine
from crawler.db.store import ARTICLES, ISSUES
from mocksite.testing import run_mocksite
from tests.archive.conftest import REPO_ROOT, SITE_TODAY, crawl_args, run_epaper
from tests.archive.dbcompare import differences, table_contents


class Archive:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.warc_dir = root / "warc"
        self.database = f"sqlite:///{root / 'crawl.sqlite3'}"


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Archive:
    found = Archive(tmp_path_factory.mktemp("several"))
    settings = [f"EPAPER_WARC_DIR={found.warc_dir}", "EPAPER_WARC_MAX_BYTES=200000"]
    with run_mocksite(today=SITE_TODAY) as site:
        for args in (
            ["crawl", "lzcb", "--since", "2021-10-18", "--until", "2021-10-20"],
            ["update", "lzcb"],
        ):
            done = run_epaper(crawl_args(site, found.database, *args), found.root, settings)
            assert done.returncode == 0, done.stderr[-3000:]
    assert len(list(found.warc_dir.iterdir())) >= 4
    return found


def copy_of(archive: Archive, tmp_path: Path) -> Path:
    warc_dir = tmp_path / "warc"
    shutil.copytree(archive.warc_dir, warc_dir)
    return warc_dir


def captures_of(database: str) -> list[Any]:
    engine = make_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                CAPTURES.c.url,
                CAPTURES.c.record_type,
                CAPTURES.c.warc_file,
                CAPTURES.c.warc_offset,
                CAPTURES.c.warc_length,
            )
        ).all()
    engine.dispose()
    return list(rows)


def rows_by_url(database: str) -> tuple[dict[str, Any], set[tuple[Any, ...]]]:
    """Article rows by URL, and capture rows, compared by meaning."""
    engine = make_engine(database)
    try:
        contents = table_contents(engine)
        with engine.connect() as conn:
            urls = conn.execute(select(ARTICLES.c.url)).scalars().all()
    finally:
        engine.dispose()
    articles = {next(v for v in row if v in urls): row for row in contents["articles"]}
    return articles, set(contents["captures"])


def issue_statuses(database: str) -> dict[str, str]:
    engine = make_engine(database)
    with engine.connect() as conn:
        rows = conn.execute(select(ISSUES.c.date, ISSUES.c.status)).all()
    engine.dispose()
    return {str(day): status for day, status in rows}


def reparse(warc_dir: Path, database: str, cwd: Path) -> Any:
    return run_epaper(["reparse", "--warc-dir", str(warc_dir), "--database", database], cwd)


def assert_rebuilt_but(archive: Archive, rebuilt: str, lost_urls: set[str]) -> None:
    """Everything but the articles of ``lost_urls`` is rebuilt as the crawl stored it."""
    crawl_articles, _ = rows_by_url(archive.database)
    copy_articles, _ = rows_by_url(rebuilt)
    assert lost_urls and lost_urls <= set(crawl_articles)
    assert set(copy_articles) == set(crawl_articles) - lost_urls
    assert len(copy_articles) > 150
    for url, row in copy_articles.items():
        assert row == crawl_articles[url], url


@pytest.mark.slow
def test_64_zeroed_bytes_lose_one_record_and_nothing_else(archive: Archive, tmp_path: Path) -> None:
    warc_dir = copy_of(archive, tmp_path)
    files = sorted(p.name for p in warc_dir.iterdir())
    # An article of a past, complete issue in a middle file (the update did not re-check it).
    damaged = next(
        row
        for row in captures_of(archive.database)
        if row.warc_file in files[1:-1] and "/2021101" in row.url and "/Articel" in row.url
    )
    day = damaged.url.split("/content/")[1][:8]
    day = f"{day[:4]}-{day[4:6]}-{day[6:]}"
    where = damaged.warc_offset + damaged.warc_length // 2
    with (warc_dir / damaged.warc_file).open("r+b") as handle:
        handle.seek(where)
        handle.write(bytes(64))
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}"
    done = reparse(warc_dir, rebuilt, tmp_path)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    assert (
        f"{warc_dir / damaged.warc_file}: offset {damaged.warc_offset}: 1 record could not be "
        f"read (not a whole gzip member: "
    ) in done.stderr
    assert "skipped to the next record at offset" in done.stderr
    assert "epaper: error: 1 WARC record could not be read" in done.stderr
    assert_rebuilt_but(archive, rebuilt, {damaged.url})
    _, crawl_captures = rows_by_url(archive.database)
    _, copy_captures = rows_by_url(rebuilt)
    [lost] = crawl_captures - copy_captures
    assert damaged.warc_file in lost and damaged.warc_offset in lost
    assert copy_captures < crawl_captures
    # The issue that lost an article is not complete in the rebuilt database.
    assert issue_statuses(archive.database)[day] == "complete"
    assert issue_statuses(rebuilt)[day] == "partial"


@pytest.mark.slow
def test_a_closed_file_cut_short_loses_its_tail_and_nothing_else(
    archive: Archive, tmp_path: Path
) -> None:
    warc_dir = copy_of(archive, tmp_path)
    cut_file = sorted(warc_dir.iterdir())[1]
    cut = cut_file.stat().st_size // 2
    os.truncate(cut_file, cut)
    captures = captures_of(archive.database)

    def in_tail(row: Any) -> bool:
        return bool(row.warc_file == cut_file.name and row.warc_offset + row.warc_length > cut)

    # Articles whose only response record was in the lost tail are lost (a revisit of it
    # in the update's file has no payload of its own); all else is rebuilt.
    responses = [r for r in captures if r.record_type == "response"]
    lost_urls = {r.url for r in responses if in_tail(r)} - {
        r.url for r in responses if not in_tail(r)
    }
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}"
    done = reparse(warc_dir, rebuilt, tmp_path)
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    # The record the cut went through (a request or metadata record may follow the last
    # response before it).
    assert f"{cut_file}: offset " in done.stderr
    assert "(the file ends inside the record" in done.stderr
    assert "nothing after it can be read" in done.stderr
    assert "epaper: error: 1 WARC record could not be read" in done.stderr
    crawl_articles, _ = rows_by_url(archive.database)
    assert_rebuilt_but(archive, rebuilt, lost_urls & set(crawl_articles))


def wait_for_line(process: subprocess.Popen[str], text: str, timeout: float) -> str:
    assert process.stderr is not None
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            break
        seen += line
        if text in line:
            return seen
    pytest.fail(f"no {text!r} in: {seen[-3000:]}")


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_reparse_within_10_seconds(
    archive: Archive, tmp_path: Path, signum: signal.Signals
) -> None:
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    env["PYTHONPATH"] = str(REPO_ROOT)
    command = [sys.executable, "-m", "crawler.cli", "-v", "reparse"]
    command += ["--warc-dir", str(archive.warc_dir), "--database", rebuilt]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=tmp_path
    )
    try:
        # The first of the two runs is being replayed.
        wait_for_line(process, "Spider opened", 120)
        process.send_signal(signum)
        sent = time.monotonic()
        _, err = process.communicate(timeout=10)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    print(f"\n{signum.name}: reparse stopped {took:.1f} s after the signal")
    assert process.returncode == 1, err[-3000:]
    assert "Traceback" not in err
    assert f"epaper: error: interrupted by {signum.name}" in err
    assert f"ended early (not started: {signum.name})" in err  # the update run
    if signum == signal.SIGTERM:
        # What was stored is kept, and the same command finishes the job.
        done = reparse(archive.warc_dir, rebuilt, tmp_path)
        assert done.returncode == 0, done.stderr[-3000:]
        crawl, copy = make_engine(archive.database), make_engine(rebuilt)
        try:
            assert differences(crawl, copy) == []
        finally:
            crawl.dispose()
            copy.dispose()
