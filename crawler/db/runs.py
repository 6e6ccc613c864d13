"""The ``crawl_runs`` rows: one per run, opened at start and closed with its outcome."""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, func, select, update

from crawler.db.engine import without_nul_in_json
from crawler.db.models import CrawlRun, utcnow
from crawler.db.store import ISSUES, PAPERS

RUNS = cast(Table, CrawlRun.__table__)

#: ``finish_reason`` of a run whose process died without closing it (SIGKILL, OOM, power).
KILLED = "killed"


def this_host() -> str:
    """The name runs of this machine are recorded under."""
    return socket.gethostname()[:255]


def start_run(engine: Engine, mode: str, arguments: dict[str, Any]) -> int:
    """Insert a run that has started, with this process's id and host; returns its id."""
    with engine.begin() as conn:
        return int(
            conn.execute(
                RUNS.insert()
                .values(
                    mode=mode,
                    arguments=without_nul_in_json(arguments),
                    started_at=utcnow(),
                    stats={},
                    pid=os.getpid(),
                    host=this_host(),
                )
                .returning(RUNS.c.id)
            ).scalar_one()
        )


def finish_run(
    engine: Engine,
    run_id: int,
    reason: str,
    stats: dict[str, Any],
    finished_at: dt.datetime | None = None,
) -> None:
    """Record how a run ended and its per-paper counters."""
    with engine.begin() as conn:
        conn.execute(
            update(RUNS)
            .where(RUNS.c.id == run_id)
            .values(
                finished_at=finished_at or utcnow(),
                finish_reason=reason[:64],
                stats=without_nul_in_json(stats),
            )
        )


def process_running(pid: int, since: dt.datetime) -> bool:
    """Whether process ``pid`` of this host is alive and was started by ``since`` at the
    latest (a younger process has only reused the number of a dead one)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # alive, someone else's
    started = _process_start(pid)
    # Clock ticks round the start time; a minute of slack never confuses two processes.
    return started is None or started <= since + dt.timedelta(minutes=1)


def _process_start(pid: int) -> dt.datetime | None:
    """When ``pid`` started, from Linux's /proc; None where that cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
        system = Path("/proc/stat").read_text(encoding="ascii").splitlines()
        boot = next(int(line.split()[1]) for line in system if line.startswith("btime "))
        ticks = int(fields[19])  # field 22 of stat(5), counted after the command name
        return dt.datetime.fromtimestamp(boot + ticks / os.sysconf("SC_CLK_TCK"), dt.UTC)
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def close_dead_runs(
    engine: Engine, alive: Callable[[int, dt.datetime], bool] = process_running
) -> list[int]:
    """Mark ``killed`` every unfinished run of this host whose process is gone; their ids.

    Runs of other hosts are left open: from here, a live one cannot be told from a dead one.
    ``finished_at`` stays NULL: when the process died is not known.
    """
    host = this_host()
    with engine.begin() as conn:
        rows = conn.execute(
            select(RUNS.c.id, RUNS.c.pid, RUNS.c.started_at).where(
                RUNS.c.finish_reason.is_(None), RUNS.c.host == host, RUNS.c.pid.is_not(None)
            )
        ).all()
        dead = [
            row.id for row in rows if row.pid != os.getpid() and not alive(row.pid, row.started_at)
        ]
        if dead:
            conn.execute(update(RUNS).where(RUNS.c.id.in_(dead)).values(finish_reason=KILLED))
    return dead


def probe_writable(engine: Engine) -> None:
    """Raise the database's own error when it cannot be written (a read-only or immutable
    SQLite file, a read-only PostgreSQL role); writes nothing."""
    with engine.connect() as conn:
        conn.execute(update(RUNS).where(RUNS.c.id < 0).values(mode=RUNS.c.mode))
        conn.rollback()


def issue_counts_since(
    conn: Connection, papers: Iterable[str], since: dt.datetime
) -> dict[str, dict[str, int]]:
    """Issues of ``papers`` stored or updated since ``since``, by paper and status: what an
    interrupted run leaves, which its own counters (kept as issues finish) do not show."""
    query = (
        select(PAPERS.c.slug, ISSUES.c.status, func.count())
        .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
        .where(PAPERS.c.slug.in_(list(papers)), ISSUES.c.last_crawled_at >= since)
        .group_by(PAPERS.c.slug, ISSUES.c.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for slug, status, count in conn.execute(query):
        counts.setdefault(slug, {})[status] = int(count)
    return counts


def stored_papers(conn: Connection) -> list[str]:
    """Slugs of the papers the archive holds at least one issue of, sorted."""
    query = select(PAPERS.c.slug).where(
        select(ISSUES.c.id).where(ISSUES.c.paper_id == PAPERS.c.id).exists()
    )
    return sorted(conn.execute(query).scalars())
