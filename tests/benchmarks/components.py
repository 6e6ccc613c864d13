"""What each of Scrapy's per-request components costs, timed call by call without a crawl.

    python -m tests.benchmarks.components            # CPU µs per request, best of 7 rounds

A crawl on a shared 2-core machine is too noisy to see a component worth 1 % of the CPU
(see ``ablation.py``): here each downloader middleware's ``process_request`` and
``process_response``, and each spider middleware's per-request hook, run 5,000 times on
fresh requests and responses shaped like the crawl's (an 8 kB article page, its text
already decoded as the spider decodes it), and the best of several rounds is kept.
Components are built as Scrapy builds them, from Scrapy's default settings.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any

from tests.benchmarks.harness import code_version
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish

#: Rows: (component path, what is timed).
DOWNLOADER = (
    "scrapy.downloadermiddlewares.offsite.OffsiteMiddleware",
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware",
    "scrapy.downloadermiddlewares.httpauth.HttpAuthMiddleware",
    "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware",
    "scrapy.downloadermiddlewares.defaultheaders.DefaultHeadersMiddleware",
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware",
    "scrapy.downloadermiddlewares.retry.RetryMiddleware",
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware",
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware",
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware",
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware",
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware",
    "scrapy.downloadermiddlewares.stats.DownloaderStats",
)
SPIDER = (
    "scrapy.spidermiddlewares.httperror.HttpErrorMiddleware",
    "scrapy.spidermiddlewares.referer.RefererMiddleware",
    "scrapy.spidermiddlewares.urllength.UrlLengthMiddleware",
    "scrapy.spidermiddlewares.depth.DepthMiddleware",
    "scrapy.spidermiddlewares.metacopy.MetaCopyDetectionMiddleware",
)
CALLS = 5000
#: Components the crawler replaces with a subclass of its own.
REPLACED = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": (
        "crawler.middlewares.BackoffRetryMiddleware"
    ),
}
URL = "http://127.0.0.1:8000/lzcb/content/20250305/Articel05002UJ.htm"


def _run(value: Any) -> Any:
    """The result of a hook that may be a coroutine that never really waits."""
    if hasattr(value, "send"):
        try:
            value.send(None)
        except StopIteration as done:
            return done.value
        msg = "the hook waited for something"
        raise RuntimeError(msg)
    return value


def setup() -> tuple[Any, Any, bytes]:
    """A crawler with Scrapy's defaults (the crawl's concurrency), its spider open."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    class Noop(Spider):
        name = "noop"
        allowed_domains = ("127.0.0.1",)

    crawler = get_crawler(Noop, {"CONCURRENT_REQUESTS_PER_DOMAIN": 32, "ROBOTSTXT_OBEY": True})
    crawler._apply_settings()  # what Crawler.crawl() does first
    crawler.spider = crawler._create_spider()
    assert crawler.stats is not None
    crawler.stats.open_spider()
    body = ("<html><body>" + "正文段落。" * 500 + "</body></html>").encode()
    return crawler, crawler.spider, body


def build(path: str, crawler: Any, spider: Any) -> Any:
    from scrapy.utils.misc import build_from_crawler, load_object

    component = build_from_crawler(load_object(path), crawler)
    if spider is not None and hasattr(component, "spider_opened"):
        component.spider_opened(spider)
    if path.endswith("RobotsTxtMiddleware"):
        from scrapy.robotstxt import ProtegoRobotParser

        # As once robots.txt has arrived: every later request only asks the parser.
        component._parsers["127.0.0.1:8000"] = ProtegoRobotParser.from_crawler(
            crawler, b"User-agent: *\nAllow: /\n"
        )
    return component


def in_our_settings(path: str) -> str:
    """Whether the crawler's own settings (``crawler/settings.py``) keep a component.

    Scrapy leaves a component out when its dict entry is None, or when it raises
    NotConfigured as it is built (its ``*_ENABLED`` setting is off).
    """
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    import crawler.settings as ours

    values = {k: v for k, v in vars(ours).items() if k.isupper()}
    for name in ("DOWNLOADER_MIDDLEWARES", "SPIDER_MIDDLEWARES"):
        if values.get(name, {}).get(path, "") is None:
            replacement = REPLACED.get(path)
            if replacement and replacement in values[name]:
                return f"replaced by {replacement.rsplit('.', 1)[-1]}"
            return "off"
    # Only the components' own switches matter here: no reactor, no add-ons.
    for name in ("TWISTED_REACTOR", "ADDONS"):
        values.pop(name, None)
    crawler = get_crawler(None, values)
    try:
        build(path, crawler, None)
    except NotConfigured:
        return "off"
    except Exception:  # noqa: BLE001 - built outside a crawl: only NotConfigured matters here
        return "kept"
    return "kept"


