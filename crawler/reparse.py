"""Offline re-parse: the WARC archive replayed through the crawl's own spider, without network.

Every run that wrote WARC files is replayed in the order it ran: the same spider walks the
same issues (those the run fetched, as its ``metadata`` records say), and a downloader
middleware answers each request from the archive instead of the network: the run's own
answer for the URL, else the newest earlier one (a run that resumed an issue skipped the
pages it had). The extractors and cleaning are today's; the items go through the same
pipelines and :class:`~crawler.db.writer.BatchWriter`, so rows that change are versioned
as in a crawl. Every archived response is first listed in ``captures``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import signal
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import Headers
from scrapy.responsetypes import responsetypes
from scrapy.utils.defer import deferred_from_coro

from crawler.archive import META_CAPTURE
from crawler.config import database_url
from crawler.db.engine import make_engine
from crawler.db.migrate import ensure_schema
from crawler.db.writer import BatchWriter
from crawler.errors import EpaperError
from crawler.items import CaptureItem, CaptureRef
from crawler.pipelines import registry_paper_info
from crawler.planning import PaperPlan, days
from crawler.registry import UnknownPaperError, load_registry
from crawler.runs import paper_counters
from crawler.spiders.epaper import EpaperSpider
from crawler.spiders.plans import Entry, Planned
from crawler.warc import (
    Damage,
    Located,
    capture_of,
    iter_records,
    parse_warc_name,
    read_record,
    warc_files,
)

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from scrapy.settings import Settings
    from twisted.internet.interfaces import IReactorTime

    from crawler.params import CrawlParams

logger = logging.getLogger(__name__)

#: Settings of a replay: no network, no politeness, no WARC written, no ``crawl_runs`` row.
REPLAY_SETTINGS: dict[str, Any] = {
    "ROBOTSTXT_OBEY": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "EPAPER_RETRY_BACKOFF_BASE": 0.0,
    "EPAPER_RETRY_BACKOFF_MAX": 0.0,
    "TELNETCONSOLE_ENABLED": False,
}

#: Captures are listed in batches of this many.
CAPTURE_BATCH = 500


class ReparseError(EpaperError):
    """The archive cannot be re-parsed (no WARC files, an unreadable file)."""


class NotArchivedError(IgnoreRequest):
    """The archive holds no answer for a URL the replayed spider asks for (the crawl got
    none: a timeout, a refused download), so it fails as ``error: NotArchivedError``."""


# ---------------------------------------------------------------------------------------
# What the archive holds
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Start:
    """Where a run began fetching: an issue or a calendar, as its metadata record says."""

    kind: str  # "issue" or "calendar"
    paper: str
    url: str
    date: dt.date | None
    listed: bool


@dataclass(frozen=True, slots=True)
class Answer:
    """An archived answer to a URL: its capture, and the record that holds its payload."""

    capture: CaptureRef
    payload_file: str
    payload_offset: int


@dataclass
class ArchivedRun:
    """One crawl run as its WARC files recorded it."""

    run_id: str
    info: dict[str, str]
    starts: list[Start] = field(default_factory=list)
    answers: dict[str, Answer] = field(default_factory=dict)  # URL -> its last answer

    @property
    def mode(self) -> str:
        return self.info.get("epaper-mode", "crawl")

    @property
    def label(self) -> str:
        """How the run is named in messages: its mode and start time."""
        return f"{self.mode} run of {self.info.get('epaper-started', '?')}"


@dataclass
class ArchiveIndex:
    """Every capture of a WARC folder, in archive order, and the runs that wrote them;
    ``damaged``: the stretches that could not be read, and were skipped."""

    captures: list[CaptureRef] = field(default_factory=list)
    runs: list[ArchivedRun] = field(default_factory=list)
    damaged: list[Damage] = field(default_factory=list)

    @property
    def unreadable(self) -> int:
        """How many records could not be read."""
        return sum(d.records for d in self.damaged)


def scan_archive(directory: Path) -> ArchiveIndex:
    """Read every record of every WARC file of ``directory`` once. A damaged record or a
    file cut short is skipped with a warning naming the file and offset, and counted."""
    files = warc_files(directory)
    if not files:
        msg = f"no WARC files in {directory} (EPAPER_WARC_DIR, or --warc-dir)"
        raise ReparseError(msg)
    scan = _Scan()
    for path in files:
        try:
            scan.read(path)
        except OSError as exc:
            msg = f"cannot read the archive: {exc}"
            raise ReparseError(msg) from exc
    return scan.index


@dataclass
class _Scan:
    """The state of a scan across files: runs by id, and where each response record is."""

    index: ArchiveIndex = field(default_factory=ArchiveIndex)
    runs: dict[str, ArchivedRun] = field(default_factory=dict)
    places: dict[str, tuple[str, int]] = field(default_factory=dict)  # response record id
    by_id: dict[str, CaptureRef] = field(default_factory=dict)  # response/revisit record id
    by_writer: dict[tuple[str, str, int], ArchivedRun] = field(default_factory=dict)

    def read(self, path: Path) -> None:
        # A file belongs to the run its warcinfo names; one whose warcinfo is damaged, to
        # the run of the same process's previous file (a run's files rotate).
        name = parse_warc_name(path.name)
        writer = (name.prefix, name.host, name.pid) if name is not None else None
        run = self.by_writer.get(writer) if writer is not None else None
        for located in iter_records(path, self._damaged):
            record = located.record
            if record.record_type == "warcinfo":
                run = self._run(record.field("epaper-run") or f"file:{located.warc_file}", located)
                if writer is not None:
                    self.by_writer[writer] = run
            elif record.record_type in {"response", "revisit"}:
                capture = _capture(located, self.places)
                self.index.captures.append(capture)
                self.by_id[record.record_id] = capture
                lost = record.record_type == "revisit" and capture.refers_to_file is None
                if run is not None and not lost:
                    # A revisit of an unreadable record has no payload to answer with.
                    run.answers[capture.url] = _answer(capture)
            elif record.record_type == "metadata" and run is not None:
                concurrent = self.by_id.get(record.header("WARC-Concurrent-To") or "")
                start = _start(record.fields, concurrent)
                if start is not None:
                    run.starts.append(start)

    def _damaged(self, damage: Damage) -> None:
        logger.warning("%s", damage.message)
        self.index.damaged.append(damage)

    def _run(self, run_id: str, located: Located) -> ArchivedRun:
        run = self.runs.get(run_id)
        if run is None:
            info = dict(located.record.fields)
            info.setdefault("epaper-started", located.record.date.isoformat(timespec="seconds"))
            run = self.runs[run_id] = ArchivedRun(run_id, info)
            self.index.runs.append(run)
        return run


def _capture(located: Located, places: dict[str, tuple[str, int]]) -> CaptureRef:
    record = located.record
    refers_to = None
    if record.record_type == "revisit":
        refers_to = places.get(record.header("WARC-Refers-To") or "")
    else:
        places[record.record_id] = (located.warc_file, located.offset)
    return capture_of(located, refers_to)


def _answer(capture: CaptureRef) -> Answer:
    if capture.refers_to_file is not None and capture.refers_to_offset is not None:
        return Answer(capture, capture.refers_to_file, capture.refers_to_offset)
    return Answer(capture, capture.warc_file, capture.warc_offset)


def _start(fields: Iterable[tuple[str, str]], capture: CaptureRef | None) -> Start | None:
    values = dict(fields)
    kind, paper = values.get("epaper-kind"), values.get("epaper-paper")
    if capture is None or kind not in {"issue", "calendar"} or not paper:
        return None
    day = values.get("epaper-date")
    return Start(
        kind=kind,
        paper=paper,
        url=capture.url,
        date=dt.date.fromisoformat(day) if day else None,
        listed=values.get("epaper-listed") == "true",
    )


# ---------------------------------------------------------------------------------------
# Replaying a run through the spider
# ---------------------------------------------------------------------------------------


@dataclass
class ReplayView:
    """What one replayed run may read: its own answers, then earlier runs' newest ones."""

    run: ArchivedRun
    starts: list[Start]
    earlier: dict[str, Answer]

    def answer(self, url: str) -> Answer | None:
        return self.run.answers.get(url) or self.earlier.get(url)


