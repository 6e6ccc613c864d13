"""What analysts take away: exports that read back equal to ``article_full``, the coverage
page as headless Chromium shows it, and Datasette with Chinese ``?_search=``."""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from crawler.db.analysis import ARTICLE_COLUMNS, COVERAGE_STATES, ArticleFilter, article_records
from tests.analysis.conftest import Archive
from tests.crawl.conftest import REPO

# One worker crawls the archive once per backend (package fixture) and runs them all.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("analysis")]


def epaper(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *args],
        capture_output=True, text=True, env=env, cwd=REPO, check=False, timeout=300,
    )  # fmt: skip
    if check:
        assert done.returncode == 0, done.stderr[-2000:]
    return done


def view_rows(archive: Archive) -> list[dict[str, Any]]:
    with archive.engine.connect() as conn:
        return list(article_records(conn, ArticleFilter()))


def as_text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


# --- export -----------------------------------------------------------------------------


def test_csv_and_jsonl_exports_read_back_equal_to_article_full(
    crawled: Archive, tmp_path: Path
) -> None:
    rows = view_rows(crawled)
    assert len(rows) == len({r["article_id"] for r in rows}) > 0
    out = tmp_path / "articles.csv"
    epaper("export", "--format", "csv", "--out", str(out), "--database", crawled.url)
    with out.open(encoding="utf-8", newline="") as f:
        back = list(csv.DictReader(f))
    assert list(back[0]) == list(ARTICLE_COLUMNS)
    assert back == [{k: as_text(v) for k, v in r.items()} for r in rows]

    lines = epaper("export", "--format", "jsonl", "--database", crawled.url).stdout.splitlines()
    assert [json.loads(line) for line in lines] == [
        {k: (as_text(v) if hasattr(v, "isoformat") else v) for k, v in r.items()} for r in rows
    ]


def test_export_filters_by_paper_and_dates(crawled: Archive) -> None:
    args = ["export", "--format", "jsonl", "--paper", "kjrb", "--since", "2025-02-20",
            "--until", "2025-02-21", "--database", crawled.url]  # fmt: skip
    records = [json.loads(line) for line in epaper(*args).stdout.splitlines()]
    want = [r["url"] for r in crawled.articles("kjrb") if r["date"] in {"2025-02-20", "2025-02-21"}]
    assert sorted(r["url"] for r in records) == sorted(want)
    assert {r["paper"] for r in records} == {"kjrb"}


def test_parquet_export_is_typed(crawled: Archive, tmp_path: Path) -> None:
    pq = pytest.importorskip("pyarrow.parquet", reason="the export extra (pyarrow) is absent")
    import pyarrow as pa

    out = tmp_path / "articles.parquet"
    epaper("export", "--format", "parquet", "--out", str(out), "--database", crawled.url)
    table = pq.read_table(out)
    assert table.schema.field("date").type == pa.date32()
    assert table.schema.field("article_id").type == pa.int64()
    assert pa.types.is_timestamp(table.schema.field("first_seen_at").type)
    rows = view_rows(crawled)
    assert table.column_names == list(ARTICLE_COLUMNS)
    assert table.to_pylist() == rows


def test_export_errors_are_one_line(crawled: Archive, tmp_path: Path) -> None:
    done = epaper("export", "--format", "parquet", "--database", crawled.url, check=False)
    assert done.returncode == 2 and done.stderr.startswith("epaper: error: --format parquet")
    missing = tmp_path / "nothing.sqlite3"
    done = epaper("export", "--format", "csv", "--database", f"sqlite:///{missing}", check=False)
    assert done.returncode == 2 and "no archive at" in done.stderr
    assert not missing.exists()


# --- the coverage page ------------------------------------------------------------------

CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
)  # fmt: skip


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no headless Chromium here (Debian: apt-get install chromium; .ci/run does)")


