"""Put a benchmark's Markdown report into ``docs/benchmarks.md``, between that report's markers.

    python -m tests.benchmarks.publish suite data/bench/suite-20261129T0810.md
    python -m tests.benchmarks.publish large data/bench/large-20261129-0930/large.md

``make bench`` and ``make bench-large`` call the benchmarks with ``--docs docs/benchmarks.md``,
which does the same at the end of a run: the figures in the documentation are always a whole
report of one run, with its date, machine and command, never numbers typed in by hand.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.benchmarks.harness import REPO_ROOT

DOCS = REPO_ROOT / "docs" / "benchmarks.md"


def bench_parser(module: str, doc: str) -> argparse.ArgumentParser:
    """The parser of ``python -m tests.benchmarks.MODULE``: its docstring's first paragraph
    as the description, the rest (usage lines first) as the epilog.

    >>> bench_parser("x", "What x does.").prog
    'python -m tests.benchmarks.x'
    """
    parts = doc.split("\n\n", 1)
    return argparse.ArgumentParser(
        prog=f"python -m tests.benchmarks.{module}",
        description=parts[0],
        epilog=parts[1] if len(parts) > 1 else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_docs_option(parser: argparse.ArgumentParser, section: str) -> None:
    """``--docs FILE``: also write the report into ``section`` of FILE (as make bench does)."""
    parser.add_argument(
        "--docs",
        type=Path,
        metavar="FILE",
        help=f"also write the report into this file's section ({section})",
    )


def invocation(parser: argparse.ArgumentParser, argv: Sequence[str] | None) -> str:
    """The command line a report quotes: the parser's prog and the arguments given.

    >>> invocation(bench_parser("x", "X."), ["--runs", "1"])
    'python -m tests.benchmarks.x --runs 1'
    """
    args = list(argv) if argv is not None else sys.argv[1:]
    return " ".join([parser.prog, shlex.join(args)]) if args else parser.prog


def markers(name: str) -> tuple[str, str]:
    """The comment lines that enclose report ``name`` in the document.

    >>> markers("suite")
    ('<!-- bench:suite:begin -->', '<!-- bench:suite:end -->')
    """
    return f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"


def replace_section(document: str, name: str, report: str) -> str:
    """``document`` with what lies between the markers of ``name`` replaced by ``report``.

    >>> doc = "intro\\n<!-- bench:x:begin -->\\nold\\n<!-- bench:x:end -->\\nrest\\n"
    >>> print(replace_section(doc, "x", "new figures\\n"), end="")
    intro
    <!-- bench:x:begin -->
    new figures
    <!-- bench:x:end -->
    rest
    >>> replace_section("no markers", "x", "new")
    Traceback (most recent call last):
    ...
    ValueError: the document has no '<!-- bench:x:begin -->' ... '<!-- bench:x:end -->' section
    """
    begin, end = markers(name)
    start = document.find(begin)
    stop = document.find(end, start + 1) if start >= 0 else -1
    if start < 0 or stop < 0:
        raise ValueError(f"the document has no {begin!r} ... {end!r} section")
    head = document[: start + len(begin)]
    return head + "\n" + report.strip("\n") + "\n" + document[stop:]


def publish(name: str, report: str, docs: Path = DOCS) -> None:
    """Write ``report`` into ``docs`` as section ``name`` (the file is replaced atomically)."""
    updated = replace_section(docs.read_text(encoding="utf-8"), name, report)
    partial = docs.with_name(docs.name + ".partial")
    partial.write_text(updated, encoding="utf-8")
    partial.replace(docs)


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("publish", __doc__)
    parser.add_argument("name", help="the report's section: suite, update, large, profile")
    parser.add_argument("report", type=Path, help="the Markdown report a benchmark wrote")
    parser.add_argument("--docs", type=Path, default=DOCS)
    args = parser.parse_args(argv)
    try:
        publish(args.name, args.report.read_text(encoding="utf-8"), args.docs)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{args.docs}: section {args.name} replaced by {args.report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