class ReplayMiddleware:
    """Answers every HTTP request from the WARC archive; the network is never used."""

    def __init__(self, crawler: Crawler, directory: Path) -> None:
        self.crawler = crawler
        self.directory = directory

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ReplayMiddleware:
        directory = str(crawler.settings.get("EPAPER_WARC_DIR") or "")
        if not directory:
            raise NotConfigured("EPAPER_WARC_DIR is empty: nothing to replay")
        return cls(crawler, Path(directory))

    def process_request(self, request: Request) -> Response | None:
        if urlsplit(request.url).scheme not in {"http", "https"}:
            return None  # data: URLs (the spider's own bookkeeping) need no network
        view: ReplayView | None = getattr(self.crawler.spider, "replay", None)
        answer = view.answer(request.url) if view is not None else None
        if answer is None:
            raise NotArchivedError(f"not in the archive: {request.url}")
        capture = answer.capture
        record = read_record(self.directory, capture.warc_file, capture.warc_offset)
        payload = record.payload
        if record.record_type == "revisit":
            payload = read_record(
                self.directory, answer.payload_file, answer.payload_offset
            ).payload
        values: dict[str, list[str]] = {}
        for name, value in record.http_headers:
            values.setdefault(name, []).append(value)
        headers = Headers(values)
        response_class = responsetypes.from_args(headers=headers, url=request.url, body=payload)
        request.meta[META_CAPTURE] = capture
        return response_class(
            url=request.url,
            status=record.status or 200,
            headers=headers,
            body=payload,
            request=request,
            protocol=record.protocol,
        )


