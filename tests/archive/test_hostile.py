"""Hostile answers write nothing outside the stores: dot segments, a 2 GB body, a redirect away.

A proxy in front of the mock site turns one issue hostile: one article announces a 2 GB
body, one redirects to another host (a trap that counts connections), and every article
links images whose URLs climb towards /etc/passwd.
"""

from __future__ import annotations

import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.db.captures import CAPTURES
from crawler.db.engine import make_engine
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.archive.conftest import SITE_TODAY, run_epaper

HUGE = re.compile(r"/Articel02001[A-Za-z]+\.htm$")
REDIRECTED = re.compile(r"/Articel03001[A-Za-z]+\.htm$")
CLIMBING_IMAGES = (
    b'<A target="_blank"><IMG src="/lzcb/images/%2e%2e/%2E%2E/%2e%2e/etc/passwd"></A>'
    b'<A target="_blank"><IMG src="../../../../../../../etc/passwd.jpg"></A>'
)


class Trap:
    """A listener on another loopback host: the crawler must never connect to it."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.2", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join(5)
        self.sock.close()


def hostile_proxy(site: MockSiteProcess, trap: Trap) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path
            if HUGE.search(path):
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(2 * 1024**3))
                self.end_headers()
                self.wfile.write(b"<html>")
                return
            if REDIRECTED.search(path):
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.2:{trap.port}{path}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            status, headers, body = site.get(path)
            if status == 200 and "/Articel" in path:
                body = body.replace(
                    b'<SPAN id="contenttext">', b'<SPAN id="contenttext">' + CLIMBING_IMAGES
                )
            self.send_response(status)
            self.send_header("Content-Type", headers.get("content-type", "text/html"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def hostile_site() -> Iterator[tuple[str, Trap]]:
    trap = Trap()
    with run_mocksite(today=SITE_TODAY) as site:
        proxy = hostile_proxy(site, trap)
        try:
            yield f"http://127.0.0.1:{proxy.server_address[1]}", trap
        finally:
            proxy.shutdown()
            proxy.server_close()
            trap.close()


def test_hostile_answers_write_nothing_outside_the_stores(
    hostile_site: tuple[str, Trap], tmp_path: Path
) -> None:
    base_url, trap = hostile_site
    database = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    done = run_epaper(
        [
            "crawl", "lzcb", "--since", "2021-10-20", "--until", "2021-10-20",
            "--database", database, "--base-url-override", base_url + "/{slug}/",
            "--profile", "mock", "--today", SITE_TODAY,
        ],
        tmp_path,
        [
            f"EPAPER_WARC_DIR={tmp_path / 'warc'}",
            f"EPAPER_FILES_DIR={tmp_path / 'store'}",
            "EPAPER_DOWNLOAD_IMAGES=true",
        ],
    )  # fmt: skip
    log = done.stderr
    # Each is refused, and the log says why.
    assert re.search(r"failed article \S+/Articel02001\w+\.htm: too large", log), log[-3000:]
    assert "larger than download max size" in log
    assert re.search(r"failed article \S+/Articel03001\w+\.htm: refused: off-site", log)
    assert re.search(r"image \S+%2e%2e\S+ not fetched: refused: dot segments in the path", log)
    assert trap.connections == 0
    # Only the database (and its lock file), the WARC folder and the file store were written.
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    outside = {p for p in written if p.parts[0] not in {"warc", "store"}}
    assert {str(p) for p in outside} <= {
        "archive.sqlite3",
        "archive.sqlite3-wal",
        "archive.sqlite3-shm",
        "archive.sqlite3.lock",  # the writer lock beside the database (docs/crawling.md)
    }
    names = [p.name for p in written if p.parts[0] == "store"]
    assert names and all(re.fullmatch(r"[0-9a-f]{64}\.jpg", n) for n in names), names
    assert not [p for p in written if "passwd" in str(p)]
    # The redirect itself is archived (inside the store); the other host never is.
    engine = make_engine(database)
    with engine.connect() as conn:
        captured = conn.execute(select(CAPTURES.c.url, CAPTURES.c.http_status)).all()
    engine.dispose()
    assert any(REDIRECTED.search(url) and status == 302 for url, status in captured)
    assert not [url for url, _ in captured if "127.0.0.2" in url or HUGE.search(url)]
