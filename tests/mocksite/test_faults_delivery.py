"""Faults as a client sees them on the wire: short bodies, resets, hangs, redirects, delays."""

from __future__ import annotations

import http.client
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from mocksite.faults import FaultPlan, parse_fault_spec
from mocksite.server import MockSiteApp

if TYPE_CHECKING:
    from tests.mocksite.conftest import Paths

Served = tuple[MockSiteApp, str, int]


@pytest.fixture
def article(site_paths: Paths) -> str:
    return site_paths.article


def _plan(app: MockSiteApp, spec: str, **fields: object) -> None:
    app.set_plan(FaultPlan(parse_fault_spec(spec), **fields))  # type: ignore[arg-type]


def _get(host: str, port: int, path: str, timeout: float = 5) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    connection.request("GET", path)
    return connection.getresponse()


def _raw(host: str, port: int, path: str, timeout: float = 5) -> bytes:
    """Everything the server sends for one GET until it closes the connection."""
    with socket.create_connection((host, port), timeout=timeout) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_truncate_sends_fewer_bytes_than_its_content_length(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "truncate:1")
    head, _, body = _raw(host, port, article).partition(b"\r\n\r\n")
    length = int(next(h for h in head.split(b"\r\n") if h.startswith(b"Content-Length")).split()[1])
    assert 0 < len(body) < length
    # http.client reports it the way a crawler would see it.
    with pytest.raises(http.client.IncompleteRead):
        _get(host, port, article + "?again").read()


def test_cut_closes_early_without_a_content_length(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "cut:1")
    response = _get(host, port, article)
    cut_body = response.read()
    assert response.status == 200
    assert response.getheader("Content-Length") is None
    full_body = _get(host, port, article).read()  # the second attempt is not faulted
    assert full_body.startswith(cut_body)
    assert 0 < len(cut_body) < len(full_body)


def test_reset_closes_the_connection_with_a_tcp_rst(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "reset:1")
    with pytest.raises(ConnectionResetError):
        _raw(host, port, article)
    assert app.stats.by_status["reset"] == 1


def test_hang_answers_nothing_then_closes(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "hang:1", hang_seconds=0.4)
    with pytest.raises(TimeoutError):
        _raw(host, port, article, timeout=0.15)  # a client timeout fires first
    started = time.monotonic()
    assert _raw(host, port, article + "?other", timeout=5) == b""
    assert time.monotonic() - started >= 0.35


def test_redirect_points_off_site(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "redirect:1")
    response = _get(host, port, article + "?div=-1")
    assert response.status == 302
    assert response.getheader("Location") == "http://offsite.invalid" + article + "?div=-1"


def test_oversize_sends_the_configured_number_of_bytes(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "oversize:1", oversize_bytes=3 * 1024 * 1024)
    response = _get(host, port, article)
    body = response.read()
    assert len(body) == int(response.getheader("Content-Length", "0")) == 3 * 1024 * 1024
    assert body.startswith(b"<html>")


def test_429_carries_retry_after(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "429:1", retry_after=7)
    response = _get(host, port, article)
    assert (response.status, response.getheader("Retry-After")) == (429, "7")


def test_a_transient_fault_clears_on_a_later_try(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "503:1", attempts=2)
    statuses = [_get(host, port, article).status for _ in range(4)]
    assert statuses == [503, 503, 200, 200]


def test_a_permanent_fault_stays(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "500!:1")
    assert [_get(host, port, article).status for _ in range(5)] == [500] * 5
    assert app.stats.by_url_status[article] == {"500": 5}


def test_faults_spare_robots_and_control_endpoints_unless_asked(
    served: Served, article: str
) -> None:
    app, host, port = served
    _plan(app, "500!:1")
    assert _get(host, port, "/robots.txt").status == 200
    assert _get(host, port, "/__mocksite/stats").status == 200
    _plan(app, "500!:1", include_robots=True)
    assert _get(host, port, "/robots.txt").status == 500


def test_slow_responses_are_delayed_without_blocking_others(served: Served, article: str) -> None:
    app, host, port = served
    _plan(app, "slow:1", slow_ms=300, slow_jitter_ms=100)
    started = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda i: _get(host, port, f"{article}?n={i}").status, range(8)))
    elapsed = time.monotonic() - started
    assert statuses == [200] * 8
    assert 0.3 <= elapsed < 1.5  # served concurrently: not 8 x 0.3 s


def test_global_latency_delays_every_page(served: Served, article: str) -> None:
    app, host, port = served
    app.options = type(app.options)(latency_ms=200)
    started = time.monotonic()
    assert _get(host, port, article).status == 200
    assert time.monotonic() - started >= 0.2
    started = time.monotonic()
    assert _get(host, port, "/__mocksite/clock").status == 200
    assert time.monotonic() - started < 0.2  # the control endpoints are never delayed