def best_per_call(
    prepare: Callable[[int], list[Any]], work: Callable[[list[Any]], None], rounds: int
) -> float:
    """Best of ``rounds`` timings of ``work`` over ``prepare(CALLS)`` (untimed), µs per call."""
    best = float("inf")
    for _ in range(rounds):
        items = prepare(CALLS)
        started = time.process_time()
        work(items)
        best = min(best, time.process_time() - started)
    return 1e6 * best / CALLS


def measure(rounds: int) -> list[tuple[str, float, float]]:
    """(component, µs per request, µs per response) for each component."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    crawler, spider, body = setup()
    headers = {"Content-Type": "text/html; charset=utf-8", "Content-Length": str(len(body))}

    def fresh(n: int) -> list[tuple[Request, HtmlResponse]]:
        pairs = []
        for i in range(n):
            request = Request(f"{URL}?n={i}")
            response = HtmlResponse(request.url, body=body, headers=headers, request=request)
            # Decoded already, as the spider decodes every page: a component that reads
            # the text only shares that cost.
            _ = response.text
            response.meta["depth"] = 1  # as DepthMiddleware sets it on the way in
            pairs.append((request, response))
        return pairs

    rows = []
    for path in DOWNLOADER:
        component = build(path, crawler, spider)
        on_request = getattr(component, "process_request", None)
        on_response = getattr(component, "process_response", None)

        def requests(pairs: list[Any], hook: Any = on_request) -> None:
            for request, _response in pairs:
                _run(hook(request))

        def responses(pairs: list[Any], hook: Any = on_response) -> None:
            for request, response in pairs:
                _run(hook(request, response))

        cost_in = best_per_call(fresh, requests, rounds) if on_request else 0.0
        cost_out = best_per_call(fresh, responses, rounds) if on_response else 0.0
        rows.append((path.rsplit(".", 1)[-1], cost_in, cost_out))
    for path in SPIDER:
        component = build(path, crawler, spider)
        on_input = getattr(component, "process_spider_input", None)
        on_output = getattr(component, "get_processed_request", None)

        def inputs(pairs: list[Any], hook: Any = on_input) -> None:
            for _request, response in pairs:
                hook(response)

        def outputs(pairs: list[Any], hook: Any = on_output) -> None:
            for request, response in pairs:
                hook(request, response)

        cost_out = best_per_call(fresh, outputs, rounds) if on_output else 0.0
        cost_in = best_per_call(fresh, inputs, rounds) if on_input else 0.0
        rows.append((path.rsplit(".", 1)[-1], cost_out, cost_in))
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("components", __doc__)
    parser.add_argument("--rounds", type=int, default=7)
    add_docs_option(parser, "components")
    args = parser.parse_args(argv)
    rows = measure(args.rounds)
    paths = {p.rsplit(".", 1)[-1]: p for p in (*DOWNLOADER, *SPIDER)}
    lines = [
        (
            f"Measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M} (commit "
            f"{code_version()}), `{invocation(parser, argv)}`"
            f" (CPU µs per call, best of {args.rounds} rounds of {CALLS:,} calls):"
        ),
        "",
        (
            "| component | µs per request (on the way out) | µs per response (on the way in) "
            "| in the crawler's settings |"
        ),
        "|---|---:|---:|---|",
    ]
    kept_out = kept_back = 0.0
    for name, out, back in rows:
        ours = in_our_settings(paths[name])
        if ours != "off":
            kept_out, kept_back = kept_out + out, kept_back + back
        lines.append(f"| {name} | {out:.1f} | {back:.1f} | {ours} |")
    total_out, total_back = sum(r[1] for r in rows), sum(r[2] for r in rows)
    lines.append(f"| **all of them** (Scrapy's defaults) | {total_out:.1f} | {total_back:.1f} | |")
    lines.append(f"| **those kept** | {kept_out:.1f} | {kept_back:.1f} | |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.docs:
        publish("components", text, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
