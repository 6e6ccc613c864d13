"""Before and after: two checkouts of the crawler crawl the same mock archive, turn by turn.

    git worktree add /tmp/before HEAD              # or any folder holding crawler/
    python -m tests.benchmarks.compare --before /tmp/before --runs 3

Each round runs ``epaper crawl`` into SQLite (WARC on) with the code of ``--before`` and
then with this checkout's, pinned as in the suite; the report gives the medians and the
change. The mock site and the harness are this checkout's.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    crawl_command,
    folder_bytes,
    fresh_folder,
    measured,
    mocksite,
    sqlite_database,
)
from tests.benchmarks.measure import load_average, median
from tests.benchmarks.publish import bench_parser, invocation
from tests.benchmarks.suite import DEFAULT_ARCHIVE


def crawl_once(
    site: object, archive: Archive, checkout: Path, workdir: Path, label: str
) -> dict[str, Any]:
    with sqlite_database(workdir) as database:
        warc = fresh_folder(workdir / f"warc-{label}")
        command = crawl_command(site, archive, database.url, warc_dir=warc)
        site.reset_stats()  # type: ignore[attr-defined]
        load = load_average()[0]
        run = measured(command, workdir / f"{label}.log", checkout=checkout)
        articles = database.articles()
        result = {
            "articles": articles,
            "wall": run.wall_seconds,
            "cpu": run.cpu_seconds,
            "rss_mb": run.peak_rss_bytes / 2**20,
            "requests": int(site.stats()["total"]),  # type: ignore[attr-defined]
            "db": database.size(),
            "warc": folder_bytes(warc),
            "exit": run.returncode,
            "load": load,
        }
        fresh_folder(warc).rmdir()
        return result


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("compare", __doc__)
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--papers", default=",".join(DEFAULT_ARCHIVE.papers))
    parser.add_argument("--since", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.since)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.until)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    args = parser.parse_args(argv)
    archive = Archive(tuple(args.papers.split(",")), args.since, args.until)
    started = dt.datetime.now().astimezone()
    workdir = fresh_folder(args.out / f"compare-{started:%Y%m%d-%H%M%S}")
    began = time.monotonic()
    results: dict[str, list[dict[str, Any]]] = {"before": [], "after": []}
    with mocksite(archive, cpu=SERVER_CPU) as site:
        for run in range(1, args.runs + 1):
            for label, checkout in (("before", args.before.resolve()), ("after", REPO_ROOT)):
                result = crawl_once(site, archive, checkout, workdir, f"{label}-{run}")
                results[label].append(result)
                print(
                    f"[{time.monotonic() - began:7.1f} s] {label} {run}: {result}",
                    file=sys.stderr,
                    flush=True,
                )
    lines = [
        (
            f"Before/after of {started:%Y-%m-%d %H:%M}: `{invocation(parser, argv)}` "
            f"on {archive.describe()}, "
            f"medians of {args.runs} runs."
        ),
        "",
        (
            "| | articles | wall s | articles/s | CPU s / 1,000 articles | peak RSS MB "
            "| requests | DB bytes / article | WARC bytes / article |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, runs in results.items():

        def med(key: str, runs: list[dict[str, Any]] = runs) -> float:
            return median([float(r[key]) for r in runs])

        per_s = median([r["articles"] / r["wall"] for r in runs])
        cpu = median([1000 * r["cpu"] / r["articles"] for r in runs if r["articles"]])
        lines.append(
            f"| {label} | {med('articles'):,.0f} | {med('wall'):.1f} | {per_s:.1f} | {cpu:.2f} "
            f"| {med('rss_mb'):.0f} | {med('requests'):,.0f} "
            f"| {median([r['db'] / r['articles'] for r in runs if r['articles']]):,.0f} "
            f"| {median([r['warc'] / r['articles'] for r in runs if r['articles']]):,.0f} |"
        )
    text = "\n".join(lines) + "\n"
    (workdir / "compare.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
