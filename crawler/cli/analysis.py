"""``epaper coverage``, ``epaper export`` and ``epaper serve``: the archive for analysts."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from crawler.cli.common import add_database_option
from crawler.config import database_url, load_settings
from crawler.coverage import group_by_paper, render_csv, render_html, render_text
from crawler.db.analysis import ArticleFilter, article_records, coverage_days, open_archive
from crawler.db.analysis import recent_runs as load_runs
from crawler.errors import ConfigurationError
from crawler.export import FORMATS, write_csv, write_jsonl, write_parquet

COVERAGE_EPILOG = """\
examples:
  epaper coverage                          every paper, as a text calendar
  epaper coverage kjrb --format html --out coverage.html
  epaper coverage --format csv > coverage.csv
"""

EXPORT_EPILOG = """\
examples:
  epaper export --format csv --out articles.csv
  epaper export --format jsonl --paper lzcb --since 2021-10-01 --until 2021-10-31
  epaper export --format parquet --out articles.parquet   (needs the export extra: pyarrow)
"""

SERVE_EPILOG = """\
examples:
  epaper serve                              the archive at http://127.0.0.1:8001/
  epaper serve --database sqlite:///data/demo.sqlite3 --port 8080
(needs the datasette extra: pip install 'epaper-archive[datasette]'; SQLite archives only)
"""


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not a date (YYYY-MM-DD): {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    coverage = subparsers.add_parser(
        "coverage",
        help="what the archive holds of each paper, day by day",
        description="Per paper, a calendar month by month (a cell per day: complete, partial, "
        "missing, no issue, not crawled), the gaps, and the last runs.",
        epilog=COVERAGE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    coverage.add_argument("paper", nargs="?", help="one paper's slug (default: every paper)")
    coverage.add_argument("--format", choices=("text", "html", "csv"), default="text")
    coverage.add_argument("--out", type=Path, help="write to this file instead of stdout")
    coverage.add_argument(
        "--runs", type=int, default=5, metavar="N", help="last runs listed per paper (5)"
    )
    add_database_option(coverage)
    coverage.set_defaults(func=run_coverage)

    export = subparsers.add_parser(
        "export",
        help="one flat record per article (article_full) as CSV, JSON Lines or Parquet",
        description="Write every article (or those of a paper and dates) as one flat record "
        "with the columns of the article_full view, streamed.",
        epilog=EXPORT_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--format", choices=FORMATS, required=True)
    export.add_argument("--paper", help="only this paper (a slug)")
    export.add_argument("--since", type=_day, help="from this date (YYYY-MM-DD)")
    export.add_argument("--until", type=_day, help="up to this date, inclusive")
    export.add_argument(
        "--out", type=Path, help="the file to write (default stdout; required for parquet)"
    )
    add_database_option(export)
    export.set_defaults(func=run_export)

    serve = subparsers.add_parser(
        "serve",
        help="browse the archive in Datasette, read-only, on 127.0.0.1",
        description="Open the archive read-only in Datasette on 127.0.0.1, with the shipped "
        "descriptions, canned queries of docs/sql-cookbook.md, and Chinese ?_search=.",
        epilog=SERVE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (8001)")
    add_database_option(serve)
    serve.set_defaults(func=run_serve)


def _url(args: argparse.Namespace) -> str:
    return str(args.database) if args.database else database_url(load_settings())


@contextlib.contextmanager
def _output(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        return
    with path.open("w", encoding="utf-8", newline="") as out:
        yield out


def run_coverage(args: argparse.Namespace) -> int:
    engine = open_archive(_url(args))
    try:
        with engine.connect() as conn:
            days = coverage_days(conn, args.paper)
            slugs = list(dict.fromkeys(day.paper for day in days))
            runs = {slug: load_runs(conn, slug, args.runs) for slug in slugs}
    finally:
        engine.dispose()
    if args.paper and not days:
        msg = f"the archive holds nothing of {args.paper!r} (epaper crawl {args.paper} first)"
        raise ConfigurationError(msg)
    papers = group_by_paper(days, runs)
    render = {"text": render_text, "csv": render_csv, "html": render_html}[args.format]
    with _output(args.out) as out:
        out.write(render(papers))
    if args.out is not None:
        print(f"coverage of {len(papers)} papers written to {args.out.resolve()}", file=sys.stderr)
    return 0


def run_export(args: argparse.Namespace) -> int:
    if args.format == "parquet" and args.out is None:
        msg = "--format parquet needs --out FILE (Parquet is not written to a terminal)"
        raise ConfigurationError(msg)
    if args.since and args.until and args.since > args.until:
        msg = f"--since {args.since} is after --until {args.until}"
        raise ConfigurationError(msg)
    where = ArticleFilter(paper=args.paper, since=args.since, until=args.until)
    engine = open_archive(_url(args))
    try:
        with engine.connect() as conn:
            records = article_records(conn, where)
            if args.format == "parquet":
                count = write_parquet(records, str(args.out))
            else:
                write = write_csv if args.format == "csv" else write_jsonl
                try:
                    with _output(args.out) as out:
                        count = write(records, out)
                except BrokenPipeError:
                    # `epaper export ... | head`: the reader has what it wanted.
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, sys.stdout.fileno())
                    return 0
    finally:
        engine.dispose()
    if args.out is not None:
        print(f"{count} articles written to {args.out}", file=sys.stderr)
    return 0


def datasette_command(path: Path, metadata: Path, port: int) -> list[str]:
    """The ``datasette serve`` command line of ``epaper serve``."""
    from crawler.datasette import PLUGINS_DIR

    return [
        sys.executable, "-m", "datasette", "serve", str(path),
        "--host", "127.0.0.1",
        "--port", str(port),
        "--metadata", str(metadata),
        "--plugins-dir", str(PLUGINS_DIR),
        # Bodies of thousands of characters would fill a page of rows: shown cut in lists.
        "--setting", "truncate_cells_html", "120",
        "--setting", "default_page_size", "50",
        "--setting", "facet_time_limit_ms", "1000",
    ]  # fmt: skip


def run_serve(args: argparse.Namespace) -> int:
    url = make_url(_url(args))
    if url.get_backend_name() != "sqlite" or not url.database:
        msg = "Datasette reads SQLite archives only: export a PostgreSQL one (epaper export)"
        raise ConfigurationError(msg)
    open_archive(url.render_as_string(hide_password=False)).dispose()  # exists, current schema
    try:
        import datasette  # noqa: F401
    except ImportError:
        msg = "epaper serve needs Datasette: pip install 'epaper-archive[datasette]'"
        raise ConfigurationError(msg) from None
    from crawler.datasette import metadata_for

    path = Path(url.database)
    with tempfile.TemporaryDirectory(prefix="epaper-serve-") as folder:
        metadata = Path(folder) / "metadata.json"
        metadata.write_text(json.dumps(metadata_for(path.stem), ensure_ascii=False), "utf-8")
        print(f"serving {path} read-only at http://127.0.0.1:{args.port}/", file=sys.stderr)
        server = subprocess.Popen(datasette_command(path, metadata, args.port))  # noqa: S603

        def forward(signum: int, _frame: object) -> None:
            # `kill` or systemd stops epaper serve: Datasette must not outlive it.
            server.send_signal(signum)

        previous = signal.signal(signal.SIGTERM, forward)
        try:
            return server.wait()
        except KeyboardInterrupt:
            server.terminate()
            server.wait()
            return 0
        finally:
            signal.signal(signal.SIGTERM, previous)
