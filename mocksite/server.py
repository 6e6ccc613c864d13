"""The mock site's HTTP/1.1 server: routing, response cache, clock, stats and fault delivery."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import logging
import signal
import socket
import struct
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

from crawler.errors import ConfigurationError
from mocksite.faults import STATUS_FAULTS, Fault, FaultPlan, choose_fault

logger = logging.getLogger(__name__)

#: Requests under this path prefix drive the mock site; they are never counted or faulted.
CONTROL_PREFIX = "/__mocksite/"
#: robots.txt answers: allow everything, disallow everything, or 404.
ROBOTS_POLICIES = ("allow", "disallow", "missing")
#: The largest request head (request line and headers) the server reads.
MAX_HEAD_BYTES = 64 * 1024
#: The largest request body (control endpoints only take small JSON).
MAX_BODY_BYTES = 1024 * 1024

#: The papers' time zone (no daylight saving), for clock values given with an offset.
BEIJING = dt.timezone(dt.timedelta(hours=8))

_ROBOTS_BODIES = {
    "allow": b"User-agent: *\nDisallow:\n",
    "disallow": b"User-agent: *\nDisallow: /\n",
}
_HOP_HEADERS = frozenset({"content-length", "connection", "transfer-encoding", "keep-alive"})


class RenderedPage(Protocol):
    """What the site returns for a path (``mocksite.site.MockResponse``)."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def body(self) -> bytes: ...


class Site(Protocol):
    """The content side of the mock site (``mocksite.site.MockSite``)."""

    def render(self, path: str, now: dt.datetime) -> RenderedPage: ...
    def truth(
        self,
        now: dt.datetime,
        *,
        papers: tuple[str, ...] | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
    ) -> Iterator[dict[str, object]]: ...


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """How the server listens and answers; the content and the faults are configured apart."""

    host: str = "127.0.0.1"
    port: int = 8000
    #: Binding anything but a loopback address needs this on purpose.
    allow_non_loopback: bool = False
    #: Every non-control response waits this long first (benchmarks of a slow site).
    latency_ms: float = 0.0
    robots: str = "allow"
    #: The response cache holds at most this many pages and this many body bytes.
    cache_entries: int = 8192
    cache_bytes: int = 128 * 1024 * 1024

    def __post_init__(self) -> None:
        if self.robots not in ROBOTS_POLICIES:
            raise ConfigurationError(
                f"robots policy must be one of {', '.join(ROBOTS_POLICIES)}, not {self.robots!r}"
            )
        if self.latency_ms < 0:
            raise ConfigurationError("latency cannot be negative")
        if not 0 <= self.port <= 65535:
            raise ConfigurationError(f"port {self.port} is not in 0..65535")


# ---------------------------------------------------------------------------------------
# Requests and replies
# ---------------------------------------------------------------------------------------


