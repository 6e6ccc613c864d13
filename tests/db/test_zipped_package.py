"""The package imported from a zip file, as Scrapyd imports a deployed egg, still upgrades a
schema and reads its registry: both are package resources, unpacked where a folder is needed."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from alembic.script import ScriptDirectory

from crawler.db.migrate import alembic_config

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys
import crawler
from crawler.db.migrate import migrations_dir, upgrade
from crawler.registry import load_registry
print(crawler.__file__)
print(upgrade(sys.argv[1]).current, upgrade(sys.argv[1]).current)
print(len(list(load_registry())))
print(migrations_dir())
"""


def test_a_zipped_package_upgrades_a_database_and_reads_the_registry(tmp_path: Path) -> None:
    egg = tmp_path / "crawler.zip"
    with zipfile.ZipFile(egg, "w") as zf:
        for path in sorted((REPO / "crawler").rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(REPO).as_posix())
    database = tmp_path / "archive.sqlite3"
    env = {k: v for k, v in os.environ.items() if not k.startswith("EPAPER_")}
    env["PYTHONPATH"] = str(egg)  # ahead of this checkout's editable install
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite:///{database}"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    where, states, papers, unpacked = done.stdout.splitlines()
    assert where == f"{egg}/crawler/__init__.py"
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    assert states == f"None {head}"  # empty, then at the head the first call upgraded to
    assert int(papers) == 8
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert {"papers", "issues", "articles", "crawl_runs", "alembic_version"} <= tables
    # The unpacked copy of the migrations lives only as long as the process.
    assert not Path(unpacked).exists()
