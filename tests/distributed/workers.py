"""Running ``epaper enqueue`` and ``epaper worker`` processes against the mock site (tests and
tests/benchmarks/workers.py)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine, select

from crawler.db import models
from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import REPO, TODAY, crawl_env, epaper_command


def enqueue(
    url: str, papers: Sequence[str], since: str, until: str, days: int, today: str = TODAY
) -> subprocess.CompletedProcess[str]:
    """``epaper enqueue``: the partitions of ``papers`` from ``since`` to ``until``."""
    command = [
        sys.executable, "-m", "crawler.cli", "enqueue", *papers,
        "--since", since, "--until", until, "--days-per-partition", str(days),
        "--database", url, "--today", today,
    ]  # fmt: skip
    return subprocess.run(
        command, capture_output=True, text=True, check=False, cwd=REPO, timeout=120
    )


def start_worker(
    site: MockSiteProcess,
    url: str,
    log: Path,
    warc_dir: Path,
    *,
    drain: bool = True,
    concurrency: int = 1,
    stalled_seconds: float = 3,
    settings: Sequence[str] = (),
) -> subprocess.Popen[bytes]:
    """An ``epaper worker`` on the mock site, output to ``log``."""
    args = ["worker", "--concurrency", str(concurrency), *(["--drain"] if drain else [])]
    command = epaper_command(
        site,
        url,
        args,
        settings=[f"EPAPER_WORKER_STALLED_SECONDS={stalled_seconds}", *settings],
    )
    with log.open("wb") as out:
        return subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, env=crawl_env(warc_dir), cwd=REPO
        )


def status(url: str) -> str:
    """What ``epaper status`` prints."""
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "status", "--database", url],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
        timeout=60,
    )
    return done.stdout


def children(pid: int) -> set[int]:
    """The processes ``pid`` started (Linux), and theirs."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            text = (task / "children").read_text()
        except OSError:
            continue
        for child in map(int, text.split()):
            found |= {child, *children(child)}
    return found


def alive(pid: int) -> bool:
    """Whether the process ``pid`` still runs (a zombie does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def complete_issues(engine: Engine) -> set[tuple[str, str]]:
    """(paper, date) of the archive's complete issues."""
    P, I = models.Paper, models.Issue  # noqa: N806, E741
    with engine.connect() as conn:
        rows = conn.execute(
            select(P.slug, I.date).join(I, I.paper_id == P.id).where(I.status == "complete")
        ).all()
    return {(r.slug, r.date.isoformat()) for r in rows}


def issue_urls(engine: Engine, issues: set[tuple[str, str]]) -> set[str]:
    """Every URL stored for these issues: the issue's, its pages' and its articles'."""
    P, I, Pg, A = models.Paper, models.Issue, models.Page, models.Article  # noqa: N806, E741
    urls: set[str] = set()
    with engine.connect() as conn:
        for slug, day in issues:
            issue = conn.execute(
                select(I.id, I.url)
                .join(P, P.id == I.paper_id)
                .where(P.slug == slug, I.date == dt.date.fromisoformat(day))
            ).one()
            urls.add(issue.url)
            urls |= set(conn.execute(select(Pg.url).where(Pg.issue_id == issue.id)).scalars())
            urls |= set(
                conn.execute(
                    select(A.url).join(Pg, Pg.id == A.page_id).where(Pg.issue_id == issue.id)
                ).scalars()
            )
    return {u for u in urls if u}


def duplicate_rows(engine: Engine) -> int:
    """Articles stored more than once under one URL (0: each is one row)."""
    from sqlalchemy import func

    A = models.Article  # noqa: N806
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(A)).scalar_one()
        distinct = conn.execute(select(func.count(func.distinct(A.url)))).scalar_one()
    return int(total - distinct)
