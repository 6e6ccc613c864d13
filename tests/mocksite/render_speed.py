"""Cold rendering speed of the mock site, in process: every article of the last N days, once.

A script, not a test module. The article paths come from the ground truth of one site; a
second, fresh site then renders each once, in truth order (paper by paper, day by day, page
by page, as a crawl fetches them), so every render is a first render::

    python tests/mocksite/render_speed.py                    # last 4 days, all papers
    python tests/mocksite/render_speed.py --days 30 --repeat 3
    python tests/mocksite/render_speed.py --profile 25       # cProfile, top 25 by own time
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mocksite.site import DEFAULT_TODAY, MockSite, SiteOptions

NOW = dt.datetime.combine(DEFAULT_TODAY, dt.time(12, 0))


def article_paths(options: SiteOptions, days: int) -> list[str]:
    """The article paths of the last ``days`` days, in truth order."""
    site = MockSite(options)
    since = NOW.date() - dt.timedelta(days=days - 1)
    return [
        urlsplit(str(r["url"])).path for r in site.truth(NOW, since=since) if r["kind"] == "article"
    ]


def render_all(options: SiteOptions, paths: list[str]) -> tuple[float, float]:
    """Seconds (wall clock, CPU) a fresh site takes to render every path once.

    The CPU time is the figure to compare on a machine shared with other jobs.
    """
    site = MockSite(options)
    started, cpu = time.perf_counter(), time.process_time()
    for path in paths:
        site.render(path, NOW)
    return time.perf_counter() - started, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--days", type=int, default=4)
    parser.add_argument("--repeat", type=int, default=3, help="fresh sites to time (median)")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="print top N")
    args = parser.parse_args(argv)
    options = SiteOptions()
    paths = article_paths(options, args.days)
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        render_all(options, paths)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("tottime").print_stats(args.profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
        return 0
    runs = [render_all(options, paths) for _ in range(args.repeat)]
    for label, times in (("wall", [w for w, _ in runs]), ("cpu", [c for _, c in runs])):
        median = statistics.median(times)
        print(
            f"{len(paths)} articles of {args.days} days, cold, {label} time, median of "
            f"{args.repeat}: {median:.2f} s = {len(paths) / median:.0f} renders/s, "
            f"{1000 * median / len(paths):.3f} ms each (runs: "
            + ", ".join(f"{t:.2f}" for t in times)
            + ")"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
