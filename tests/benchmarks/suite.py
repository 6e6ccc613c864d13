"""``make bench``: the ceiling, our crawler and a naive script, side by side on one mock archive.

    python -m tests.benchmarks.suite                       # the issue-7 suite (about an hour)
    python -m tests.benchmarks.suite --papers lzcb --since 2025-03-25 --runs 1 --latencies 0

For each mock latency (0 and 100 ms), round after round, every variant crawls the same
archive: the no-op Scrapy spider over exactly the URLs our crawl requests (default
Scrapy settings, then the project's tuned settings), our crawler into SQLite and into
PostgreSQL, and the naive requests+lxml loop. Medians of the rounds go in a Markdown
report (printed, and saved with the raw runs as JSON under ``--out``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shlex
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import (
    CRAWLER_CPU,
    POSTGRES_ADMIN_URL,
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    Database,
    Measurement,
    code_version,
    crawl_command,
    folder_bytes,
    fresh_folder,
    last_json_line,
    measured,
    mocksite,
    postgres_available,
    postgres_database,
    sqlite_database,
)
from tests.benchmarks.measure import load_average, median
from tests.benchmarks.publish import add_docs_option, bench_parser, publish

#: The issue's archive: two families (PaperIndex: lzcb, dzrb; Founder classic: kjrb, jxrb),
#: three months, about 20,000 articles.
DEFAULT_ARCHIVE = Archive(
    papers=("lzcb", "dzrb", "kjrb", "jxrb"),
    since=dt.date(2025, 1, 1),
    until=dt.date(2025, 3, 31),
)
VARIANTS = ("noop-default", "noop-tuned", "epaper-sqlite", "epaper-postgresql", "naive")
CEILINGS = ("noop-default", "noop-tuned")
#: At a slow site the naive loop waits for every response in turn: it crawls this many
#: days (its rate per article does not depend on the archive's size).
NAIVE_DAYS_WHEN_SLOW = 3


@dataclass
class SuiteOptions:
    """What one run of the suite measures, and where it writes."""

    archive: Archive = DEFAULT_ARCHIVE
    runs: int = 3
    latencies: tuple[float, ...] = (0.0, 100.0)
    variants: tuple[str, ...] = VARIANTS
    naive_days_when_slow: int = NAIVE_DAYS_WHEN_SLOW
    out: Path = REPO_ROOT / "data" / "bench"
    postgres_url: str = POSTGRES_ADMIN_URL
    pin: bool = True
    docs: Path | None = None
    from_json: Path | None = None
    section: str = "suite"


@dataclass
class Context:
    """What every variant of one latency needs: the site, the URL list, the archive's size."""

    options: SuiteOptions
    site: Any
    latency_ms: float
    workdir: Path
    paths_file: Path
    articles: int
    warc_serial: int = 0

    @property
    def cpu(self) -> int | None:
        return CRAWLER_CPU if self.options.pin else None


@dataclass
class SuiteResult:
    """Every measurement of a suite run, and the machine it ran on."""

    options: dict[str, Any]
    machine: dict[str, Any]
    command: str
    started: str
    measurements: list[Measurement] = field(default_factory=list)
    archive_articles: int = 0
    archive_requests: int = 0
    floor_documents: int = 0
    floor_articles: int = 0
    finished: str = ""
    #: How peak RSS was measured: "vmhwm" (the process's own high-water mark, read from
    #: /proc). Runs saved before that have none: their figure was wait4's ru_maxrss, which
    #: carries the suite process's own peak into its children, and is not reported.
    rss_method: str = "vmhwm"

    @classmethod
    def from_jsonable(cls, data: dict[str, Any]) -> SuiteResult:
        """The result :meth:`to_jsonable` wrote: a saved run, to report on again."""
        result = cls(
            options=data["options"],
            machine=data["machine"],
            command=data["command"],
            started=data["started"],
            measurements=[Measurement.from_jsonable(m) for m in data["measurements"]],
        )
        for name in ("archive_articles", "archive_requests", "floor_documents", "floor_articles"):
            setattr(result, name, int(data.get(name, 0)))
        result.finished = data.get("finished", "")
        result.rss_method = data.get("rss_method", "")
        if result.rss_method != "vmhwm":
            for m in result.measurements:
                m.peak_rss_bytes = 0
        return result

    def to_jsonable(self) -> dict[str, Any]:
        return {
            "options": self.options,
            "machine": self.machine,
            "command": self.command,
            "started": self.started,
            "finished": self.finished,
            "rss_method": self.rss_method,
            "archive_articles": self.archive_articles,
            "archive_requests": self.archive_requests,
            "floor_documents": self.floor_documents,
            "floor_articles": self.floor_articles,
            "measurements": [m.to_jsonable() for m in self.measurements],
        }


