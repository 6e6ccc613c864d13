"""``epaper papers``: the registry era by era, and what the database holds, read only."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from crawler.cli import main
from crawler.cli.papers import Holdings, rows
from crawler.db.store import ISSUES, PAPERS
from crawler.registry import load_registry, parse_registry

SLUGS = [p.slug for p in load_registry()]
ERAS = sum(len(p.eras) for p in load_registry())


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["papers", "--today", "2026-10-02", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_without_a_database_the_registry_is_listed_and_no_file_is_made(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "data" / "none.sqlite3"
    code, out, err = _run(["--database", f"sqlite:///{database}"], capsys)
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == "registry crawler/papers.toml: 8 papers; windows as of 2026-10-02"
    assert lines[1].split()[:4] == ["slug", "name", "era", "family"]
    table = lines[2 : lines.index("")]
    assert [line.split()[0] for line in table if line[:1].strip()] == SLUGS
    assert len(table) == ERAS
    rmrb_2 = lines[3].split()  # rmrb's second era: paper-wide columns left blank
    assert rmrb_2[:4] == ["2", "founder_pc", "2024-12-01", "http://paper.people.com.cn/rmrb/"]
    assert out.rstrip().endswith("no such file; nothing stored yet")
    assert not database.parent.exists()


def test_a_database_without_the_schema_is_reported_not_upgraded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "empty.sqlite3"
    sqlite3.connect(database).close()
    code, out, _ = _run(["--database", f"sqlite:///{database}"], capsys)
    assert code == 0
    assert out.rstrip().endswith("no archive schema; nothing stored")
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from sqlite_master").fetchone() == (0,)


def test_an_unreachable_database_is_one_line_and_the_registry_still_shows(
    capsys: pytest.CaptureFixture[str],
) -> None:
    url = "postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2"
    code, out, err = _run(["--database", url, "--format", "csv"], capsys)
    assert code == 0
    assert err.startswith("epaper: database postgresql+psycopg://postgres@127.0.0.1:1/none")
    assert "cannot be read" in err
    assert err.count("\n") == 1
    assert len(list(csv.DictReader(io.StringIO(out)))) == ERAS


def _store(engine: Engine) -> None:
    with engine.begin() as conn:
        ids = {}
        for slug, name in (("lzcb", "鲁中晨报"), ("oldpaper", "旧报")):
            ids[slug] = conn.execute(
                insert(PAPERS)
                .values(slug=slug, name=name, family="paperindex", home_url="http://e.invalid/")
                .returning(PAPERS.c.id)
            ).scalar_one()
        for slug, day, status in (
            ("lzcb", dt.date(2021, 10, 8), "complete"),
            ("lzcb", dt.date(2021, 10, 9), "missing"),
            ("lzcb", dt.date(2021, 10, 20), "partial"),
            ("oldpaper", dt.date(2019, 1, 2), "complete"),
        ):
            conn.execute(
                insert(ISSUES).values(
                    paper_id=ids[slug], date=day, url=f"http://e.invalid/{day}", status=status
                )
            )


def test_the_stored_papers_come_with_their_first_and_last_issue(
    engine: Engine, migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _store(engine)
    code, out, _ = _run(["--database", migrated_url, "--format", "csv"], capsys)
    assert code == 0
    table = list(csv.DictReader(io.StringIO(out)))
    assert len(table) == ERAS + 1
    lzcb = next(r for r in table if r["slug"] == "lzcb")
    assert (lzcb["stored_issues"], lzcb["stored_complete"]) == ("2", "1")  # "missing" is none
    assert (lzcb["stored_first"], lzcb["stored_last"]) == ("2021-10-08", "2021-10-20")
    assert lzcb["uncertain"] == "first_issue"
    assert lzcb["evidence"] == "2022-12-10"
    assert next(r for r in table if r["slug"] == "rmrb")["stored_issues"] == ""
    old = table[-1]
    assert (old["slug"], old["name"], old["family"]) == (
        "oldpaper",
        "旧报",
        "(not in the registry)",
    )
    assert old["stored_first"] == "2019-01-02"

    code, out, _ = _run(["--database", migrated_url], capsys)
    assert code == 0
    lzcb_line = next(line for line in out.splitlines() if line.startswith("lzcb "))
    assert lzcb_line.split()[-4:] == ["2", "1", "2021-10-08", "2021-10-20"]
    assert out.rstrip().endswith(": 2 papers stored")


def test_json_has_every_era_with_its_evidence_and_the_stored_issues(
    engine: Engine, migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _store(engine)
    code, out, _ = _run(["--database", migrated_url, "--format", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["registry"] == "crawler/papers.toml"
    assert data["today"] == "2026-10-02"
    assert data["database_note"] is None
    papers = {p["slug"]: p for p in data["papers"]}
    assert list(papers) == [*SLUGS, "oldpaper"]
    gmrb = papers["gmrb"]
    assert [(e["family"], e["start"], e["end"]) for e in gmrb["eras"]] == [
        ("peoples_daily", "2012-01-01", "2025-12-31"),
        ("founder_pc", "2026-01-01", None),
    ]
    assert gmrb["uncertain"] == ["first_issue"]
    assert gmrb["eras"][0]["uncertain"] == ["end"]
    assert gmrb["eras"][1]["evidence"][1]["date"] == "2026-09-06"
    assert gmrb["stored"] is None
    assert papers["lzcb"]["stored"]["last_issue"] == "2021-10-20"
    assert papers["oldpaper"] == {
        "slug": "oldpaper",
        "name": "旧报",
        "in_registry": False,
        "stored": {
            "issues": 1,
            "complete": 1,
            "articles": 0,
            "first_issue": "2019-01-02",
            "last_issue": "2019-01-02",
        },
    }


def test_rows_show_each_eras_host_window_and_gone_statuses() -> None:
    registry = parse_registry(
        """
        [papers.demo]
        name = "示例报"
        base_url = "http://new.example.invalid/"
        first_issue = 2020-01-01
        window = "2y"
        evidence = [{ source = "a test", date = "2026-10" }]

        [[papers.demo.eras]]
        family = "founder"
        base_url = "http://old.example.invalid/demo/"
        end = 2022-12-31
        gone_status = 403
        uncertain = true

        [[papers.demo.eras]]
        family = "founder_pc"
        soft_404 = { title = ["404"] }
        gone_status = [403, 410]
        evidence = [{ source = "a test", date = 2026-10-02 }]
        """
    )
    old, new = rows(registry, Holdings("sqlite://", {}), dt.date(2026, 10, 2))
    assert (old["base_url"], old["window"], old["first_kept"]) == (
        "http://old.example.invalid/demo/",
        "2y",
        "none",  # the window starts 2024-10-02, after the era's end
    )
    assert (old["gone"], old["evidence"], old["uncertain"]) == ("403", None, "all")
    assert (new["base_url"], new["first_kept"], new["gone"], new["evidence"]) == (
        "http://new.example.invalid/",
        "2024-10-02",
        "403, 410, soft-404",
        "2026-10-02",
    )
