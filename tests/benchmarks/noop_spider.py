"""The ceiling: a Scrapy spider that requests a list of URLs and does nothing with the answers.

    python -m tests.benchmarks.noop_spider --base-url http://127.0.0.1:8000 --paths urls.txt \\
        --settings default --without cookies --without logstats

``--settings default`` is Scrapy's own defaults with the crawler's concurrency;
``tuned`` is the project's settings under the ``mock`` profile with the project's own
components (pipelines, the archive and retry middlewares, the run recorder) taken out,
so only Scrapy's work is left. ``--without NAME`` switches off one component of
:data:`ABLATIONS` (repeatable). Prints one JSON line of Scrapy's counters.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from pathlib import Path
from typing import Any

#: What the crawler runs with against the mock site (crawler/profiles.py, ``mock``).
CONCURRENCY = 32

_DM = "scrapy.downloadermiddlewares."
_SM = "scrapy.spidermiddlewares."
_EXT = "scrapy.extensions."

#: Each component of Scrapy that a crawl could do without, and the settings that switch it
#: off. Entries whose key starts with ``+`` switch something *on* (robots.txt, whose cost
#: the crawl pays on purpose). Dict values are merged into the component dicts.
ABLATIONS: Mapping[str, Mapping[str, Any]] = {
    "cookies": {"COOKIES_ENABLED": False},
    "referer": {"REFERER_ENABLED": False},
    "depth": {"SPIDER_MIDDLEWARES": {_SM + "depth.DepthMiddleware": None}},
    "urllength": {"SPIDER_MIDDLEWARES": {_SM + "urllength.UrlLengthMiddleware": None}},
    "metacopy": {"SPIDER_MIDDLEWARES": {_SM + "metacopy.MetaCopyDetectionMiddleware": None}},
    "useragent": {"DOWNLOADER_MIDDLEWARES": {_DM + "useragent.UserAgentMiddleware": None}},
    "offsite": {"DOWNLOADER_MIDDLEWARES": {_DM + "offsite.OffsiteMiddleware": None}},
    "httpauth": {"DOWNLOADER_MIDDLEWARES": {_DM + "httpauth.HttpAuthMiddleware": None}},
    "downloadtimeout": {
        "DOWNLOADER_MIDDLEWARES": {_DM + "downloadtimeout.DownloadTimeoutMiddleware": None}
    },
    "defaultheaders": {
        "DOWNLOADER_MIDDLEWARES": {_DM + "defaultheaders.DefaultHeadersMiddleware": None}
    },
    "httpproxy": {"HTTPPROXY_ENABLED": False},
    "redirect": {"REDIRECT_ENABLED": False},
    "metarefresh": {"METAREFRESH_ENABLED": False},
    "httpcompression": {"COMPRESSION_ENABLED": False},
    "retry": {"RETRY_ENABLED": False},
    "downloaderstats": {"DOWNLOADER_STATS": False},
    "stats": {"STATS_CLASS": "scrapy.statscollectors.DummyStatsCollector"},
    "corestats": {"EXTENSIONS": {_EXT + "corestats.CoreStats": None}},
    "logstats": {"EXTENSIONS": {_EXT + "logstats.LogStats": None}},
    "logcount": {"EXTENSIONS": {_EXT + "logcount.LogCount": None}},
    "memusage": {"MEMUSAGE_ENABLED": False},
    "telnet": {"TELNETCONSOLE_ENABLED": False},
    "remotecontrol": {"REMOTE_CONTROL_ENABLED": False},
    "feedexport": {"EXTENSIONS": {_EXT + "feedexport.FeedExporter": None}},
    "dupefilter": {"DUPEFILTER_CLASS": "scrapy.dupefilters.BaseDupeFilter"},
    "pqueue": {"SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.ScrapyPriorityQueue"},
    "debuglog": {"LOG_LEVEL": "INFO"},
    # Not a component: Scrapy starts CONCURRENT_ITEMS (100) asyncio tasks for the output of
    # every response, however few items it holds.
    "concurrentitems": {"CONCURRENT_ITEMS": 1},
    "+robots": {"ROBOTSTXT_OBEY": True},
}

#: The project's own components, left out of the ``tuned`` ceiling ...
PROJECT_PREFIX = "crawler."
#: ... and Scrapy's components that the settings switch off only because a project
#: component replaces them (they come back in the ceiling).
REPLACED_BY_PROJECT = frozenset({_DM + "retry.RetryMiddleware"})


def default_settings(concurrency: int = CONCURRENCY) -> dict[str, Any]:
    """Scrapy's defaults, with only the crawler's concurrency changed.

    >>> default_settings()["CONCURRENT_REQUESTS_PER_DOMAIN"]
    32
    """
    return {
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
    }


def tuned_settings() -> dict[str, Any]:
    """The project's settings under the ``mock`` profile, without the project's components.

    >>> s = tuned_settings()
    >>> s["ITEM_PIPELINES"], s["EXTENSIONS"]
    ({}, {})
    >>> [k for k in s["DOWNLOADER_MIDDLEWARES"] if k.startswith("crawler.") or "Retry" in k]
    []
    >>> s["CONCURRENT_REQUESTS"], s["ROBOTSTXT_OBEY"]
    (32, True)
    """
    from crawler import settings as project
    from crawler.profiles import profile_settings

    flat: dict[str, Any] = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    flat.update(profile_settings("mock"))
    for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES", "EXTENSIONS", "ITEM_PIPELINES"):
        flat[name] = {
            key: order
            for key, order in dict(flat.get(name) or {}).items()
            if not key.startswith(PROJECT_PREFIX) and key not in REPLACED_BY_PROJECT
        }
    # Loading the project's spiders would import the whole project: not Scrapy's cost.
    for name in ("ADDONS", "SPIDER_MODULES", "NEWSPIDER_MODULE"):
        flat.pop(name, None)
    return flat


def apply_ablations(settings: dict[str, Any], names: Sequence[str]) -> dict[str, Any]:
    """``settings`` with the components ``names`` switched off (or ``+name`` on).

    >>> s = apply_ablations({"EXTENSIONS": {"a.B": 1}}, ["logstats", "cookies"])
    >>> s["COOKIES_ENABLED"], sorted(s["EXTENSIONS"])
    (False, ['a.B', 'scrapy.extensions.logstats.LogStats'])
    >>> apply_ablations({}, ["nothing"])
    Traceback (most recent call last):
    ...
    ValueError: unknown component 'nothing'
    """
    result = dict(settings)
    for name in names:
        if name not in ABLATIONS:
            msg = f"unknown component {name!r}"
            raise ValueError(msg)
        for key, value in ABLATIONS[name].items():
            if isinstance(value, Mapping):
                result[key] = {**dict(result.get(key) or {}), **value}
            else:
                result[key] = value
    return result


def run_noop(base_url: str, paths: Sequence[str], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Request ``base_url + path`` for each path, doing nothing with the answers."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    urls = [base_url.rstrip("/") + path for path in paths]

    class NoopSpider(scrapy.Spider):
        name = "noop"

        async def start(self) -> AsyncIterator[Any]:
            for url in urls:
                yield scrapy.Request(url, callback=self.ignore, errback=self.ignore)

        def ignore(self, _answer: object) -> None:
            return None

    process = CrawlerProcess(dict(settings), install_root_handler=True)
    crawler = process.create_crawler(NoopSpider)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return {
        "requested": len(urls),
        "responses": int(stats.get("response_received_count", 0)),
        "finish_reason": str(stats.get("finish_reason", "")),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.noop_spider",
        description=__doc__.split("\n\n")[0],
    )
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--paths", type=Path, required=True, help="one path (with query) a line")
    parser.add_argument("--settings", choices=("default", "tuned"), default="default")
    parser.add_argument("--without", action="append", default=[], choices=sorted(ABLATIONS))
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY)
    args = parser.parse_args(argv)
    paths = [p for p in args.paths.read_text().splitlines() if p.strip()]
    settings = (
        default_settings(args.concurrency) if args.settings == "default" else tuned_settings()
    )
    if settings.get("ROBOTSTXT_OBEY") or "+robots" in args.without:
        # Scrapy fetches robots.txt itself: the list's copy would be a second request.
        paths = [p for p in paths if not p.endswith("/robots.txt")]
    result = run_noop(args.base_url, paths, apply_ablations(settings, args.without))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
