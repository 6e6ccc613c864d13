"""1, 2 and 4 ``epaper worker`` processes over the same partitioned PostgreSQL archive, and 2
with one of them SIGKILLed in the middle of a partition.

    python -m tests.benchmarks.workers --docs docs/benchmarks.md
    python -m tests.benchmarks.workers --workers 1,2 --days 3

Each run starts from an empty archive, queues the same partitions (``epaper enqueue``),
starts the workers with ``--drain`` and waits for them. Reported: wall time, articles/s,
scaling efficiency against one worker, duplicate rows, content URLs fetched twice, the
most partitions of one paper that ever ran at once (the politeness bound: 1), and whether
the database equals the mock site's ground truth.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import signal
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text

from crawler.db.engine import make_engine
from crawler.db.migrate import upgrade
from mocksite.papers import DEFAULT_TODAY
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.benchmarks.harness import REPO_ROOT, code_version, postgres_database
from tests.benchmarks.measure import load_average
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish
from tests.crawl.truthdb import compare
from tests.distributed.workers import complete_issues, duplicate_rows, enqueue, start_worker

PAPERS = ("jxrb", "kjrb", "gmrb", "hbrb")  # jjjcb: no issue after 2018-03
UNTIL = dt.date(2025, 3, 22)


@dataclass(frozen=True)
class Run:
    """One measured run."""

    workers: int
    killed: bool
    partitions: int
    wall_seconds: float
    articles: int
    duplicate_rows: int
    fetched_twice: int
    max_per_paper: int
    equal: bool
    load: float

    @property
    def rate(self) -> float:
        return self.articles / self.wall_seconds if self.wall_seconds else 0.0


def _content_paths(site: MockSiteProcess, since: dt.date) -> set[str]:
    truth = site.truth(papers=list(PAPERS), since=since, until=UNTIL)
    return {
        urlsplit(r["url"]).path
        for r in truth
        if r.get("kind") in {"issue", "page", "article"} and r.get("url")
    }


def max_running_per_paper(url: str) -> int:
    """The most partitions of one paper that ran at the same time (from the queue's events)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT j.lock, e.type::text, e.at FROM procrastinate_events e "
                    "JOIN procrastinate_jobs j ON j.id = e.job_id "
                    "WHERE e.type::text IN ('started', 'succeeded', 'failed', "
                    "'deferred_for_retry', 'aborted') ORDER BY e.at, e.id"
                )
            ).all()
    finally:
        engine.dispose()
    running: Counter[str] = Counter()
    most = 0
    for lock, kind, _at in rows:
        running[lock] += 1 if kind == "started" else -1
        most = max(most, running[lock])
    return most


def measure(
    site: MockSiteProcess, workers: int, days: int, partition_days: int, killed: bool, work: Path
) -> Run:
    since = UNTIL - dt.timedelta(days=days - 1)
    with postgres_database() as database:
        url = database.url
        upgrade(url)
        queued = enqueue(url, PAPERS, str(since), str(UNTIL), partition_days)
        if queued.returncode != 0:
            raise RuntimeError(queued.stderr)
        partitions = int(queued.stdout.split(": ", 1)[1].split()[0])
        site.reset_stats()
        load = load_average()[0]
        started = time.monotonic()
        procs = [
            start_worker(site, url, work / f"w{workers}-{killed}-{n}.log", work / f"warc-{n}")
            for n in range(workers)
        ]
        if killed:
            engine = make_engine(url)
            try:
                while not complete_issues(engine) and time.monotonic() - started < 600:
                    time.sleep(0.2)
            finally:
                engine.dispose()
            procs[0].send_signal(signal.SIGKILL)
        codes = [p.wait(timeout=1800) for p in procs]
        wall = time.monotonic() - started
        if any(c != 0 for c in codes[1 if killed else 0 :]):
            raise RuntimeError(f"a worker failed: {codes}; logs in {work}")
        engine = make_engine(url)
        try:
            truth = site.truth(papers=list(PAPERS), since=since, until=UNTIL)
            equal = compare(engine, truth, set(PAPERS), since, UNTIL).equal
            duplicates = duplicate_rows(engine)
            articles = int(
                engine.connect().execute(text("SELECT count(*) FROM articles")).scalar_one()
            )
        finally:
            engine.dispose()
        content = _content_paths(site, since)
        by_url = site.stats()["by_url"]
        twice = sum(1 for u, n in by_url.items() if n > 1 and u in content)
        return Run(
            workers,
            killed,
            partitions,
            round(wall, 1),
            articles,
            duplicates,
            twice,
            max_running_per_paper(url),
            equal,
            load,
        )