class BadRequestError(Exception):
    """The client sent something that is not HTTP/1.x; answered with ``status`` and a close."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True, slots=True)
class Request:
    """One parsed HTTP request; ``target`` is the path with its query, as sent."""

    method: str
    target: str
    version: str
    headers: dict[str, str]
    body: bytes = b""

    @property
    def keep_alive(self) -> bool:
        """Whether the connection stays open after the answer (HTTP/1.1 unless told otherwise)."""
        connection = self.headers.get("connection", "").lower()
        if self.version == "HTTP/1.0":
            return "keep-alive" in connection
        return "close" not in connection


def parse_request(buffer: bytes | bytearray) -> tuple[Request, int] | None:
    """The first complete request in ``buffer`` and the bytes it used, or None if incomplete.

    >>> request, used = parse_request(b"GET /a?b=1 HTTP/1.1\\r\\nHost: x\\r\\n\\r\\nGET")
    >>> request.method, request.target, request.headers["host"], used
    ('GET', '/a?b=1', 'x', 32)
    >>> parse_request(b"POST /x HTTP/1.1\\r\\nContent-Length: 5\\r\\n\\r\\nab") is None
    True
    >>> parse_request(b"GET http://127.0.0.1:8000/p?q HTTP/1.1\\r\\n\\r\\n")[0].target
    '/p?q'
    """
    start = 0
    while buffer.startswith(b"\r\n", start):  # RFC 9112 2.2: ignore CRLFs before a request
        start += 2
    end = buffer.find(b"\r\n\r\n", start)
    if end < 0:
        if len(buffer) - start > MAX_HEAD_BYTES:
            raise BadRequestError(431, "request head too large")
        return None
    lines = bytes(buffer[start:end]).decode("latin-1").split("\r\n")
    parts = lines[0].split(" ")
    if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
        raise BadRequestError(400, f"bad request line {lines[0][:100]!r}")
    method, target, version = parts
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, sep, value = line.partition(":")
        if not sep:
            raise BadRequestError(400, f"bad header line {line[:100]!r}")
        headers[name.strip().lower()] = value.strip()
    if "transfer-encoding" in headers:
        raise BadRequestError(501, "request bodies must have a Content-Length")
    try:
        length = int(headers.get("content-length", "0"))
    except ValueError:
        raise BadRequestError(400, "bad Content-Length") from None
    if not 0 <= length <= MAX_BODY_BYTES:
        raise BadRequestError(413, "request body too large")
    total = end + 4 + length
    if len(buffer) < total:
        return None
    body = bytes(buffer[end + 4 : total])
    return Request(method, _origin_form(target), version, headers, body), total


def _origin_form(target: str) -> str:
    if target.startswith("/"):
        return target
    if target.startswith(("http://", "https://")):  # absolute form, as sent to a proxy
        split = urlsplit(target)
        return (split.path or "/") + (f"?{split.query}" if split.query else "")
    raise BadRequestError(400, f"bad request target {target[:100]!r}")


@dataclass(frozen=True, slots=True)
class Reply:
    """What to send for one request.

    ``head`` is the status line and headers, each ending in CRLF, without the blank line.
    ``action`` says how to deliver it: ``send`` normally; ``truncate`` and ``cut`` send half
    the body and close; ``reset`` closes with a TCP RST; ``hang`` sends nothing and closes
    after ``delay``. For the others ``delay`` is a wait before sending.
    """

    status: int
    head: bytes
    body: bytes = b""
    action: str = "send"
    delay: float = 0.0


def build_head(status: int, headers: tuple[tuple[str, str], ...], length: int | None) -> bytes:
    """Status line and headers; ``length`` None leaves Content-Length out.

    >>> build_head(404, (("Content-Type", "text/plain"),), 3)
    b'HTTP/1.1 404 Not Found\\r\\nContent-Type: text/plain\\r\\nContent-Length: 3\\r\\n'
    """
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    lines = [f"HTTP/1.1 {status} {reason}"]
    lines.extend(f"{name}: {value}" for name, value in headers if name.lower() not in _HOP_HEADERS)
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def make_reply(status: int, headers: tuple[tuple[str, str], ...], body: bytes) -> Reply:
    """A plain reply with a correct Content-Length."""
    return Reply(status, build_head(status, headers, len(body)), body)


def json_reply(status: int, data: object) -> Reply:
    """A JSON reply for the control endpoints (never cached by clients)."""
    body = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
    headers = (("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"))
    return make_reply(status, headers, body)


def text_reply(status: int, text: str) -> Reply:
    """A short plain-text reply (errors, robots.txt)."""
    return make_reply(status, (("Content-Type", "text/plain; charset=utf-8"),), text.encode())


# ---------------------------------------------------------------------------------------
# Clock, cache, stats
# ---------------------------------------------------------------------------------------


def parse_now(text: str, default_time: dt.time = dt.time(12, 0)) -> dt.datetime:
    """A site time from ``YYYY-MM-DD`` (at ``default_time``) or an ISO date and time.

    >>> parse_now("2025-03-31T08:00")
    datetime.datetime(2025, 3, 31, 8, 0)
    >>> parse_now("2025-03-31")
    datetime.datetime(2025, 3, 31, 12, 0)
    >>> parse_now("2025-03-31T02:00+00:00")  # aware times become Beijing wall time
    datetime.datetime(2025, 3, 31, 10, 0)
    """
    try:
        if len(text.strip()) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text.strip()), default_time)
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise ConfigurationError(f"{text!r} is not a date (YYYY-MM-DD) or date and time") from None
    # The site's clock is naive Beijing wall time, like the papers' own dates.
    return value.astimezone(BEIJING).replace(tzinfo=None) if value.tzinfo else value


def clock_jsonable(now: dt.datetime) -> dict[str, str]:
    """The clock as the clock endpoint reports it.

    >>> clock_jsonable(dt.datetime(2025, 3, 31, 8, 0))
    {'now': '2025-03-31T08:00:00', 'today': '2025-03-31'}
    """
    return {"now": now.isoformat(timespec="seconds"), "today": now.date().isoformat()}


def move_clock(now: dt.datetime, change: dict[str, Any]) -> dt.datetime:
    """The clock after a ``POST /__mocksite/clock`` body.

    >>> start = dt.datetime(2025, 3, 31, 8, 0)
    >>> move_clock(start, {"advance_days": 1, "advance_hours": 2.5})
    datetime.datetime(2025, 4, 1, 10, 30)
    >>> move_clock(start, {"today": "2025-04-02"})
    datetime.datetime(2025, 4, 2, 8, 0)
    >>> move_clock(start, {"now": "2025-01-01T23:00"})
    datetime.datetime(2025, 1, 1, 23, 0)
    """
    known = {"now", "today", "advance_days", "advance_hours", "advance_minutes"}
    unknown = set(change) - known
    if unknown:
        raise ConfigurationError(f"unknown clock field(s): {', '.join(sorted(unknown))}")
    if "now" in change:
        now = parse_now(str(change["now"]), now.time())
    if "today" in change:
        now = parse_now(str(change["today"]), now.time())
    try:
        return now + dt.timedelta(
            days=float(change.get("advance_days", 0)),
            hours=float(change.get("advance_hours", 0)),
            minutes=float(change.get("advance_minutes", 0)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"bad clock change: {exc}") from None


@dataclass(frozen=True, slots=True)
class CachedPage:
    """A rendered page with its head ready to send."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    head: bytes


