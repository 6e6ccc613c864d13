"""Every bad input is one line on stderr (``epaper: error: ...``) and a documented exit code.

Each case runs ``python -m crawler.cli`` in a new process, as a user or a cron job would,
so nothing the command prints (Scrapy's start-up included) escapes the check. None of them
reaches a crawl: a case that wrongly did would fetch from a closed loopback port, fail,
and exit 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from crawler.db.engine import make_engine
from crawler.db.migrate import upgrade
from tests.conftest import postgres_admin_url
from tests.crawl.conftest import REPO, TODAY, crawl_env

#: A closed loopback port: a case that got as far as fetching fails there, never elsewhere.
DEAD_SITE = "http://127.0.0.1:9/{slug}/"


@dataclass
class Case:
    """A bad input: the command's arguments, extra environment, and the exit code."""

    args: list[str]
    code: int
    env: dict[str, str] = field(default_factory=dict)
    message: str = ""  # a phrase the error line must contain


def crawl(database: str, *extra: str) -> list[str]:
    return ["crawl", "lzcb", "--since", TODAY, "--until", TODAY, "--database", database, *extra]


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def migrated(tmp: Path, name: str = "archive.sqlite3") -> Path:
    path = tmp / name
    upgrade(sqlite_url(path))
    return path


def pg_url(**parts: str) -> str:
    admin = postgres_admin_url()
    if admin is None:
        pytest.skip("needs EPAPER_TEST_POSTGRES_URL (a PostgreSQL server to refuse us)")
    return make_url(admin).set(**parts).render_as_string(hide_password=False)  # type: ignore[arg-type]


def read_only(tmp: Path) -> Case:
    path = migrated(tmp)
    if os.geteuid() != 0:
        path.chmod(0o444)
        return Case(crawl(sqlite_url(path)), 2, message="is read-only")
    # Permission bits do not bind root; SQLite's read-only open is the same condition.
    return Case(crawl(f"sqlite:///file:{path}?mode=ro&uri=true"), 2, message="is read-only")


IMMUTABLE: list[Path] = []


def immutable(tmp: Path) -> Case:
    path = migrated(tmp)
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i is not possible here: {done.stderr.decode().strip()}")
    IMMUTABLE.append(path)
    return Case(crawl(sqlite_url(path)), 2, message="is read-only")


def folder(tmp: Path) -> Case:
    (tmp / "archive.sqlite3").mkdir()
    return Case(crawl(sqlite_url(tmp / "archive.sqlite3")), 2, message="is a folder")


def inside_a_file(tmp: Path) -> Case:
    (tmp / "data").write_text("not a folder")
    return Case(crawl(sqlite_url(tmp / "data" / "a.sqlite3")), 2, message="inside a file")


