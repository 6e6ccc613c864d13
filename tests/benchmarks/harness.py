"""The benchmark's parts: the archive, the mock site, the databases, and one measured variant."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sys
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from tests.benchmarks.measure import ProcessRun, run_measured

REPO_ROOT = Path(__file__).resolve().parents[2]
#: The throwaway PostgreSQL databases are created here (and dropped after each run).
POSTGRES_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
#: The mock site runs on one CPU, the measured process on the other.
SERVER_CPU = 0
CRAWLER_CPU = 1
#: The mock site's cache during a benchmark: room for every document of the largest archive
#: the suite prewarms (3 months of 4 papers: ~25,000 documents, ~250 MiB of bodies).
SITE_CACHE_ENTRIES = 100_000
SITE_CACHE_MB = 1024


@dataclass(frozen=True)
class Archive:
    """The part of the mock site a benchmark crawls: papers and an inclusive date range."""

    papers: tuple[str, ...]
    since: dt.date
    until: dt.date
    #: The site's (and the crawl's) today.
    today: dt.date = dt.date(2025, 3, 31)

    @property
    def days(self) -> int:
        """Days from ``since`` to the site's today: what the site must prewarm.

        >>> Archive(("lzcb",), dt.date(2025, 3, 1), dt.date(2025, 3, 31)).days
        31
        """
        return (self.today - self.since).days + 1

    def narrowed(self, days: int) -> Archive:
        """The same papers over the last ``days`` days of the range.

        >>> Archive(("lzcb",), dt.date(2025, 1, 1), dt.date(2025, 3, 31)).narrowed(3).since
        datetime.date(2025, 3, 29)
        """
        since = max(self.since, self.until - dt.timedelta(days=days - 1))
        return Archive(self.papers, since, self.until, self.today)

    def describe(self) -> str:
        return f"{'+'.join(self.papers)} {self.since}..{self.until}"


def code_version() -> str:
    """The commit measured (short hash), ``-dirty`` when crawler/ has uncommitted changes."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return ""
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("-dirty" if git("status", "--porcelain", "--", "crawler") else "")


def clean_env() -> dict[str, str]:
    """This environment without ``EPAPER_*`` variables: the command line says everything."""
    return {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}


@contextlib.contextmanager
def mocksite(
    archive: Archive, *, latency_ms: float = 0.0, prewarm: bool = True, cpu: int | None = None
) -> Iterator[Any]:
    """The mock site serving ``archive``'s papers, prewarmed so it answers from memory."""
    from mocksite.testing import run_mocksite

    with run_mocksite(
        today=archive.today,
        latency_ms=latency_ms or None,
        prewarm_days=archive.days if prewarm else None,
        site={"papers": ",".join(archive.papers)},
        # Room for every document of the archive: the site, not the crawler, would be
        # measured if evicted pages were rendered again during the runs.
        cache_entries=SITE_CACHE_ENTRIES,
        cache_mb=SITE_CACHE_MB,
        cpu=cpu,
        startup_timeout=3600,
    ) as site:
        if prewarm and "raise the cache size" in site.stderr_text():
            print(
                "warning: the mock site could not keep every prewarmed page in its cache",
                file=sys.stderr,
                flush=True,
            )
        yield site


def crawl_command(
    site: Any,
    archive: Archive,
    database_url: str,
    *,
    warc_dir: Path | None,
    mode: str = "crawl",
    today: dt.date | None = None,
    settings: Sequence[str] = (),
) -> list[str]:
    """``epaper crawl|update`` of ``archive`` against the mock site (the ``mock`` profile)."""
    command = [sys.executable, "-m", "crawler.cli", mode, *archive.papers]
    if mode != "update":
        command += ["--since", archive.since.isoformat(), "--until", archive.until.isoformat()]
    command += [
        "--database",
        database_url,
        "--base-url-override",
        site.base_url + "/{slug}/",
        "--profile",
        "mock",
        "--today",
        (today or archive.today).isoformat(),
        "-s",
        f"EPAPER_WARC_DIR={warc_dir or ''}",
    ]
    for setting in settings:
        command += ["-s", setting]
    return command


# --- databases ------------------------------------------------------------------------------


@dataclass
class Database:
    """A fresh archive database for one run; ``size()`` is its size on disk now."""

    url: str
    kind: str
    path: Path | None = None
    name: str | None = None
    admin_url: str | None = None
    empty_bytes: int = 0

    def size(self) -> int:
        if self.path is not None:
            return sum(
                p.stat().st_size for p in self.path.parent.glob(self.path.name + "*") if p.is_file()
            )
        return scalar(self.url, "SELECT pg_database_size(current_database())")

    def articles(self) -> int:
        """Rows in ``articles``."""
        return articles_in(self.url)


