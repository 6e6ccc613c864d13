"""A proxy in front of the mock site that turns chosen answers hostile, for the crawl tests.

Each rule matches a request path and rewrites the mock site's answer (or answers on its
own, for paths the mock site does not know). The proxy logs every path it was asked for,
and a trap on another port of the same host counts the connections made to it.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import REPO, CrawlRun, crawl_env

#: ``(status, headers, body)`` of an answer.
Answer = tuple[int, dict[str, str], bytes]
#: A rule: the path and the mock site's answer (None when the rule answers alone) in, the
#: answer to send out.
Rewrite = Callable[[str, Answer | None], Answer]


@dataclass
class Rule:
    pattern: re.Pattern[str]
    rewrite: Rewrite
    upstream: bool = True  # ask the mock site first


@dataclass
class HostileSite:
    """The proxy's address, the paths it was asked for, and its rules (changeable)."""

    base_url: str
    rules: list[Rule]
    requested: list[str] = field(default_factory=list)

    def hits(self, pattern: str) -> list[str]:
        return [path for path in self.requested if re.search(pattern, path)]


class Trap:
    """A listener on another port of 127.0.0.1: the crawler must never connect to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port: int = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self.sock.close()


@contextmanager
def hostile_proxy(site: MockSiteProcess, rules: Sequence[Rule]) -> Iterator[HostileSite]:
    hostile = HostileSite("", list(rules))
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            with lock:
                hostile.requested.append(path)
            rule = next((r for r in hostile.rules if r.pattern.search(path)), None)
            if rule is None:
                status, headers, body = site.get(path)
            else:
                status, headers, body = rule.rewrite(
                    path, site.get(path) if rule.upstream else None
                )
            self.send_response(status)
            for name, value in headers.items():
                if name.lower() not in {"content-length", "connection", "date", "server"}:
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    hostile.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield hostile
    finally:
        server.shutdown()
        server.server_close()


def run_crawl(
    base_url: str,
    database: str,
    args: Sequence[str],
    warc_dir: Path,
    *,
    today: str,
    settings: Sequence[str] = (),
) -> CrawlRun:
    """``epaper ARGS`` in a new process, every paper pointed at ``base_url``."""
    command = [
        sys.executable, "-m", "crawler.cli", *args,
        "--database", database,
        "--base-url-override", base_url + "/{slug}/",
        "--profile", "mock",
        "--today", today,
    ]  # fmt: skip
    for setting in settings:
        command += ["-s", setting]
    env = crawl_env(warc_dir)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=300, env=env, check=False, cwd=REPO
    )
    return CrawlRun(done.returncode, done.stdout, done.stderr)
