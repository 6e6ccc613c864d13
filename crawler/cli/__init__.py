"""The ``epaper`` command: a thin layer over the library, one module per command group.

Each command module exposes ``register(subparsers)``, which adds its parser and sets
``func`` on it; ``func(args)`` returns the process exit code.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from sqlalchemy.exc import SQLAlchemyError

from crawler import __version__
from crawler.config import unknown_env_warnings
from crawler.errors import EpaperError

#: Command modules, in the order ``epaper --help`` lists them.
COMMAND_MODULES = (
    "crawler.cli.db",
    "crawler.cli.crawl",
    "crawler.cli.distributed",
    "crawler.cli.papers",
    "crawler.cli.probe",
    "crawler.cli.archive",
    "crawler.cli.search",
    "crawler.cli.eval",
    "crawler.cli.analysis",
)

EPILOG = """\
examples:
  epaper db upgrade                      create or upgrade the archive schema
  epaper db status                       show the schema version of the database
  epaper crawl lzcb --since 2021-10-01 --until 2021-10-31
  epaper papers                          the papers the crawler knows, and what is stored
  epaper coverage lzcb --format html --out coverage.html
  epaper search 市场监管 --paper lzcb     full-text search of the stored articles

The database is EPAPER_DATABASE_URL (default sqlite:///data/epaper.sqlite3).
Every setting and command is documented in docs/.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="epaper",
        description="Archive Chinese digital newspapers (数字报) into a relational database.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="more log output (-vv for debug)"
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:  # a real import error inside an existing module
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = (logging.WARNING, logging.INFO, logging.DEBUG)[min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.root.handlers:
        # Scrapy lowers the root logger's level when a crawl starts; ours keeps its own.
        handler.setLevel(level)
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 2
    for warning in unknown_env_warnings():
        print(f"epaper: warning: {warning}", file=sys.stderr)
    try:
        return int(func(args))
    except EpaperError as exc:
        print(f"epaper: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except SQLAlchemyError as exc:
        # A command that met the database before checking it; still one line, not a trace.
        from crawler.db.check import describe_database_error

        print(f"epaper: error: {describe_database_error(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("epaper: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
