"""``epaper enqueue | worker | status``: several worker processes, on one machine or many,
crawling partitions of one PostgreSQL archive (see docs/distributed.md)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from crawler.cli.common import add_database_option, add_set_option, overrides_from
from crawler.config import database_url, load_settings
from crawler.db.engine import redact
from crawler.params import CrawlParams

ENQUEUE_EPILOG = """\
examples:
  epaper enqueue lzcb rmrb --since 2024-01-01 --until 2024-12-31
  epaper enqueue all --days-per-partition 1

Each paper's dates are cut into partitions of a few days; the workers crawl them. A
partition already waiting in the queue is not queued twice.
"""

WORKER_EPILOG = """\
examples:
  epaper worker                              on each machine, against the same archive
  epaper worker --concurrency 4              four partitions at once (never two of one paper)
  epaper worker --drain                      stop when the queue is empty

Each partition runs as `epaper crawl PAPER --since D --until D` in a child process, with
this command's --database, --profile, --today, --base-url-override and -s settings.
"""

STATUS_EPILOG = """\
examples:
  epaper status
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    enqueue = subparsers.add_parser(
        "enqueue",
        help="queue (paper, dates) partitions for the workers",
        description="Queue (paper, date range) partitions of a crawl for `epaper worker`.",
        epilog=ENQUEUE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    enqueue.add_argument("papers", nargs="+", metavar="PAPER", help="registry slugs or all")
    enqueue.add_argument("--since", metavar="YYYY-MM-DD", help="first date (inclusive)")
    enqueue.add_argument("--until", metavar="YYYY-MM-DD", help="last date (inclusive)")
    enqueue.add_argument(
        "--days-per-partition",
        type=int,
        metavar="N",
        help="days of one paper per partition (EPAPER_WORKER_PARTITION_DAYS)",
    )
    add_database_option(enqueue)
    enqueue.add_argument("--today", metavar="YYYY-MM-DD", help="EPAPER_TODAY: the last date")
    add_set_option(enqueue)
    enqueue.set_defaults(func=run_enqueue)

    worker = subparsers.add_parser(
        "worker",
        help="crawl queued partitions until stopped",
        description="Take partitions from the archive's queue and crawl them, one "
        "`epaper crawl` child process each.",
        epilog=WORKER_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    worker.add_argument(
        "--concurrency",
        type=int,
        metavar="N",
        help="partitions at once in this process (EPAPER_WORKER_CONCURRENCY)",
    )
    worker.add_argument(
        "--drain",
        action="store_true",
        help="stop when no partition is queued or running (default: wait for more)",
    )
    add_database_option(worker)
    worker.add_argument("--today", metavar="YYYY-MM-DD", help="EPAPER_TODAY of the crawls")
    worker.add_argument(
        "--base-url-override", metavar="TEMPLATE", help="EPAPER_BASE_URL_OVERRIDE of the crawls"
    )
    worker.add_argument("--profile", metavar="NAME", help="EPAPER_PROFILE of the crawls")
    add_set_option(worker)
    worker.set_defaults(func=run_worker)

    status = subparsers.add_parser(
        "status",
        help="partitions queued, running, done and failed, per paper",
        description="Show the workers' queue: partitions queued, running, done and failed.",
        epilog=STATUS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_database_option(status)
    status.set_defaults(func=run_status, set=[])


def _positive(value: Any, what: str) -> int:
    from crawler.params import ArgumentError

    number = int(value)
    if number < 1:
        msg = f"{what} must be at least 1, not {number}"
        raise ArgumentError(msg)
    return number


def run_enqueue(args: argparse.Namespace) -> int:
    from crawler import distributed

    settings = load_settings(overrides_from(args))
    url = database_url(settings)
    days = _positive(
        args.days_per_partition or settings.getint("EPAPER_WORKER_PARTITION_DAYS"),
        "--days-per-partition",
    )
    params = CrawlParams.from_arguments(
        {
            "paper": ",".join(args.papers),
            "since": args.since,
            "until": args.until,
            "today": settings.get("EPAPER_TODAY") or None,
        }
    )
    distributed.prepare(url)
    work = distributed.partitions(params, days)
    done = asyncio.run(distributed.enqueue(url, work))
    print(
        f"{redact(url)}: {done.queued} partitions queued"
        + (f", {done.already} already waiting" if done.already else "")
        + f" ({len(params.papers)} papers, {days} days each)"
    )
    return 0


def crawl_options(url: str, overrides: dict[str, Any]) -> tuple[str, ...]:
    """The options a worker gives each ``epaper crawl``: its database and settings.

    >>> crawl_options("postgresql+psycopg://db/a", {"EPAPER_TODAY": "2025-03-31"})
    ('--database', 'postgresql+psycopg://db/a', '-s', 'EPAPER_TODAY=2025-03-31')
    >>> crawl_options("postgresql+psycopg://db/a", {"EPAPER_DATABASE_URL": "x"})
    ('--database', 'postgresql+psycopg://db/a')
    """
    options = ["--database", url]
    for name, value in overrides.items():
        if name != "EPAPER_DATABASE_URL":
            options += ["-s", f"{name}={value}"]
    return tuple(options)


def run_worker(args: argparse.Namespace) -> int:
    from crawler import distributed

    overrides = overrides_from(args)
    settings = load_settings(overrides)
    url = database_url(settings)
    options = distributed.WorkerOptions(
        crawl_options=crawl_options(url, overrides),
        concurrency=_positive(
            args.concurrency or settings.getint("EPAPER_WORKER_CONCURRENCY"), "--concurrency"
        ),
        stalled_seconds=settings.getfloat("EPAPER_WORKER_STALLED_SECONDS"),
        retries=settings.getint("EPAPER_WORKER_RETRIES"),
        drain=bool(args.drain),
    )
    distributed.prepare(url)
    print(f"epaper worker: crawling partitions of {redact(url)}", flush=True)
    asyncio.run(distributed.run_worker(url, options))
    return 0


def run_status(args: argparse.Namespace) -> int:
    from crawler import distributed

    url = database_url(load_settings(overrides_from(args)))
    distributed.prepare(url)
    print(distributed.status_table(asyncio.run(distributed.status(url))))
    return 0
