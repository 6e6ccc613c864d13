"""The yardstick: a crawl in the style of the public e-paper scripts (requests, lxml, row by row).

    python -m tests.benchmarks.naive --base-url-override http://127.0.0.1:8000/{slug}/ \\
        --papers lzcb,kjrb --since 2025-01-01 --until 2025-03-31 --database naive.sqlite3

A sequential loop over the dates: the issue's first page, its page list, each page's
article links, each article; title and body by XPath, each article inserted and committed
on its own. No retries, no continuation parts, no bookkeeping: what a short script does.
It knows the two families the benchmark crawls (PaperIndex and Founder classic) and takes
the issue URL from the registry. Prints one JSON line: articles stored, requests sent.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sqlite3
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

#: Link and text XPaths of each family, as a script author would write them.
XPATHS = {
    "paperindex": {
        "pages": "//a[starts-with(@href, 'Page')]/@href",
        "articles": "//a[starts-with(@href, 'Articel')]/@href",
        "title": "//span[@id='contenttitle']//text()",
        "body": "//span[@id='contenttext']//text()",
    },
    "founder": {
        "pages": "//a[@id='pageLink']/@href",
        "articles": "//a[contains(@href, 'content_')]/@href",
        "title": "//founder-title//text()",
        "body": "//founder-content//text()",
    },
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (
    id INTEGER PRIMARY KEY,
    paper TEXT NOT NULL,
    date TEXT NOT NULL,
    url TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    body TEXT NOT NULL
)
"""


@dataclass
class Counts:
    """What the loop did."""

    articles: int = 0
    requests: int = 0
    failed: int = 0


def dates(since: dt.date, until: dt.date) -> Iterator[dt.date]:
    """Every day from ``since`` to ``until``, inclusive.

    >>> [d.day for d in dates(dt.date(2025, 1, 30), dt.date(2025, 2, 1))]
    [30, 31, 1]
    """
    day = since
    while day <= until:
        yield day
        day += dt.timedelta(days=1)


def unique_links(base: str, hrefs: Sequence[str]) -> list[str]:
    """Absolute links without their query, each once, in order.

    >>> unique_links("http://e.cn/a/node_2.htm", ["content_1.htm?div=-1", "content_1.htm?div=0"])
    ['http://e.cn/a/content_1.htm']
    """
    seen: dict[str, None] = {}
    for href in hrefs:
        seen.setdefault(urljoin(base, href.split("?", 1)[0]), None)
    return list(seen)


def crawl(
    papers: Sequence[str], since: dt.date, until: dt.date, override: str, database: Path
) -> Counts:
    import requests
    from lxml import html  # type: ignore[import-untyped]

    from crawler.registry import load_registry

    registry = load_registry()
    session = requests.Session()
    session.headers["User-Agent"] = "Mozilla/5.0 (naive e-paper script)"
    conn = sqlite3.connect(database)
    conn.execute(SCHEMA)
    counts = Counts()

    def fetch(url: str) -> Any:
        counts.requests += 1
        response = session.get(url, timeout=30)
        if response.status_code != 200:
            counts.failed += 1
            return None
        return html.fromstring(response.text)

    for slug in papers:
        paper = registry.get(slug)
        for day in dates(max(since, paper.first_issue), until):
            family = paper.era_for(day).family
            paths = XPATHS[family]
            issue_url = paper.issue_url(day, override)
            issue = fetch(issue_url)
            if issue is None:
                continue
            for page_url in unique_links(issue_url, issue.xpath(paths["pages"])):
                page = issue if page_url == issue_url else fetch(page_url)
                if page is None:
                    continue
                for article_url in unique_links(page_url, page.xpath(paths["articles"])):
                    article = fetch(article_url)
                    if article is None:
                        continue
                    title = "".join(article.xpath(paths["title"])).strip()
                    body = "\n".join(t.strip() for t in article.xpath(paths["body"]) if t.strip())
                    conn.execute(
                        "INSERT OR REPLACE INTO articles (paper, date, url, title, body) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (slug, day.isoformat(), article_url, title, body),
                    )
                    conn.commit()
                    counts.articles += 1
    conn.close()
    return counts


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.naive", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--base-url-override", required=True, metavar="TEMPLATE")
    parser.add_argument("--papers", required=True, help="comma-separated slugs")
    parser.add_argument("--since", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--until", required=True, type=dt.date.fromisoformat)
    parser.add_argument("--database", required=True, type=Path)
    args = parser.parse_args(argv)
    counts = crawl(
        args.papers.split(","), args.since, args.until, args.base_url_override, args.database
    )
    print(json.dumps(counts.__dict__), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
