"""The HTTP server in-process: methods, keep-alive, robots.txt, clock and stats endpoints."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from crawler.errors import ConfigurationError
from mocksite.server import MockSiteApp, ServerOptions, bind_socket, parse_request
from mocksite.site import DEFAULT_TODAY
from mocksite.testing import serving

if TYPE_CHECKING:
    from tests.mocksite.conftest import Paths

Served = tuple[MockSiteApp, str, int]


def _call(
    host: str, port: int, method: str, path: str, payload: object = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(host, port, timeout=5)
    body = None if payload is None else json.dumps(payload).encode()
    connection.request(method, path, body=body)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data


def _recv_until_closed(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_get_and_head_agree_on_headers(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    status, headers, body = _call(host, port, "GET", site_paths.article)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert int(headers["content-length"]) == len(body) > 1000
    assert site_paths.article_title in body.decode()
    head_status, head_headers, head_body = _call(host, port, "HEAD", site_paths.article)
    assert (head_status, head_body) == (200, b"")
    assert head_headers["content-length"] == headers["content-length"]


def test_unknown_paths_are_404(served: Served) -> None:
    _, host, port = served
    assert _call(host, port, "GET", "/no/such/page.htm")[0] == 404
    assert _call(host, port, "GET", "/nopaper/robots.txt")[0] == 404
    assert _call(host, port, "GET", "/__mocksite/nothing")[0] == 404


def test_other_methods_are_405_on_pages(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    status, headers, _ = _call(host, port, "POST", site_paths.article, {})
    assert (status, headers["allow"]) == (405, "GET, HEAD")


def test_keep_alive_reuses_one_connection(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", site_paths.article)
    first = connection.getresponse()
    first.read()
    sock = connection.sock
    statuses = []
    for path in (site_paths.other_article, "/nothing", site_paths.article):
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        statuses.append(response.status)
    assert statuses == [200, 404, 200]
    assert sock is not None
    assert connection.sock is sock  # never reconnected
    connection.close()


def test_pipelined_requests_are_answered_in_order(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(
            f"GET {site_paths.article} HTTP/1.1\r\nHost: x\r\n\r\n"
            "HEAD /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
            "GET /robots.txt HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
        )
        data = _recv_until_closed(sock)
    assert re.findall(rb"HTTP/1\.1 (\d{3}) ", data) == [b"200", b"404", b"200"]
    assert data.endswith(b"Disallow:\n")


def test_http10_without_keep_alive_gets_closed(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(f"GET {site_paths.article} HTTP/1.0\r\n\r\n".encode())
        data = _recv_until_closed(sock)  # returns only because the server closed
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Connection: close\r\n" in data


def test_garbage_gets_400_and_a_close(served: Served) -> None:
    _, host, port = served
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"HELLO\r\n\r\n")
        assert _recv_until_closed(sock).startswith(b"HTTP/1.1 400 Bad Request\r\n")


@pytest.mark.parametrize(
    ("policy", "status", "text"),
    [("allow", 200, "Disallow:\n"), ("disallow", 200, "Disallow: /\n"), ("missing", 404, "")],
)
def test_robots_at_the_root_and_per_paper(
    app_factory: Callable[..., MockSiteApp], policy: str, status: int, text: str
) -> None:
    with serving(app_factory(robots=policy)) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        for path in ("/robots.txt", "/lzcb/robots.txt"):
            got_status, headers, body = _call(host, int(port), "GET", path)
            assert got_status == status
            assert body.decode().endswith(text)
            if status == 200:
                assert headers["content-type"].startswith("text/plain")


def test_clock_endpoint_moves_today(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    tomorrow = site_paths.tomorrow
    status, _, body = _call(host, port, "GET", "/__mocksite/clock")
    assert (status, json.loads(body)) == (
        200,
        {"now": "2025-03-31T12:00:00", "today": "2025-03-31"},
    )
    assert _call(host, port, "GET", tomorrow)[0] == 404
    status, _, body = _call(host, port, "POST", "/__mocksite/clock", {"advance_days": 1})
    assert json.loads(body)["today"] == str(DEFAULT_TODAY + dt.timedelta(days=1))
    assert _call(host, port, "GET", tomorrow)[0] == 200
    _call(host, port, "POST", "/__mocksite/clock", {"today": str(DEFAULT_TODAY)})
    assert _call(host, port, "GET", tomorrow)[0] == 404  # the cache follows the clock back
    status, _, body = _call(host, port, "POST", "/__mocksite/clock", {"advance_weeks": 1})
    assert status == 400
    assert "advance_weeks" in json.loads(body)["error"]


def test_stats_count_per_url_and_status_and_reset(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    article = site_paths.article
    for method, path in [("GET", article), ("GET", article), ("HEAD", article), ("GET", "/x")]:
        _call(host, port, method, path)
    _call(host, port, "GET", "/__mocksite/clock")  # control requests are not counted
    stats = json.loads(_call(host, port, "GET", "/__mocksite/stats")[2])
    assert stats["total"] == 4
    assert stats["by_url"] == {article: 3, "/x": 1}
    assert stats["by_status"] == {"200": 3, "404": 1}
    assert stats["by_method"] == {"GET": 3, "HEAD": 1}
    assert stats["by_url_status"]["/x"] == {"404": 1}
    assert stats["cache"]["hits"] >= 2  # the article was rendered once
    status, _, body = _call(host, port, "POST", "/__mocksite/stats/reset", {})
    assert (status, json.loads(body)["total"]) == (200, 0)
    assert json.loads(_call(host, port, "GET", "/__mocksite/stats")[2])["by_url"] == {}


def test_prewarm_renders_the_recent_archive_into_the_cache(
    app: MockSiteApp, site_paths: Paths
) -> None:
    rendered = app.prewarm(DEFAULT_TODAY)
    assert rendered > 50
    misses = app.cache.misses
    reply = app.handle(parse_request(f"GET {site_paths.article} HTTP/1.1\r\n\r\n".encode())[0])
    assert reply.status == 200
    assert site_paths.article_title in reply.body.decode()
    assert app.cache.misses == misses  # served from the cache


def test_faults_endpoint_switches_faults_on_and_off(served: Served, site_paths: Paths) -> None:
    _, host, port = served
    status, _, body = _call(host, port, "POST", "/__mocksite/faults", {"spec": "502!:1"})
    assert (status, json.loads(body)["spec"]) == (200, "502!:1")
    assert _call(host, port, "GET", site_paths.article)[0] == 502
    _call(host, port, "POST", "/__mocksite/faults", {"spec": ""})
    assert _call(host, port, "GET", site_paths.article)[0] == 200
    status, _, body = _call(host, port, "POST", "/__mocksite/faults", {"spec": "500:2"})
    assert status == 400
    assert "not in [0, 1]" in json.loads(body)["error"]


def test_truth_endpoint_lists_records_as_json_lines(served: Served) -> None:
    _, host, port = served
    query = "papers=lzcb&since=2025-01-05&until=2025-01-06&now=2025-01-06T07:00"
    status, headers, body = _call(host, port, "GET", "/__mocksite/truth?" + query)
    assert status == 200
    assert headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in body.decode().splitlines()]
    assert {r["kind"] for r in records} >= {"paper", "issue", "page", "article"}
    assert {r["paper"] for r in records} == {"lzcb"}
    assert {r["date"] for r in records if "date" in r} <= {"2025-01-05", "2025-01-06"}
    status, _, body = _call(host, port, "GET", "/__mocksite/truth?colour=red")
    assert (status, json.loads(body)["error"]) == (400, "unknown truth parameter(s): colour")


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.1", "example.com", "::"])
def test_refuses_to_bind_anything_but_loopback(host: str) -> None:
    with pytest.raises(ConfigurationError, match="loopback only"):
        bind_socket(host, 0)


def test_loopback_binds_and_picks_a_free_port() -> None:
    sock = bind_socket("127.0.0.1", 0)
    try:
        assert sock.getsockname()[1] > 0
    finally:
        sock.close()


def test_parse_request_reads_a_post_body() -> None:
    raw = b'POST /__mocksite/clock HTTP/1.1\r\nContent-Length: 17\r\n\r\n{"advance_days":1}'
    request, used = parse_request(raw)  # type: ignore[misc]
    assert (request.body, used) == (b'{"advance_days":1', len(raw) - 1)


def test_server_options_are_validated() -> None:
    with pytest.raises(ConfigurationError, match="robots policy"):
        ServerOptions(robots="sometimes")
