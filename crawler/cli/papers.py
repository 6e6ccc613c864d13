"""``epaper papers``: the paper registry, era by era, and what the database holds of each."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from crawler.cli.common import add_database_option
from crawler.config import database_url, load_settings
from crawler.db.engine import make_engine, redact
from crawler.db.queries import PaperSummary, holds_archive, paper_summaries
from crawler.params import beijing_today, parse_date
from crawler.registry import Era, Paper, Registry, load_registry

PAPERS_EPILOG = """\
examples:
  epaper papers                          the registry, and what data/epaper.sqlite3 holds
  epaper papers --format csv > papers.csv
  epaper papers --format json --database postgresql+psycopg://postgres@127.0.0.1/epaper

One line per era: its family, dates and base URL, the site's window (with the oldest day
it keeps today), the statuses that mean "not kept" (gone; soft-404 when a 200 page can
mean it), the date of the newest evidence and the keys nobody has confirmed. "stored" is
what the database holds: issues published, complete, and the first and last of them.
A database that does not exist or has no schema yet is reported and left untouched.
"""

FORMATS = ("table", "csv", "json")

#: The columns of the table and of the CSV file, one row per era.
COLUMNS = (
    "slug",
    "name",
    "era",
    "family",
    "start",
    "end",
    "base_url",
    "window",
    "first_kept",
    "gone",
    "evidence",
    "uncertain",
    "stored_issues",
    "stored_complete",
    "stored_first",
    "stored_last",
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "papers",
        help="list the registry's papers and eras, and which papers the database holds",
        description="List the paper registry (crawler/papers.toml) era by era, and the "
        "first and last issue the database holds of each paper.",
        epilog=PAPERS_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--format", choices=FORMATS, default="table", help="default: table")
    add_database_option(parser)
    parser.add_argument(
        "--today",
        metavar="YYYY-MM-DD",
        help="the day windows are counted back from (EPAPER_TODAY; default: today in China)",
    )
    parser.set_defaults(func=run)


@dataclass(frozen=True, slots=True)
class Holdings:
    """What the database holds, by slug, or why nothing could be read."""

    url: str
    papers: dict[str, PaperSummary]
    note: str | None = None


def run(args: argparse.Namespace) -> int:
    settings = load_settings({"EPAPER_TODAY": args.today} if args.today else None)
    url = str(args.database) if args.database else database_url(settings)
    today_text = str(settings.get("EPAPER_TODAY") or "")
    today = parse_date(today_text, "EPAPER_TODAY") if today_text else beijing_today()
    registry = load_registry()
    holdings = read_holdings(url)
    if holdings.note and args.format != "table":
        print(f"epaper: {holdings.note}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(as_json(registry, holdings, today), ensure_ascii=False, indent=2))
    elif args.format == "csv":
        sys.stdout.write(as_csv(rows(registry, holdings, today)))
    else:
        print(f"registry {registry.source}: {len(registry)} papers; windows as of {today}")
        print(format_table(rows(registry, holdings, today)))
        print()
        if holdings.note:
            print(holdings.note)
        else:
            print(f"database {redact(url)}: {len(holdings.papers)} papers stored")
    return 0


def read_holdings(url: str) -> Holdings:
    """The per-paper summaries of the database at ``url``, read only.

    An absent SQLite file is not created, a database without the archive's tables is not
    upgraded, and one that cannot be reached is reported: the registry is still listed.
    """
    shown = redact(url)
    try:
        parsed = make_url(url)
    except ArgumentError:
        return Holdings(url, {}, f"database {shown}: not a database URL; nothing read")
    database = parsed.database or ""
    if (
        parsed.get_backend_name() == "sqlite"
        and database not in ("", ":memory:")
        and not database.startswith("file:")
        and not Path(database).is_file()
    ):
        return Holdings(url, {}, f"database {shown}: no such file; nothing stored yet")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            if not holds_archive(conn):
                return Holdings(url, {}, f"database {shown}: no archive schema; nothing stored")
            summaries = paper_summaries(conn)
    except SQLAlchemyError as exc:
        # A DBAPI error's own message, without SQLAlchemy's statement and help link.
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        return Holdings(url, {}, f"database {shown}: cannot be read ({reason}); nothing read")
    finally:
        engine.dispose()
    return Holdings(url, {s.slug: s for s in summaries})


def _uncertain(paper: Paper, era: Era) -> str:
    """The keys of ``era`` nobody has confirmed: "all", a list, or ""."""
    if paper.uncertain or era.uncertain:
        return "all"
    return ", ".join(dict.fromkeys((*paper.uncertain_fields, *era.uncertain_fields)))


def _first_kept(era: Era, today: dt.date) -> str | None:
    """The oldest day of ``era`` its site keeps on ``today``, "none", or None (no window)."""
    if era.window is None:
        return None
    kept = max(era.start, era.window.earliest(today))
    return "none" if era.end is not None and kept > era.end else kept.isoformat()


def _gone(era: Era) -> str:
    marks = [str(status) for status in era.gone_status]
    if era.soft_404:
        marks.append("soft-404")
    return ", ".join(marks)


def _stored(summary: PaperSummary | None) -> dict[str, Any]:
    if summary is None:
        return dict.fromkeys(("stored_issues", "stored_complete", "stored_first", "stored_last"))
    return {
        "stored_issues": summary.issues,
        "stored_complete": summary.complete,
        "stored_first": summary.first.isoformat() if summary.first else None,
        "stored_last": summary.last.isoformat() if summary.last else None,
    }


def rows(registry: Registry, holdings: Holdings, today: dt.date) -> list[dict[str, Any]]:
    """One row per era of every paper (stored counts on each), then one per stored paper
    that the registry no longer has."""
    found: list[dict[str, Any]] = []
    for paper in registry:
        stored = _stored(holdings.papers.get(paper.slug))
        for n, era in enumerate(paper.eras, start=1):
            kept = _first_kept(era, today)
            found.append(
                {
                    "slug": paper.slug,
                    "name": paper.name,
                    "era": n,
                    "family": era.family,
                    "start": era.start.isoformat(),
                    "end": era.end.isoformat() if era.end else None,
                    "base_url": paper.era_base_url(era),
                    "window": str(era.window) if era.window else None,
                    "first_kept": kept,
                    "gone": _gone(era) or None,
                    "evidence": max((e.date for e in era.evidence), default=None),
                    "uncertain": _uncertain(paper, era) or None,
                    **stored,
                }
            )
    for slug, summary in holdings.papers.items():
        if slug not in registry:
            found.append(
                {
                    **dict.fromkeys(COLUMNS),
                    "slug": slug,
                    "name": summary.name,
                    "family": "(not in the registry)",
                    **_stored(summary),
                }
            )
    return found


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def format_table(table: Sequence[dict[str, Any]]) -> str:
    """The rows as an aligned text table; a paper's later eras leave its columns blank.

    >>> print(format_table([{"slug": "lzcb", "name": "鲁中晨报", "era": 1}]))
    slug  name      era
    lzcb  鲁中晨报  1
    """
    columns = [c for c in COLUMNS if any(c in row for row in table)]
    headings = {"stored_issues": "issues", "stored_complete": "complete"}
    headings |= {"stored_first": "first stored", "stored_last": "last stored"}
    cells: list[list[str]] = [[headings.get(c, c) for c in columns]]
    previous = None
    for row in table:
        line = ["" if row.get(c) is None else str(row[c]) for c in columns]
        if row.get("slug") == previous:
            paper_wide = {"slug", "name", *headings}
            line = ["" if c in paper_wide else v for c, v in zip(columns, line, strict=True)]
        previous = row.get("slug")
        cells.append(line)
    widths = [max(_width(line[i]) for line in cells) for i in range(len(columns))]
    return "\n".join(
        "  ".join(v + " " * (w - _width(v)) for v, w in zip(line, widths, strict=True)).rstrip()
        for line in cells
    )


def as_csv(table: Sequence[dict[str, Any]]) -> str:
    """The rows as CSV with a header line, every column on every row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in table:
        writer.writerow({c: "" if row.get(c) is None else row[c] for c in COLUMNS})
    return out.getvalue()


