"""The shipped Datasette metadata says what docs/ says, and the coverage renderings agree."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.coverage import group_by_paper, render_csv, render_html, render_text
from crawler.datasette import load_metadata, main, metadata_for, rebuilt
from crawler.db.analysis import DayCoverage

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_the_shipped_metadata_is_made_from_the_docs() -> None:
    assert load_metadata() == rebuilt(DOCS), "run: python -m crawler.datasette docs"


def test_the_metadata_hides_technical_tables_and_describes_the_views() -> None:
    tables = metadata_for("demo")["databases"]["demo"]["tables"]
    assert tables["captures"]["hidden"] and tables["alembic_version"]["hidden"]
    assert "one row per article" in tables["article_full"]["description"].lower()
    assert tables["issues"]["columns"]["none_reason"].startswith("for none")
    assert tables["articles"]["label_column"] == "title"


def _day(n: int, state: str, reason: str | None = None) -> DayCoverage:
    return DayCoverage("p", "报", dt.date(2025, 2, 1) + dt.timedelta(n), state, reason, 4, 4, 9, 0)


def test_renderings_show_each_day_once() -> None:
    days = [_day(0, "complete"), _day(1, "no issue", "calendar"), _day(2, "not crawled"),
            _day(3, "partial", "timeout ×1")]  # fmt: skip
    papers = group_by_paper(days)
    page = render_html(papers, generated=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    assert page.count('<td class="day ') == 4
    assert (
        'data-status="no issue" data-date="2025-02-02" title="2025-02-02: no issue (calendar)"'
        in page
    )
    assert "<script" not in page and "http" not in page  # self-contained
    text = render_text(papers)
    assert "  2025-02  #.?+" in text
    assert "2025-02-03 not crawled (1 day)" in text and "timeout ×1" in text
    assert render_csv(papers).splitlines()[2] == "p,2025-02-02,no issue,calendar,4,4,9,0"


def test_the_rebuild_command_refuses_a_folder_without_the_docs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (["--help"], [str(tmp_path)], []):
        assert main(argv) == 2
        (line,) = capsys.readouterr().err.splitlines()
        assert line.startswith("usage: python -m crawler.datasette DOCS_FOLDER")