def report(runs: Sequence[Run], command: str, days: int, partition_days: int) -> str:
    base = next((r for r in runs if r.workers == 1 and not r.killed), None)
    intro = (
        f"Workers, {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, code {code_version()}, "
        f"`{command}`. {len(PAPERS)} papers ({', '.join(PAPERS)}) x {days} days up to {UNTIL} "
        f"of the mock site (profile `mock`: no delay), in partitions of {partition_days} days, "
        f"into PostgreSQL on the same machine; each worker `--concurrency 1`, its partitions "
        f"one `epaper crawl` child each. Machine: {os.cpu_count()} cores ({platform.machine()}),"
        " shared with the mock site, PostgreSQL and the other work of the machine (load "
        "average at each start in the table): scaling is bounded by the 2 cores, not by "
        "the queue."
    )
    lines = [
        intro,
        "",
        (
            "| workers | partitions | wall s | articles | articles/s | scaling efficiency | "
            "duplicate rows | content URLs fetched twice | most partitions of one paper at "
            "once | DB = truth | load |"
        ),
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in runs:
        name = f"{r.workers}, one SIGKILLed" if r.killed else str(r.workers)
        efficiency = (
            f"{r.rate / (base.rate * r.workers):.0%}" if base and base.rate and not r.killed else ""
        )
        lines.append(
            f"| {name} | {r.partitions} | {r.wall_seconds:.1f} | {r.articles} | {r.rate:.1f} "
            f"| {efficiency} | {r.duplicate_rows} | {r.fetched_twice} | {r.max_per_paper} "
            f"| {'yes' if r.equal else 'NO'} | {r.load:.1f} |"
        )
    lines += [
        "",
        (
            "Scaling efficiency: articles/s of N workers / (N x articles/s of one). The killed "
            "run's first worker is SIGKILLed once the first issue is stored; the other worker "
            "queues its partition again after `EPAPER_WORKER_STALLED_SECONDS` (3 s here) and "
            "drains the queue. Each partition's crawl also reads its month's calendar, so "
            "calendar pages are fetched once per partition: only issue, page and article URLs "
            "are counted as fetched twice (over the whole run: in the killed run, an URL "
            "that the killed worker fetched but had not stored counts if its successor "
            "fetches it again)."
        ),
    ]
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("workers", __doc__ or "")
    parser.add_argument("--workers", default="1,2,4", help="worker counts (default: 1,2,4)")
    parser.add_argument("--days", type=int, default=6, help="days of each paper (default: 6)")
    parser.add_argument(
        "--partition-days", type=int, default=3, help="days per partition (default: 3)"
    )
    parser.add_argument("--no-kill", action="store_true", help="skip the run with a kill")
    add_docs_option(parser, "workers")
    args = parser.parse_args(argv)
    command = invocation(parser, argv)
    runs = []
    out = REPO_ROOT / "data" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = f"{dt.datetime.now(dt.UTC):%Y%m%dT%H%M}"
    with (
        tempfile.TemporaryDirectory(prefix="epaper-workers-") as tmp,
        run_mocksite(today=DEFAULT_TODAY) as site,
    ):
        plan = [(int(n), False) for n in args.workers.split(",")]
        if not args.no_kill:
            plan.append((2, True))
        for workers, killed in plan:
            run = measure(site, workers, args.days, args.partition_days, killed, Path(tmp))
            print(json.dumps(asdict(run)), file=sys.stderr, flush=True)
            runs.append(run)
    text_report = report(runs, command, args.days, args.partition_days)
    (out / f"workers-{stamp}.md").write_text(text_report, encoding="utf-8")
    print(text_report)
    if args.docs:
        publish("workers", text_report, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
