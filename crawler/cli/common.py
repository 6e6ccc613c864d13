"""Options the ``epaper`` commands share: the database, any other setting, and their overrides.

Declared once so every command words them alike and maps them to the same settings.
"""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from scrapy.settings import BaseSettings

from crawler import settings as defaults
from crawler.errors import ConfigurationError
from crawler.params import ArgumentError

#: Command-line options (``argparse`` dests) that set one setting each.
SETTING_OPTIONS = (
    ("database", "EPAPER_DATABASE_URL"),
    ("today", "EPAPER_TODAY"),
    ("base_url_override", "EPAPER_BASE_URL_OVERRIDE"),
    ("profile", "EPAPER_PROFILE"),
)


def add_database_option(parser: argparse.ArgumentParser, *, scope: str = "this command") -> None:
    """Add ``--database URL``: ``EPAPER_DATABASE_URL`` for ``scope`` (a command or a run)."""
    parser.add_argument(
        "--database",
        metavar="URL",
        help=f"database URL (EPAPER_DATABASE_URL) for {scope}; default: the environment's "
        f"EPAPER_DATABASE_URL, else {defaults.EPAPER_DATABASE_URL}",
    )


def add_set_option(parser: argparse.ArgumentParser) -> None:
    """Add ``-s/--set NAME=VALUE`` (repeatable): any setting, as ``scrapy crawl -s`` sets it."""
    parser.add_argument(
        "-s",
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other setting, as with scrapy crawl -s (EPAPER_FILES_DIR=..., ...); repeatable",
    )


def overrides_from(args: argparse.Namespace) -> dict[str, Any]:
    """Settings given on the command line: the options of ``SETTING_OPTIONS`` a command has,
    ``-v`` as ``LOG_LEVEL``, then ``-s NAME=VALUE`` (which wins over them).

    >>> overrides_from(argparse.Namespace(database="sqlite://", set=["EPAPER_TODAY=2025-03-31"]))
    {'EPAPER_DATABASE_URL': 'sqlite://', 'EPAPER_TODAY': '2025-03-31'}
    """
    overrides: dict[str, Any] = {}
    for option, name in SETTING_OPTIONS:
        value = getattr(args, option, None)
        if value:
            overrides[name] = value
    verbose = int(getattr(args, "verbose", 0) or 0)
    if verbose:
        overrides["LOG_LEVEL"] = "DEBUG" if verbose > 1 else "INFO"
    for item in args.set:
        name, sep, value = item.partition("=")
        if not sep:
            msg = f"-s {item!r}: expected NAME=VALUE"
            raise ArgumentError(msg)
        overrides[name.strip()] = value
    return overrides


def add_wait_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--wait``: queue behind a run that holds the archive (``EPAPER_LOCK_WAIT``)."""
    parser.add_argument(
        "--wait",
        action="store_true",
        help="when another run is writing to the archive, wait for it (EPAPER_LOCK_WAIT) "
        "instead of exiting at once with status 4",
    )


def lock_wait(args: argparse.Namespace, settings: Any) -> bool:
    """Whether this command waits for the archive's writer lock."""
    return bool(getattr(args, "wait", False)) or settings.getbool("EPAPER_LOCK_WAIT")


def log_to_file(settings: BaseSettings) -> None:
    """With Scrapy's ``LOG_FILE`` set (``-s LOG_FILE=logs/update.log``), send the command's
    log there from the start, not only the crawl's; its folder is made when missing.

    The summary still goes to standard output and errors to standard error, where cron
    mails them.
    """
    name = str(settings.get("LOG_FILE") or "")
    if not name:
        return
    path = Path(name)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding=settings.get("LOG_ENCODING") or "utf-8")
    except OSError as exc:
        msg = f"LOG_FILE={name!r}: cannot write there ({exc.strerror})"
        raise ConfigurationError(msg) from None
    handler.setFormatter(
        logging.Formatter(settings.get("LOG_FORMAT"), settings.get("LOG_DATEFORMAT"))
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        handler.setLevel(old.level)
        root.removeHandler(old)
    root.addHandler(handler)