@dataclass(frozen=True, slots=True)
class ReplayPlans:
    """The plan of a replayed run: a date is wanted when the run fetched its issue, and the
    run starts from the issues and calendars it started from."""

    replay: ReplayView

    def plan(self, params: CrawlParams, settings: Settings) -> Planned:
        ensure_schema(database_url(settings))
        planned = Planned()
        for paper in params.papers:
            dates = {
                s.date
                for s in self.replay.starts
                if s.paper == paper.slug and s.kind == "issue" and s.date
            }
            if dates:
                first, last = min(dates), max(dates)
                skip = frozenset(days(first, last)) - dates
                planned.plans[paper.slug] = PaperPlan(paper, first, last, skip=skip)
            else:  # calendars only: nothing is wanted
                planned.plans[paper.slug] = PaperPlan(
                    paper, params.today, params.today - dt.timedelta(days=1)
                )
        planned.entries = [
            Entry(s.paper, s.kind, url=s.url, date=s.date, listed=s.listed)
            for s in self.replay.starts
            if s.kind == "calendar" or s.date is not None
        ]
        return planned


class ReplaySpider(EpaperSpider):
    """The ``epaper`` spider, planned by :class:`ReplayPlans` (the replay middleware reads
    its ``replay``)."""

    name = "epaper-replay"
    replay: ReplayView

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> ReplaySpider:
        replay = kwargs.pop("replay")
        spider = super().from_crawler(crawler, *args, plan_source=ReplayPlans(replay), **kwargs)
        assert isinstance(spider, ReplaySpider)
        spider.replay = replay
        return spider


# ---------------------------------------------------------------------------------------
# The whole re-parse
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReparseFilter:
    """Which papers and dates to rebuild (None: all)."""

    papers: frozenset[str] | None = None
    since: dt.date | None = None
    until: dt.date | None = None

    def wants(self, start: Start) -> bool:
        if self.papers is not None and start.paper not in self.papers:
            return False
        if start.date is None:  # a calendar: its days are filtered by the plan
            return True
        return (self.since is None or start.date >= self.since) and (
            self.until is None or start.date <= self.until
        )


