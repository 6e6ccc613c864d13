"""Workers over one PostgreSQL archive: (paper, date range) partitions on a Procrastinate queue.

Each partition is run by the normal ``epaper crawl PAPER --since --until`` in a child
process (a Twisted reactor cannot be restarted in one process), so completeness, "never
twice" and the database as the crawl's state are those of a single crawl. The queue lives
in the archive's own database (:mod:`crawler.db.queue`). All partitions of a paper share
one queue lock, so at most one worker crawls a paper at a time, whatever the number of
workers: the configured rate per site holds in total. A worker that dies stops sending
heartbeats; after ``EPAPER_WORKER_STALLED_SECONDS`` another worker puts its partition back
in the queue, and the crawl of it resumes from what the database holds.
"""

from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from crawler.db.queue import DistributedUnavailableError, conninfo, ensure_queue_schema
from crawler.params import CrawlParams

if TYPE_CHECKING:
    from procrastinate import App, JobContext

logger = logging.getLogger(__name__)

#: The queue task that crawls one partition.
TASK = "epaper.crawl_partition"

#: ``epaper crawl`` exit statuses: bad arguments or settings, bad schema, archive locked.
EXIT_USAGE, EXIT_SCHEMA, EXIT_LOCKED = 2, 3, 4

#: How ``epaper status`` names the queue's job states.
STATES = {
    "todo": "queued",
    "doing": "running",
    "succeeded": "done",
    "failed": "failed",
    "cancelled": "failed",
    "aborted": "failed",
    "aborting": "running",
}
COLUMNS = ("queued", "running", "done", "failed")


@dataclass(frozen=True, slots=True, order=True)
class Partition:
    """The unit of work: some consecutive days of one paper."""

    paper: str
    since: dt.date
    until: dt.date

    @property
    def lock(self) -> str:
        """The queue lock: one running partition per paper."""
        return f"epaper:paper:{self.paper}"

    @property
    def queueing_lock(self) -> str:
        """No partition twice in the queue at once."""
        return f"epaper:{self.paper}:{self.since}:{self.until}"

    def kwargs(self) -> dict[str, str]:
        return {"paper": self.paper, "since": str(self.since), "until": str(self.until)}


def partitions(params: CrawlParams, days: int) -> list[Partition]:
    """The partitions of a crawl's papers and dates, ``days`` days each (oldest first).

    >>> p = CrawlParams.from_arguments({"paper": "lzcb", "since": "2021-10-01",
    ...     "until": "2021-10-07"}, today=dt.date(2025, 1, 1))
    >>> [(x.since.day, x.until.day) for x in partitions(p, 3)]
    [(1, 3), (4, 6), (7, 7)]
    """
    if days < 1:
        msg = f"--days-per-partition must be at least 1, not {days}"
        raise DistributedUnavailableError(msg)
    found = []
    for paper in params.papers:
        start, end = params.range_for(paper)
        while start <= end:
            stop = min(start + dt.timedelta(days=days - 1), end)
            found.append(Partition(paper.slug, start, stop))
            start = stop + dt.timedelta(days=1)
    return found


def _require_library() -> None:
    try:
        import procrastinate  # noqa: F401
    except ModuleNotFoundError:
        msg = (
            "the multi-worker mode needs the distributed extra: "
            "pip install 'epaper-archive[distributed]'"
        )
        raise DistributedUnavailableError(msg) from None


class PartitionFailedError(Exception):
    """The crawl of a partition failed (exit status 1 or a signal): worth another try."""


class ArchiveBusyError(Exception):
    """Another writer holds the archive (exit status 4): try again later, without limit."""


class PartitionRefusedError(Exception):
    """The crawl refused its arguments, settings or schema: another try cannot help."""


def _retry_strategy(retries: int, wait: int) -> Any:
    from procrastinate import BaseRetryStrategy, RetryDecision
    from procrastinate.jobs import Job

    class PartitionRetry(BaseRetryStrategy):
        """A failed crawl is tried again ``retries`` times; a locked archive, always."""

        def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
            if isinstance(exception, ArchiveBusyError):
                return RetryDecision(retry_in={"seconds": wait})
            if isinstance(exception, PartitionFailedError) and job.attempts < retries:
                return RetryDecision(retry_in={"seconds": wait})
            return None

    return PartitionRetry()


