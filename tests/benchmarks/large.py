"""``make bench-large``: memory of a backfill of over 200,000 articles, sampled every second.

    python -m tests.benchmarks.large                     # 8 papers, 2023-12-01..2025-03-31
    python -m tests.benchmarks.large --papers lzcb --since 2025-03-01 --interval 0.5

One crawl of the mock site (every paper, 16 months: about 220,000 articles) into SQLite
with WARC writing on. The crawl process's VmRSS is read from /proc every ``--interval``
seconds; the report gives the peak, RSS along the run, and the least-squares growth
over the run's second half, which should be flat: memory must not grow with the archive.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.benchmarks.harness import (
    CRAWLER_CPU,
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    code_version,
    crawl_command,
    folder_bytes,
    fresh_folder,
    measured,
    mocksite,
    sqlite_database,
)
from tests.benchmarks.measure import ProcessRun, load_average, second_half, slope_per_minute
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish

PAPERS = ("rmrb", "gmrb", "kjrb", "jjjcb", "jxrb", "hbrb", "dzrb", "lzcb")
SINCE = dt.date(2023, 12, 1)
UNTIL = dt.date(2025, 3, 31)
PEAK_TARGET_MB = 300
#: "No steady growth": the second half's fitted line may rise at most this much in all.
GROWTH_TOLERANCE_MB = 10

MB = 2**20


def rss_at(samples: Sequence[tuple[float, int]], fraction: float) -> float:
    """RSS in MB of the sample nearest to ``fraction`` of the run.

    >>> rss_at([(0.0, 0), (5.0, MB), (10.0, 2 * MB)], 0.5)
    1.0
    """
    if not samples:
        return 0.0
    when = samples[-1][0] * fraction
    return min(samples, key=lambda s: abs(s[0] - when))[1] / MB


def report(run: ProcessRun, articles: int, archive: Archive, db: int, warc: int) -> str:
    samples = run.rss_samples
    half = second_half(samples)
    slope = slope_per_minute(half) / MB
    half_minutes = (half[-1][0] - half[0][0]) / 60 if len(half) > 1 else 0.0
    growth = slope * half_minutes
    peak = run.peak_rss_bytes / MB
    flat = growth <= GROWTH_TOLERANCE_MB
    lines = [
        (
            f"{archive.describe()}: {articles:,} articles in {run.wall_seconds / 60:.1f} min "
            f"({articles / run.wall_seconds:.0f} articles/s), exit {run.returncode}, "
            f"CPU {run.cpu_seconds:.0f} s; database {db / MB:,.0f} MB, WARC {warc / MB:,.0f} MB."
        ),
        "",
        "| RSS at | 10 % | 25 % | 50 % | 75 % | 100 % | peak |",
        "|---|---:|---:|---:|---:|---:|---:|",
        "| MB | "
        + " | ".join(f"{rss_at(samples, f):.0f}" for f in (0.1, 0.25, 0.5, 0.75, 1.0))
        + f" | {peak:.0f} |",
        "",
        (
            f"Second half ({len(half)} samples, {half_minutes:.1f} min): "
            f"{slope:+.2f} MB per minute, {growth:+.1f} MB over the half."
        ),
        "",
        (
            f"- Peak RSS < {PEAK_TARGET_MB} MB: "
            f"{'met' if peak < PEAK_TARGET_MB else '**not met**'} ({peak:.0f} MB)."
        ),
        (
            f"- No steady growth in the second half (fitted rise ≤ {GROWTH_TOLERANCE_MB} MB): "
            f"{'met' if flat else '**not met**'} ({growth:+.1f} MB)."
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("large", __doc__)
    parser.add_argument("--papers", default=",".join(PAPERS))
    parser.add_argument("--since", type=dt.date.fromisoformat, default=SINCE)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=UNTIL)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between samples")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    add_docs_option(parser, "large")
    args = parser.parse_args(argv)
    archive = Archive(tuple(args.papers.split(",")), args.since, args.until)
    started = dt.datetime.now().astimezone()
    workdir = fresh_folder(args.out / f"large-{started:%Y%m%d-%H%M%S}")
    load = load_average()
    # The site renders on demand (prewarming 200,000 pages would take long and much memory).
    with (
        mocksite(archive, prewarm=False, cpu=SERVER_CPU) as site,
        sqlite_database(workdir) as database,
    ):
        warc = workdir / "warc"
        command = crawl_command(site, archive, database.url, warc_dir=warc)
        run = measured(command, workdir / "crawl.log", cpu=CRAWLER_CPU, interval=args.interval)
        articles = database.articles()
        db_bytes, warc_bytes = database.size(), folder_bytes(warc)
        requests = int(site.stats()["total"])
    shutil.rmtree(warc, ignore_errors=True)
    text = (
        f"Large backfill of {started:%Y-%m-%d %H:%M} (commit {code_version()}), "
        f"`{invocation(parser, argv)}` (load average at start "
        f"{load[0]:.2f}; {requests:,} requests).\n\n"
        + report(run, articles, archive, db_bytes, warc_bytes)
    )
    (workdir / "rss.json").write_text(json.dumps(run.rss_samples))
    (workdir / "large.md").write_text(text)
    print(text)
    if args.docs:
        publish("large", text, args.docs)
    return 0 if run.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