def scalar(url: str, sql: str) -> int:
    """The integer one SQL query gives, on a connection of its own to ``url``."""
    from sqlalchemy import text

    from crawler.db.engine import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql)).scalar_one())
    finally:
        engine.dispose()


def articles_in(url: str) -> int:
    """Rows in ``articles`` of the database at ``url``."""
    return scalar(url, "SELECT count(*) FROM articles")


@contextlib.contextmanager
def sqlite_database(folder: Path) -> Iterator[Database]:
    """A new SQLite file in ``folder``, removed afterwards."""
    path = folder / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
    try:
        yield Database(url=f"sqlite:///{path}", kind="sqlite", path=path)
    finally:
        for leftover in folder.glob(path.name + "*"):
            leftover.unlink()


@contextlib.contextmanager
def postgres_database(admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[Database]:
    """A new PostgreSQL database, dropped afterwards."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from crawler.db.engine import make_engine

    name = f"epaper_bench_{uuid.uuid4().hex[:10]}"
    admin = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        database = Database(url=url, kind="postgresql", name=name, admin_url=admin_url)
        database.empty_bytes = database.size()
        yield database
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def postgres_available(admin_url: str = POSTGRES_ADMIN_URL) -> bool:
    """Whether the benchmark's PostgreSQL server answers."""
    from sqlalchemy import text

    from crawler.db.engine import make_engine

    engine = make_engine(admin_url)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False
    finally:
        engine.dispose()
    return True


def folder_bytes(folder: Path) -> int:
    """Total size of the files below ``folder`` (0 when it does not exist).

    >>> folder_bytes(Path("/nonexistent-folder"))
    0
    """
    if not folder.exists():
        return 0
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


# --- one measured run -----------------------------------------------------------------------


@dataclass
class Measurement:
    """One run of one variant, with what it cost and what it stored."""

    variant: str
    latency_ms: float
    run: int
    articles: int
    wall_seconds: float
    cpu_seconds: float
    peak_rss_bytes: int
    requests: int
    db_bytes: int | None = None
    warc_bytes: int | None = None
    returncode: int = 0
    load: tuple[float, float, float] = (0.0, 0.0, 0.0)
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def articles_per_second(self) -> float:
        return self.articles / self.wall_seconds if self.wall_seconds else 0.0

    @property
    def cpu_per_1000(self) -> float:
        return 1000 * self.cpu_seconds / self.articles if self.articles else 0.0

    @property
    def requests_per_article(self) -> float:
        return self.requests / self.articles if self.articles else 0.0

    def to_jsonable(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            articles_per_second=round(self.articles_per_second, 2),
            cpu_per_1000=round(self.cpu_per_1000, 3),
            requests_per_article=round(self.requests_per_article, 4),
        )
        return data

    @classmethod
    def from_jsonable(cls, data: dict[str, Any]) -> Measurement:
        """The measurement :meth:`to_jsonable` wrote (derived figures are computed again)."""
        names = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in names}
        values["load"] = tuple(values.get("load", (0.0, 0.0, 0.0)))
        return cls(**values)


def measured(
    command: Sequence[str],
    log: Path,
    *,
    cpu: int | None = CRAWLER_CPU,
    interval: float = 0.25,
    checkout: Path = REPO_ROOT,
) -> ProcessRun:
    """Run a benchmark command pinned to the crawler's CPU, its output in ``log``.

    ``checkout`` is the folder it runs in, whose ``crawler`` package it imports (another
    checkout of the project runs that checkout's code).
    """
    env = clean_env()
    if checkout != REPO_ROOT:
        env["PYTHONPATH"] = str(checkout)
    return run_measured(command, cpu=cpu, env=env, cwd=checkout, log=log, interval=interval)


def last_json_line(log: Path) -> dict[str, Any]:
    """The last line of ``log`` that is a JSON object (what the bench scripts print)."""
    for line in reversed(log.read_text(errors="replace").splitlines()):
        if line.startswith("{"):
            with contextlib.suppress(ValueError):
                data: dict[str, Any] = json.loads(line)
                return data
    return {}


def fresh_folder(path: Path) -> Path:
    """``path`` as a new, empty folder."""
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path
