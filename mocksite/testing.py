"""Run the mock site in a subprocess for tests and benchmarks, and drive its control endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import http.client
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import IO, Any
from urllib.parse import urlencode, urlsplit

from crawler.errors import EpaperError
from mocksite.server import MockSiteApp, base_url_of, bind_socket, serve

_LISTENING = re.compile(r"mocksite listening on (http://\S+)")


class MockSiteError(EpaperError):
    """The mock site did not start, or a control request failed."""


def mocksite_args(**options: object) -> list[str]:
    """Command-line arguments of ``python -m mocksite serve`` for keyword options.

    A name becomes its flag (``fault_seed`` -> ``--fault-seed``); True is a bare flag,
    False and None are left out; ``site`` is a mapping of ``--site NAME=VALUE``;
    dates and datetimes are written in ISO format.

    >>> mocksite_args(seed=3, today=dt.date(2025, 3, 31), permanent_faults=True, faults=None)
    ['--seed', '3', '--today', '2025-03-31', '--permanent-faults']
    >>> mocksite_args(site={"papers": "lzcb"}, latency_ms=5)
    ['--site', 'papers=lzcb', '--latency-ms', '5']
    """
    args: list[str] = []
    for name, value in options.items():
        if value is None or value is False:
            continue
        if name == "site":
            assert isinstance(value, Mapping), "site= takes a mapping of SiteOptions fields"
            for key, item in value.items():
                args += ["--site", f"{key}={_text(item)}"]
            continue
        flag = "--" + name.replace("_", "-")
        args += [flag] if value is True else [flag, _text(value)]
    return args


def _text(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value)


class MockSiteProcess:
    """A mock site server running in a child process; a context manager that stops it.

    ``base_url`` is ``http://127.0.0.1:PORT``. The control methods talk to the
    ``/__mocksite/`` endpoints and raise :class:`MockSiteError` on a non-2xx answer.
    """

    def __init__(
        self,
        args: Sequence[str] = (),
        *,
        startup_timeout: float = 60.0,
        cpu: int | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        command = [sys.executable, "-m", "mocksite", "serve", "--port", "0", *args]
        if cpu is not None:
            command = ["taskset", "-c", str(cpu), *command]
        self.command = command
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        self._lines: list[str] = []
        self._stderr_at_close = ""
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            command,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            env={**os.environ, **(env or {})},
        )
        self.base_url = self._wait_listening(startup_timeout)
        split = urlsplit(self.base_url)
        self.host = split.hostname or "127.0.0.1"
        self.port = split.port or 80
        self._local = threading.local()

    def _wait_listening(self, timeout: float) -> str:
        found: list[str] = []
        ready = threading.Event()
        stdout = self.process.stdout
        assert stdout is not None

        def read(stream: IO[str]) -> None:
            # Reads until the child exits, so its stdout pipe never fills up.
            for line in stream:
                self._lines.append(line)
                match = _LISTENING.search(line)
                if match and not found:
                    found.append(match.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, args=(stdout,), daemon=True).start()
        ready.wait(timeout)
        if not found:
            exited = self.process.poll()
            self.close(timeout=5, read_stderr=True)
            reason = (
                f"exited with {exited}" if exited is not None else f"not ready in {timeout:g} s"
            )
            raise MockSiteError(
                f"mock site {reason}: {' '.join(self.command)}\n"
                f"stdout: {''.join(self._lines)}\nstderr: {self._stderr_at_close}"
            )
        return found[0]

    def stderr_text(self) -> str:
        """What the server wrote to stderr so far (its log)."""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    # -- HTTP ---------------------------------------------------------------------------

    def url(self, path: str = "/") -> str:
        """The absolute URL of a path on the site."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = 30.0,
    ) -> tuple[int, dict[str, str], bytes]:
        """One request on a fresh connection: ``(status, headers lower-cased, body)``."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=dict(headers or {}))
            response = connection.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            connection.close()

    def get(self, path: str, timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
        """``GET path``: ``(status, headers lower-cased, body)``."""
        return self.request("GET", path, timeout=timeout)

    def _control(self, method: str, name: str, payload: object = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"} if body is not None else {}
        status, _, data = self.request(method, "/__mocksite/" + name, body, headers)
        if not 200 <= status < 300:
            raise MockSiteError(f"{method} /__mocksite/{name}: {status} {data.decode()[:500]}")
        text = data.decode("utf-8")
        if name.startswith("truth"):
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        return json.loads(text)

    # -- control ------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Request counts: ``total``, ``urls``, ``by_url``, ``by_status``, ``by_method``,
        ``by_fault``, ``by_url_status`` (url -> status -> count), and ``cache``."""
        result: dict[str, Any] = self._control("GET", "stats")
        return result

    def reset_stats(self) -> None:
        """Zero the request counts."""
        self._control("POST", "stats/reset", {})

    def clock(self) -> dt.datetime:
        """The site's current date and time."""
        return dt.datetime.fromisoformat(self._control("GET", "clock")["now"])

    def set_clock(
        self,
        now: dt.datetime | str | None = None,
        *,
        today: dt.date | str | None = None,
        advance_days: float = 0,
        advance_hours: float = 0,
        advance_minutes: float = 0,
    ) -> dt.datetime:
        """Move the clock (to ``now``, to ``today`` at the same time of day, and/or forward);
        returns the new time."""
        change: dict[str, object] = {}
        if now is not None:
            change["now"] = _text(now)
        if today is not None:
            change["today"] = _text(today)
        advances = {
            "advance_days": advance_days,
            "advance_hours": advance_hours,
            "advance_minutes": advance_minutes,
        }
        change.update({name: amount for name, amount in advances.items() if amount})
        return dt.datetime.fromisoformat(self._control("POST", "clock", change)["now"])

    def faults(self) -> dict[str, Any]:
        """The fault plan (``spec``, ``seed``, ``attempts``, ``permanent``, ...)."""
        result: dict[str, Any] = self._control("GET", "faults")
        return result

    def set_faults(self, spec: str | None = None, **settings: object) -> dict[str, Any]:
        """Change the fault plan; ``spec=""`` turns faults off. Other keywords are plan fields
        (``seed``, ``attempts``, ``permanent``, ``slow_ms``, ``slow_jitter_ms``,
        ``hang_seconds``, ``retry_after``, ``oversize_bytes``, ``offsite_url``,
        ``include_robots``). Every URL's attempt count starts again from zero."""
        change = dict(settings)
        if spec is not None:
            change["spec"] = spec
        result: dict[str, Any] = self._control("POST", "faults", change)
        return result

    def truth(
        self,
        now: dt.datetime | str | None = None,
        *,
        papers: Sequence[str] | None = None,
        since: dt.date | str | None = None,
        until: dt.date | str | None = None,
    ) -> list[dict[str, Any]]:
        """Ground-truth records of the running site, at its clock or at ``now``; ``papers``,
        ``since`` and ``until`` (inclusive) narrow them to part of the archive."""
        query = {"now": now, "papers": papers, "since": since, "until": until}
        text = urlencode({k: _text(v) for k, v in query.items() if v is not None})
        result: list[dict[str, Any]] = self._control("GET", "truth" + ("?" + text if text else ""))
        return result

    # -- lifetime -----------------------------------------------------------------------

    def close(self, timeout: float = 10.0, *, read_stderr: bool = False) -> None:
        """Stop the server (SIGTERM, then SIGKILL after ``timeout``)."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        if not self._stderr.closed:
            if read_stderr:
                self._stderr_at_close = self.stderr_text()
            self._stderr.close()

    def __enter__(self) -> MockSiteProcess:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


@contextlib.contextmanager
def run_mocksite(
    *,
    startup_timeout: float = 60.0,
    cpu: int | None = None,
    extra_args: Sequence[str] = (),
    **options: object,
) -> Iterator[MockSiteProcess]:
    """Start ``python -m mocksite serve --port 0`` with ``options`` and stop it on exit.

    Options are the serve flags as keywords (see :func:`mocksite_args`): ``seed``,
    ``today``, ``now``, ``faults``, ``fault_seed``, ``fault_attempts``, ``permanent_faults``,
    ``latency_ms``, ``hang_seconds``, ``slow_ms``, ``robots``, ``site={...}``, ...
    ``cpu`` pins the server to one CPU with ``taskset`` (benchmarks).

    ::

        with run_mocksite(seed=3, today="2025-03-31") as site:
            status, headers, body = site.get("/")
    """
    server = MockSiteProcess(
        [*mocksite_args(**options), *extra_args], startup_timeout=startup_timeout, cpu=cpu
    )
    try:
        yield server
    finally:
        server.close()


def mocksite_fixture(
    name: str = "mocksite", *, scope: str = "session", **options: object
) -> Callable[..., Iterator[MockSiteProcess]]:
    """A pytest fixture that runs one mock site for its scope; stats are reset before it
    is handed out. In ``conftest.py``: ``mocksite = mocksite_fixture("mocksite", seed=0)``.
    """
    import pytest

    def fixture() -> Iterator[MockSiteProcess]:
        with run_mocksite(extra_args=mocksite_args(**options)) as server:
            server.reset_stats()
            yield server

    fixture.__name__ = name
    return pytest.fixture(scope=scope, name=name)(fixture)  # type: ignore[call-overload,no-any-return]


@contextlib.contextmanager
def serving(app: MockSiteApp, host: str = "127.0.0.1") -> Iterator[str]:
    """Serve ``app`` from a thread of this process (fast tests that inspect the app's state);
    yields the base URL. Benchmarks and crawls use :func:`run_mocksite` instead."""
    sock = bind_socket(host, 0)
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def main() -> None:
        holder["loop"] = asyncio.get_running_loop()
        holder["stop"] = stop = asyncio.Event()
        await serve(app, sock, on_listening=lambda _url: ready.set(), stop=stop)

    thread = threading.Thread(target=asyncio.run, args=(main(),), daemon=True)
    thread.start()
    if not ready.wait(10):
        raise MockSiteError("in-thread mock site did not start")
    try:
        yield base_url_of(sock)
    finally:
        holder["loop"].call_soon_threadsafe(holder["stop"].set)
        thread.join(10)
        sock.close()


__all__ = [
    "MockSiteError",
    "MockSiteProcess",
    "mocksite_args",
    "mocksite_fixture",
    "run_mocksite",
    "serving",
]
