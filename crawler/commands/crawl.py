"""``scrapy crawl``, with the settings ``epaper crawl`` uses and its exit status.

Scrapy applies add-ons only after it has built the spider, so ``EPAPER_*`` environment
variables applied by one came too late for the spider (its base URL override among them).
This command applies them, with the profile, and checks every setting and the database
before Scrapy builds anything; a run that failed loudly exits with status 1.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from scrapy.commands.crawl import Command as ScrapyCrawlCommand

from crawler.config import configure, database_url, unknown_env_warnings
from crawler.db.check import check_database, sqlite_problem
from crawler.db.engine import redact
from crawler.db.lock import acquire, release
from crawler.errors import ConfigurationError, EpaperError
from crawler.runs import RunRecorder, RunResult

if TYPE_CHECKING:
    import argparse

    from scrapy import Spider
    from scrapy.crawler import Crawler


class Command(ScrapyCrawlCommand):
    crawler: Crawler | None = None

    def process_options(self, args: list[str], opts: argparse.Namespace) -> None:
        try:
            super().process_options(args, opts)
        except (TypeError, ValueError, AttributeError) as exc:
            # -s NAME=VALUE that Scrapy cannot store (a list for a mapping, ...).
            print(
                f"epaper: error: -s: a value Scrapy cannot store (a mapping needs a JSON "
                f"object): {exc}",
                file=sys.stderr,
            )
            raise SystemExit(2) from None
        assert self.settings is not None
        for warning in unknown_env_warnings():
            print(f"epaper: warning: {warning}", file=sys.stderr)
        try:
            configure(self.settings)
        except EpaperError as exc:
            _exit(exc)

    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        assert self.settings is not None
        token = None
        if args and args[0] == "epaper":
            url = database_url(self.settings)
            try:
                problem = sqlite_problem(url)
                if problem:
                    raise ConfigurationError(f"the database {redact(url)} {problem}")
                # Taken here, as `epaper crawl` does, so a held archive is one line and
                # exit 4 (the extension finds it held); the database is checked under it.
                token = acquire(url, wait=self.settings.getbool("EPAPER_LOCK_WAIT"))
                check_database(url)
            except EpaperError as exc:
                release(token)
                _exit(exc)
        try:
            super().run(args, opts)
        finally:
            release(token)
        result = _run_result(self.crawler)
        if result is not None and not result.ok:
            self.exitcode = 1

    def _create_crawler(self, spidercls: type[Spider] | str) -> Crawler:
        self.crawler = super()._create_crawler(spidercls)
        return self.crawler


def _run_result(crawler: Crawler | None) -> RunResult | None:
    """The run's result, or None when no run was recorded (another spider, no start)."""
    if crawler is None or crawler.extensions is None:
        return None
    for extension in crawler.extensions.middlewares:
        if isinstance(extension, RunRecorder) and extension.result.run_id is not None:
            return extension.result
    return None


def _exit(exc: EpaperError) -> None:
    print(f"epaper: error: {exc}", file=sys.stderr)
    raise SystemExit(exc.exit_code)
