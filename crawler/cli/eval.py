"""``epaper eval``: extraction quality against the mock site's ground truth, with floors."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from crawler.errors import ConfigurationError

if TYPE_CHECKING:
    from crawler.evaluation import Selection
    from crawler.registry import Registry

#: Days evaluated when neither --since nor --days is given (ending at the site's today).
DEFAULT_DAYS = 7

EVAL_EPILOG = """\
examples:
  epaper eval
      every paper of the mock site, its last 7 days; exit status 1 below a floor
  epaper eval --papers lzcb,rmrb --days 30 --verbose
      two papers, 30 days, with up to 5 mismatch examples per family and field
  epaper eval --papers lzcb --since 2021-10-20 --until 2021-10-21
  epaper eval --seed 7 --today 2025-01-15 --json eval.json
      another generated archive and clock; the whole report as JSON

Pages are rendered in-process by the mock site (no server, no network) and extracted the
way a crawl does, starting at each issue's entry URL from the paper registry. Rates are
exact matches per family × field; floors: crawler/eval_floors.toml. See
docs/extraction-quality.md.
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``epaper eval``."""
    parser = subparsers.add_parser(
        "eval",
        help="measure extraction against the mock site's ground truth",
        description="Extract every issue, page and article of part of the mock archive "
        "offline, compare each field with the ground truth, and print exact-match rates "
        "per CMS family and field. Fails (exit status 1) when a rate is below its floor.",
        epilog=EVAL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--papers", default=None, metavar="SLUGS", help="only these papers, e.g. lzcb,rmrb"
    )
    parser.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="first day")
    parser.add_argument(
        "--until", default=None, metavar="YYYY-MM-DD", help="last day (default: --today)"
    )
    parser.add_argument(
        "--days",
        type=int,
        default=None,
        metavar="N",
        help=f"the last N days up to --until (default: {DEFAULT_DAYS}, unless --since is given)",
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="seed of the generated archive (default: 0)"
    )
    parser.add_argument(
        "--today",
        default=None,
        metavar="YYYY-MM-DD",
        help="the site's today, at 12:00 (default: the mock site's DEFAULT_TODAY)",
    )
    parser.add_argument(
        "--floors",
        default=None,
        metavar="FILE",
        help="floors file (default: crawler/eval_floors.toml of the package)",
    )
    parser.add_argument("--json", default=None, metavar="OUT", help="write the report as JSON")
    parser.add_argument(
        "--verbose",
        dest="show_mismatches",
        action="store_true",
        help="list mismatch examples (up to --examples per family and field)",
    )
    parser.add_argument(
        "--examples",
        type=int,
        default=5,
        metavar="N",
        help="mismatch examples kept per family and field (default: %(default)s)",
    )
    parser.set_defaults(func=run_eval)


def run_eval(args: argparse.Namespace) -> int:
    """``epaper eval``."""
    # The mock site and Scrapy are loaded only when the command runs.
    from crawler import evaluation
    from crawler.registry import load_registry

    try:
        from mocksite.site import DEFAULT_TODAY, MockSite, SiteOptions
    except ModuleNotFoundError as exc:
        if exc.name != "mocksite":
            raise
        raise ConfigurationError(
            "epaper eval needs the mock site (mocksite/), which only a checkout of the "
            "repository has: run it there after `make install`"
        ) from None

    floors = evaluation.load_floors(args.floors)
    today = _parse_day(args.today, "--today") if args.today else DEFAULT_TODAY
    now = dt.datetime.combine(today, dt.time(12, 0))
    site = MockSite(SiteOptions(seed=args.seed))
    registry = load_registry()
    slugs = _paper_slugs(args.papers, registry, tuple(p.slug for p in site.papers))
    selections = plan_selections(
        registry,
        slugs,
        today,
        since=_parse_day(args.since, "--since") if args.since else None,
        until=_parse_day(args.until, "--until") if args.until else None,
        days=args.days,
    )
    started = time.monotonic()
    report = evaluation.evaluate(
        site, now, selections, registry=registry, examples=max(args.examples, 0)
    )
    elapsed = time.monotonic() - started
    print(evaluation.format_table(report, floors))
    articles = sum(t.articles for t in report.tallies.values())
    print(f"\n{articles} articles in {elapsed:.1f} s (seed {args.seed}, today {today})")
    if args.show_mismatches and report.mismatches:
        print("\nmismatches:")
        for mismatch in report.mismatches:
            print(evaluation.format_mismatch(mismatch))
    if args.json:
        data = evaluation.report_jsonable(report, floors)
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if args.json == "-":
            print(text)
        else:
            Path(args.json).write_text(text + "\n", encoding="utf-8")
    breaches = evaluation.check_floors(report, floors)
    for breach in breaches:
        print(f"epaper eval: {breach}", file=sys.stderr)
    if not report.scores:
        print("epaper eval: nothing evaluated (no issue in the days chosen)", file=sys.stderr)
        return 1
    return 1 if breaches else 0


def plan_selections(
    registry: Registry,
    slugs: tuple[str, ...],
    today: dt.date,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    days: int | None = None,
) -> list[Selection]:
    """The days of each paper to evaluate: ``since``..``until``, or the last ``days`` days
    (of a paper that stopped: its last ``days`` days).

    >>> from crawler.registry import load_registry
    >>> [(s.paper, str(s.since), str(s.until)) for s in plan_selections(
    ...     load_registry(), ("lzcb",), dt.date(2025, 3, 31), days=2)]
    [('lzcb', '2025-03-30', '2025-03-31')]
    >>> [(s.paper, str(s.since), str(s.until)) for s in plan_selections(
    ...     load_registry(), ("jjjcb",), dt.date(2025, 3, 31), days=2)]
    [('jjjcb', '2018-03-30', '2018-03-31')]
    """
    from crawler.evaluation import Selection

    last = until or today
    if days is not None and days < 1:
        raise ConfigurationError(f"--days must be at least 1, not {days}")
    if since is not None and days is not None:
        raise ConfigurationError("give --since or --days, not both")
    first = since or last - dt.timedelta(days=(days or DEFAULT_DAYS) - 1)
    if first > last:
        raise ConfigurationError(f"--since {first} is after --until {last}")
    selections = []
    for slug in slugs:
        paper = registry.get(slug)
        # A paper that stopped (中国纪检监察报's Founder classic site, 2018-03) is measured on
        # its last days, not on days it has no issue of.
        end = last if paper.last_issue is None else min(last, paper.last_issue)
        start = since or end - dt.timedelta(days=(days or DEFAULT_DAYS) - 1)
        start = max(start, paper.first_issue)
        if start <= end:
            selections.append(Selection(slug, start, end))
    return selections


def _paper_slugs(text: str | None, registry: Registry, served: tuple[str, ...]) -> tuple[str, ...]:
    if not text:
        return tuple(slug for slug in served if slug in registry)
    slugs = tuple(dict.fromkeys(s.strip() for s in text.split(",") if s.strip()))
    for slug in slugs:
        registry.get(slug)  # an unknown slug is answered with the list of known ones
        if slug not in served:
            raise ConfigurationError(f"the mock site does not serve {slug!r}")
    return slugs


def _parse_day(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ConfigurationError(f"{option} {text!r} is not a date (YYYY-MM-DD)") from None