def truncated(tmp: Path) -> Case:
    path = migrated(tmp)
    with path.open("r+b") as f:
        f.truncate(path.stat().st_size // 2)
    return Case(crawl(sqlite_url(path)), 2, message="is truncated")


def not_sqlite(tmp: Path) -> Case:
    path = tmp / "archive.sqlite3"
    path.write_text("<html>an archive it is not</html>\n" * 20)
    return Case(crawl(sqlite_url(path)), 2, message="is not a SQLite database")


def newer_schema(tmp: Path) -> Case:
    path = migrated(tmp)
    engine = make_engine(sqlite_url(path))
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    return Case(crawl(sqlite_url(path)), 3, message="newer version")


def env_setting(name: str, value: str, message: str) -> Callable[[Path], Case]:
    def case(tmp: Path) -> Case:
        return Case(crawl(sqlite_url(tmp / "a.sqlite3")), 2, {name: value}, f"{name}=")

    return case


def args_case(code: int, message: str, *extra: str) -> Callable[[Path], Case]:
    def case(tmp: Path) -> Case:
        return Case(crawl(sqlite_url(tmp / "a.sqlite3"), *extra), code, message=message)

    return case


def database_case(url: str | Callable[[], str], message: str) -> Callable[[Path], Case]:
    def case(tmp: Path) -> Case:
        return Case(crawl(url if isinstance(url, str) else url()), 2, message=message)

    return case


def update_empty(tmp: Path) -> Case:
    return Case(
        ["update", "--database", sqlite_url(migrated(tmp))], 2, message="`epaper crawl PAPER"
    )


def update_no_file(tmp: Path) -> Case:
    return Case(["retry", "--database", sqlite_url(tmp / "none.sqlite3")], 2, message="holds no")


CASES: dict[str, Callable[[Path], Case]] = {
    "empty paper name": lambda tmp: Case(
        ["crawl", "", "--database", sqlite_url(tmp / "a.sqlite3")], 2, message="unset shell"
    ),
    "update, empty database": update_empty,
    "retry, no database file": update_no_file,
    "postgresql server unreachable": database_case(
        "postgresql+psycopg://postgres@127.0.0.1:1/postgres", "cannot connect"
    ),
    "postgresql database missing": database_case(
        lambda: pg_url(database="epaper_no_such_database"), "does not exist"
    ),
    "postgresql role missing": database_case(
        lambda: pg_url(username="epaper_no_such_role"), "does not exist"
    ),
    "sqlite read-only file": read_only,
    "sqlite immutable file": immutable,
    "sqlite folder": folder,
    "sqlite path inside a file": inside_a_file,
    "sqlite truncated file": truncated,
    "sqlite file of another kind": not_sqlite,
    "newer schema, crawl path": newer_schema,
    "not a URL": database_case("data/epaper.sqlite3", "not a database URL"),
    "a driver we do not ship": database_case("mysql://me@127.0.0.1/news", "does not ship"),
    "psycopg2 driver": database_case("postgresql://postgres@127.0.0.1/x", "does not ship"),
    "non-numeric integer setting": env_setting("EPAPER_STORE_BATCH_SIZE", "many", "number"),
    "non-numeric float setting": env_setting("EPAPER_RETRY_BACKOFF_MAX", "1m", "number"),
    "fractional integer setting": env_setting("EPAPER_WARC_MAX_BYTES", "1.5", "whole"),
    "not a boolean": env_setting("EPAPER_DOWNLOAD_PDFS", "sometimes", "boolean"),
    "failure ratio nan": env_setting("EPAPER_MAX_FAILURE_RATIO", "nan", "finite"),
    "failure ratio above 1": env_setting("EPAPER_MAX_FAILURE_RATIO", "5", "between 0 and 1"),
    "bad -s number": args_case(2, "DOWNLOAD_DELAY=", "-s", "DOWNLOAD_DELAY=slow"),
    "bad -s boolean": args_case(2, "ROBOTSTXT_OBEY=", "-s", "ROBOTSTXT_OBEY=perhaps"),
    "-s without a value": args_case(2, "expected NAME=VALUE", "-s", "LOG_LEVEL"),
    "-s JSON setting": args_case(2, "JSON object", "-s", "ITEM_PIPELINES=[1]"),
    "override without {slug} only": args_case(2, "{slug}", "--base-url-override", "{host}/"),
    "override not http": args_case(2, "http://", "--base-url-override", "ftp://127.0.0.1/{slug}/"),
    "override without scheme": args_case(
        2, "http://", "--base-url-override", "127.0.0.1:8000/{slug}/"
    ),
    "unknown profile": args_case(2, "unknown profile", "--profile", "fastest"),
    "bad EPAPER_TODAY": env_setting("EPAPER_TODAY", "31/03/2025", "YYYY-MM-DD"),
    "db upgrade, sqlite folder": lambda tmp: folder_for(tmp, ["db", "upgrade"]),
    "db status, server unreachable": lambda tmp: Case(
        ["db", "status", "--database", "postgresql+psycopg://postgres@127.0.0.1:1/postgres"],
        2,
        message="cannot connect",
    ),
}


def folder_for(tmp: Path, command: list[str]) -> Case:
    (tmp / "archive.sqlite3").mkdir()
    return Case([*command, "--database", sqlite_url(tmp / "archive.sqlite3")], 2, message="folder")


@pytest.fixture
def tmp(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path
    while IMMUTABLE:  # else pytest cannot remove it
        subprocess.run(["chattr", "-i", str(IMMUTABLE.pop())], check=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_input_is_one_line_and_its_exit_code(name: str, tmp: Path) -> None:
    case = CASES[name](tmp)
    crawling = case.args[0] in ("crawl", "update", "retry")
    if crawling and "--base-url-override" not in case.args:
        case.args += ["--base-url-override", DEAD_SITE]
    env = {**crawl_env(tmp / "warc"), **case.env}
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", *case.args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = done.stderr.splitlines()
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    assert len(lines) == 1, done.stderr[-3000:]
    assert lines[0].startswith("epaper: error: "), lines
    assert case.message in lines[0], lines
    assert done.returncode == case.code, (done.returncode, lines)


def test_a_mistyped_setting_is_named_with_the_closest_one(tmp_path: Path) -> None:
    env = {**crawl_env(tmp_path / "warc"), "EPAPER_DATABSE_URL": "sqlite:///elsewhere.sqlite3"}
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "db", "status", "--database",
         f"sqlite:///{tmp_path / 'a.sqlite3'}"],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.stderr.splitlines()[0] == (
        "epaper: warning: EPAPER_DATABSE_URL is not a setting and is ignored "
        "(did you mean EPAPER_DATABASE_URL?)"
    )
    assert done.returncode == 1  # an empty database: status says it needs an upgrade


def test_the_database_checks_leave_a_missing_file_uncreated(tmp_path: Path) -> None:
    # `update` with no paper on an archive that does not exist creates none.
    url = f"sqlite:///{tmp_path / 'none.sqlite3'}"
    done = subprocess.run(
        [sys.executable, "-m", "crawler.cli", "update", "--database", url],
        cwd=REPO, env=crawl_env(tmp_path / "warc"), capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 2
    assert not (tmp_path / "none.sqlite3").exists()
