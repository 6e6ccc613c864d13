"""The archive in Datasette (``epaper serve``): shipped metadata, canned queries, and a plugin
that makes ``?_search=`` find Chinese.

``metadata.json`` holds the descriptions of every table, view and column (made from
docs/data-model.md by ``python -m crawler.datasette docs``, and checked
against it by the tests), label columns, the hidden technical tables, default facets and
the canned queries of docs/sql-cookbook.md (made from it the same way). Its one database
is called ``archive``; :func:`metadata_for` renames it to the served file's name.
``plugins/`` is passed to Datasette as ``--plugins-dir``.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
METADATA = HERE / "metadata.json"
PLUGINS_DIR = HERE / "plugins"
#: The name of the database in the shipped metadata.
DATABASE_KEY = "archive"


def load_metadata() -> dict[str, Any]:
    """The shipped metadata."""
    data: dict[str, Any] = json.loads(METADATA.read_text(encoding="utf-8"))
    return data


def metadata_for(database: str) -> dict[str, Any]:
    """The shipped metadata with its database named ``database`` (the file's stem)."""
    data = load_metadata()
    data["databases"] = {database: data["databases"][DATABASE_KEY]}
    return data


def _plain(markdown: str) -> str:
    """Markdown of a table cell as plain text.

    >>> _plain("→ `papers.id`: the *paper* [doc](x.md)")
    '→ papers.id: the paper doc'
    """
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    return re.sub(r"[`*]", "", text).strip()


def descriptions_from_docs(text: str) -> dict[str, dict[str, Any]]:
    """Per table or view of docs/data-model.md: its description and its columns'.

    >>> doc = "## `papers`\\n\\nOne row per paper.\\n\\n| column | meaning |\\n|---|---|\\n"
    >>> doc += "| `id` | key |\\n| `a`, `b` | both |\\n"
    >>> descriptions_from_docs(doc)["papers"]["description"]
    'One row per paper.'
    >>> descriptions_from_docs(doc)["papers"]["columns"]
    {'id': 'key', 'a': 'both', 'b': 'both'}
    """
    found: dict[str, dict[str, Any]] = {}
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        heading, _, body = section.partition("\n")
        match = re.match(r"`(\w+)`", heading)
        if match is None:
            continue
        paragraphs = [p.strip() for p in body.strip().split("\n\n")]
        description = next((p for p in paragraphs if p and not p.startswith("|")), "")
        columns: dict[str, str] = {}
        for line in body.splitlines():
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) < 2 or not cells[0].startswith("`"):
                continue
            meaning = _plain("|".join(cells[1:]))
            for name in re.findall(r"`(\w+)`", cells[0]):
                columns[name] = meaning
        found[match[1]] = {"description": _plain(" ".join(description.split())), "columns": columns}
    return found


@dataclass(frozen=True, slots=True)
class CookbookQuery:
    """A question of docs/sql-cookbook.md and its SQL on each backend."""

    name: str
    title: str
    description: str
    sqlite: str
    postgresql: str


def cookbook_queries(text: str) -> list[CookbookQuery]:
    """The questions of docs/sql-cookbook.md: each ``## title`` with a ``<!-- query: name -->``
    marker, a paragraph, then a ``-- SQLite`` and a ``-- PostgreSQL`` SQL block."""
    found = []
    for section in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        title, _, body = section.partition("\n")
        marker = re.search(r"<!-- query: (\w+) -->", body)
        if marker is None:
            continue
        pattern = r"```sql\n-- (SQLite|PostgreSQL)\n(.*?)```"
        blocks = {
            dialect.lower(): sql.strip() for dialect, sql in re.findall(pattern, body, re.DOTALL)
        }
        prose = body[marker.end() :].split("```", 1)[0]
        found.append(
            CookbookQuery(
                name=marker[1],
                title=title.strip(),
                description=_plain(" ".join(prose.split())),
                sqlite=blocks["sqlite"],
                postgresql=blocks["postgresql"],
            )
        )
    return found


def with_queries(metadata: dict[str, Any], cookbook: str) -> dict[str, Any]:
    """``metadata`` with the cookbook's questions as canned queries (their SQLite SQL)."""
    metadata["databases"][DATABASE_KEY]["queries"] = {
        q.name: {"title": q.title, "description": q.description, "sql": q.sqlite}
        for q in cookbook_queries(cookbook)
    }
    return metadata


def with_descriptions(metadata: dict[str, Any], docs: str) -> dict[str, Any]:
    """``metadata`` with every table's description and columns taken from ``docs``."""
    tables = metadata["databases"][DATABASE_KEY].setdefault("tables", {})
    for name, described in descriptions_from_docs(docs).items():
        entry = tables.setdefault(name, {})
        entry["description"] = described["description"]
        entry["columns"] = described["columns"]
    return metadata


def rebuilt(docs: Path) -> dict[str, Any]:
    """The shipped metadata with its descriptions and queries made anew from ``docs/``."""
    metadata = with_descriptions(load_metadata(), (docs / "data-model.md").read_text("utf-8"))
    return with_queries(metadata, (docs / "sql-cookbook.md").read_text("utf-8"))


def main(argv: list[str]) -> int:
    """``python -m crawler.datasette docs``: refresh the descriptions and canned queries."""
    docs = Path(argv[0]) if len(argv) == 1 else None
    if docs is None or not (docs / "data-model.md").is_file():
        print(
            "usage: python -m crawler.datasette DOCS_FOLDER "
            "(the folder holding data-model.md and sql-cookbook.md)",
            file=sys.stderr,
        )
        return 2
    updated = rebuilt(docs)
    METADATA.write_text(json.dumps(updated, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0