def make_app(url: str, *, retries: int = 2, retry_wait: int = 5) -> App:
    """The queue on the archive at ``url``, with the partition task registered."""
    _require_library()
    from procrastinate import App, PsycopgConnector

    connector = PsycopgConnector(conninfo=conninfo(url), min_size=1, max_size=4)
    app = App(connector=connector)
    app.task(
        name=TASK,
        pass_context=True,
        retry=_retry_strategy(retries, retry_wait),
    )(crawl_partition)
    return app


def prepare(url: str) -> bool:
    """Check that ``url`` can hold workers and create the queue there if needed."""
    conninfo(url)  # SQLite: one line, before the library is even asked for
    _require_library()
    return ensure_queue_schema(url)


# --- the task -------------------------------------------------------------------------


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """In the crawl's child process: be killed when the worker dies (Linux), so that a
    killed worker leaves no crawl behind that would race the partition's next run."""
    parent = os.getppid()
    with suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # 1: PR_SET_PDEATHSIG
    if os.getppid() != parent:  # the worker died before the request was made
        os._exit(1)


def crawl_command(partition: Partition, options: Sequence[str]) -> list[str]:
    """The ``epaper crawl`` of one partition, with the worker's options.

    >>> crawl_command(Partition("lzcb", dt.date(2021, 10, 1), dt.date(2021, 10, 3)),
    ...     ["--database", "postgresql+psycopg://db/epaper"])[2:]
    ['crawler.cli', 'crawl', 'lzcb', '--since', '2021-10-01', '--until', '2021-10-03', \
'--database', 'postgresql+psycopg://db/epaper']
    """
    return [
        sys.executable, "-m", "crawler.cli", "crawl", partition.paper,
        "--since", str(partition.since), "--until", str(partition.until),
        *options,
    ]  # fmt: skip