# --- the variants ---------------------------------------------------------------------------


def run_noop(ctx: Context, settings: str, run: int) -> Measurement:
    command = [
        sys.executable,
        "-m",
        "tests.benchmarks.noop_spider",
        "--base-url",
        ctx.site.base_url,
        "--paths",
        str(ctx.paths_file),
        "--settings",
        settings,
    ]
    log = ctx.workdir / f"noop-{settings}-{run}.log"
    ctx.site.reset_stats()
    load = load_average()
    proc = measured(command, log, cpu=ctx.cpu)
    stats = ctx.site.stats()
    result = last_json_line(log)
    return Measurement(
        variant=f"noop-{settings}",
        latency_ms=ctx.latency_ms,
        run=run,
        articles=ctx.articles,
        wall_seconds=proc.wall_seconds,
        cpu_seconds=proc.cpu_seconds,
        peak_rss_bytes=proc.peak_rss_bytes,
        requests=int(stats["total"]),
        returncode=proc.returncode,
        load=load,
        extra={"responses": result.get("responses"), "log": str(log), "cache": stats.get("cache")},
    )


def run_epaper(ctx: Context, database: Database, run: int) -> Measurement:
    ctx.warc_serial += 1
    warc = fresh_folder(ctx.workdir / f"warc-{ctx.warc_serial}")
    command = crawl_command(ctx.site, ctx.options.archive, database.url, warc_dir=warc)
    log = ctx.workdir / f"epaper-{database.kind}-{run}.log"
    ctx.site.reset_stats()
    load = load_average()
    proc = measured(command, log, cpu=ctx.cpu)
    stats = ctx.site.stats()
    measurement = Measurement(
        variant=f"epaper-{database.kind}",
        latency_ms=ctx.latency_ms,
        run=run,
        articles=database.articles(),
        wall_seconds=proc.wall_seconds,
        cpu_seconds=proc.cpu_seconds,
        peak_rss_bytes=proc.peak_rss_bytes,
        requests=int(stats["total"]),
        db_bytes=database.size() - database.empty_bytes,
        warc_bytes=folder_bytes(warc),
        returncode=proc.returncode,
        load=load,
        extra={"log": str(log), "cache": stats.get("cache")},
    )
    fresh_folder(warc).rmdir()
    return measurement


def run_sqlite(ctx: Context, run: int) -> Measurement:
    with sqlite_database(ctx.workdir) as database:
        return run_epaper(ctx, database, run)


def run_postgres(ctx: Context, run: int) -> Measurement:
    with postgres_database(ctx.options.postgres_url) as database:
        return run_epaper(ctx, database, run)


def run_naive(ctx: Context, run: int) -> Measurement:
    archive = ctx.options.archive
    note = ""
    if ctx.latency_ms > 0 and ctx.options.naive_days_when_slow:
        archive = archive.narrowed(ctx.options.naive_days_when_slow)
        note = f"over {archive.since}..{archive.until} only"
    with sqlite_database(ctx.workdir) as database:
        assert database.path is not None
        command = [
            sys.executable,
            "-m",
            "tests.benchmarks.naive",
            "--base-url-override",
            ctx.site.base_url + "/{slug}/",
            "--papers",
            ",".join(archive.papers),
            "--since",
            archive.since.isoformat(),
            "--until",
            archive.until.isoformat(),
            "--database",
            str(database.path),
        ]
        log = ctx.workdir / f"naive-{run}.log"
        ctx.site.reset_stats()
        load = load_average()
        proc = measured(command, log, cpu=ctx.cpu)
        stats = ctx.site.stats()
        result = last_json_line(log)
        return Measurement(
            variant="naive",
            latency_ms=ctx.latency_ms,
            run=run,
            articles=int(result.get("articles", 0)),
            wall_seconds=proc.wall_seconds,
            cpu_seconds=proc.cpu_seconds,
            peak_rss_bytes=proc.peak_rss_bytes,
            requests=int(stats["total"]),
            db_bytes=database.size(),
            returncode=proc.returncode,
            load=load,
            note=note,
            extra={"log": str(log)},
        )