@dataclass
class RunSummary:
    """What replaying one run stored."""

    label: str
    counters: dict[str, dict[str, int]]
    reason: str
    store_errors: int = 0


@dataclass
class ReparseResult:
    """What ``epaper reparse`` did."""

    captures: int = 0
    runs: list[RunSummary] = field(default_factory=list)
    unreadable: int = 0  # WARC records that could not be read
    interrupted: str | None = None  # the signal that stopped the replay

    @property
    def ok(self) -> bool:
        return (
            not self.unreadable
            and not self.interrupted
            and all(r.reason == "finished" and not r.store_errors for r in self.runs)
        )


def index_captures(url: str, captures: list[CaptureRef]) -> None:
    """List every archived response in ``captures`` (rows already there are kept)."""
    ensure_schema(url)
    engine = make_engine(url)
    try:
        writer = BatchWriter(engine, registry_paper_info)
        for start in range(0, len(captures), CAPTURE_BATCH):
            batch = [CaptureItem(c) for c in captures[start : start + CAPTURE_BATCH]]
            writer.write(batch)
    finally:
        engine.dispose()


def replay_settings(base: Settings, run: ArchivedRun) -> Settings:
    """The settings of one replayed run: the run's own date, base URL and downloads."""
    settings = base.copy()
    info = run.info
    middlewares = dict(base.getdict("DOWNLOADER_MIDDLEWARES"))
    middlewares["crawler.archive.ArchiveMiddleware"] = None
    middlewares["crawler.reparse.ReplayMiddleware"] = 960
    extensions = dict(base.getdict("EXTENSIONS"))
    extensions["crawler.runs.RunRecorder"] = None
    overrides = {
        **REPLAY_SETTINGS,
        "DOWNLOADER_MIDDLEWARES": middlewares,
        "EXTENSIONS": extensions,
        "EPAPER_TODAY": info.get("epaper-today", ""),
        "EPAPER_BASE_URL_OVERRIDE": info.get("epaper-base-url-override", ""),
        "EPAPER_DOWNLOAD_PDFS": info.get("epaper-download-pdfs") == "true",
        "EPAPER_DOWNLOAD_IMAGES": info.get("epaper-download-images") == "true",
    }
    settings.update(overrides, priority="cmdline")
    return settings


class ReparseInterruptedError(EpaperError):
    """SIGTERM or SIGINT before the replay started: nothing was re-parsed."""


class _Stopper:
    """SIGTERM and SIGINT for the whole command, in place of Scrapy's handlers.

    Scrapy's stop the crawler that runs, but the replay loop would then start the next
    run's crawler while the reactor stops, and that crawler's storage thread would keep
    the process alive for ever. Here a signal stops the running replay (its stored rows
    are kept) and no further one starts; before the reactor runs, it ends the command at
    once. A second signal exits at once.
    """

    def __init__(self) -> None:
        self.signal: str | None = None  # the name of the signal received
        self.current: tuple[Crawler, RunSummary] | None = None  # the replay running
        self.reactor_running = False
        self.previous: dict[int, Any] = {}

    def __enter__(self) -> _Stopper:
        for signum in (signal.SIGTERM, signal.SIGINT):
            self.previous[signum] = signal.signal(signum, self._received)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def _received(self, signum: int, frame: object) -> None:
        name = signal.Signals(signum).name
        if self.signal is not None:
            os.write(2, f"epaper: error: {name} again: exiting at once\n".encode())
            os._exit(128 + signum)
        self.signal = name
        if not self.reactor_running:
            msg = f"interrupted by {name} before anything was re-parsed"
            raise ReparseInterruptedError(msg)
        from twisted.internet import reactor

        reactor.callFromThread(self._stop)

    def _stop(self) -> None:
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        if self.current is None:
            return
        crawler, summary = self.current
        if summary.reason != "not started":
            return  # closed already: the replay loop starts no other
        engine = getattr(crawler, "engine", None)
        if engine is None or engine.spider is None or not engine.running:
            # Still starting: stopped once it runs.
            deferLater(cast("IReactorTime", reactor), 0.1, self._stop)
            return
        deferred_from_coro(engine.close_spider_async(reason="shutdown"))

    def crawling(self, crawler: Crawler, summary: RunSummary) -> None:
        """``crawler`` replays now (``summary`` gets its finish reason); a signal stops it."""
        self.current = (crawler, summary)