class PageCache:
    """LRU cache of rendered pages, bounded in entries and in body bytes."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.size = 0
        self.hits = 0
        self.misses = 0
        self._pages: OrderedDict[tuple[str, dt.datetime], CachedPage] = OrderedDict()

    def get(self, key: tuple[str, dt.datetime]) -> CachedPage | None:
        page = self._pages.get(key)
        if page is None:
            self.misses += 1
            return None
        self.hits += 1
        self._pages.move_to_end(key)
        return page

    def put(self, key: tuple[str, dt.datetime], page: CachedPage) -> None:
        if len(page.body) > self.max_bytes or self.max_entries <= 0:
            return
        old = self._pages.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self._pages[key] = page
        self.size += len(page.body)
        while len(self._pages) > self.max_entries or self.size > self.max_bytes:
            _, evicted = self._pages.popitem(last=False)
            self.size -= len(evicted.body)

    def clear(self) -> None:
        self._pages.clear()
        self.size = 0

    def __len__(self) -> int:
        return len(self._pages)


@dataclass(slots=True)
class RequestStats:
    """Counts of the site's requests (control endpoints excluded).

    A request's status is its HTTP status, or the fault name when no status was sent
    (``reset``, ``hang``).
    """

    total: int = 0
    by_url: Counter[str] = field(default_factory=Counter)
    by_status: Counter[str] = field(default_factory=Counter)
    by_method: Counter[str] = field(default_factory=Counter)
    by_fault: Counter[str] = field(default_factory=Counter)
    by_url_status: dict[str, Counter[str]] = field(default_factory=dict)

    def record(self, url: str, method: str, status: str, fault: str | None) -> None:
        self.total += 1
        self.by_url[url] += 1
        self.by_status[status] += 1
        self.by_method[method] += 1
        if fault is not None:
            self.by_fault[fault] += 1
        per_url = self.by_url_status.get(url)
        if per_url is None:
            per_url = self.by_url_status[url] = Counter()
        per_url[status] += 1

    def to_jsonable(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "urls": len(self.by_url),
            "by_url": dict(self.by_url),
            "by_status": dict(self.by_status),
            "by_method": dict(self.by_method),
            "by_fault": dict(self.by_fault),
            "by_url_status": {url: dict(c) for url, c in self.by_url_status.items()},
        }


# ---------------------------------------------------------------------------------------
# The application: request -> reply
# ---------------------------------------------------------------------------------------


def robots_paths(site: object) -> frozenset[str] | None:
    """robots.txt paths of the site: at the root and at each paper's folder (``/<slug>/``).

    None when the site does not list its papers: then any top folder has one.
    """
    papers = getattr(site, "papers", None)
    if papers is None:
        return None
    return frozenset({"/robots.txt"} | {f"/{paper.slug}/robots.txt" for paper in papers})


def is_robots_path(path: str, known: frozenset[str] | None = None) -> bool:
    """Whether ``path`` is a robots.txt the server answers itself.

    >>> is_robots_path("/robots.txt"), is_robots_path("/lzcb/robots.txt")
    (True, True)
    >>> is_robots_path("/lzcb/html/robots.txt"), is_robots_path("/xx/robots.txt", frozenset())
    (False, False)
    """
    if known is not None:
        return path in known
    return path.endswith("/robots.txt") and path.count("/") <= 2


class MockSiteApp:
    """Answers requests: control endpoints, robots.txt, and the site's pages with faults.

    It holds the running state (clock, stats, fault plan, per-URL attempt counts, cache) and
    does no I/O, so tests can drive it without a socket.
    """

    def __init__(
        self,
        site: Site,
        now: dt.datetime,
        plan: FaultPlan | None = None,
        options: ServerOptions | None = None,
    ) -> None:
        self.site = site
        self.now = now
        self.plan = plan or FaultPlan()
        self.options = options or ServerOptions()
        self.stats = RequestStats()
        self.cache = PageCache(self.options.cache_entries, self.options.cache_bytes)
        self.attempts: Counter[str] = Counter()
        self._oversize: bytes | None = None
        self._robots_paths = robots_paths(site)

    # -- site pages -------------------------------------------------------------------

    def handle(self, request: Request) -> Reply:
        """The reply to one request."""
        target = request.target
        path = target.partition("?")[0]
        if path.startswith(CONTROL_PREFIX) or path == CONTROL_PREFIX.rstrip("/"):
            return self._control(request, path)
        method = request.method
        robots = is_robots_path(path, self._robots_paths)
        fault: Fault | None = None
        if method not in ("GET", "HEAD"):
            reply = make_reply(
                405, (("Allow", "GET, HEAD"), ("Content-Type", "text/plain")), b"GET or HEAD\n"
            )
        else:
            plan = self.plan
            if plan.active and (plan.include_robots or not robots):
                attempt = self.attempts[target]
                self.attempts[target] = attempt + 1
                fault = choose_fault(plan, target, attempt)
            if fault is None:
                page = self._page(target, robots)
                reply = Reply(page.status, page.head, page.body)
            else:
                reply = self._faulty(target, robots, fault)
        if self.options.latency_ms and reply.action != "hang":
            reply = _delayed(reply, self.options.latency_ms / 1000.0)
        status = reply.action if reply.action in ("reset", "hang") else str(reply.status)
        self.stats.record(target, method, status, fault.kind if fault else None)
        return reply

    def prewarm(self, since: dt.date) -> int:
        """Render every issue, page and article from ``since`` to today into the cache.

        A crawl that fetches each page once is then served from memory: benchmarks measure
        the crawler, not the site's rendering. Returns the number of documents rendered.
        """
        targets = []
        for record in self.site.truth(self.now, since=since):
            if record.get("kind") in ("issue", "page", "article") and record.get("url"):
                split = urlsplit(str(record["url"]))
                targets.append(split.path + (f"?{split.query}" if split.query else ""))
        # The cache must hold them all, or the first ones would be evicted by the last.
        self.cache.max_entries = max(self.cache.max_entries, len(targets) + 1024)
        for target in targets:
            self._render(target)
        if len(self.cache) < len(set(targets)):
            logger.warning(
                "prewarm: %d documents, the cache kept %d (raise the cache size)",
                len(set(targets)),
                len(self.cache),
            )
        return len(targets)

    def _page(self, target: str, robots: bool) -> CachedPage:
        return self._robots() if robots else self._render(target)

    def _robots(self) -> CachedPage:
        headers = (("Content-Type", "text/plain; charset=utf-8"),)
        body = _ROBOTS_BODIES.get(self.options.robots)
        status = 200 if body is not None else 404
        body = body if body is not None else b"no robots.txt\n"
        return CachedPage(status, headers, body, build_head(status, headers, len(body)))

    def _render(self, target: str) -> CachedPage:
        # The clock only moves through the clock endpoint, so (target, now) names one
        # rendering exactly; a clock move makes every older entry unreachable.
        key = (target, self.now)
        page = self.cache.get(key)
        if page is None:
            try:
                rendered = self.site.render(target, self.now)
                status, headers, body = rendered.status, rendered.headers, rendered.body
            except Exception:
                logger.exception("mock site failed to render %s", target)
                status, headers = 500, (("Content-Type", "text/plain; charset=utf-8"),)
                body = b"mock site render error (see the server log)\n"
            page = CachedPage(status, headers, body, build_head(status, headers, len(body)))
            self.cache.put(key, page)
        return page

    def _faulty(self, target: str, robots: bool, fault: Fault) -> Reply:
        kind = fault.kind
        if kind in STATUS_FAULTS:
            return self._error(int(kind))
        if kind == "redirect":
            location = self.plan.offsite_url.rstrip("/") + target
            return make_reply(
                302, (("Location", location), ("Content-Type", "text/html")), b"moved\n"
            )
        if kind == "reset":
            return Reply(0, b"", action="reset")
        if kind == "hang":
            return Reply(0, b"", action="hang", delay=fault.delay)
        if kind == "oversize":
            return make_reply(200, (("Content-Type", "text/html; charset=utf-8"),), self._big())
        page = self._page(target, robots)
        if kind == "slow":
            return Reply(page.status, page.head, page.body, delay=fault.delay)
        if kind == "truncate":  # Content-Length says the full length
            return Reply(page.status, page.head, page.body, action="truncate")
        if kind == "cut":  # no Content-Length: the client cannot tell the body is short
            head = build_head(page.status, page.headers, None) + b"Connection: close\r\n"
            return Reply(page.status, head, page.body, action="cut")
        raise AssertionError(f"unhandled fault {kind}")

    def _error(self, status: int) -> Reply:
        headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=utf-8"),)
        if status in (429, 503):
            headers = (*headers, ("Retry-After", str(self.plan.retry_after)))
        phrase = HTTPStatus(status).phrase
        body = f"<html><body><h1>{status} {phrase}</h1></body></html>\n".encode()
        return make_reply(status, headers, body)

    def _big(self) -> bytes:
        size = self.plan.oversize_bytes
        if self._oversize is None or len(self._oversize) != size:
            opening, closing = b"<html><body><p>", b"</p></body></html>\n"
            filler = max(0, size - len(opening) - len(closing))
            self._oversize = (opening + "填".encode() * (filler // 3) + b" " * (filler % 3))[
                : size - len(closing)
            ] + closing
        return self._oversize

    # -- control endpoints ------------------------------------------------------------

    def _control(self, request: Request, path: str) -> Reply:
        name = path[len(CONTROL_PREFIX) :].strip("/") if path.startswith(CONTROL_PREFIX) else ""
        method = "GET" if request.method == "HEAD" else request.method
        handler = self._routes.get((method, name))
        if handler is None:
            if any(route_name == name for _, route_name in self._routes):
                return json_reply(405, {"error": f"{request.method} is not allowed on {path}"})
            return json_reply(
                404, {"error": f"no control endpoint {path}", "endpoints": CONTROL_ENDPOINTS}
            )
        try:
            return handler(request)
        except ConfigurationError as exc:
            return json_reply(400, {"error": str(exc)})

    @property
    def _routes(self) -> dict[tuple[str, str], Callable[[Request], Reply]]:
        return {
            ("GET", ""): lambda _: json_reply(
                200, {"endpoints": CONTROL_ENDPOINTS, **clock_jsonable(self.now)}
            ),
            ("GET", "clock"): lambda _: json_reply(200, clock_jsonable(self.now)),
            ("POST", "clock"): self._post_clock,
            ("GET", "stats"): lambda _: json_reply(200, self.stats_jsonable()),
            ("POST", "stats/reset"): self._post_stats_reset,
            ("GET", "faults"): lambda _: json_reply(200, self.plan.to_jsonable()),
            ("POST", "faults"): self._post_faults,
            ("GET", "truth"): self._get_truth,
        }

    def _post_clock(self, request: Request) -> Reply:
        self.set_clock(move_clock(self.now, _json_body(request)))
        return json_reply(200, clock_jsonable(self.now))

    def _post_stats_reset(self, _request: Request) -> Reply:
        self.stats = RequestStats()
        return json_reply(200, self.stats_jsonable())

    def _post_faults(self, request: Request) -> Reply:
        self.set_plan(self.plan.updated(_json_body(request)))
        return json_reply(200, self.plan.to_jsonable())

    def set_clock(self, now: dt.datetime) -> None:
        """Move the site's clock (and drop the cache, which was rendered at the old time)."""
        if now != self.now:
            self.now = now
            self.cache.clear()

    def set_plan(self, plan: FaultPlan) -> None:
        """Install a fault plan; every URL's attempt count starts again from zero."""
        self.plan = plan
        self.attempts.clear()

    def stats_jsonable(self) -> dict[str, Any]:
        data = self.stats.to_jsonable()
        data["cache"] = {
            "entries": len(self.cache),
            "bytes": self.cache.size,
            "hits": self.cache.hits,
            "misses": self.cache.misses,
        }
        return data

    def _get_truth(self, request: Request) -> Reply:
        query = {k: v[-1] for k, v in parse_qs(urlsplit(request.target).query).items()}
        unknown = set(query) - {"now", "papers", "since", "until"}
        if unknown:
            raise ConfigurationError(f"unknown truth parameter(s): {', '.join(sorted(unknown))}")
        now = parse_now(query["now"], self.now.time()) if "now" in query else self.now
        selection: dict[str, Any] = {}
        if "papers" in query:
            selection["papers"] = tuple(p for p in query["papers"].split(",") if p)
        for name in ("since", "until"):
            if name in query:
                selection[name] = parse_now(query[name]).date()
        records = self.site.truth(now, **selection)
        lines = [
            json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n" for record in records
        ]
        headers = (
            ("Content-Type", "application/x-ndjson; charset=utf-8"),
            ("Cache-Control", "no-store"),
        )
        return make_reply(200, headers, "".join(lines).encode())


