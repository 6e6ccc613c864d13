"""Crawl arguments, parsed once into a typed object; a bad argument is a one-line error."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from crawler.errors import ConfigurationError
from crawler.registry import Paper, Registry, UnknownPaperError, load_registry

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def beijing_today() -> dt.date:
    """Today's date in China (UTC+8, no daylight saving), where the papers publish."""
    return dt.datetime.now(BEIJING).date()


class Mode(enum.StrEnum):
    """What a run fetches: a range (crawl), what is new (update), or what failed (retry)."""

    CRAWL = "crawl"
    UPDATE = "update"
    RETRY = "retry"


class ArgumentError(ConfigurationError):
    """A crawl argument is invalid."""


def parse_date(value: str, name: str) -> dt.date:
    """A ``YYYY-MM-DD`` argument.

    >>> parse_date("2021-10-20", "since")
    datetime.date(2021, 10, 20)
    >>> parse_date("2021-13-01", "since")
    Traceback (most recent call last):
    ...
    crawler.params.ArgumentError: since: '2021-13-01' is not a date (YYYY-MM-DD)
    """
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        msg = f"{name}: {value!r} is not a date (YYYY-MM-DD)"
        raise ArgumentError(msg) from None


def parse_papers(value: str | Sequence[str], registry: Registry) -> tuple[Paper, ...]:
    """Papers named by slugs (``lzcb,rmrb``, a list of them, or ``all``), in registry order.

    >>> [p.slug for p in parse_papers("lzcb, rmrb", load_registry())]
    ['rmrb', 'lzcb']
    >>> parse_papers("nope", load_registry())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crawler.params.ArgumentError: paper: unknown paper 'nope' (known: rmrb, gmrb, ..., or all)
    """
    names = value.split(",") if isinstance(value, str) else [n for v in value for n in v.split(",")]
    slugs = [n.strip() for n in names if n.strip()]
    if not slugs:
        msg = "paper: name at least one paper (a slug such as lzcb, or all)"
        raise ArgumentError(msg)
    if "all" in slugs:
        return tuple(registry)
    known = [p.slug for p in registry]
    for slug in slugs:
        try:
            registry.get(slug)
        except UnknownPaperError:
            msg = f"paper: unknown paper {slug!r} (known: {', '.join(known)}, or all)"
            raise ArgumentError(msg) from None
    wanted = set(slugs)
    return tuple(p for p in registry if p.slug in wanted)


#: Spider arguments that Scrapyd adds to every job it runs (``-a _job=ID``, and
#: ``-a _version=V`` when schedule.json names a version): they identify the job, not the crawl.
#: Scrapyd turns ``setting=NAME=VALUE`` into ``-s NAME=VALUE``, so no ``setting`` arrives here.
SCRAPYD_ARGUMENTS = frozenset({"_job", "_version"})


@dataclass(frozen=True, slots=True)
class CrawlParams:
    """The validated arguments of one run."""

    papers: tuple[Paper, ...]
    mode: Mode = Mode.CRAWL
    since: dt.date | None = None
    until: dt.date | None = None
    today: dt.date = field(default_factory=beijing_today)

    def range_for(self, paper: Paper) -> tuple[dt.date, dt.date]:
        """The dates of ``paper`` this run may visit: the arguments bounded by the archive."""
        end = min(self.until or self.today, self.today)
        if paper.last_issue is not None:  # a paper that stopped has no later issues
            end = min(end, paper.last_issue)
        # The oldest issue the site still keeps: its first, or the start of its window
        # (none at all: an empty range).
        first = paper.first_kept(self.today)
        if first is None:
            return end + dt.timedelta(days=1), end
        start = max(self.since or first, first)
        return start, end

    def as_json(self) -> dict[str, Any]:
        """The arguments as recorded in ``crawl_runs.arguments``."""
        return {
            "papers": [p.slug for p in self.papers],
            "mode": self.mode.value,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
            "today": self.today.isoformat(),
        }

    @classmethod
    def from_arguments(
        cls,
        args: Mapping[str, Any],
        registry: Registry | None = None,
        today: dt.date | None = None,
    ) -> CrawlParams:
        """Parse spider arguments (``-a paper=lzcb -a since=2021-10-01``) or CLI options.

        >>> p = CrawlParams.from_arguments({"paper": "lzcb", "since": "2021-10-01",
        ...     "until": "2021-10-31"}, today=dt.date(2025, 1, 1))
        >>> [x.slug for x in p.papers], p.mode.value, p.since, p.until
        (['lzcb'], 'crawl', datetime.date(2021, 10, 1), datetime.date(2021, 10, 31))
        >>> CrawlParams.from_arguments({"paper": "lzcb", "since": "2021-10-31",
        ...     "until": "2021-10-01"})
        Traceback (most recent call last):
        ...
        crawler.params.ArgumentError: since 2021-10-31 is after until 2021-10-01

        Scrapyd's own arguments are taken and ignored; any other is refused:

        >>> CrawlParams.from_arguments({"paper": "lzcb", "_job": "6487ec79", "_version": "1"},
        ...     today=dt.date(2025, 1, 1)).as_json()["papers"]
        ['lzcb']
        >>> CrawlParams.from_arguments({"paper": "lzcb", "_jobs": "6487ec79"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        crawler.params.ArgumentError: unknown argument '_jobs' (known: mode, paper, ...)
        """
        registry = registry or load_registry()
        known = {"paper", "papers", "mode", "since", "until", "today"}
        unknown = sorted(set(args) - known - SCRAPYD_ARGUMENTS)
        if unknown:
            msg = f"unknown argument {unknown[0]!r} (known: {', '.join(sorted(known))})"
            raise ArgumentError(msg)
        papers = parse_papers(args.get("paper") or args.get("papers") or "", registry)
        try:
            mode = Mode(str(args.get("mode") or "crawl"))
        except ValueError:
            msg = f"mode: {args.get('mode')!r} is not one of crawl, update, retry"
            raise ArgumentError(msg) from None
        since = _optional_date(args.get("since"), "since")
        until = _optional_date(args.get("until"), "until")
        if since and until and since > until:
            msg = f"since {since} is after until {until}"
            raise ArgumentError(msg)
        day = _optional_date(args.get("today"), "today") or today or beijing_today()
        return cls(papers=papers, mode=mode, since=since, until=until, today=day)


def _optional_date(value: Any, name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return parse_date(str(value), name)
