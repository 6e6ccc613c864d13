"""``python -m mocksite``: serve the local mock e-paper site, or write its ground truth.

The mock site is a development tool, not part of the installed ``crawler`` package: it runs
from a checkout (``make install`` puts the checkout on the virtual environment's path).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.errors import ConfigurationError, EpaperError
from mocksite.faults import FaultPlan, parse_fault_spec
from mocksite.server import (
    MockSiteApp,
    ServerOptions,
    base_url_of,
    bind_socket,
    parse_now,
    serve,
)

if TYPE_CHECKING:
    from mocksite.site import SiteOptions

#: Time of day of the default clock: mid-day, when today's issue is fully uploaded.
DEFAULT_TIME = dt.time(12, 0)

MOCKSITE_EPILOG = """\
examples:
  python -m mocksite serve --port 8000
  python -m mocksite serve --port 0 --seed 7 --now 2025-03-31T06:30
  python -m mocksite serve --port 8000 --faults "500:0.05,429:0.02,slow:0.1,reset:0.02"
  python -m mocksite truth --seed 7 --today 2025-03-31 --out truth.jsonl

The site is documented in docs/mocksite.md. It listens on loopback only (unless
--allow-non-loopback is given).
"""

SERVE_EPILOG = """\
examples:
  python -m mocksite serve --port 8000
      serve on http://127.0.0.1:8000 with today = the default date, at 12:00
  python -m mocksite serve --port 0 --today 2025-03-31
      pick a free port (printed on the first line of output)
  python -m mocksite serve --now 2025-03-31T06:30
      early morning: today's issue is still half uploaded
  python -m mocksite serve \\
      --faults "500:0.05,429:0.02,slow:0.1,truncate:0.03,reset:0.02,hang:0.001" \\
      --fault-seed 3 --hang-seconds 60
      inject faults into 5% / 2% / ... of the page requests (the first attempt of each URL)
  python -m mocksite serve --faults "404!:0.01" --latency-ms 50
      1% of the URLs are permanently 404; every response waits 50 ms
  python -m mocksite serve --site NAME=VALUE
      set a content option of the site (a field of SiteOptions; see docs/mocksite.md)

fault kinds: 403 404 429 500 502 503 (status), slow, hang, truncate (short body, full
Content-Length), cut (short body, no Content-Length), reset (TCP RST), redirect (off-site
Location), oversize (huge body). "kind!:rate" makes a kind permanent for the URLs it hits.

control endpoints while it runs (not counted in the stats, never faulted):
  curl -s http://127.0.0.1:8000/__mocksite/clock
  curl -s -d '{"advance_days": 1}' http://127.0.0.1:8000/__mocksite/clock
  curl -s http://127.0.0.1:8000/__mocksite/stats
  curl -s -X POST http://127.0.0.1:8000/__mocksite/stats/reset
  curl -s -d '{"spec": "503:0.1", "seed": 2}' http://127.0.0.1:8000/__mocksite/faults
  curl -s http://127.0.0.1:8000/__mocksite/truth
"""

TRUTH_EPILOG = """\
examples:
  python -m mocksite truth --out truth.jsonl
  python -m mocksite truth --seed 7 --now 2025-03-31T06:30 --out -
  python -m mocksite truth --base-url http://127.0.0.1:8123 --out truth.jsonl
  python -m mocksite truth --papers lzcb --since 2021-10-01 --until 2021-10-31 --out -

