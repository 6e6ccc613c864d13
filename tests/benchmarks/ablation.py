"""What each of Scrapy's default components costs: the no-op spider with one switched off at a time.

    python -m tests.benchmarks.ablation                           # all components, 3 rounds
    python -m tests.benchmarks.ablation --components cookies,referer --runs 1

The URL list is that of a full crawl of a small archive (one month of lzcb and kjrb by
default). Each round runs the no-op spider with Scrapy's default settings (the crawler's
concurrency), then once with each component off, then with the project's tuned settings;
the report gives each one's median change against the same round's baseline: CPU
milliseconds per response (what a component costs) and wall seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.benchmarks.harness import (
    CRAWLER_CPU,
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    code_version,
    fresh_folder,
    measured,
    mocksite,
)
from tests.benchmarks.measure import load_average, median
from tests.benchmarks.noop_spider import ABLATIONS
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish
from tests.benchmarks.suite import SuiteOptions, discover

DEFAULT_ARCHIVE = Archive(("lzcb", "kjrb"), dt.date(2025, 3, 1), dt.date(2025, 3, 31))
BASELINE = "baseline"
TUNED = "tuned"


@dataclass(frozen=True)
class Trial:
    """One no-op run: the component switched off (or the baseline), and what it cost."""

    config: str
    run: int
    responses: int
    wall_seconds: float
    cpu_seconds: float
    load: float

    @property
    def cpu_ms_per_response(self) -> float:
        return 1000 * self.cpu_seconds / self.responses if self.responses else 0.0


def deltas(trials: Sequence[Trial], config: str) -> tuple[float, float]:
    """Median per-round change of ``config`` against the baseline: (CPU ms/response, wall s).

    >>> t = [Trial("baseline", 1, 100, 10.0, 1.0, 0), Trial("x", 1, 100, 9.0, 0.9, 0)]
    >>> [round(v, 3) for v in deltas(t, "x")]
    [-1.0, -1.0]
    """
    base = {t.run: t for t in trials if t.config == BASELINE}
    cpu, wall = [], []
    for t in trials:
        if t.config == config and t.run in base:
            cpu.append(t.cpu_ms_per_response - base[t.run].cpu_ms_per_response)
            wall.append(t.wall_seconds - base[t.run].wall_seconds)
    return median(cpu), median(wall)


def run_trial(site: object, paths: Path, config: str, run: int, workdir: Path) -> Trial:
    settings = TUNED if config == TUNED else "default"
    command = [
        sys.executable,
        "-m",
        "tests.benchmarks.noop_spider",
        "--base-url",
        site.base_url,  # type: ignore[attr-defined]
        "--paths",
        str(paths),
        "--settings",
        settings,
    ]
    if config not in (BASELINE, TUNED):
        command += ["--without", config]
    load = load_average()[0]
    site.reset_stats()  # type: ignore[attr-defined]
    proc = measured(command, workdir / f"{config}-{run}.log")
    responses = int(site.stats()["total"])  # type: ignore[attr-defined]
    return Trial(config, run, responses, proc.wall_seconds, proc.cpu_seconds, load)


def report(trials: Sequence[Trial]) -> str:
    base = [t for t in trials if t.config == BASELINE]
    lines = [
        (
            f"Baseline (Scrapy defaults, 32 concurrent): median "
            f"{median([t.cpu_ms_per_response for t in base]):.3f} CPU ms per response, "
            f"{median([t.wall_seconds for t in base]):.1f} s wall, "
            f"{median([t.responses for t in base]):.0f} responses."
        ),
        "",
        "| switched off | CPU ms / response (Δ) | Δ % of baseline CPU | wall s (Δ) |",
        "|---|---:|---:|---:|",
    ]
    base_cpu = median([t.cpu_ms_per_response for t in base]) or 1.0
    configs = [c for c in dict.fromkeys(t.config for t in trials) if c != BASELINE]
    rows = []
    for config in configs:
        cpu, wall = deltas(trials, config)
        rows.append((cpu, config, wall))
    for cpu, config, wall in sorted(rows):
        name = f"on: {config[1:]}" if config.startswith("+") else config
        lines.append(f"| {name} | {cpu:+.3f} | {100 * cpu / base_cpu:+.1f} % | {wall:+.2f} |")
    return "\n".join(lines) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("ablation", __doc__)
    parser.add_argument("--papers", default=",".join(DEFAULT_ARCHIVE.papers))
    parser.add_argument("--since", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.since)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.until)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--components", default=",".join(ABLATIONS))
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    add_docs_option(parser, "ablation")
    args = parser.parse_args(argv)
    archive = Archive(tuple(args.papers.split(",")), args.since, args.until)
    components = [c for c in args.components.split(",") if c]
    unknown = set(components) - set(ABLATIONS)
    if unknown:
        parser.error(f"unknown components: {', '.join(sorted(unknown))}")
    started = dt.datetime.now().astimezone()
    workdir = fresh_folder(args.out / f"ablation-{started:%Y%m%d-%H%M%S}")
    began = time.monotonic()
    trials: list[Trial] = []
    with mocksite(archive, cpu=SERVER_CPU) as site:
        paths, _articles, requests = discover(site, SuiteOptions(archive=archive), workdir)
        print(f"{archive.describe()}: {requests} URLs", file=sys.stderr, flush=True)
        for run in range(1, args.runs + 1):
            for config in [BASELINE, *components, TUNED]:
                trial = run_trial(site, paths, config, run, workdir)
                trials.append(trial)
                print(
                    f"[{time.monotonic() - began:7.1f} s] round {run} {config}: "
                    f"{trial.wall_seconds:.1f} s, {trial.cpu_ms_per_response:.3f} ms/response, "
                    f"load {trial.load:.2f}",
                    file=sys.stderr,
                    flush=True,
                )
    text = (
        f"Ablation of {started:%Y-%m-%d %H:%M} (commit {code_version()}), "
        f"`{invocation(parser, argv)}`, on {archive.describe()} "
        f"({requests} URLs), {args.runs} rounds, crawler on CPU {CRAWLER_CPU}, mock site on "
        f"CPU {SERVER_CPU}.\n\n" + report(trials)
    )
    (workdir / "ablation.json").write_text(json.dumps([t.__dict__ for t in trials], indent=1))
    (workdir / "ablation.md").write_text(text)
    print(text)
    if args.docs:
        publish("ablation", text, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