def reparse(settings: Settings, wanted: ReparseFilter) -> ReparseResult:
    """Rebuild the database (``EPAPER_DATABASE_URL``) from the WARC files of
    ``EPAPER_WARC_DIR``; runs Scrapy in this process (once per process)."""
    with _Stopper() as stopper:
        return _reparse(settings, wanted, stopper)


def _reparse(settings: Settings, wanted: ReparseFilter, stopper: _Stopper) -> ReparseResult:
    from scrapy.crawler import Crawler, CrawlerProcess
    from twisted.internet.defer import inlineCallbacks

    directory = Path(str(settings.get("EPAPER_WARC_DIR") or ""))
    if not str(settings.get("EPAPER_WARC_DIR") or ""):
        raise ReparseError("EPAPER_WARC_DIR is empty: say where the WARC files are (--warc-dir)")
    index = scan_archive(directory)
    url = database_url(settings)
    index_captures(url, index.captures)
    result = ReparseResult(captures=len(index.captures), unreadable=index.unreadable)
    registry = load_registry()
    plans: list[tuple[ArchivedRun, ReplayView, list[str]]] = []
    earlier: dict[str, Answer] = {}
    for run in index.runs:
        starts = [s for s in run.starts if wanted.wants(s)]
        papers = sorted({s.paper for s in starts})
        for slug in list(papers):
            try:
                registry.get(slug)
            except UnknownPaperError:
                logger.warning("%s: %s is not in the registry; skipped", run.label, slug)
                papers.remove(slug)
        starts = [s for s in starts if s.paper in papers]
        if starts:
            plans.append((run, ReplayView(run, starts, dict(earlier)), papers))
        earlier.update(run.answers)
    if not plans:
        return result

    process = CrawlerProcess(settings, install_root_handler=False)
    receivers: list[Any] = []  # Scrapy holds signal receivers weakly: keep them alive

    @inlineCallbacks
    def replay_all() -> Any:
        # One run after the other, in one reactor: each sees what the previous stored.
        for number, (run, view, papers) in enumerate(plans):
            summary = RunSummary(run.label, {}, "not started")
            result.runs.append(summary)
            if stopper.signal is not None:
                summary.reason = f"not started: {stopper.signal}"
                continue
            crawler = Crawler(
                ReplaySpider, replay_settings(settings, run), init_reactor=number == 0
            )
            receivers.append(_recorder(crawler, summary))
            crawler.signals.connect(receivers[-1], signal=signals.spider_closed)
            stopper.crawling(crawler, summary)
            yield process.crawl(crawler, paper=",".join(papers), mode=run.mode, replay=view)

    # From here on a signal goes through the reactor (the first replay starts right away).
    stopper.reactor_running = True
    replay_all()
    process.start(install_signal_handlers=False)
    stopper.reactor_running = False
    result.interrupted = stopper.signal
    return result


def _recorder(crawler: Crawler, summary: RunSummary) -> Any:
    def spider_closed(spider: Any, reason: str) -> None:
        stats = crawler.stats.get_stats() if crawler.stats is not None else {}
        summary.counters = paper_counters(stats)
        summary.reason = reason
        summary.store_errors = int(stats.get("epaper/store_errors", 0))

    return spider_closed