RUNNERS: dict[str, Callable[[Context, int], Measurement]] = {
    "noop-default": lambda ctx, run: run_noop(ctx, "default", run),
    "noop-tuned": lambda ctx, run: run_noop(ctx, "tuned", run),
    "epaper-sqlite": run_sqlite,
    "epaper-postgresql": run_postgres,
    "naive": run_naive,
}


# --- the suite ------------------------------------------------------------------------------


def discover(site: Any, options: SuiteOptions, workdir: Path) -> tuple[Path, int, int]:
    """One unmeasured crawl: the URLs it requests (for the ceiling) and the articles it stores."""
    with sqlite_database(workdir) as database:
        warc = fresh_folder(workdir / "warc-discovery")
        command = crawl_command(site, options.archive, database.url, warc_dir=warc)
        site.reset_stats()
        proc = measured(command, workdir / "discovery.log", cpu=None)
        if proc.returncode != 0:
            print(f"warning: the discovery crawl exited {proc.returncode}", file=sys.stderr)
        articles = database.articles()
        fresh_folder(warc).rmdir()
    stats = site.stats()
    paths = sorted(stats["by_url"])
    paths_file = workdir / "paths.txt"
    paths_file.write_text("\n".join(paths) + "\n")
    return paths_file, articles, int(stats["total"])


def structural_floor(site: Any, archive: Archive) -> tuple[int, int]:
    """(documents, articles) of the archive by the site's truth.

    Documents are the distinct addresses a crawl that misses nothing must fetch: issue
    indexes, pages, articles, the further parts of articles split over several pages, and
    what the page lists print but the site answers 404 (an issue index that is also page 1
    counts once). Documents / articles is the fewest requests per article there can be.
    """
    return floor_of(
        site.truth(papers=list(archive.papers), since=archive.since, until=archive.until)
    )


def floor_of(records: Iterable[Mapping[str, Any]]) -> tuple[int, int]:
    """:func:`structural_floor` of truth records.

    >>> floor_of([
    ...     {"kind": "issue", "url": "http://s/p/node_1.htm"},
    ...     {"kind": "page", "url": "http://s/p/node_1.htm"},
    ...     {"kind": "article", "url": "http://s/p/c_1.htm", "continuations": [
    ...         {"kind": "part", "url": "http://s/p/c_1_2.htm"},
    ...         {"kind": "page", "url": None}]},
    ...     {"kind": "unreachable", "url": "http://s/p/c_9.htm"},
    ...     {"kind": "paper", "url": "http://s/p/"},
    ... ])
    (4, 1)
    """
    documents: set[str] = set()
    articles = 0
    for record in records:
        kind = record.get("kind")
        if kind not in ("issue", "page", "article", "unreachable"):
            continue
        documents.add(str(record["url"]))
        if kind == "article":
            articles += 1
            for part in record.get("continuations") or ():
                if part.get("kind") == "part" and part.get("url"):
                    documents.add(str(part["url"]))
    return len(documents), articles


def run_suite(options: SuiteOptions, command: str, log: Callable[[str], None]) -> SuiteResult:
    started = dt.datetime.now().astimezone()
    workdir = fresh_folder(options.out / f"work-{started:%Y%m%d-%H%M%S}")
    result = SuiteResult(
        options=options_jsonable(options),
        machine=machine(),
        command=command,
        started=started.isoformat(timespec="seconds"),
    )
    variants = list(options.variants)
    if "epaper-postgresql" in variants and not postgres_available(options.postgres_url):
        log(f"PostgreSQL at {options.postgres_url} does not answer: leaving it out")
        variants.remove("epaper-postgresql")
    paths_file: Path | None = None
    for latency in options.latencies:
        log(f"mock site at {latency:g} ms: starting and prewarming {options.archive.describe()}")
        server_cpu = SERVER_CPU if options.pin else None
        with mocksite(options.archive, latency_ms=latency, cpu=server_cpu) as site:
            if paths_file is None:
                paths_file, articles, requests = discover(site, options, workdir)
                result.archive_articles, result.archive_requests = articles, requests
                result.floor_documents, result.floor_articles = structural_floor(
                    site, options.archive
                )
                log(
                    f"the archive: {articles} articles, {requests} requests; the truth: "
                    f"{result.floor_articles} articles, {result.floor_documents} documents"
                )
            ctx = Context(options, site, latency, workdir, paths_file, result.archive_articles)
            for run in range(1, options.runs + 1):
                for variant in variants:
                    measurement = RUNNERS[variant](ctx, run)
                    result.measurements.append(measurement)
                    log(
                        f"{latency:g} ms run {run} {variant}: {measurement.articles} articles "
                        f"in {measurement.wall_seconds:.1f} s "
                        f"({measurement.articles_per_second:.1f}/s), "
                        f"CPU {measurement.cpu_seconds:.1f} s, exit {measurement.returncode}, "
                        f"load {measurement.load[0]:.2f}"
                    )
    result.finished = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    return result


