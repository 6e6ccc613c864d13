"""Datasette plugin: ``?_search=`` on ``articles``, ``article_full`` and ``stories`` finds
Chinese the way ``epaper search`` does.

Datasette hands ``_search`` to an FTS table's ``MATCH`` as one escaped token, and no
tokenizer cuts Chinese into words, so it finds nothing (or is ignored where it sees no FTS
table). This hook turns the query into the archive's own search: the full-text index of
``crawler.db.search`` (``article_search``, each character a token, the query as phrases)
when the database has it, else a substring test on the title and body, which finds the
same articles, only more slowly.
"""

from __future__ import annotations

import importlib
from typing import Any

from datasette import hookimpl
from datasette.filters import FilterArguments
from datasette.utils.asgi import BadRequest

#: The searchable tables and views, and the column that holds an article's id.
SEARCHABLE = {"articles": "id", "article_full": "article_id", "stories": "story_id"}


def _index_clause(query: str) -> tuple[str, dict[str, str]] | None:
    """The FTS clause of ``query`` on the archive's index, or None without the module."""
    try:
        search = importlib.import_module("crawler.db.search")
    except ImportError:
        return None
    match = getattr(search, "fts_query", None)
    if match is None:
        return None
    try:
        expression = match(query)
    except Exception as exc:  # noqa: BLE001 - the module's query error, shown as a 400
        raise BadRequest(f"search: {exc}") from None
    sql = "SELECT rowid FROM article_search WHERE article_search MATCH :epaper_search"
    return sql, {"epaper_search": expression}


async def _has_index(datasette: Any, database: str) -> bool:
    db = datasette.get_database(database)
    names = await db.table_names()
    return "article_search" in names


def _substring_clause(query: str) -> tuple[str, dict[str, str]]:
    sql = (
        "SELECT id FROM articles WHERE instr(title, :epaper_search) > 0 "
        "OR instr(body, :epaper_search) > 0"
    )
    return sql, {"epaper_search": query}


@hookimpl  # type: ignore[untyped-decorator]
def filters_from_request(request: Any, database: str, table: str, datasette: Any) -> Any:
    key = SEARCHABLE.get(table)
    query = (request.args.get("_search") or "").strip()
    if key is None or not query:
        return None

    async def inner() -> FilterArguments:
        found = _index_clause(query) if await _has_index(datasette, database) else None
        matching, params = found or _substring_clause(query)
        if table == "stories":
            # A story matches when any of its parts does.
            # Constant SQL: the query travels as the :epaper_search parameter.
            clause = (
                f"story_id IN ({matching}) OR story_id IN (SELECT story_id FROM article_links "  # noqa: S608
                f"WHERE target_id IN ({matching}))"
            )
        else:
            clause = f"{key} IN ({matching})"
        return FilterArguments(
            [clause],
            params=params,
            human_descriptions=[f'search matches "{query}"'],
            extra_context={"search": query},
        )

    return inner