def test_the_coverage_page_shows_a_cell_per_day_of_each_status(
    crawled: Archive, tmp_path: Path
) -> None:
    browser = chromium()
    page = tmp_path / "coverage.html"
    epaper("coverage", "--format", "html", "--out", str(page), "--database", crawled.url)
    with crawled.engine.connect() as conn:
        counted = conn.execute(text("SELECT coverage, count(*) FROM issue_coverage GROUP BY 1"))
        want = Counter({row[0]: row[1] for row in counted})
    profile = tmp_path / "chromium-profile"
    common = [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}"]
    dom = subprocess.run(
        [*common, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip
    shown = Counter(re.findall(r'<td class="day [\w-]+" data-status="([\w ]+)"', dom))
    assert shown == want
    assert set(want) == set(COVERAGE_STATES) - {"missing"}
    # Each legend counts its cells, and every cell says what it is on hover.
    for state in COVERAGE_STATES:
        legend = re.search(rf'data-status="{state}"><span[^>]*></span>{state}: '
                           r'<b class="count">(\d+)</b>', dom)  # fmt: skip
        assert legend is not None, state
        total = sum(
            int(m)
            for m in re.findall(
                rf'data-status="{state}"><span[^>]*></span>{state}: <b class="count">(\d+)</b>',
                dom,
            )
        )
        assert total == want.get(state, 0), state
    assert 'title="2021-10-22: no issue (404)"' in dom
    assert "2021-10-20: partial" in dom and "http 503" in dom
    # The screenshot is kept with the test's files.
    shot = tmp_path / "coverage.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    assert shot.stat().st_size > 10_000


def test_coverage_as_text_and_csv(crawled: Archive) -> None:
    lines = epaper("coverage", "lzcb", "--format", "csv", "--database", crawled.url).stdout
    rows = list(csv.DictReader(lines.splitlines()))
    assert rows[0]["date"] == "2021-10-06" and rows[-1]["date"] == "2021-10-23"
    assert {r["coverage"] for r in rows if "2021-10-10" <= r["date"] <= "2021-10-19"} == {
        "not crawled"
    }
    report = epaper("coverage", "lzcb", "--database", crawled.url).stdout
    assert "2021-10-10 .. 2021-10-19 not crawled (10 days)" in report
    assert "last runs:" in report and "crawl 2021-10-20 .. 2021-10-23" in report
    done = epaper("coverage", "nosuch", "--database", crawled.url, check=False)
    assert done.returncode == 2 and done.stderr.startswith("epaper: error:")


# --- Datasette --------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def test_datasette_serves_the_archive_with_chinese_search_and_hidden_tables(
    crawled: Archive,
) -> None:
    pytest.importorskip("datasette", reason="the datasette extra is absent")
    if crawled.dialect != "sqlite":
        done = epaper("serve", "--database", crawled.url, check=False)
        assert done.returncode == 2 and "SQLite" in done.stderr
        return
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    server = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "serve", "--port", str(port),
         "--database", crawled.url],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                get_json(base + "/-/versions.json")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                time.sleep(0.5)
        database = get_json(base + "/.json")
        (name,) = database
        tables = {t["name"]: t for t in get_json(f"{base}/{name}.json")["tables"]}
        assert tables["captures"]["hidden"] and tables["alembic_version"]["hidden"]
        assert not tables["articles"]["hidden"]
        views = {v["name"] for v in get_json(f"{base}/{name}.json")["views"]}
        assert {"article_full", "stories", "issue_coverage"} <= views
        for q in ("科技", "记者了解"):
            with crawled.engine.connect() as conn:
                want = set(conn.execute(
                    text("SELECT id FROM articles WHERE title LIKE :p OR body LIKE :p"),
                    {"p": f"%{q}%"},
                ).scalars())  # fmt: skip
            query = urllib.parse.urlencode(
                {"_search": q, "_shape": "array", "_col": ["article_id", "title"], "_size": "max"},
                doseq=True,
            )
            found = get_json(f"{base}/{name}/article_full.json?{query}")
            assert want, f"{q} is in the archive"
            assert {r["article_id"] for r in found} == want, q
        metadata = get_json(base + "/-/metadata.json")
        described = metadata["databases"][name]["tables"]["article_full"]
        assert described["columns"]["story_id"].startswith("the article_id of the story")
        assert "front_pages" in metadata["databases"][name]["queries"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    # Datasette stopped with epaper serve: nothing answers on the port any more.
    with pytest.raises(urllib.error.URLError, match="Connection refused"):
        get_json(base + "/-/versions.json")
