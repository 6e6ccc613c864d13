"""``epaper show-capture`` and ``epaper reparse``: archived bytes, and rows rebuilt from them."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from crawler.cli.common import (
    add_database_option,
    add_set_option,
    add_wait_option,
    lock_wait,
    overrides_from,
)
from crawler.config import database_url, load_settings
from crawler.db.captures import CAPTURE_COLUMNS, capture_of_row
from crawler.db.engine import make_engine
from crawler.db.lock import writer_lock
from crawler.errors import EpaperError
from crawler.params import parse_date, parse_papers
from crawler.registry import load_registry
from crawler.runs import summary_line
from crawler.warc import PayloadError, WarcError, decoded_payload, read_record, reason_phrase

SHOW_EPILOG = """\
examples:
  epaper show-capture 1234                     the article page that article 1234 came from
  epaper show-capture 56 --kind page --headers the page with its HTTP status and headers
  epaper show-capture 7 --kind pdf --out page.pdf
  epaper show-capture 90 --kind capture --raw  a captures row, content encoding kept

The bytes come from the WARC record the row's capture_id points at (a revisit is
followed to the record that holds the payload). The WARC folder is EPAPER_WARC_DIR.
The body is decoded (gzip, deflate, br) up to DOWNLOAD_MAXSIZE bytes, the crawl's cap.
"""

REPARSE_EPILOG = """\
examples:
  epaper reparse                               every paper and date in the archive
  epaper reparse lzcb --since 2021-10-01 --until 2021-10-31
  epaper reparse --warc-dir /mnt/archive/warc --database sqlite:///data/rebuilt.sqlite3

No network is used. Each crawl run in the WARC files is replayed in the order it ran,
through the same spider, extractors and cleaning as a crawl; rows whose text changes are
versioned as in a crawl. Every archived response is listed in captures first.
A damaged record or a file cut short is skipped with a warning naming file and offset,
and the exit status is then 1. SIGTERM or Ctrl-C stops it; run it again to finish.
"""

KINDS = (*CAPTURE_COLUMNS, "capture")


class CaptureNotFoundError(EpaperError):
    """The row does not exist, or has no capture."""


class UndecodableBodyError(EpaperError):
    """The archived body is not valid in its content encoding, or too large decoded."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    show = subparsers.add_parser(
        "show-capture",
        help="print or save the archived bytes a row was extracted from",
        description="Print or save the archived bytes a row was extracted from.",
        epilog=SHOW_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    show.add_argument("row_id", metavar="ID", type=int, help="the row's id (articles.id, ...)")
    show.add_argument(
        "--kind",
        choices=KINDS,
        default="article",
        help="the table of ID: article (default), page, issue, pdf (a page's PDF), image "
        "(article_images), or capture (captures)",
    )
    show.add_argument("--out", metavar="FILE", help="write the bytes to FILE instead of stdout")
    show.add_argument(
        "--headers", action="store_true", help="print the HTTP status line and headers first"
    )
    show.add_argument(
        "--raw", action="store_true", help="keep the content encoding (gzip, ...) as archived"
    )
    _common(show)
    show.set_defaults(func=run_show)

    parser = subparsers.add_parser(
        "reparse",
        help="rebuild the database rows from the WARC archive, offline",
        description="Rebuild the database rows from the WARC archive, without network.",
        epilog=REPARSE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "papers", nargs="*", metavar="PAPER", help="registry slugs or all; default: all"
    )
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="first issue date (inclusive)")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="last issue date (inclusive)")
    _common(parser)
    add_wait_option(parser)
    parser.set_defaults(func=run_reparse)


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warc-dir", metavar="DIR", help="EPAPER_WARC_DIR for this command")
    add_database_option(parser)
    add_set_option(parser)


def _settings(args: argparse.Namespace) -> Any:
    overrides = overrides_from(args)
    if args.warc_dir:
        overrides["EPAPER_WARC_DIR"] = args.warc_dir
    return load_settings(overrides)


