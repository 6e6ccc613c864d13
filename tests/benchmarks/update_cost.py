"""What the nightly ``epaper update`` costs, after a short and after a long backfill of one paper.

    python -m tests.benchmarks.update_cost                          # lzcb: 3 months, then 2 years
    python -m tests.benchmarks.update_cost --sizes 7,31 --runs 1    # days of backfill

For each archive size: backfill the paper up to the site's today, move the site's clock
one day on, and run ``epaper update`` (three times, each from a copy of the backfilled
database). Requests and wall time of the update should not grow with the archive.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from tests.benchmarks.harness import (
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    articles_in,
    code_version,
    crawl_command,
    fresh_folder,
    measured,
    mocksite,
)
from tests.benchmarks.measure import load_average, median
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish

TODAY = dt.date(2025, 3, 31)
#: Backfill lengths in days: about three months and two years.
SIZES = (90, 730)


@dataclass(frozen=True)
class Step:
    """One measured command: a backfill or an update."""

    kind: str
    days: int
    run: int
    wall_seconds: float
    cpu_seconds: float
    requests: int
    articles: int
    returncode: int
    load: float


def copy_database(source: Path, target: Path) -> None:
    """Copy a SQLite database with its ``-wal`` and ``-shm`` files."""
    for suffix in ("", "-wal", "-shm"):
        stale = Path(str(target) + suffix)
        stale.unlink(missing_ok=True)
        original = Path(str(source) + suffix)
        if original.exists():
            shutil.copyfile(original, stale)


def measure_size(paper: str, days: int, runs: int, workdir: Path) -> list[Step]:
    archive = Archive((paper,), TODAY - dt.timedelta(days=days - 1), TODAY, TODAY)
    backfilled = workdir / f"backfill-{days}.sqlite3"
    steps = []
    with mocksite(archive, prewarm=False, cpu=SERVER_CPU) as site:
        site.reset_stats()
        command = crawl_command(
            site, archive, f"sqlite:///{backfilled}", warc_dir=workdir / f"warc-{days}"
        )
        load = load_average()[0]
        proc = measured(command, workdir / f"backfill-{days}.log")
        steps.append(
            Step(
                "backfill",
                days,
                1,
                proc.wall_seconds,
                proc.cpu_seconds,
                int(site.stats()["total"]),
                articles_in(f"sqlite:///{backfilled}"),
                proc.returncode,
                load,
            )
        )
        print(f"backfill of {days} days: {steps[-1]}", file=sys.stderr, flush=True)
        tomorrow = TODAY + dt.timedelta(days=1)
        site.set_clock(today=tomorrow)
        for run in range(1, runs + 1):
            database = workdir / f"update-{days}.sqlite3"
            copy_database(backfilled, database)
            before = articles_in(f"sqlite:///{database}")
            site.reset_stats()
            command = crawl_command(
                site,
                archive,
                f"sqlite:///{database}",
                warc_dir=workdir / f"warc-{days}-update-{run}",
                mode="update",
                today=tomorrow,
            )
            load = load_average()[0]
            proc = measured(command, workdir / f"update-{days}-{run}.log")
            steps.append(
                Step(
                    "update",
                    days,
                    run,
                    proc.wall_seconds,
                    proc.cpu_seconds,
                    int(site.stats()["total"]),
                    articles_in(f"sqlite:///{database}") - before,
                    proc.returncode,
                    load,
                )
            )
            print(f"update after {days} days: {steps[-1]}", file=sys.stderr, flush=True)
    for leftover in workdir.glob("warc-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    return steps


def report(steps: Sequence[Step]) -> str:
    lines = [
        (
            "| backfill | backfill: articles, requests, wall s | update: requests | update: new "
            "articles | update: wall s | update: CPU s |"
        ),
        "|---|---|---:|---:|---:|---:|",
    ]
    requests_by_size = {}
    for days in dict.fromkeys(s.days for s in steps):
        fill = next(s for s in steps if s.kind == "backfill" and s.days == days)
        updates = [s for s in steps if s.kind == "update" and s.days == days]
        requests = median([s.requests for s in updates])
        requests_by_size[days] = requests
        lines.append(
            f"| {days} days | {fill.articles:,}, {fill.requests:,}, {fill.wall_seconds:.0f} "
            f"| {requests:.0f} | {median([s.articles for s in updates]):.0f} "
            f"| {median([s.wall_seconds for s in updates]):.1f} "
            f"| {median([s.cpu_seconds for s in updates]):.1f} |"
        )
    values = list(requests_by_size.values())
    if len(values) >= 2 and min(values):
        spread = max(values) / min(values) - 1
        verdict = "met" if spread <= 0.05 else "**not met**"
        lines += [
            "",
            (
                f"Update requests independent of the archive's size (within 5 %): {verdict} "
                f"({', '.join(f'{v:.0f}' for v in values)} requests: {100 * spread:.1f} % apart)."
            ),
        ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("update_cost", __doc__)
    parser.add_argument("--paper", default="lzcb")
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="backfills, in days")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    add_docs_option(parser, "update")
    args = parser.parse_args(argv)
    started = dt.datetime.now().astimezone()
    workdir = fresh_folder(args.out / f"incremental-{started:%Y%m%d-%H%M%S}")
    began = time.monotonic()
    steps: list[Step] = []
    for days in (int(x) for x in args.sizes.split(",")):
        steps += measure_size(args.paper, days, args.runs, workdir)
    text = (
        f"Incremental cost of {started:%Y-%m-%d %H:%M} ({time.monotonic() - began:.0f} s, "
        f"commit {code_version()}), "
        f"`{invocation(parser, argv)}`: {args.paper}, backfills "
        f"ending {TODAY}, then `epaper update` with the site one day later; medians of "
        f"{args.runs} updates.\n\n" + report(steps)
    )
    (workdir / "incremental.json").write_text(json.dumps([asdict(s) for s in steps], indent=1))
    (workdir / "incremental.md").write_text(text)
    for database in workdir.glob("*.sqlite3*"):
        database.unlink()
    print(text)
    if args.docs:
        publish("update", text, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
