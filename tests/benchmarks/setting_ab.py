"""One setting of our crawl, changed: the whole pipeline with and without it, turn by turn.

    python -m tests.benchmarks.setting_ab CONCURRENT_ITEMS=100     # against the settings as set
    python -m tests.benchmarks.setting_ab CONCURRENT_ITEMS=100 CONCURRENT_ITEMS=1 --runs 5

Each round runs ``epaper crawl`` (SQLite, WARC on, the ``mock`` profile) once as configured
and once with each ``NAME=VALUE`` given (``-s NAME=VALUE``), on a prewarmed mock site, the
crawl on CPU 1 and the site on CPU 0. The report gives each variant's median CPU seconds and
wall seconds per 1,000 articles, and its median change against the same round's baseline:
what a setting of our own profile is worth, measured on the crawl it is set for.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.benchmarks.harness import (
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    code_version,
    crawl_command,
    fresh_folder,
    measured,
    mocksite,
    sqlite_database,
)
from tests.benchmarks.measure import median
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish

DEFAULT_ARCHIVE = Archive(("lzcb", "kjrb"), dt.date(2025, 3, 1), dt.date(2025, 3, 31))
BASELINE = "as configured"


def change_pct(value: float, base: float) -> str:
    """``value`` against ``base`` as a signed percentage.

    >>> change_pct(120, 100), change_pct(95, 100), change_pct(1, 0)
    ('+20.0 %', '-5.0 %', '–')
    """
    return f"{100 * (value / base - 1):+.1f} %" if base else "–"


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("setting_ab", __doc__)
    parser.add_argument("settings", nargs="+", metavar="NAME=VALUE")
    parser.add_argument("--papers", default=",".join(DEFAULT_ARCHIVE.papers))
    parser.add_argument("--since", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.since)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.until)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    add_docs_option(parser, "settings")
    args = parser.parse_args(argv)
    if any("=" not in s for s in args.settings):
        parser.error("each setting is NAME=VALUE")
    archive = Archive(tuple(args.papers.split(",")), args.since, args.until)
    started = dt.datetime.now().astimezone()
    workdir = fresh_folder(args.out / f"setting-ab-{started:%Y%m%d-%H%M%S}")
    variants = [BASELINE, *args.settings]
    results: dict[str, list[tuple[int, float, float]]] = {v: [] for v in variants}
    with mocksite(archive, cpu=SERVER_CPU) as site:
        for run in range(1, args.runs + 1):
            for index, variant in enumerate(variants):
                extra = [] if variant == BASELINE else [variant]
                with sqlite_database(workdir) as database:
                    warc = fresh_folder(workdir / "warc")
                    command = crawl_command(
                        site, archive, database.url, warc_dir=warc, settings=extra
                    )
                    proc = measured(command, workdir / f"crawl-{run}-{index}.log")
                    articles = database.articles()
                if proc.returncode != 0 or not articles:
                    print(f"error: {variant} exited {proc.returncode}", file=sys.stderr)
                    return 1
                per = 1000 / articles
                results[variant].append((articles, proc.cpu_seconds * per, proc.wall_seconds * per))
                print(
                    f"round {run} {variant}: {articles} articles, CPU {proc.cpu_seconds:.1f} s, "
                    f"wall {proc.wall_seconds:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
    base_cpu = median([r[1] for r in results[BASELINE]])
    base_wall = median([r[2] for r in results[BASELINE]])
    lines = [
        (
            f"Settings A/B of {started:%Y-%m-%d %H:%M} (commit {code_version()}), "
            f"`{invocation(parser, argv)}`"
            f": {archive.describe()}, SQLite, WARC on, medians of {args.runs} rounds."
        ),
        "",
        "| crawl | articles | CPU s / 1,000 articles | change | wall s / 1,000 articles | change |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for variant in variants:
        cpu = median([r[1] for r in results[variant]])
        wall = median([r[2] for r in results[variant]])
        name = variant if variant == BASELINE else f"`-s {variant}`"
        lines.append(
            f"| {name} | {results[variant][0][0]:,} | {cpu:.2f} | {change_pct(cpu, base_cpu)} "
            f"| {wall:.2f} | {change_pct(wall, base_wall)} |"
        )
    text = "\n".join(lines) + "\n"
    (workdir / "setting_ab.json").write_text(json.dumps(results, indent=1))
    (workdir / "setting_ab.md").write_text(text)
    print(text)
    if args.docs:
        publish("settings", text, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