def run_show(args: argparse.Namespace) -> int:
    settings = _settings(args)
    engine = make_engine(database_url(settings))
    try:
        with engine.connect() as conn:
            stored = capture_of_row(conn, args.kind, args.row_id)
    finally:
        engine.dispose()
    if stored is None:
        msg = (
            f"{args.kind} {args.row_id} has no capture (no such row, or it was stored while "
            "EPAPER_WARC_DIR was empty or its file was not downloaded)"
        )
        raise CaptureNotFoundError(msg)
    directory = Path(str(settings.get("EPAPER_WARC_DIR") or "."))
    try:
        record = read_record(directory, stored.warc_file, stored.warc_offset)
        payload = record.payload
        if (stored.payload_file, stored.payload_offset) != (stored.warc_file, stored.warc_offset):
            payload = read_record(directory, stored.payload_file, stored.payload_offset).payload
    except WarcError as exc:
        raise CaptureNotFoundError(str(exc)) from exc
    try:
        body = (
            payload
            if args.raw
            else decoded_payload(record, payload, settings.getint("DOWNLOAD_MAXSIZE"))
        )
    except PayloadError as exc:
        msg = f"{args.kind} {args.row_id} ({stored.url}): {exc}"
        raise UndecodableBodyError(msg) from None
    head = b""
    if args.headers:
        status = record.status or 0
        lines = [f"{record.protocol or 'HTTP/1.1'} {status} {reason_phrase(status)}".rstrip()]
        # A decoded body no longer has the encoding and length its headers announced.
        decoded = not args.raw and record.http_header("Content-Encoding")
        dropped = {"content-encoding", "content-length"} if decoded else set()
        lines += [f"{n}: {v}" for n, v in record.http_headers if n.lower() not in dropped]
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
    if args.out:
        Path(args.out).write_bytes(head + body)
        print(
            f"{args.out}: {len(body)} bytes of {stored.url} "
            f"(fetched {stored.fetched_at:%Y-%m-%d %H:%M:%S} UTC, {stored.warc_file} "
            f"offset {stored.warc_offset})",
            file=sys.stderr,
        )
    else:
        sys.stdout.buffer.write(head + body)
        sys.stdout.buffer.flush()
    return 0


def run_reparse(args: argparse.Namespace) -> int:
    from crawler.reparse import ReparseFilter, reparse

    settings = _settings(args)
    papers = None
    if args.papers:
        papers = frozenset(p.slug for p in parse_papers(args.papers, load_registry()))
    since = parse_date(args.since, "since") if args.since else None
    until = parse_date(args.until, "until") if args.until else None
    if since and until and since > until:
        raise EpaperError(f"since {since} is after until {until}")
    with writer_lock(database_url(settings), wait=lock_wait(args, settings)):
        result = reparse(settings, ReparseFilter(papers, since, until))
    print(f"{result.captures} archived responses listed in captures")
    for run in result.runs:
        for slug in sorted(run.counters):
            print(f"{run.label}: {summary_line(slug, run.counters[slug])}")
        if run.reason != "finished":
            print(
                f"epaper: error: replaying the {run.label} ended early ({run.reason})",
                file=sys.stderr,
            )
        if run.store_errors:
            print(f"epaper: error: {run.store_errors} items could not be stored", file=sys.stderr)
    if not result.runs:
        print("no archived issue matches; nothing to re-parse")
    if result.interrupted:
        print(
            f"epaper: error: interrupted by {result.interrupted}: the rows re-parsed so far are "
            "stored; run the same reparse again to finish",
            file=sys.stderr,
        )
    if result.unreadable:
        records = "record" if result.unreadable == 1 else "records"
        print(
            f"epaper: error: {result.unreadable} WARC {records} could not be read (damaged or "
            "cut short; the warnings above name each file and offset); everything else was "
            "re-parsed",
            file=sys.stderr,
        )
    return 0 if result.ok else 1