#: The control endpoints, as ``GET /__mocksite/`` lists them.
CONTROL_ENDPOINTS = {
    "GET /__mocksite/clock": "the site's clock: {now, today}",
    "POST /__mocksite/clock": 'move it: {"now": ISO} | {"today": DATE} | {"advance_days": N, '
    '"advance_hours": N, "advance_minutes": N}',
    "GET /__mocksite/stats": "requests per URL, per status, per method, per fault; totals",
    "POST /__mocksite/stats/reset": "zero the stats",
    "GET /__mocksite/faults": "the fault plan",
    "POST /__mocksite/faults": 'change it: {"spec": "500:0.05,reset:0.01", "seed": 1, ...}',
    "GET /__mocksite/truth[?now=ISO&papers=a,b&since=DATE&until=DATE]": "ground truth, JSON Lines",
}


def _json_body(request: Request) -> dict[str, Any]:
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except ValueError as exc:
        raise ConfigurationError(f"body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigurationError("body must be a JSON object")
    return data


def _delayed(reply: Reply, seconds: float) -> Reply:
    return Reply(reply.status, reply.head, reply.body, reply.action, reply.delay + seconds)


# ---------------------------------------------------------------------------------------
# The asyncio side
# ---------------------------------------------------------------------------------------


class HttpConnection(asyncio.Protocol):
    """One client connection: requests are answered in order, keep-alive by default."""

    def __init__(self, app: MockSiteApp, connections: set[HttpConnection]) -> None:
        self.app = app
        self.connections = connections
        self.transport: asyncio.Transport | None = None
        self.buffer = bytearray()
        self.busy = False  # an answer is waiting for its delay
        self.paused = False  # the client reads slower than we write
        self.closing = False
        self.timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport
        self.connections.add(self)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closing = True
        self.connections.discard(self)
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None

    def pause_writing(self) -> None:
        self.paused = True

    def resume_writing(self) -> None:
        self.paused = False
        self._advance()

    def data_received(self, data: bytes) -> None:
        if self.closing:
            return
        self.buffer += data
        self._advance()

    def _advance(self) -> None:
        while not (self.busy or self.paused or self.closing):
            try:
                parsed = parse_request(self.buffer)
            except BadRequestError as exc:
                self._send(text_reply(exc.status, f"{exc}\n"), head_only=False, keep_alive=False)
                return
            if parsed is None:
                return
            request, used = parsed
            del self.buffer[:used]
            reply = self.app.handle(request)
            if reply.action == "hang":
                self._hang(reply.delay)
            elif reply.delay > 0:
                self.busy = True
                loop = asyncio.get_running_loop()
                self.timer = loop.call_later(reply.delay, self._deliver_later, request, reply)
            else:
                self._deliver(request, reply)

    def _deliver_later(self, request: Request, reply: Reply) -> None:
        self.timer = None
        self.busy = False
        if not self.closing:
            self._deliver(request, reply)
            self._advance()

    def _deliver(self, request: Request, reply: Reply) -> None:
        head_only = request.method == "HEAD"
        if reply.action == "send":
            self._send(reply, head_only, request.keep_alive)
        elif reply.action == "reset":
            self._reset()
        elif reply.action in ("truncate", "cut"):
            transport = self.transport
            assert transport is not None
            body = b"" if head_only else reply.body[: len(reply.body) // 2]
            transport.write(reply.head + b"\r\n" + body)
            self._close()
        else:
            raise AssertionError(f"unhandled action {reply.action}")

    def _send(self, reply: Reply, head_only: bool, keep_alive: bool) -> None:
        transport = self.transport
        assert transport is not None
        connection = b"" if keep_alive else b"Connection: close\r\n"
        transport.write(reply.head + connection + b"\r\n" + (b"" if head_only else reply.body))
        if not keep_alive:
            self._close()

    def _close(self) -> None:
        self.closing = True
        if self.transport is not None:
            self.transport.close()

    def _hang(self, seconds: float) -> None:
        # Hold the connection without answering (later pipelined requests wait forever
        # too), then close it: the client's timeout should fire long before.
        self.busy = True
        self.timer = asyncio.get_running_loop().call_later(seconds, self._close)

    def _reset(self) -> None:
        transport = self.transport
        assert transport is not None
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # SO_LINGER on with a zero timeout: close() sends RST instead of FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.closing = True
        transport.abort()

    def abort(self) -> None:
        """Drop the connection at once (server shutdown)."""
        self.closing = True
        if self.transport is not None:
            self.transport.abort()


def check_loopback(host: str, allow_non_loopback: bool = False) -> None:
    """Refuse to serve on anything but loopback unless explicitly allowed.

    >>> check_loopback("127.0.0.1"); check_loopback("::1"); check_loopback("localhost")
    >>> check_loopback("0.0.0.0")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crawler.errors.ConfigurationError: refusing to listen on 0.0.0.0: ...
    """
    if allow_non_loopback or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            f"refusing to listen on {host}: the mock site binds loopback only (127.0.0.1, ::1) "
            "unless --allow-non-loopback is given"
        )


def bind_socket(host: str, port: int, allow_non_loopback: bool = False) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0 picks a free port)."""
    check_loopback(host, allow_non_loopback)
    if host == "localhost":
        host = "127.0.0.1"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(1024)
    except OSError as exc:
        sock.close()
        raise ConfigurationError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.setblocking(False)
    return sock


def base_url_of(sock: socket.socket) -> str:
    """``http://host:port`` of a bound socket."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def serve(
    app: MockSiteApp,
    sock: socket.socket,
    on_listening: Callable[[str], None] | None = None,
    stop: asyncio.Event | None = None,
) -> None:
    """Serve ``app`` on ``sock`` until ``stop`` is set or SIGINT/SIGTERM arrives."""
    loop = asyncio.get_running_loop()
    stop = stop or asyncio.Event()
    connections: set[HttpConnection] = set()
    server = await loop.create_server(lambda: HttpConnection(app, connections), sock=sock)
    signals = (signal.SIGINT, signal.SIGTERM)
    installed = []
    for signum in signals:
        try:
            loop.add_signal_handler(signum, stop.set)
            installed.append(signum)
        except (ValueError, RuntimeError, NotImplementedError):  # not the main thread
            pass
    try:
        if on_listening is not None:
            on_listening(base_url_of(sock))
        await stop.wait()
    finally:
        for signum in installed:
            loop.remove_signal_handler(signum)
        server.close()
        for connection in list(connections):
            connection.abort()
        await server.wait_closed()
