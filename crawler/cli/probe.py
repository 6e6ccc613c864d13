"""``epaper probe URL``: fit a family to a paper from a handful of its pages, print an entry."""

from __future__ import annotations

import argparse
import re
import sys

from crawler.config import load_settings
from crawler.errors import ConfigurationError
from crawler.params import beijing_today

PROBE_EPILOG = """\
examples:
  epaper probe https://epaper.example.cn/pc/layout/202503/31/node_01.html
  epaper probe http://paper.example.cn/xxrb/ --slug xxrb --name 某某日报
  epaper probe URL --max-requests 4 >> my-papers.toml

Fetches at most --max-requests pages (robots.txt included; the crawl's user agent and
DOWNLOAD_DELAY between two requests, robots.txt obeyed), decides which family, layout, skin
and calendar fit, reads one page's title list and one article, and prints a papers.toml
entry on stdout, with what it saw as comments. Keys it could not confirm are listed in the
entry's `uncertain`. Exit 1 with the reason when nothing fits (docs/adding-a-paper.md).
"""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "probe",
        help="find the family, layout and calendar of a paper from a few pages",
        description="Given a paper's home or any page of an issue, fetch a handful of pages "
        "politely and print a ready papers.toml entry.",
        epilog=PROBE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("url", metavar="URL", help="the paper's home or an issue's first page")
    parser.add_argument("--slug", help="the entry's slug (default: from the URL)")
    parser.add_argument("--name", help="the paper's name (default: the page's title, uncertain)")
    parser.add_argument(
        "--max-requests",
        type=int,
        default=8,
        metavar="N",
        help="fetch at most N pages, robots.txt included (default: %(default)s)",
    )
    parser.set_defaults(func=run_probe)


def run_probe(args: argparse.Namespace) -> int:
    """``epaper probe``."""
    from crawler.probe import PoliteFetcher, probe, registry_entry, suggested_slug

    if args.max_requests < 1:
        raise ConfigurationError("--max-requests must be at least 1")
    slug = args.slug or suggested_slug(args.url)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", slug):
        raise ConfigurationError(f"--slug {slug!r}: lower-case letters, digits and _ only")
    settings = load_settings()
    fetch = PoliteFetcher(
        user_agent=str(settings.get("USER_AGENT")),
        delay=float(settings.getfloat("DOWNLOAD_DELAY")),
        max_requests=args.max_requests,
        timeout=float(settings.getfloat("DOWNLOAD_TIMEOUT")),
        obey_robots=slug not in settings.getlist("EPAPER_ROBOTSTXT_IGNORE"),
    )
    result = probe(args.url, fetch)
    entry = registry_entry(result, slug, args.name, beijing_today())
    out = sys.stdout
    out.write(f"# epaper probe {args.url}: {len(fetch.requests)} requests\n")
    out.write(f"# issue {result.date} at {result.url}\n")
    for line in result.confirmed:
        out.write(f"# confirmed: {line}\n")
    for line in result.unconfirmed:
        out.write(f"# not confirmed: {line}\n")
    for skin in result.skins:
        out.write(f"# skin: {skin.part} #{skin.index + 1} {skin.xpath}\n")
    if result.article_title:
        out.write(f"# first article: {result.article_title}\n")
    out.write(entry)
    return 0
