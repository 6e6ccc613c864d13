"""``epaper crawl | update | retry``: the three crawl modes, over the one ``epaper`` spider."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from crawler.cli.common import (
    add_database_option,
    add_set_option,
    add_wait_option,
    lock_wait,
    log_to_file,
    overrides_from,
)
from crawler.config import database_url, load_settings
from crawler.db.check import check_database, sqlite_problem
from crawler.db.engine import make_engine, redact
from crawler.db.lock import writer_lock
from crawler.db.runs import stored_papers
from crawler.errors import ConfigurationError, EpaperError
from crawler.params import ArgumentError, CrawlParams
from crawler.registry import load_registry
from crawler.runs import INTERRUPTED, RunRecorder, RunResult, summary_line

CRAWL_EPILOG = """\
examples:
  epaper crawl lzcb --since 2021-10-01 --until 2021-10-31
  epaper crawl lzcb rmrb                     the whole archive of two papers
  epaper crawl all --since 2024-01-01
  EPAPER_DATABASE_URL=postgresql+psycopg://me@db/epaper epaper crawl kjrb --since 2023-02-01

A run resumes by itself: issues already complete in the database are not fetched again.
"""

logger = logging.getLogger(__name__)

UPDATE_EPILOG = """\
examples:
  epaper update                 every paper the database holds, for a nightly cron job
  epaper update lzcb rmrb

For each paper: the newest stored issue again if it is partial or today's, then every
date after it up to today, and nothing else. Exit status 1 when the run failed loudly,
2 when the database holds no paper yet (start with `epaper crawl PAPER`).
"""

RETRY_EPILOG = """\
examples:
  epaper retry                  every partial issue of every paper the database holds
  epaper retry lzcb --since 2021-10-01
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    for mode, help_text, epilog in (
        ("crawl", "backfill a date range, or the whole archive", CRAWL_EPILOG),
        ("update", "the nightly run: only what is new since the last run", UPDATE_EPILOG),
        ("retry", "fetch again only partial issues and failed URLs", RETRY_EPILOG),
    ):
        parser = subparsers.add_parser(
            mode,
            help=help_text,
            description=help_text[0].upper() + help_text[1:] + ".",
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        parser.add_argument(
            "papers",
            nargs="+" if mode == "crawl" else "*",
            metavar="PAPER",
            help="registry slugs (lzcb, rmrb, ...) or all"
            + ("" if mode == "crawl" else "; default: the papers the database holds"),
        )
        if mode != "update":
            parser.add_argument("--since", metavar="YYYY-MM-DD", help="first date (inclusive)")
            parser.add_argument("--until", metavar="YYYY-MM-DD", help="last date (inclusive)")
        add_database_option(parser, scope="this run")
        parser.add_argument("--today", metavar="YYYY-MM-DD", help="EPAPER_TODAY for this run")
        parser.add_argument(
            "--base-url-override",
            metavar="TEMPLATE",
            help="EPAPER_BASE_URL_OVERRIDE, e.g. http://127.0.0.1:8000/{slug}/",
        )
        parser.add_argument("--profile", metavar="NAME", help="EPAPER_PROFILE (mock)")
        add_set_option(parser)
        add_wait_option(parser)
        parser.set_defaults(func=run, mode=mode)


def spider_arguments(args: argparse.Namespace, held: list[str] | None = None) -> dict[str, str]:
    """The spider arguments (``-a``) equivalent to the command line; ``held``: the papers
    the database holds, for ``update`` and ``retry`` without a paper."""
    spargs = {"paper": ",".join(args.papers or held or []), "mode": args.mode}
    for name in ("since", "until"):
        value = getattr(args, name, None)
        if value:
            spargs[name] = value
    return spargs


def run(args: argparse.Namespace) -> int:
    settings = load_settings(overrides_from(args))
    log_to_file(settings)
    for name in args.papers:
        if not name.strip():
            # `epaper crawl "$PAPER"` with PAPER unset must not mean every paper.
            msg = f"paper: {name!r} is not a paper name (an unset shell variable?)"
            raise ArgumentError(msg)
    # Validate before anything starts: a bad argument is one line, and nothing is fetched.
    today = settings.get("EPAPER_TODAY") or None
    if args.papers:
        CrawlParams.from_arguments({**spider_arguments(args), "today": today})
    url = database_url(settings)
    if not args.papers and not _may_exist(url):
        raise _nothing_held(url)  # before check_database would create the file
    problem = sqlite_problem(url)
    if problem:  # before the lock, whose file sits beside the database's
        msg = f"the database {redact(url)} {problem}"
        raise ConfigurationError(msg)
    # The lock first: two first runs on an empty archive must not both create the schema.
    with writer_lock(url, wait=lock_wait(args, settings)):
        check_database(url)
        held = None if args.papers else held_papers(url)
        spargs = spider_arguments(args, held)
        CrawlParams.from_arguments({**spargs, "today": today})
        result = crawl(settings, spargs)
    for slug in sorted(result.counters):
        print(summary_line(slug, result.counters[slug]))
    for failure in result.failures:
        print(f"epaper: error: {failure}", file=sys.stderr)
    if result.reason == INTERRUPTED:
        print(
            "epaper: error: the crawl was interrupted; its unfinished issues are stored "
            "partial: run the same command again to finish them",
            file=sys.stderr,
        )
    elif result.reason != "finished":
        print(f"epaper: error: the crawl ended early ({result.reason})", file=sys.stderr)
    return 0 if result.ok else 1


def held_papers(url: str) -> list[str]:
    """The papers ``update`` and ``retry`` mean when none is named: those the archive holds."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            held = stored_papers(conn)
    finally:
        engine.dispose()
    known = {paper.slug for paper in load_registry()}
    for slug in sorted(set(held) - known):
        logger.warning("%s: in the database but not in the registry: not updated", slug)
    held = [slug for slug in held if slug in known]
    if not held:
        raise _nothing_held(url)
    return held


def _nothing_held(url: str) -> ConfigurationError:
    return ConfigurationError(
        f"the database {redact(url)} holds no paper yet: start with "
        "`epaper crawl PAPER [--since YYYY-MM-DD]`"
    )


def _may_exist(url: str) -> bool:
    """False for a SQLite file that does not exist (an archive that holds nothing)."""
    parsed = make_url(url)
    database = parsed.database or ""
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return True
    return database.startswith("file:") or Path(database).exists()


def crawl(settings: Any, spargs: dict[str, str]) -> RunResult:
    """Run the ``epaper`` spider to the end in this process; returns the run's result."""
    from scrapy.crawler import CrawlerProcess

    from crawler.spiders.epaper import EpaperSpider

    # Scrapy installs its own root handler, at LOG_LEVEL: the command's basic handler
    # would print every warning twice, and ignore LOG_LEVEL.
    for handler in list(logging.root.handlers):
        logging.root.removeHandler(handler)
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(EpaperSpider)
    errors: list[BaseException] = []

    def failed(failure: Any) -> None:
        # Scrapy would log it with a traceback; one line is what the user sees.
        errors.append(failure.value)

    process.crawl(crawler, **spargs).addErrback(failed)
    process.start()
    if errors:
        error = errors[0]
        if isinstance(error, EpaperError):
            raise error
        msg = f"the crawl could not start: {type(error).__name__}: {error}"
        raise EpaperError(msg)
    for extension in crawler.extensions.middlewares if crawler.extensions else ():
        if isinstance(extension, RunRecorder):
            return extension.result
    return RunResult(reason="no run recorder")