One JSON object a line, the records a crawl of the site should produce (same seed,
same clock, --site options and base URL as the server). The whole multi-year archive takes
minutes to generate: narrow it with --papers, --since and --until.
"""


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m mocksite`` parser: ``serve`` and ``truth``."""
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="python -m mocksite",
        description="The local mock e-paper site for tests, benchmarks and demos: a generated "
        "e-paper archive served on loopback, with a movable clock, request stats and fault "
        "injection.",
        epilog=MOCKSITE_EPILOG,
        formatter_class=raw,
    )
    parser.set_defaults(func=lambda _args: _print_help(parser))
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the site over HTTP on 127.0.0.1",
        description="Serve the mock site until SIGINT/SIGTERM. Prints "
        "'mocksite listening on URL' once it accepts connections.",
        epilog=SERVE_EPILOG,
        formatter_class=raw,
    )
    listen = serve.add_argument_group("listening")
    listen.add_argument("--host", default="127.0.0.1", help="address (default: %(default)s)")
    listen.add_argument(
        "--port", type=int, default=8000, help="port; 0 picks a free one (default: %(default)s)"
    )
    listen.add_argument(
        "--allow-non-loopback",
        action="store_true",
        help="allow --host to be a non-loopback address (never needed by tests)",
    )
    listen.add_argument(
        "--latency-ms",
        type=float,
        default=0.0,
        help="delay every page response this long, without blocking others (default: 0)",
    )
    listen.add_argument(
        "--robots",
        choices=("allow", "disallow", "missing"),
        default="allow",
        help="robots.txt at / and at each paper: allow all, disallow all, or 404 "
        "(default: %(default)s)",
    )
    listen.add_argument(
        "--cache-entries",
        type=int,
        default=8192,
        help="rendered pages kept in memory (default: %(default)s)",
    )
    listen.add_argument(
        "--cache-mb",
        type=int,
        default=128,
        metavar="MB",
        help="body bytes kept in memory, in MiB (default: %(default)s)",
    )
    listen.add_argument(
        "--prewarm-days",
        type=int,
        default=0,
        metavar="N",
        help="before listening, render every issue, page and article of the last N days into "
        "the cache, so that a benchmark crawl of them measures the crawler (default: 0)",
    )
    _add_content_arguments(serve)

    faults = serve.add_argument_group("faults")
    faults.add_argument("--faults", default="", metavar="SPEC", help='e.g. "500:0.05,reset:0.01"')
    faults.add_argument(
        "--fault-seed", type=int, default=None, help="seed of the fault dice (default: --seed)"
    )
    faults.add_argument(
        "--fault-attempts",
        type=int,
        default=1,
        metavar="K",
        help="a transient fault can hit only a URL's first K requests (default: %(default)s)",
    )
    faults.add_argument(
        "--permanent-faults",
        action="store_true",
        help="every fault is permanent: a URL that faults once faults every time",
    )
    faults.add_argument(
        "--faults-on-robots", action="store_true", help="robots.txt can fault too (default: never)"
    )
    faults.add_argument(
        "--slow-ms", type=float, default=1000.0, help="slow: base delay (default: %(default)s)"
    )
    faults.add_argument(
        "--slow-jitter-ms",
        type=float,
        default=1000.0,
        help="slow: plus a uniform delay up to this (default: %(default)s)",
    )
    faults.add_argument(
        "--hang-seconds",
        type=float,
        default=300.0,
        help="hang: hold the connection this long, then close it (default: %(default)s)",
    )
    faults.add_argument(
        "--retry-after",
        type=int,
        default=1,
        help="429 and 503: the Retry-After header, seconds (default: %(default)s)",
    )
    faults.add_argument(
        "--oversize-mb",
        type=float,
        default=20.0,
        help="oversize: body size in MiB (default: %(default)s)",
    )
    faults.add_argument(
        "--offsite-url",
        default="http://offsite.invalid",
        help="redirect: where the Location points (default: %(default)s)",
    )
    serve.set_defaults(func=run_serve)

    truth = commands.add_parser(
        "truth",
        help="write the site's ground truth as JSON Lines",
        description="Write the records a complete crawl of the mock site should yield.",
        epilog=TRUTH_EPILOG,
        formatter_class=raw,
    )
    _add_content_arguments(truth)
    truth.add_argument(
        "--base-url",
        default=None,
        help="origin the URLs in the records use (default: the site's default, "
        "http://127.0.0.1:8000)",
    )
    truth.add_argument(
        "--papers", default=None, metavar="SLUGS", help="only these papers, e.g. lzcb,rmrb"
    )
    truth.add_argument("--since", default=None, metavar="YYYY-MM-DD", help="first day listed")
    truth.add_argument("--until", default=None, metavar="YYYY-MM-DD", help="last day listed")
    truth.add_argument("--out", required=True, help="output file, - for stdout")
    truth.set_defaults(func=run_truth)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m mocksite ARGS``; bad input is one line and exit code 2."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except EpaperError as exc:
        print(f"mocksite: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("mocksite: interrupted", file=sys.stderr)
        return 130


def _print_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 2


def _add_content_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("content and clock")
    group.add_argument(
        "--seed", type=int, default=0, help="seed of the generated archive (default: 0)"
    )
    when = group.add_mutually_exclusive_group()
    when.add_argument(
        "--today",
        default=None,
        metavar="YYYY-MM-DD",
        help="the site's today, at 12:00 (default: the site's DEFAULT_TODAY)",
    )
    when.add_argument(
        "--now", default=None, metavar="ISO", help="the site's date and time, e.g. 2025-03-31T06:30"
    )
    group.add_argument(
        "--site",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a SiteOptions field (repeatable)",
    )


# ---------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------


def run_serve(args: argparse.Namespace) -> int:
    """``python -m mocksite serve``."""
    from mocksite import site as content  # generating code: loaded when used

    options = ServerOptions(
        host=args.host,
        port=args.port,
        allow_non_loopback=args.allow_non_loopback,
        latency_ms=args.latency_ms,
        robots=args.robots,
        cache_entries=args.cache_entries,
        cache_bytes=args.cache_mb * 1024 * 1024,
    )
    plan = FaultPlan(
        rules=parse_fault_spec(args.faults),
        seed=args.seed if args.fault_seed is None else args.fault_seed,
        attempts=args.fault_attempts,
        permanent=args.permanent_faults,
        slow_ms=args.slow_ms,
        slow_jitter_ms=args.slow_jitter_ms,
        hang_seconds=args.hang_seconds,
        retry_after=args.retry_after,
        oversize_bytes=int(args.oversize_mb * 1024 * 1024),
        offsite_url=args.offsite_url,
        include_robots=args.faults_on_robots,
    )
    now = start_time(args.today, args.now, content.DEFAULT_TODAY)
    overrides = parse_site_assignments(args.site)
    sock = bind_socket(options.host, options.port, options.allow_non_loopback)
    base_url = base_url_of(sock)
    site = content.MockSite(build_site_options(args.seed, base_url, overrides))
    app = MockSiteApp(site, now, plan, options)
    if args.prewarm_days > 0:
        since = now.date() - dt.timedelta(days=args.prewarm_days - 1)
        count = app.prewarm(since)
        print(f"mocksite prewarmed {count} documents since {since}", file=sys.stderr, flush=True)

    def announce(url: str) -> None:
        print(f"mocksite listening on {url}", flush=True)

    asyncio.run(serve(app, sock, on_listening=announce))
    print("mocksite stopped", file=sys.stderr, flush=True)
    return 0


def run_truth(args: argparse.Namespace) -> int:
    """``python -m mocksite truth``."""
    from mocksite import site as content

    now = start_time(args.today, args.now, content.DEFAULT_TODAY)
    overrides = parse_site_assignments(args.site)
    site = content.MockSite(build_site_options(args.seed, args.base_url, overrides))
    selection: dict[str, Any] = {}
    if args.papers:
        selection["papers"] = tuple(p.strip() for p in args.papers.split(",") if p.strip())
    for name in ("since", "until"):
        if getattr(args, name):
            selection[name] = parse_now(getattr(args, name)).date()
    records = site.truth(now, **selection)
    if args.out == "-":
        try:
            _write_lines(records, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (| head): not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    else:
        with Path(args.out).open("w", encoding="utf-8") as out:
            _write_lines(records, out)
    return 0


def _write_lines(records: Iterable[dict[str, object]], out: Any) -> None:
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")


# ---------------------------------------------------------------------------------------
# Argument helpers
# ---------------------------------------------------------------------------------------


def start_time(today: str | None, now: str | None, default_today: dt.date) -> dt.datetime:
    """The clock at start: ``--now``, else ``--today`` at 12:00, else the default date.

    >>> start_time(None, None, dt.date(2025, 3, 31))
    datetime.datetime(2025, 3, 31, 12, 0)
    >>> start_time("2025-01-02", None, dt.date(2025, 3, 31))
    datetime.datetime(2025, 1, 2, 12, 0)
    >>> start_time(None, "2025-01-02T06:30", dt.date(2025, 3, 31))
    datetime.datetime(2025, 1, 2, 6, 30)
    """
    if now is not None:
        return parse_now(now, DEFAULT_TIME)
    if today is not None:
        return parse_now(today, DEFAULT_TIME)
    return dt.datetime.combine(default_today, DEFAULT_TIME)


def parse_site_assignments(pairs: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` strings as a dict.

    >>> parse_site_assignments(["papers=lzcb,rmrb", "half_upload=false"])
    {'papers': 'lzcb,rmrb', 'half_upload': 'false'}
    """
    result: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise ConfigurationError(f"--site takes NAME=VALUE, not {pair!r}")
        result[name.strip()] = value.strip()
    return result


_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})


def coerce_option(name: str, text: str, annotation: str, default: object = None) -> object:
    """``text`` converted to a dataclass field's type, read from its annotation string.

    >>> coerce_option("hour", "3", "int"), coerce_option("on", "no", "bool")
    (3, False)
    >>> coerce_option("papers", "lzcb, rmrb", "tuple[str, ...] | None")
    ('lzcb', 'rmrb')
    >>> coerce_option("papers", "none", "tuple[str, ...] | None") is None
    True
    >>> coerce_option("broken", "lzcb", "frozenset[str]")
    frozenset({'lzcb'})
    >>> coerce_option("start", "2024-01-01", "dt.date")
    datetime.date(2024, 1, 1)
    """
    parts = [part.strip() for part in annotation.split("|")]
    optional = "None" in parts
    base = next((part for part in parts if part != "None"), "str")
    if optional and text.lower() in {"", "none", "null"}:
        return None
    try:
        if base == "bool" or isinstance(default, bool):
            if text.lower() not in _TRUE | _FALSE:
                raise ValueError(f"not a boolean: {text!r}")
            return text.lower() in _TRUE
        items = [item.strip() for item in text.split(",") if item.strip()]
        converters: dict[str, Any] = {
            "int": int,
            "float": float,
            "str": str,
            "tuple": lambda _: tuple(items),
            "frozenset": lambda _: frozenset(items),
            "list": lambda _: list(items),
            "dt.date": dt.date.fromisoformat,
            "date": dt.date.fromisoformat,
            "dt.datetime": dt.datetime.fromisoformat,
            "datetime": dt.datetime.fromisoformat,
        }
        converter = converters.get(base.split("[")[0])
        if converter is None:
            raise ValueError(f"cannot set a field of type {annotation}")
        return converter(text)
    except ValueError as exc:
        raise ConfigurationError(f"--site {name}: {exc}") from None


def _field_default(spec: dataclasses.Field[Any]) -> object:
    if spec.default is not dataclasses.MISSING:
        return spec.default
    if spec.default_factory is not dataclasses.MISSING:
        return spec.default_factory()
    return None


def _with_fields(instance: Any, overrides: dict[str, str], where: str) -> Any:
    """``instance`` (a dataclass) with ``NAME=VALUE`` overrides; ``a.b`` reaches a nested one."""
    fields = {f.name: f for f in dataclasses.fields(instance)}
    nested: dict[str, dict[str, str]] = {}
    values: dict[str, object] = {}
    for name, text in overrides.items():
        head, _, rest = name.partition(".")
        spec = fields.get(head)
        if spec is None:
            known = ", ".join(sorted(fields))
            raise ConfigurationError(f"unknown {where} option {name!r} (known: {known})")
        if rest:
            nested.setdefault(head, {})[rest] = text
        else:
            values[head] = coerce_option(name, text, str(spec.type), _field_default(spec))
    for head, inner in nested.items():
        child = getattr(instance, head)
        if not dataclasses.is_dataclass(child):
            raise ConfigurationError(f"{where} option {head!r} has no fields")
        values[head] = _with_fields(child, inner, f"{where} {head}")
    return dataclasses.replace(instance, **values)


def build_site_options(seed: int, base_url: str | None, overrides: dict[str, str]) -> SiteOptions:
    """The site's options: seed, base URL and ``--site NAME=VALUE`` fields (``rates.X=...``
    reaches a nested field), each converted to its field's type."""
    from mocksite.site import SiteOptions

    reserved = {"seed", "base_url"} & set(overrides)
    if reserved:
        raise ConfigurationError(f"use --seed / --base-url, not --site {', '.join(reserved)}")
    options = SiteOptions(seed=seed)
    if base_url is not None:
        options = dataclasses.replace(options, base_url=base_url.rstrip("/"))
    result: SiteOptions = _with_fields(options, overrides, "site")
    return result
