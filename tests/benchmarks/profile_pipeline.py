"""Where the crawler's CPU goes: a py-spy profile of a full crawl of the mock archive.

    python -m tests.benchmarks.profile_pipeline            # the suite's archive, ~20,000 articles
    python -m tests.benchmarks.profile_pipeline --papers lzcb --since 2025-03-01 --top 30

Runs ``epaper crawl`` (SQLite, WARC on) under ``py-spy record`` (``bench`` extra;
measuring only, not a runtime dependency), saves the collapsed stacks, and prints the functions
with the most samples: on their own (self) and with what they call (inclusive), and the
share of each part of the project and of Scrapy, Twisted, parsel/lxml and SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from tests.benchmarks.harness import (
    CRAWLER_CPU,
    REPO_ROOT,
    SERVER_CPU,
    Archive,
    code_version,
    crawl_command,
    fresh_folder,
    measured,
    mocksite,
    sqlite_database,
)
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish
from tests.benchmarks.suite import DEFAULT_ARCHIVE

#: py-spy's frame: ``function (path/to/file.py:line)``; the line is dropped to group by function.
_FRAME = re.compile(r"^(?P<func>.*?) \((?P<file>[^():]*?)(?::\d+)?\)$")

#: Which part of the code a file belongs to, by the first pattern it contains.
AREAS: tuple[tuple[str, str], ...] = (
    ("crawler/extract/", "extraction (crawler/extract)"),
    ("crawler/cleaning", "cleaning (crawler/cleaning.py)"),
    ("crawler/db/", "storage (crawler/db)"),
    ("crawler/pipelines", "storage (crawler/pipelines.py)"),
    ("crawler/warc", "WARC (crawler/warc.py, archive.py)"),
    ("crawler/archive", "WARC (crawler/warc.py, archive.py)"),
    ("crawler/spiders/", "spider (crawler/spiders)"),
    ("crawler/", "other project code"),
    ("sqlalchemy/", "SQLAlchemy"),
    ("sqlite3/", "sqlite3"),
    ("psycopg", "psycopg"),
    ("warcio/", "warcio"),
    ("parsel/", "parsel / lxml"),
    ("lxml/", "parsel / lxml"),
    ("w3lib/", "w3lib"),
    ("scrapy/", "Scrapy"),
    ("twisted/", "Twisted"),
    ("asyncio/", "asyncio"),
    ("logging/", "logging"),
)


def function_of(frame: str) -> str:
    """A frame without its line number.

    >>> function_of("extract_article (crawler/extract/paperindex.py:120)")
    'extract_article (crawler/extract/paperindex.py)'
    >>> function_of("<module>")
    '<module>'
    """
    match = _FRAME.match(frame)
    return f"{match['func']} ({match['file']})" if match else frame


def area_of(frame: str) -> str:
    """The part of the code a frame is in (see :data:`AREAS`).

    >>> area_of("write (crawler/db/writer.py:88)"), area_of("select (selectors.py:4)")
    ('storage (crawler/db)', 'other')
    """
    for pattern, area in AREAS:
        if pattern in frame:
            return area
    return "other"


def read_collapsed(lines: Iterable[str]) -> Counter[tuple[str, ...]]:
    """Stacks of a py-spy ``--format raw`` file (``a;b;c 12``), root first.

    >>> read_collapsed(["a (x.py:1);b (y.py:2) 3", ""])
    Counter({('a (x.py:1)', 'b (y.py:2)'): 3})
    """
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in lines:
        stack, _, count = line.rstrip().rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def top_functions(
    stacks: Counter[tuple[str, ...]], n: int
) -> tuple[list[tuple[str, int]], list[tuple[str, int]], int]:
    """The ``n`` functions with the most samples on their own and inclusive; and the total."""
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    for stack, count in stacks.items():
        functions = [function_of(f) for f in stack]
        own[functions[-1]] += count
        for function in set(functions):
            inclusive[function] += count
    return own.most_common(n), inclusive.most_common(n), sum(stacks.values())


def areas(stacks: Counter[tuple[str, ...]]) -> list[tuple[str, int]]:
    """Samples by the area of the innermost frame that belongs to a known area.

    >>> areas(Counter({("f (scrapy/x.py:1)", "g (crawler/db/w.py:2)", "h (x.py:3)"): 2}))
    [('storage (crawler/db)', 2)]
    """
    totals: Counter[str] = Counter()
    for stack, count in stacks.items():
        area = next((a for a in map(area_of, reversed(stack)) if a != "other"), "other")
        totals[area] += count
    return totals.most_common()


def report(stacks: Counter[tuple[str, ...]], n: int) -> str:
    own, inclusive, total = top_functions(stacks, n)

    def pct(count: int) -> str:
        return f"{100 * count / total:5.1f} %"

    lines = [f"{total} samples", "", "By area (innermost known frame):"]
    lines += [f"  {pct(c)}  {a}" for a, c in areas(stacks)]
    lines += ["", f"Top {n} functions, self:"]
    lines += [f"  {pct(c)}  {f}" for f, c in own]
    lines += ["", f"Top {n} functions, inclusive:"]
    lines += [f"  {pct(c)}  {f}" for f, c in inclusive]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("profile_pipeline", __doc__)
    parser.add_argument("--papers", default=",".join(DEFAULT_ARCHIVE.papers))
    parser.add_argument("--since", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.since)
    parser.add_argument("--until", type=dt.date.fromisoformat, default=DEFAULT_ARCHIVE.until)
    parser.add_argument("--rate", type=int, default=250, help="py-spy samples per second")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench" / "profile")
    parser.add_argument("--stacks", type=Path, help="only report on an existing raw file")
    add_docs_option(parser, "profile")
    args = parser.parse_args(argv)
    if args.stacks:
        print(report(read_collapsed(args.stacks.read_text().splitlines()), args.top))
        return 0
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        parser.error("py-spy is not installed: make install, or pip install py-spy")
    archive = Archive(tuple(args.papers.split(",")), args.since, args.until)
    out = fresh_folder(args.out)
    raw = out / "stacks.txt"
    with mocksite(archive, cpu=SERVER_CPU) as site, sqlite_database(out) as database:
        crawl = crawl_command(site, archive, database.url, warc_dir=out / "warc")
        command = [py_spy, "record", "--rate", str(args.rate), "--format", "raw"]
        command += ["--output", str(raw), "--", *crawl]
        run = measured(command, out / "crawl.log", cpu=CRAWLER_CPU)
        articles = database.articles()
    shutil.rmtree(out / "warc", ignore_errors=True)
    text = (
        f"Profile of {dt.datetime.now().astimezone():%Y-%m-%d %H:%M} (commit {code_version()}), "
        f"`{invocation(parser, argv)}` "
        f"({archive.describe()}, py-spy at {args.rate} Hz): {articles} articles in "
        f"{run.wall_seconds:.1f} s under py-spy (exit {run.returncode}).\n\n```\n"
        + report(read_collapsed(raw.read_text().splitlines()), args.top)
        + "\n```\n"
    )
    (out / "profile.md").write_text(text)
    print(text)
    if args.docs:
        publish("profile", text, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
