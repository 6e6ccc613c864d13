"""``epaper search``: full-text search of the archive's articles, as a table, CSV or JSON lines."""

from __future__ import annotations

import argparse
import csv
import json
import sys
from typing import Any, TextIO

from crawler.cli.common import add_database_option
from crawler.config import database_url, load_settings
from crawler.db import search as fts
from crawler.db.engine import make_engine, redact
from crawler.db.migrate import alembic_config, schema_state
from crawler.errors import SchemaError
from crawler.params import ArgumentError, parse_date

SEARCH_EPILOG = """\
examples:
  epaper search 市场监管
  epaper search '淄博 烧烤 -旅游' --paper lzcb --since 2023-03-01 --until 2023-05-31
  epaper search '"新冠，疫情" OR COVID-19' --limit 100 --format csv > hits.csv
  epaper search 科技 --page 01 --format jsonl

A term is found where it occurs as written, inside words too (as LIKE '%term%' finds it);
ASCII letters in any case. Terms separated by spaces must all occur; OR, NOT (or -term),
"quoted phrases" and parentheses as in docs/search.md.
"""

#: Output columns of csv and jsonl, in order.
COLUMNS = (
    "paper",
    "paper_name",
    "date",
    "page_number",
    "page_name",
    "title",
    "snippet",
    "url",
    "article_id",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "search",
        help="full-text search of the stored articles (Chinese or Latin, LIKE's recall)",
        description="Find the articles whose title or body contains the query, best first, "
        "with the hit marked «like this» in a snippet.",
        epilog=SEARCH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("query", metavar="QUERY", help="what to find (see docs/search.md)")
    parser.add_argument("--paper", metavar="P", help="only this paper (a registry slug)")
    parser.add_argument("--since", metavar="D", help="only issues of this date or later")
    parser.add_argument("--until", metavar="D", help="only issues of this date or earlier")
    parser.add_argument("--page", metavar="N", help="only this page number, as printed (01, A03)")
    parser.add_argument(
        "--limit", metavar="N", type=int, default=fts.DEFAULT_LIMIT,
        help=f"at most N articles (default {fts.DEFAULT_LIMIT}; 0: all)",
    )  # fmt: skip
    parser.add_argument(
        "--format", choices=("table", "csv", "jsonl"), default="table",
        help="table (default) for reading, csv or jsonl for tools",
    )  # fmt: skip
    add_database_option(parser)
    parser.set_defaults(func=run_search)


def run_search(args: argparse.Namespace) -> int:
    since = parse_date(args.since, "--since") if args.since else None
    until = parse_date(args.until, "--until") if args.until else None
    if since and until and since > until:
        msg = f"--since {since} is after --until {until}"
        raise ArgumentError(msg)
    if args.limit < 0:
        msg = f"--limit {args.limit}: give a number of articles, or 0 for all"
        raise ArgumentError(msg)
    fts.parse(args.query)  # a bad query is told before the database is opened
    url = str(args.database) if args.database else database_url(load_settings())
    engine = make_engine(url)
    try:
        state = schema_state(engine, alembic_config(url))
        if not state.is_current:
            msg = (
                f"the database {redact(url)} is at schema {state.current or 'empty'}, not "
                f"{state.head}: run `epaper db upgrade` to create the search index"
            )
            raise SchemaError(msg)
        filters: dict[str, Any] = {
            "paper": args.paper, "since": since, "until": until, "page": args.page,
        }  # fmt: skip
        with engine.connect() as conn:
            hits = fts.search(conn, args.query, limit=args.limit or None, **filters)
            total = (
                len(hits)
                if not args.limit or len(hits) < args.limit
                else fts.count(conn, args.query, **filters)
            )
    finally:
        engine.dispose()
    write(hits, args.format, sys.stdout, total=total)
    return 0


def _record(hit: fts.SearchHit) -> dict[str, Any]:
    return {
        "paper": hit.paper,
        "paper_name": hit.paper_name,
        "date": hit.date.isoformat(),
        "page_number": hit.page_number,
        "page_name": hit.page_name,
        "title": hit.title,
        "snippet": hit.snippet,
        "url": hit.url,
        "article_id": hit.article_id,
    }


def write(hits: list[fts.SearchHit], form: str, out: TextIO, *, total: int) -> None:
    """Print ``hits`` as ``form``; the table ends with how many articles matched in all."""
    if form == "csv":
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(_record(h) for h in hits)
        return
    if form == "jsonl":
        out.writelines(json.dumps(_record(hit), ensure_ascii=False) + "\n" for hit in hits)
        return
    for hit in hits:
        page = " ".join(p for p in (hit.page_number, hit.page_name) if p) or "-"
        out.write(f"{hit.paper}  {hit.date.isoformat()}  {page}  {hit.title}\n")
        out.write(f"    {hit.snippet}\n")
    shown = f"{len(hits)} shown, " if len(hits) < total else ""
    out.write(f"{shown}{total} article{'s' if total != 1 else ''} found\n")
