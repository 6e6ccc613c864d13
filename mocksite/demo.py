"""``make demo``: the mock site, a month of two papers crawled into SQLite, and a query.

Starts the project's mock e-paper site on 127.0.0.1, crawls 鲁中晨报 (PaperIndex) and
科技日报 (Founder classic) for one month each into ``data/demo.sqlite3``, prints what the
archive holds and the ten most frequent reporters, stops the site, searches the archive
and writes its coverage calendar (``data/demo-coverage.html``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from crawler.db import search as fulltext
from crawler.db.engine import make_engine
from crawler.db.queries import paper_summaries, top_authors
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import run_mocksite

DEMO_DATABASE = Path("data/demo.sqlite3")
DEMO_WARC_DIR = Path("data/demo-warc")
#: (paper, since, until): two papers of different CMS families, a month each.
DEMO_CRAWLS = (
    ("lzcb", "2021-10-01", "2021-10-31"),
    ("kjrb", "2025-02-01", "2025-02-28"),
)
#: What the demo searches for at its end.
DEMO_SEARCH = "科技"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mocksite.demo", description=__doc__)
    parser.add_argument("--database", type=Path, default=DEMO_DATABASE)
    args = parser.parse_args(argv)
    database: Path = args.database
    for stale in database.parent.glob(database.name + "*"):
        stale.unlink()  # a fresh archive every time, so the figures are this run's
    shutil.rmtree(DEMO_WARC_DIR, ignore_errors=True)
    url = f"sqlite:///{database}"
    started = time.monotonic()
    print("starting the mock e-paper site on 127.0.0.1 ...", flush=True)
    with run_mocksite(today=DEFAULT_TODAY) as site:
        print(f"mock site at {site.base_url}; crawling into {database}", flush=True)
        ok = True
        for slug, since, until in DEMO_CRAWLS:
            command = ["epaper", "crawl", slug, "--since", since, "--until", until]
            print(f"\n$ {' '.join(command)}", flush=True)
            options = [
                "--database",
                url,
                "--base-url-override",
                site.base_url + "/{slug}/",
                "--profile",
                "mock",
                "--today",
                DEFAULT_TODAY.isoformat(),
                "-s",
                "LOG_LEVEL=ERROR",
                "-s",
                f"EPAPER_WARC_DIR={DEMO_WARC_DIR}",
            ]
            run = subprocess.run(  # noqa: S603 - our own interpreter and arguments
                [sys.executable, "-m", "crawler.cli", *command[1:], *options], check=False
            )
            ok = ok and run.returncode == 0
    elapsed = time.monotonic() - started
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            summaries = paper_summaries(conn)
            authors = top_authors(conn, 10)
    finally:
        engine.dispose()
    print(f"\nThe archive {database} ({elapsed:.0f} s):")
    for s in summaries:
        print(
            f"  {s.slug} {s.name}: {s.issues} issues ({s.complete} complete) from {s.first} "
            f"to {s.last}, {s.pages} pages, {s.articles} articles"
        )
    print("\nThe ten most frequent authors:")
    print("  SELECT name, role, count(*) FROM article_authors")
    print("  GROUP BY name, role ORDER BY count(*) DESC LIMIT 10;")
    for name, role, count in authors:
        print(f"  {name:<6}\t{role}\t{count}")
    print(f"\nA search: articles whose title or body contains {DEMO_SEARCH}:")
    for line in demo_search(url, DEMO_SEARCH):
        print(f"  {line}")
    coverage = database.parent / "demo-coverage.html"
    drawn = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "crawler.cli", "coverage", "--format", "html", "--out",
         str(coverage), "--database", url],
        check=False, capture_output=True, text=True,
    )  # fmt: skip
    ok = ok and drawn.returncode == 0
    warc_bytes = sum(f.stat().st_size for f in DEMO_WARC_DIR.glob("*.warc.gz"))
    print(f"\nEvery response is kept in {DEMO_WARC_DIR}/ ({warc_bytes / 1e6:.1f} MB of WARC).")
    example = "SELECT title FROM articles LIMIT 5"
    print(f"\nQuery it yourself: sqlite3 {database} '{example}'")
    print("  the analysts' questions in SQL: docs/sql-cookbook.md; in Datasette: epaper serve")
    print(f"\nThe coverage calendar, to open in a browser: {coverage.resolve()}")
    return 0 if ok else 1


def demo_search(url: str, query: str, limit: int = 5) -> list[str]:
    """What ``epaper search QUERY`` finds: the best articles (date, page, title, snippet)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            total = fulltext.count(conn, query)
            hits = fulltext.search(conn, query, limit=limit)
    finally:
        engine.dispose()
    lines = [
        f"{h.date} {h.paper} 第{h.page_number}版 {h.title}"
        + (f"\n    {h.snippet}" * bool(h.snippet))
        for h in hits
    ]
    return [*lines, f"({total} articles in all; more with: epaper search {query})"]


if __name__ == "__main__":
    sys.exit(main())