# --- the report -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """Medians of one variant at one latency."""

    variant: str
    latency_ms: float
    runs: int
    articles: float
    wall_seconds: float
    articles_per_second: float
    cpu_per_1000: float
    peak_rss_mb: float | None
    requests_per_article: float
    db_bytes_per_article: float | None
    warc_bytes_per_article: float | None
    failed_runs: int
    note: str


def summarize(measurements: Sequence[Measurement]) -> list[Row]:
    """One row of medians per (latency, variant), in the order they were first measured."""
    groups: dict[tuple[float, str], list[Measurement]] = {}
    for m in measurements:
        groups.setdefault((m.latency_ms, m.variant), []).append(m)
    rows = []
    for (latency, variant), group in groups.items():

        def per_article(values: list[int | None], group: list[Measurement] = group) -> float | None:
            pairs = [(v, m.articles) for v, m in zip(values, group, strict=True) if v is not None]
            return median([v / a for v, a in pairs if a]) if pairs else None

        rows.append(
            Row(
                variant=variant,
                latency_ms=latency,
                runs=len(group),
                articles=median([m.articles for m in group]),
                wall_seconds=median([m.wall_seconds for m in group]),
                articles_per_second=median([m.articles_per_second for m in group]),
                cpu_per_1000=median([m.cpu_per_1000 for m in group]),
                peak_rss_mb=(
                    median([m.peak_rss_bytes / 2**20 for m in group])
                    if all(m.peak_rss_bytes for m in group)
                    else None
                ),
                requests_per_article=median([m.requests_per_article for m in group]),
                db_bytes_per_article=per_article([m.db_bytes for m in group]),
                warc_bytes_per_article=per_article([m.warc_bytes for m in group]),
                failed_runs=sum(1 for m in group if m.returncode != 0),
                note=next((m.note for m in group if m.note), ""),
            )
        )
    return rows


def ceiling_of(rows: Sequence[Row], latency: float, variant: str) -> float:
    """The median articles/s of a ceiling variant at ``latency`` (0 when not measured)."""
    for row in rows:
        if row.latency_ms == latency and row.variant == variant:
            return row.articles_per_second
    return 0.0


def _fmt(value: float | None, digits: int = 0) -> str:
    """A number for the report's tables.

    >>> _fmt(1234.567), _fmt(0.1234, 3), _fmt(None)
    ('1,235', '0.123', '–')
    """
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _ratio(part: float, whole: float) -> str:
    """``part / whole`` to three decimals, or a dash.

    >>> _ratio(1216, 1000), _ratio(1, 0)
    ('1.216', '–')
    """
    return f"{part / whole:.3f}" if whole else "–"


