"""A built wheel, installed into a fresh virtual environment, upgrades a schema and reads its
registry: the migrations and ``papers.toml`` ship inside the package, not beside a checkout."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _run(argv: list[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(cwd), "PIP_NO_INDEX": "1"},
    )
    assert done.returncode == 0, (argv, done.stdout, done.stderr)
    return done


@pytest.mark.slow
def test_an_installed_wheel_upgrades_a_database_and_lists_the_papers(tmp_path: Path) -> None:
    # Build from a copy of the sources, so the checkout gets no build/ or egg-info.
    source = tmp_path / "src"
    for package in ("crawler", "mocksite"):
        shutil.copytree(
            REPO / package, source / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    wheels = tmp_path / "wheels"
    build = ["wheel", "--no-deps", "--no-build-isolation", "-w", wheels, source]
    _run([sys.executable, "-m", "pip", *build], tmp_path)
    (wheel,) = wheels.glob("epaper_archive-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "crawler/papers.toml" in names
    assert "crawler/migrations/env.py" in names
    assert "crawler/migrations/script.py.mako" in names
    assert "crawler/migrations/versions/0001_initial_schema.py" in names
    # The mock site is a development tool of the checkout: the package carries no test server.
    assert not [n for n in names if n.startswith(("mocksite/", "crawler/mocksite/"))]

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", venv], tmp_path)
    python = venv / "bin" / "python"
    _run(
        [python, "-m", "pip", "install", "--no-deps", "--disable-pip-version-check", wheel],
        tmp_path,
    )
    # The dependencies (Scrapy, SQLAlchemy, Alembic...) come from this environment, appended
    # after the new one's own site-packages; its .pth files (this checkout's editable
    # install) are not run, so `crawler` can only come from the wheel.
    purelib = "import sysconfig; print(sysconfig.get_path('purelib'))"
    site = Path(_run([python, "-c", purelib], tmp_path).stdout.strip())
    (site / "deps-of-the-test.pth").write_text(sysconfig.get_path("purelib") + "\n")
    where = _run([python, "-c", "import crawler; print(crawler.__file__)"], tmp_path).stdout
    assert Path(where.strip()).is_relative_to(site)

    work = tmp_path / "elsewhere"  # no checkout around: no migrations/ folder to find
    work.mkdir()
    database = work / "archive.sqlite3"
    epaper = venv / "bin" / "epaper"
    upgraded = _run([epaper, "db", "upgrade", "--database", f"sqlite:///{database}"], work)
    assert "schema upgraded from empty to" in upgraded.stdout
    with sqlite3.connect(database) as conn:
        tables = {row[0] for row in conn.execute("select name from sqlite_master")}
    assert {"papers", "issues", "articles", "alembic_version"} <= tables

    listed = _run([epaper, "papers", "--database", f"sqlite:///{database}"], work).stdout
    assert listed.startswith("registry crawler/papers.toml: 8 papers")
    assert any(line.startswith("rmrb ") for line in listed.splitlines())
    assert listed.rstrip().endswith(": 0 papers stored")

    # What needs the mock site says so in one line instead of a traceback.
    evaluated = subprocess.run(
        [epaper, "eval", "--papers", "lzcb"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(work)},
    )
    assert evaluated.returncode == 2, evaluated.stderr
    expected = (
        "epaper: error: epaper eval needs the mock site (mocksite/), which only a checkout of "
        "the repository has: run it there after `make install`"
    )
    assert evaluated.stderr.strip().splitlines() == [expected]
