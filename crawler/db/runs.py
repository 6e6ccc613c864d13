"""The ``crawl_runs`` rows: one per run, opened at start and closed with its outcome."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from sqlalchemy import Engine, Table, update

from crawler.db.engine import without_nul_in_json
from crawler.db.models import CrawlRun, utcnow

RUNS = cast(Table, CrawlRun.__table__)


def start_run(engine: Engine, mode: str, arguments: dict[str, Any]) -> int:
    """Insert a run that has started; returns its id."""
    with engine.begin() as conn:
        return int(
            conn.execute(
                RUNS.insert()
                .values(
                    mode=mode,
                    arguments=without_nul_in_json(arguments),
                    started_at=utcnow(),
                    stats={},
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