async def crawl_partition(context: JobContext, paper: str, since: str, until: str) -> None:
    """Crawl one partition in a child process; raise what the queue should do about it."""
    partition = Partition(paper, dt.date.fromisoformat(since), dt.date.fromisoformat(until))
    options: list[str] = list(context.additional_context.get("crawl_options", ()))
    command = crawl_command(partition, options)
    logger.info("partition %s %s..%s: %s", paper, since, until, " ".join(command[2:]))
    process = await asyncio.create_subprocess_exec(
        *command,
        preexec_fn=_die_with_parent,
        stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        code = await process.wait()
    except asyncio.CancelledError:
        # The worker was told to stop at once: the crawl stops too (SIGINT: it stores
        # what it has), and the partition is retried elsewhere.
        with suppress(ProcessLookupError):
            process.send_signal(signal.SIGINT)
        await process.wait()
        raise
    described = f"epaper crawl {paper} --since {since} --until {until}"
    if code == 0:
        return
    if code == EXIT_LOCKED:
        raise ArchiveBusyError(f"{described}: the archive is locked by another writer")
    if code in (EXIT_USAGE, EXIT_SCHEMA):
        raise PartitionRefusedError(f"{described}: refused (exit status {code})")
    raise PartitionFailedError(f"{described}: failed (exit status {code})")


# --- enqueue, status, worker ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Enqueued:
    """What ``epaper enqueue`` did."""

    queued: int
    already: int


async def enqueue(url: str, work: Iterable[Partition]) -> Enqueued:
    """Put partitions in the queue; one already waiting there is not queued twice."""
    from procrastinate.exceptions import AlreadyEnqueued

    app = make_app(url)
    queued = already = 0
    async with app.open_async():
        task = app.tasks[TASK]
        for partition in work:
            deferrer = task.configure(lock=partition.lock, queueing_lock=partition.queueing_lock)
            try:
                await deferrer.defer_async(**partition.kwargs())
            except AlreadyEnqueued:
                already += 1
            else:
                queued += 1
    return Enqueued(queued, already)


def _latest(jobs: Iterable[Any]) -> Iterator[tuple[Partition, str]]:
    """Each partition's newest job, with its state as ``epaper status`` names it."""
    newest: dict[Partition, tuple[int, str]] = {}
    for job in jobs:
        args = job.task_kwargs
        key = Partition(
            str(args["paper"]),
            dt.date.fromisoformat(str(args["since"])),
            dt.date.fromisoformat(str(args["until"])),
        )
        ident = int(job.id or 0)
        if key not in newest or newest[key][0] < ident:
            newest[key] = (ident, STATES.get(str(job.status), "failed"))
    for key, (_, state) in newest.items():
        yield key, state


async def status(url: str) -> dict[str, Counter[str]]:
    """Partitions queued, running, done and failed, per paper."""
    app = make_app(url)
    async with app.open_async():
        jobs = await app.job_manager.list_jobs_async(task=TASK)
    counts: dict[str, Counter[str]] = {}
    for partition, state in _latest(jobs):
        counts.setdefault(partition.paper, Counter())[state] += 1
    return counts


def status_table(counts: dict[str, Counter[str]]) -> str:
    """The table ``epaper status`` prints.

    >>> print(status_table({"lzcb": Counter(done=3, running=1), "rmrb": Counter(queued=2)}))
    paper    queued  running     done   failed
    lzcb          0        1        3        0
    rmrb          2        0        0        0
    total         2        1        3        0
    """
    lines = [f"{'paper':<6}" + "".join(f"{c:>9}" for c in COLUMNS)]
    total: Counter[str] = Counter()
    for paper in sorted(counts):
        total.update(counts[paper])
        lines.append(f"{paper:<6}" + "".join(f"{counts[paper][c]:>9}" for c in COLUMNS))
    lines.append(f"{'total':<6}" + "".join(f"{total[c]:>9}" for c in COLUMNS))
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class WorkerOptions:
    """How ``epaper worker`` runs."""

    crawl_options: tuple[str, ...]
    concurrency: int = 1
    stalled_seconds: float = 30.0
    retries: int = 2
    drain: bool = False
    name: str | None = None


async def _recover_stalled(app: App, stalled_seconds: float) -> int:
    """Put back in the queue the partitions of workers that stopped sending heartbeats."""
    from procrastinate.exceptions import ConnectorException

    manager = app.job_manager
    stalled = list(
        await manager.get_stalled_jobs(task_name=TASK, seconds_since_heartbeat=stalled_seconds)
    )
    for job in stalled:
        logger.warning(
            "partition %s %s..%s: its worker is silent for %s s; queued again",
            job.task_kwargs.get("paper"),
            job.task_kwargs.get("since"),
            job.task_kwargs.get("until"),
            stalled_seconds,
        )
        with suppress(ConnectorException):  # another worker put it back first
            await manager.retry_job(job)
    await manager.prune_stalled_workers(stalled_seconds)
    return len(stalled)


async def _pending(app: App) -> int:
    manager = app.job_manager
    waiting = await manager.list_jobs_async(task=TASK, status="todo")
    running = await manager.list_jobs_async(task=TASK, status="doing")
    return len(list(waiting)) + len(list(running))


async def run_worker(url: str, options: WorkerOptions) -> None:
    """Take partitions from the queue and crawl them until stopped (or, with ``drain``,
    until no partition is queued or running)."""
    app = make_app(url, retries=options.retries)
    heartbeat = max(options.stalled_seconds / 4, 0.5)
    async with app.open_async():
        worker = asyncio.create_task(
            app.run_worker_async(
                concurrency=options.concurrency,
                name=options.name or f"epaper-{os.getpid()}",
                additional_context={"crawl_options": options.crawl_options},
                update_heartbeat_interval=heartbeat,
                stalled_worker_timeout=options.stalled_seconds,
                fetch_job_polling_interval=1.0,
                delete_jobs="never",
                install_signal_handlers=True,
            )
        )
        while not worker.done():
            await _recover_stalled(app, options.stalled_seconds)
            if options.drain and not await _pending(app):
                worker.cancel()
                break
            await asyncio.wait({worker}, timeout=heartbeat)
        with suppress(asyncio.CancelledError):
            await worker
