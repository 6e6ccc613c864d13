"""The docs follow the code: every setting, command, table and column is documented."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from crawler.cli import build_parser
from crawler.config import setting_names
from crawler.db.models import Base

DOCS = Path(__file__).resolve().parents[1] / "docs"


def _all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


@pytest.mark.parametrize("name", setting_names())
def test_every_setting_is_documented_in_configuration(name: str) -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert f"`{name}`" in text, f"{name} is missing from docs/configuration.md"


def _commands(parser: argparse.ArgumentParser, prefix: str = "epaper") -> list[str]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found.append(f"{prefix} {name}")
                found.extend(_commands(sub, f"{prefix} {name}"))
    return found


@pytest.mark.parametrize("command", _commands(build_parser()))
def test_every_command_is_documented(command: str) -> None:
    assert re.search(rf"`{re.escape(command)}( |`)", _all_docs()), f"`{command}` is not in docs/"


@pytest.mark.parametrize(
    ("table", "column"),
    [(t.name, c.name) for t in Base.metadata.sorted_tables for c in t.columns],
)
def test_every_column_is_documented_in_the_data_model(table: str, column: str) -> None:
    text = (DOCS / "data-model.md").read_text(encoding="utf-8")
    section = text.split(f"## `{table}`", 1)
    assert len(section) == 2, f"table {table} has no section in docs/data-model.md"
    body = section[1].split("\n## ", 1)[0]
    assert f"`{column}`" in body, f"{table}.{column} is not documented"


def _views() -> list[tuple[str, str]]:
    """(view, column) of every view the migrations create, read from a new SQLite database."""
    import tempfile

    from sqlalchemy import inspect

    from crawler.db.engine import make_engine
    from crawler.db.migrate import upgrade

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/views.sqlite3"
        upgrade(url)
        engine = make_engine(url)
        try:
            inspector = inspect(engine)
            return [
                (view, column["name"])
                for view in sorted(inspector.get_view_names())
                for column in inspector.get_columns(view)
            ]
        finally:
            engine.dispose()


VIEW_COLUMNS = _views()


def test_the_migrations_create_the_analysts_views() -> None:
    assert {view for view, _ in VIEW_COLUMNS} == {"article_full", "stories", "issue_coverage"}


@pytest.mark.parametrize(("view", "column"), VIEW_COLUMNS)
def test_every_view_column_is_documented_in_the_data_model(view: str, column: str) -> None:
    text = (DOCS / "data-model.md").read_text(encoding="utf-8")
    section = text.split(f"## `{view}` (view)", 1)
    assert len(section) == 2, f"view {view} has no section in docs/data-model.md"
    body = section[1].split("\n## ", 1)[0]
    assert f"| `{column}` |" in body, f"{view}.{column} is not documented"


def _meta_keys() -> list[str]:
    from crawler import archive, files
    from crawler.spiders import epaper

    modules = (epaper, archive, files)
    return sorted({v for m in modules for k, v in vars(m).items() if k.startswith("META_")})


@pytest.mark.parametrize("key", _meta_keys())
def test_every_request_meta_key_is_documented(key: str) -> None:
    text = (DOCS / "crawling.md").read_text(encoding="utf-8")
    assert f"`{key}`" in text, f"Request.meta key {key} is missing from docs/crawling.md"


def test_the_meta_table_lists_no_key_the_code_does_not_set() -> None:
    text = (DOCS / "crawling.md").read_text(encoding="utf-8")
    table = text.split("## `Request.meta` keys", 1)[1].split("\n\n", 2)[2].split("\n\n", 1)[0]
    documented = set(re.findall(r"`(epaper_\w+)`", table))
    assert documented == set(_meta_keys())
