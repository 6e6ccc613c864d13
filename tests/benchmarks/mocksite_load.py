"""Load generator for the mock site: responses per second of article pages over keep-alive.

Spawns a mock site pinned to one CPU (or uses a running one), takes article URLs from its
ground truth and requests them from N keep-alive connections for a while. Stdlib only.

    python tests/benchmarks/mocksite_load.py --spawn --server-cpu 0 --client-cpu 1
    python tests/benchmarks/mocksite_load.py --spawn --mode unique --duration 10
    python tests/benchmarks/mocksite_load.py --base-url http://127.0.0.1:8000 --json

``--mode warm`` cycles through ``--warm-urls`` articles (rendered once, then served from the
cache); ``--mode unique`` fetches every article once, as a crawl does (every request renders,
unless the server was started with ``--prewarm-days``).

    python tests/benchmarks/mocksite_load.py --spawn --mode unique --prewarm-days 7
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import http.client
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO_ROOT = Path(__file__).resolve().parents[2]
if str(REPO_ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO_ROOT))

from mocksite.testing import MockSiteProcess, run_mocksite  # noqa: E402


@dataclass(slots=True)
class LoadResult:
    """What one run measured."""

    mode: str
    connections: int
    seconds: float = 0.0
    responses: int = 0
    errors: int = 0
    body_bytes: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.responses / self.seconds if self.seconds else 0.0

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies) or [0.0]
        return {
            "mode": self.mode,
            "connections": self.connections,
            "seconds": round(self.seconds, 3),
            "responses": self.responses,
            "responses_per_second": round(self.per_second, 1),
            "errors": self.errors,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "mean_body_bytes": round(self.body_bytes / self.responses) if self.responses else 0,
            "latency_ms": {
                "p50": round(1000 * lat[len(lat) // 2], 2),
                "p99": round(1000 * lat[min(len(lat) - 1, int(len(lat) * 0.99))], 2),
                "mean": round(1000 * statistics.fmean(lat), 2),
            },
        }


class _Client(asyncio.Protocol):
    """One keep-alive connection sending the next path as soon as a response is complete."""

    def __init__(self, host: str, paths: Iterator[str], result: LoadResult, deadline: float):
        self.host = host
        self.paths = paths
        self.result = result
        self.deadline = deadline
        self.buffer = bytearray()
        self.expect: int | None = None  # body length of the response being read
        self.status = 0
        self.sent_at = 0.0
        self.transport: asyncio.Transport | None = None
        self.done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self._send_next()

    def _send_next(self) -> None:
        path = next(self.paths, None)
        if path is None or time.perf_counter() >= self.deadline:
            self._finish(True)
            return
        assert self.transport is not None
        self.sent_at = time.perf_counter()
        self.transport.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if self.expect is None:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head = bytes(self.buffer[:end]).decode("latin-1").split("\r\n")
                self.status = int(head[0].split()[1])
                length = next(
                    (int(h.split(":")[1]) for h in head if h.lower().startswith("content-length")),
                    None,
                )
                if length is None:  # not what the mock site sends without faults
                    self.result.errors += 1
                    self._finish(False)
                    return
                self.expect = length
                del self.buffer[: end + 4]
            if len(self.buffer) < self.expect:
                return
            del self.buffer[: self.expect]
            result = self.result
            result.responses += 1
            result.body_bytes += self.expect
            result.statuses[self.status] += 1
            result.latencies.append(time.perf_counter() - self.sent_at)
            self.expect = None
            self._send_next()
            if self.done.done():
                return

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.done.done():
            self.result.errors += 1
            self._finish(False)

    def _finish(self, ok: bool) -> None:
        if not self.done.done():
            self.done.set_result(ok)
        if self.transport is not None:
            self.transport.close()


async def generate_load(
    base_url: str, paths: Iterator[str], connections: int, duration: float, mode: str
) -> LoadResult:
    """Request ``paths`` over ``connections`` keep-alive connections for ``duration`` seconds."""
    split = urlsplit(base_url)
    host, port = split.hostname or "127.0.0.1", split.port or 80
    result = LoadResult(mode, connections)
    loop = asyncio.get_running_loop()
    started = time.perf_counter()
    deadline = started + duration

    async def connection() -> None:
        while time.perf_counter() < deadline:
            _, client = await loop.create_connection(
                lambda: _Client(host, paths, result, deadline), host, port
            )
            if await client.done:  # ended normally: out of time or out of paths
                return

    await asyncio.gather(*(connection() for _ in range(connections)))
    result.seconds = time.perf_counter() - started
    return result


def article_paths(records: Sequence[dict[str, Any]]) -> list[str]:
    """Paths (with query) of the article pages in ground-truth records, in order."""
    paths = []
    for record in records:
        kind = record.get("kind", record.get("type", "article"))
        url = record.get("url")
        if kind == "article" and isinstance(url, str):
            split = urlsplit(url)
            paths.append(split.path + (f"?{split.query}" if split.query else ""))
    return paths


def run(args: argparse.Namespace) -> dict[str, Any]:
    with contextlib.ExitStack() as stack:
        if args.base_url:
            server: MockSiteProcess | None = None
            base_url = args.base_url.rstrip("/")
        else:
            server = stack.enter_context(
                run_mocksite(
                    seed=args.seed,
                    today=args.today,
                    prewarm_days=args.prewarm_days,
                    cache_entries=args.cache_entries,
                    cpu=args.server_cpu,
                    startup_timeout=600,
                )
            )
            base_url = server.base_url
        if args.client_cpu is not None:
            os.sched_setaffinity(0, {args.client_cpu})
        # The spawned server stays cold: its truth is computed here, by the same code.
        records = _local_truth(args, base_url) if server else _fetch_truth(base_url, args.days)
        paths = article_paths(records)
        if not paths:
            raise SystemExit("the site's ground truth lists no article URLs")
        if args.mode == "warm":
            chosen = paths[: args.warm_urls]
            asyncio.run(generate_load(base_url, iter(chosen), 8, 600, "warm-up"))
            source: Iterator[str] = _cycle(chosen)
        else:
            source = iter(paths)
        result = asyncio.run(
            generate_load(base_url, source, args.connections, args.duration, args.mode)
        )
        summary = result.summary()
        summary["article_urls"] = len(paths)
        summary["server_cpu"] = args.server_cpu
        summary["client_cpu"] = args.client_cpu
        if server is not None:
            summary["server_cache"] = server.stats()["cache"]
        return summary


def _cycle(items: Sequence[str]) -> Iterator[str]:
    while True:
        yield from items


def _local_truth(args: argparse.Namespace, base_url: str) -> list[dict[str, Any]]:
    from mocksite.cli import DEFAULT_TIME
    from mocksite.site import DEFAULT_TODAY, MockSite, SiteOptions

    today = dt.date.fromisoformat(args.today) if args.today else DEFAULT_TODAY
    site = MockSite(SiteOptions(seed=args.seed, base_url=base_url))
    since = today - dt.timedelta(days=args.days - 1)
    return list(site.truth(dt.datetime.combine(today, DEFAULT_TIME), since=since))


def _fetch_truth(base_url: str, days: int) -> list[dict[str, Any]]:
    """Ground truth of the site's last ``days`` days (all of it takes long to generate)."""
    split = urlsplit(base_url)
    connection = http.client.HTTPConnection(split.hostname or "", split.port or 80, timeout=600)
    connection.request("GET", "/__mocksite/clock")
    today = dt.date.fromisoformat(json.loads(connection.getresponse().read())["today"])
    since = today - dt.timedelta(days=days - 1)
    connection.request("GET", f"/__mocksite/truth?since={since}")
    body = connection.getresponse().read().decode()
    return [json.loads(line) for line in body.splitlines() if line.strip()]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 1)[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--base-url", help="a running mock site")
    where.add_argument("--spawn", action="store_true", help="start one (python -m mocksite serve)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--today", default=None, help="the spawned site's today")
    parser.add_argument("--server-cpu", type=int, default=None, help="pin the spawned server")
    parser.add_argument("--client-cpu", type=int, default=None, help="pin this process")
    parser.add_argument(
        "--prewarm-days", type=int, default=0, help="the spawned server pre-renders N days"
    )
    parser.add_argument("--cache-entries", type=int, default=None, help="the spawned server's")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    parser.add_argument("--mode", choices=("warm", "unique"), default="warm")
    parser.add_argument("--warm-urls", type=int, default=2000)
    parser.add_argument(
        "--days", type=int, default=7, help="take article URLs from the last N days (default 7)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument(
        "--min-rps", type=float, default=0.0, help="exit 1 below this many responses/s"
    )
    args = parser.parse_args(argv)
    summary = run(args)
    if args.json:
        print(json.dumps(summary, indent=1))
    else:
        lat = summary["latency_ms"]
        print(
            f"mode={summary['mode']} connections={summary['connections']} "
            f"responses={summary['responses']} in {summary['seconds']} s: "
            f"{summary['responses_per_second']} responses/s, errors={summary['errors']}, "
            f"statuses={summary['statuses']}, mean body {summary['mean_body_bytes']} B, "
            f"latency p50={lat['p50']} ms p99={lat['p99']} ms"
        )
    return 1 if summary["responses_per_second"] < args.min_rps else 0


if __name__ == "__main__":
    sys.exit(main())