def _pct(part: float, whole: float) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def markdown_tables(rows: Sequence[Row]) -> str:
    """The medians, one table per latency."""
    lines: list[str] = []
    for latency in sorted({r.latency_ms for r in rows}):
        default = ceiling_of(rows, latency, "noop-default")
        tuned = ceiling_of(rows, latency, "noop-tuned")
        lines += [
            f"**Mock latency {latency:g} ms** (medians of {max(r.runs for r in rows)} runs)",
            "",
            (
                "| variant | articles | wall s | articles/s | of default ceiling "
                "| of tuned ceiling | CPU s / 1,000 articles | peak RSS MB | requests / article "
                "| DB bytes / article | WARC bytes / article |"
            ),
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in rows:
            if r.latency_ms != latency:
                continue
            name = r.variant + (f" ({r.note})" if r.note else "")
            if r.failed_runs:
                name += f" **{r.failed_runs} run(s) failed**"
            lines.append(
                f"| {name} | {_fmt(r.articles)} | {_fmt(r.wall_seconds, 1)} "
                f"| {_fmt(r.articles_per_second, 1)} | {_pct(r.articles_per_second, default)} "
                f"| {_pct(r.articles_per_second, tuned)} | {_fmt(r.cpu_per_1000, 2)} "
                f"| {_fmt(r.peak_rss_mb)} | {_fmt(r.requests_per_article, 3)} "
                f"| {_fmt(r.db_bytes_per_article)} | {_fmt(r.warc_bytes_per_article)} |"
            )
        lines.append("")
    return "\n".join(lines)


@dataclass(frozen=True)
class Target:
    """One of the issue's targets: met or not, with the figure that says so."""

    name: str
    met: bool | None
    figure: str


def judge_targets(rows: Sequence[Row], floor: float | None = None) -> list[Target]:
    """The suite's targets (issue 7), from the medians. None: not measured in this run."""

    def row(latency: float, variant: str) -> Row | None:
        return next((r for r in rows if r.latency_ms == latency and r.variant == variant), None)

    targets = []
    ours, ceiling = row(0.0, "epaper-sqlite"), row(0.0, "noop-default")
    if ours and ceiling:
        share = ours.articles_per_second / ceiling.articles_per_second
        targets.append(
            Target(
                "SQLite pipeline ≥ 75 % of the default-settings ceiling at 0 ms",
                share >= 0.75,
                f"{100 * share:.0f} % ({ours.articles_per_second:.0f} vs "
                f"{ceiling.articles_per_second:.0f} articles/s)",
            )
        )
    tuned = row(0.0, "noop-tuned")
    if ours and tuned:
        share = ours.articles_per_second / tuned.articles_per_second
        targets.append(
            Target(
                "SQLite pipeline against the tuned ceiling at 0 ms (aim: 100 %)",
                None,
                f"{100 * share:.0f} % ({ours.articles_per_second:.0f} vs "
                f"{tuned.articles_per_second:.0f} articles/s)",
            )
        )
    naive = row(0.0, "naive")
    if ours and naive:
        factor = ours.cpu_per_1000 / naive.cpu_per_1000 if naive.cpu_per_1000 else 0.0
        targets.append(
            Target(
                "CPU s per 1,000 articles within 3× of the naive baseline's (0 ms)",
                factor <= 3.0,
                f"{factor:.2f}× ({ours.cpu_per_1000:.2f} vs {naive.cpu_per_1000:.2f} s)",
            )
        )
    slow_ours, slow_naive = row(100.0, "epaper-sqlite"), row(100.0, "naive")
    if slow_ours and slow_naive and slow_naive.articles_per_second:
        factor = slow_ours.articles_per_second / slow_naive.articles_per_second
        targets.append(
            Target(
                "≥ 10× the naive baseline's articles/s at 100 ms",
                factor >= 10,
                f"{factor:.1f}× ({slow_ours.articles_per_second:.0f} vs "
                f"{slow_naive.articles_per_second:.1f} articles/s)",
            )
        )
    if ours:
        targets.append(
            Target(
                "≤ 1.15 HTTP requests per stored article on a full backfill",
                ours.requests_per_article <= 1.15,
                f"{ours.requests_per_article:.3f}"
                + (f" (the site's structural floor: {floor:.3f})" if floor else ""),
            )
        )
    return targets


def markdown_targets(targets: Sequence[Target]) -> str:
    lines = ["| target | met | figure |", "|---|---|---|"]
    for t in targets:
        verdict = "–" if t.met is None else ("met" if t.met else "**not met**")
        lines.append(f"| {t.name} | {verdict} | {t.figure} |")
    return "\n".join(lines) + "\n"


def markdown_report(result: SuiteResult) -> str:
    rows = summarize(result.measurements)
    machine_info = result.machine
    loads = [m.load[0] for m in result.measurements]
    header = [
        f"Suite of {result.started} to {result.finished}: `{result.command}`",
        "",
        (
            f"Machine: {machine_info['nproc']} CPUs ({machine_info['cpu']}), "
            f"{machine_info['ram_gb']} GB RAM, Python {machine_info['python']}, commit "
            f"{machine_info.get('commit', 'unknown')}; mock site "
            f"pinned to CPU {SERVER_CPU}, measured process to CPU {CRAWLER_CPU}. Load average "
            f"(1 min) at the start of the runs: median {median(loads):.2f}, "
            f"max {max(loads, default=0):.2f}."
        ),
        "",
        (
            f"Archive: {result.options['archive']}: {result.archive_articles} articles stored by "
            f"a full crawl, {result.archive_requests} requests. The site's truth lists "
            f"{result.floor_articles} articles on {result.floor_documents} documents (issue "
            f"indexes, pages, articles and their further parts, 404s): no crawl that reads "
            f"every page can make fewer than "
            f"{_ratio(result.floor_documents, result.floor_articles)} requests per article."
        ),
        "",
    ]
    if result.rss_method != "vmhwm":
        header += [
            (
                "Peak RSS is not reported for this run: it was read from wait4's ru_maxrss, which "
                "Linux carries from the forking parent (the suite process) into its children."
            ),
            "",
        ]
    floor = result.floor_documents / result.floor_articles if result.floor_articles else None
    targets = judge_targets(rows, floor)
    return "\n".join(header) + "\n" + markdown_tables(rows) + "\n" + markdown_targets(targets)


def machine() -> dict[str, Any]:
    """nproc, CPU model and RAM of this machine."""
    cpu = "unknown"
    ram_gb = 0.0
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return {
        "commit": code_version(),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": ram_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def options_jsonable(options: SuiteOptions) -> dict[str, Any]:
    return {
        "archive": options.archive.describe(),
        "today": options.archive.today.isoformat(),
        "runs": options.runs,
        "latencies": list(options.latencies),
        "variants": list(options.variants),
        "naive_days_when_slow": options.naive_days_when_slow,
        "pin": options.pin,
    }


def parse_options(argv: Sequence[str] | None) -> SuiteOptions:
    parser = bench_parser("suite", __doc__)
    default = DEFAULT_ARCHIVE
    parser.add_argument("--papers", default=",".join(default.papers))
    parser.add_argument("--since", type=dt.date.fromisoformat, default=default.since)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=default.until)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latencies", default="0,100", help="mock latencies in ms")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--naive-days-when-slow", type=int, default=NAIVE_DAYS_WHEN_SLOW)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    parser.add_argument("--postgres-url", default=POSTGRES_ADMIN_URL)
    parser.add_argument("--no-pin", action="store_true", help="do not pin to CPUs 0 and 1")
    parser.add_argument(
        "--section", default="suite", help="the section of --docs to write (default: suite)"
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        metavar="FILE",
        help="measure nothing: report again on the runs a suite saved in FILE",
    )
    add_docs_option(parser, "suite")
    args = parser.parse_args(argv)
    variants = tuple(v for v in args.variants.split(",") if v)
    unknown = set(variants) - set(VARIANTS)
    if unknown:
        parser.error(f"unknown variants: {', '.join(sorted(unknown))}")
    return SuiteOptions(
        archive=Archive(tuple(args.papers.split(",")), args.since, args.until),
        runs=args.runs,
        latencies=tuple(float(x) for x in args.latencies.split(",") if x),
        variants=variants,
        naive_days_when_slow=args.naive_days_when_slow,
        out=args.out,
        postgres_url=args.postgres_url,
        pin=not args.no_pin and (os.cpu_count() or 1) >= 2,
        docs=args.docs,
        from_json=args.from_json,
        section=args.section,
    )


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_options(argv)
    command = "python -m tests.benchmarks.suite " + shlex.join(
        sys.argv[1:] if argv is None else argv
    )
    began = time.monotonic()

    def log(message: str) -> None:
        print(f"[{time.monotonic() - began:7.1f} s] {message}", file=sys.stderr, flush=True)

    if options.from_json:
        result = SuiteResult.from_jsonable(json.loads(options.from_json.read_text()))
        report = markdown_report(result)
    else:
        result = run_suite(options, command.strip(), log)
        report = markdown_report(result)
        stamp = result.started.replace(":", "").replace("-", "")[:15]
        options.out.mkdir(parents=True, exist_ok=True)
        (options.out / f"suite-{stamp}.json").write_text(
            json.dumps(result.to_jsonable(), indent=1, default=str)
        )
        (options.out / f"suite-{stamp}.md").write_text(report)
    print(report)
    if options.docs:
        publish(options.section, report, options.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