def _era_json(paper: Paper, era: Era) -> dict[str, Any]:
    return {
        "family": era.family,
        "start": era.start.isoformat(),
        "end": era.end.isoformat() if era.end else None,
        "base_url": paper.era_base_url(era),
        "root": era.root,
        "entry": era.entry,
        "window": str(era.window) if era.window else None,
        "gone_status": list(era.gone_status),
        "soft_404": {
            "title": [p.pattern for p in era.soft_404.title],
            "text": [p.pattern for p in era.soft_404.text],
        },
        "evidence": [{"source": e.source, "date": e.date, "note": e.note} for e in era.evidence],
        "uncertain": era.uncertain or list(era.uncertain_fields),
    }


def as_json(registry: Registry, holdings: Holdings, today: dt.date) -> dict[str, Any]:
    """The registry and the holdings as one JSON document."""
    papers: list[dict[str, Any]] = []
    for paper in registry:
        kept = paper.first_kept(today)
        summary = holdings.papers.get(paper.slug)
        papers.append(
            {
                "slug": paper.slug,
                "name": paper.name,
                "in_registry": True,
                "base_url": paper.base_url,
                "first_issue": paper.first_issue.isoformat(),
                "last_issue": paper.last_issue.isoformat() if paper.last_issue else None,
                "first_kept": kept.isoformat() if kept else None,
                "encoding": paper.encoding,
                "evidence": [
                    {"source": e.source, "date": e.date, "note": e.note} for e in paper.evidence
                ],
                "uncertain": paper.uncertain or list(paper.uncertain_fields),
                "eras": [_era_json(paper, era) for era in paper.eras],
                "stored": _stored_json(summary),
            }
        )
    for slug, summary in holdings.papers.items():
        if slug not in registry:
            papers.append(
                {
                    "slug": slug,
                    "name": summary.name,
                    "in_registry": False,
                    "stored": _stored_json(summary),
                }
            )
    return {
        "registry": registry.source,
        "today": today.isoformat(),
        "database": redact(holdings.url),
        "database_note": holdings.note,
        "papers": papers,
    }


def _stored_json(summary: PaperSummary | None) -> dict[str, Any] | None:
    if summary is None:
        return None
    return {
        "issues": summary.issues,
        "complete": summary.complete,
        "articles": summary.articles,
        "first_issue": summary.first.isoformat() if summary.first else None,
        "last_issue": summary.last.isoformat() if summary.last else None,
    }
