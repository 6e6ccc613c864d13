"""WARC files (ISO 28500, WARC/1.1): writing with rotation and revisits, crash recovery, reading.

A file is written by one process only: its name carries the UTC time it was opened, the
host name, the process id and a serial number, and it is created exclusively. While it is
written it ends in ``.open``; it is renamed when closed. Every record is one gzip member,
written whole and flushed, so a crash can cut only the last member short: the next
writer on the same host truncates such a file to its last complete record and closes it,
and never appends to it.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import errno
import hashlib
import importlib
import io
import logging
import os
import re
import socket
import uuid
import zlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.timeutils import datetime_to_iso_date, iso_date_to_datetime
from warcio.warcwriter import WARCWriter

from crawler import __version__
from crawler.items import CaptureRef

logger = logging.getLogger(__name__)

SUFFIX = ".warc.gz"
OPEN_SUFFIX = ".open"
WARC_VERSION = "1.1"
#: gzip level of each record: 6 packs HTML within a few percent of 9 at half the CPU.
GZIP_LEVEL = 6
#: Headers that describe the transfer, not the payload: the body is stored de-chunked.
TRANSFER_HEADERS = frozenset({"transfer-encoding"})

_NAME = re.compile(
    r"^(?P<prefix>.+)-(?P<stamp>\d{17})-(?P<host>.+)-(?P<pid>\d+)-(?P<serial>\d{5})"
    + re.escape(SUFFIX)
    + r"(?P<open>"
    + re.escape(OPEN_SUFFIX)
    + r")?$"
)

Headers = tuple[tuple[str, str], ...]


class WarcError(OSError):
    """A WARC file or record cannot be written or read."""


# ---------------------------------------------------------------------------------------
# Small pure helpers
# ---------------------------------------------------------------------------------------


def payload_digest(payload: bytes) -> str:
    """The WARC-Payload-Digest of ``payload``: ``sha1:`` and the base32 SHA-1.

    >>> payload_digest(b"")
    'sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ'
    """
    return "sha1:" + base64.b32encode(hashlib.sha1(payload).digest()).decode("ascii")  # noqa: S324 - the WARC digest


def safe_hostname(name: str | None = None) -> str:
    """The host name as it may appear in a file name (letters, digits, dots, dashes).

    >>> safe_hostname("crawl box_1/a")
    'crawl-box-1-a'
    >>> safe_hostname("")
    'localhost'
    """
    host = socket.gethostname() if name is None else name
    return re.sub(r"[^A-Za-z0-9.-]", "-", host).strip(".-") or "localhost"


def warc_file_name(prefix: str, opened: dt.datetime, host: str, pid: int, serial: int) -> str:
    """The name of a WARC file: never taken from a URL, unique per host, process and serial.

    >>> warc_file_name("epaper", dt.datetime(2021, 10, 20, 1, 2, 3, 456789, dt.UTC), "h", 42, 1)
    'epaper-20211020010203456-h-42-00001.warc.gz'
    """
    stamp = opened.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S%f")[:17]
    return f"{prefix}-{stamp}-{host}-{pid}-{serial:05d}{SUFFIX}"


@dataclass(frozen=True, slots=True)
class WarcName:
    """What a WARC file's name says of the process that wrote it."""

    prefix: str
    host: str
    pid: int
    serial: int
    is_open: bool


def parse_warc_name(name: str) -> WarcName | None:
    """The parts of a file name written by :class:`WarcWriter`; None for other files.

    >>> parse_warc_name("epaper-20211020010203456-crawl-1-42-00003.warc.gz.open")
    WarcName(prefix='epaper', host='crawl-1', pid=42, serial=3, is_open=True)
    >>> parse_warc_name("notes.txt") is None
    True
    """
    match = _NAME.match(name)
    if match is None:
        return None
    return WarcName(
        prefix=match["prefix"],
        host=match["host"],
        pid=int(match["pid"]),
        serial=int(match["serial"]),
        is_open=bool(match["open"]),
    )


def warc_date(when: dt.datetime) -> str:
    """A WARC/1.1 date: UTC, ISO 8601, microseconds.

    >>> warc_date(dt.datetime(2021, 10, 20, 8, 0, 1, 5, dt.UTC))
    '2021-10-20T08:00:01.000005Z'
    """
    naive = when.astimezone(dt.UTC).replace(tzinfo=None)
    return str(datetime_to_iso_date(naive, use_micros=True))


def parse_warc_date(text: str) -> dt.datetime:
    """The UTC datetime of a WARC date (with or without fractions of a second).

    >>> parse_warc_date("2021-10-20T08:00:01.000005Z")
    datetime.datetime(2021, 10, 20, 8, 0, 1, 5, tzinfo=datetime.timezone.utc)
    """
    parsed: dt.datetime = iso_date_to_datetime(text)
    return parsed.replace(tzinfo=dt.UTC)


def gzip_member(data: bytes, level: int = GZIP_LEVEL) -> bytes:
    """``data`` as one complete gzip member.

    >>> import gzip
    >>> gzip.decompress(gzip_member(b"WARC/1.1")) == b"WARC/1.1"
    True
    """
    compressor = zlib.compressobj(level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    return compressor.compress(data) + compressor.flush()


def complete_length(stream: BinaryIO) -> int:
    """How many bytes from the start of ``stream`` are complete gzip members.

    >>> whole = gzip_member(b"one") + gzip_member(b"two")
    >>> complete_length(io.BytesIO(whole)) == len(whole)
    True
    >>> complete_length(io.BytesIO(whole + gzip_member(b"three")[:9])) == len(whole)
    True
    """
    good = consumed = 0
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    buffer = b""
    while True:
        if not buffer:
            buffer = stream.read(1 << 20)
            if not buffer:
                return good
        try:
            # Bounded output: only the member boundaries matter here.
            inflater.decompress(buffer, 1 << 16)
            while inflater.unconsumed_tail and not inflater.eof:
                inflater.decompress(inflater.unconsumed_tail, 1 << 16)
        except zlib.error:
            return good
        if inflater.eof:
            used = len(buffer) - len(inflater.unused_data)
            consumed += used
            good = consumed
            buffer = inflater.unused_data
            inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        else:
            consumed += len(buffer)
            buffer = b""


def locate(directory: Path, warc_file: str) -> Path:
    """The path of ``warc_file`` in ``directory``: closed, or still ``.open``.

    Refuses names that would leave the directory.
    """
    if Path(warc_file).name != warc_file or warc_file in {"", ".", ".."}:
        msg = f"not a WARC file name: {warc_file!r}"
        raise WarcError(msg)
    path = directory / warc_file
    if path.exists():
        return path
    open_path = directory / (warc_file + OPEN_SUFFIX)
    if open_path.exists():
        return open_path
    msg = f"WARC file {warc_file} is not in {directory}"
    raise WarcError(msg)


def warc_files(directory: Path) -> list[Path]:
    """The WARC files of ``directory`` in the order they were written (name order)."""
    if not directory.is_dir():
        return []
    found = [
        p
        for p in directory.iterdir()
        if p.is_file() and (p.name.endswith(SUFFIX) or p.name.endswith(SUFFIX + OPEN_SUFFIX))
    ]
    return sorted(found, key=lambda p: p.name.removesuffix(OPEN_SUFFIX))


# ---------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Exchange:
    """One HTTP exchange to archive: what was asked, what came back, and in which context.

    ``payload`` is the body as the server sent it (content encoding such as gzip kept,
    chunked transfer encoding removed). ``context`` becomes a ``metadata`` record.
    """

    url: str
    fetched_at: dt.datetime
    status: int
    response_headers: Headers
    payload: bytes
    method: str = "GET"
    request_headers: Headers = ()
    request_body: bytes = b""
    protocol: str = "HTTP/1.1"
    context: Headers = ()

    @property
    def content_type(self) -> str | None:
        for name, value in self.response_headers:
            if name.lower() == "content-type":
                return value
        return None


@dataclass(frozen=True, slots=True)
class Original:
    """The archived ``response`` record that a revisit points at."""

    warc_file: str
    warc_offset: int
    record_id: str
    url: str
    fetched_at: dt.datetime


def original_of(capture: CaptureRef) -> Original:
    """The :class:`Original` a later identical response refers to."""
    return Original(
        capture.warc_file,
        capture.warc_offset,
        capture.warc_record_id,
        capture.url,
        capture.fetched_at,
    )


@dataclass
class _OpenFile:
    name: str
    path: Path
    handle: BinaryIO
    size: int = 0


@dataclass
class WarcWriter:
    """Writes exchanges to ``directory`` in files of at most ``max_bytes`` (one record may
    exceed it alone). ``info`` fields go into each file's ``warcinfo`` record.

    Not thread-safe; one writer per process and crawl.
    """

    directory: Path
    prefix: str = "epaper"
    max_bytes: int = 1_000_000_000
    info: Mapping[str, str] = field(default_factory=dict)
    host: str = field(default_factory=safe_hostname)
    pid: int = field(default_factory=os.getpid)
    _current: _OpenFile | None = None
    _serial: int = 0
    _recovered: bool = False
    files_written: list[str] = field(default_factory=list)

    def write(self, exchange: Exchange, original: Original | None = None) -> CaptureRef:
        """Archive one exchange (a ``revisit`` when ``original`` holds the same payload);
        returns where its response or revisit record is."""
        digest = payload_digest(exchange.payload)
        date = warc_date(exchange.fetched_at)
        builder = WARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)
        http_headers = StatusAndHeaders(
            f"{exchange.status} {reason_phrase(exchange.status)}".rstrip(),
            [(n, v) for n, v in exchange.response_headers if n.lower() not in TRANSFER_HEADERS],
            protocol=exchange.protocol or "HTTP/1.1",
        )
        if original is not None:
            main = builder.create_revisit_record(
                exchange.url,
                digest,
                original.url,
                warc_date(original.fetched_at),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": original.record_id},
            )
        else:
            main = builder.create_warc_record(
                exchange.url,
                "response",
                payload=io.BytesIO(exchange.payload),
                length=len(exchange.payload),
                http_headers=http_headers,
                warc_headers_dict={"WARC-Date": date, "WARC-Payload-Digest": digest},
            )
        record_id = str(main.rec_headers.get_header("WARC-Record-ID"))
        # The response first (the capture points at it), then its request and context.
        members = [
            _serialize(builder, main),
            _serialize(builder, _request(builder, exchange, record_id, date)),
        ]
        if exchange.context:
            members.append(_serialize(builder, _metadata(builder, exchange, record_id, date)))
        target = self._file_for(sum(len(m) for m in members))
        offset = target.size
        self._append(target, b"".join(members))
        return CaptureRef(
            url=exchange.url,
            fetched_at=parse_warc_date(date),
            http_status=exchange.status,
            content_type=exchange.content_type,
            payload_digest=digest,
            record_type="revisit" if original is not None else "response",
            warc_file=target.name,
            warc_offset=offset,
            warc_length=len(members[0]),
            warc_record_id=record_id,
            refers_to_file=original.warc_file if original is not None else None,
            refers_to_offset=original.warc_offset if original is not None else None,
        )

    def close(self) -> None:
        """Close the current file: it loses its ``.open`` suffix."""
        current, self._current = self._current, None
        if current is None:
            return
        current.handle.close()
        final = self.directory / current.name
        if final.exists():  # never overwrite: keep the .open file as it is
            logger.error("cannot close %s: %s exists", current.path, final)
            return
        current.path.rename(final)

    # --- files ---

    def _file_for(self, size: int) -> _OpenFile:
        current = self._current
        if current is not None and current.size and current.size + size > self.max_bytes:
            self.close()
            current = None
        if current is None:
            current = self._current = self._open_new()
        return current

    def _open_new(self) -> _OpenFile:
        self.directory.mkdir(parents=True, exist_ok=True)
        if not self._recovered:
            self._recovered = True
            recover_open_files(self.directory, self.host)
        while True:
            self._serial += 1
            name = warc_file_name(
                self.prefix, dt.datetime.now(dt.UTC), self.host, self.pid, self._serial
            )
            path = self.directory / (name + OPEN_SUFFIX)
            if (self.directory / name).exists():
                continue
            try:
                # Exclusive: a file that exists (another writer's) is never appended to.
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
            except FileExistsError:
                continue
            # Unbuffered: a failed write leaves nothing behind to be flushed later.
            handle = os.fdopen(fd, "ab", buffering=0)
            opened = _OpenFile(name, path, handle)
            try:
                self._append(opened, self._warcinfo(name))
            except OSError:
                # A file without its warcinfo names no run: it is not left behind.
                handle.close()
                path.unlink(missing_ok=True)
                raise
            self.files_written.append(name)
            logger.info("writing WARC file %s", path)
            return opened

    def _warcinfo(self, name: str) -> bytes:
        builder = WARCWriter(io.BytesIO(), gzip=False, warc_version=WARC_VERSION)
        fields = {
            "software": f"epaper-archive/{__version__} (warcio)",
            "format": "WARC File Format 1.1",
            "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname": socket.gethostname(),
            **self.info,
        }
        record = builder.create_warcinfo_record(name, fields)
        return _serialize(builder, record)

    @staticmethod
    def _append(target: _OpenFile, data: bytes) -> None:
        """Append whole records, or nothing: a failed write (a full disk) is cut off again,
        so the file never holds half a record that a reader would stop at."""
        view = memoryview(data)
        try:
            while view:
                written = target.handle.write(view)
                if not written:
                    raise OSError(errno.EIO, "the WARC file takes no more bytes")
                view = view[written:]
        except OSError:
            with contextlib.suppress(OSError):
                os.ftruncate(target.handle.fileno(), target.size)
            raise
        target.size += len(data)


def reason_phrase(status: int) -> str:
    """The standard reason phrase of an HTTP status (empty for an unknown one).

    >>> reason_phrase(404)
    'Not Found'
    """
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _serialize(builder: WARCWriter, record: object) -> bytes:
    out = io.BytesIO()
    builder.out = out
    builder.write_record(record)
    return gzip_member(out.getvalue())


def _request(
    builder: WARCWriter, exchange: Exchange, concurrent_to: str = "", date: str = ""
) -> object:
    path = _request_target(exchange.url)
    headers = list(exchange.request_headers)
    if not any(n.lower() == "host" for n, _ in headers):
        headers.insert(0, ("Host", _host_of(exchange.url)))
    http_headers = StatusAndHeaders(
        f"{exchange.method} {path} HTTP/1.1", headers, is_http_request=True
    )
    extra = {"WARC-Date": date} if date else {}
    if concurrent_to:
        extra["WARC-Concurrent-To"] = concurrent_to
    return builder.create_warc_record(
        exchange.url,
        "request",
        payload=io.BytesIO(exchange.request_body),
        length=len(exchange.request_body),
        http_headers=http_headers,
        warc_headers_dict=extra,
    )


def _metadata(builder: WARCWriter, exchange: Exchange, concurrent_to: str, date: str) -> object:
    body = "".join(f"{name}: {value}\r\n" for name, value in exchange.context).encode("utf-8")
    return builder.create_warc_record(
        exchange.url,
        "metadata",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": concurrent_to},
    )


def _request_target(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _host_of(url: str) -> str:
    return urlsplit(url).netloc


def new_run_id() -> str:
    """A fresh id for a crawl run, as written in its files' ``warcinfo`` records."""
    return f"urn:uuid:{uuid.uuid4()}"


# ---------------------------------------------------------------------------------------
# Recovery after a crash
# ---------------------------------------------------------------------------------------


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def recover_open_files(directory: Path, host: str) -> list[Path]:
    """Close the ``.open`` files that crashed writers of this host left behind.

    Each is cut after its last complete record (a kill can leave half a record at the end)
    and renamed without ``.open``; files of live processes and of other hosts are left
    alone. Returns the files closed.
    """
    closed = []
    for path in warc_files(directory):
        name = parse_warc_name(path.name)
        if name is None or not name.is_open or name.host != host or _process_alive(name.pid):
            continue
        with path.open("r+b") as handle:
            good = complete_length(handle)
            size = handle.seek(0, os.SEEK_END)
            if good < size:
                handle.truncate(good)
                logger.warning(
                    "%s: cut %d bytes of an unfinished record left by a crash", path, size - good
                )
        final = path.with_name(path.name.removesuffix(OPEN_SUFFIX))
        if final.exists():
            logger.error("cannot close %s: %s exists", path, final)
            continue
        path.rename(final)
        logger.warning("closed %s, left open by process %d", final.name, name.pid)
        closed.append(final)
    return closed


# ---------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ArchivedRecord:
    """One WARC record as read back: its headers, HTTP status and headers, and payload.

    ``payload`` is the HTTP body as archived (content encoding kept); a revisit's is empty.
    ``fields`` are the named fields of a ``warcinfo`` or ``metadata`` record.
    """

    record_type: str
    url: str
    date: dt.datetime
    record_id: str
    warc_headers: Headers
    status: int | None = None
    protocol: str | None = None
    http_headers: Headers = ()
    payload: bytes = b""
    fields: Headers = ()

    def header(self, name: str) -> str | None:
        """A WARC header of the record."""
        lowered = name.lower()
        return next((v for n, v in self.warc_headers if n.lower() == lowered), None)

    def http_header(self, name: str) -> str | None:
        """An HTTP header of the archived request or response."""
        lowered = name.lower()
        return next((v for n, v in self.http_headers if n.lower() == lowered), None)

    def field(self, name: str) -> str | None:
        """A named field of a ``warcinfo`` or ``metadata`` record."""
        return next((v for n, v in self.fields if n == name), None)


def _to_record(record: object) -> ArchivedRecord:
    rec_headers = record.rec_headers  # type: ignore[attr-defined]
    rec_type = str(record.rec_type)  # type: ignore[attr-defined]
    http = record.http_headers  # type: ignore[attr-defined]
    payload = record.raw_stream.read()  # type: ignore[attr-defined]
    status = protocol = None
    http_headers: Headers = ()
    fields: Headers = ()
    if http is not None and rec_type in {"response", "revisit", "request"}:
        http_headers = tuple((str(n), str(v)) for n, v in http.headers)
        protocol = str(http.protocol) if http.protocol else None
        if rec_type != "request":
            code = str(http.get_statuscode() or "")
            status = int(code) if code.isdigit() else None
    if rec_type in {"warcinfo", "metadata"}:
        fields = _parse_fields(payload)
    return ArchivedRecord(
        record_type=rec_type,
        url=str(rec_headers.get_header("WARC-Target-URI") or ""),
        date=parse_warc_date(str(rec_headers.get_header("WARC-Date"))),
        record_id=str(rec_headers.get_header("WARC-Record-ID") or ""),
        warc_headers=tuple((str(n), str(v)) for n, v in rec_headers.headers),
        status=status,
        protocol=protocol,
        http_headers=http_headers,
        payload=payload,
        fields=fields,
    )


def _parse_fields(payload: bytes) -> Headers:
    pairs = []
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


#: Every gzip member starts so; a damaged stretch is skipped to the next one.
_GZIP_MAGIC = b"\x1f\x8b\x08"
#: How this writer's members start (no flags, no time): counts the records a damage hides.
_OUR_GZIP_HEADER = gzip_member(b"")[:8]
#: Compressed bytes fed to the inflater at a time (its leftover is copied each member).
_FEED = 1 << 14
_READ = 1 << 20


class _UnreadableError(Exception):
    """A gzip member that does not inflate whole, or does not hold a WARC record."""

    def __init__(self, reason: str, *, cut: bool = False) -> None:
        super().__init__(reason)
        self.cut = cut  # the file ends inside the member


class _MemberReader:
    """Reads a per-record gzipped WARC file member by member, checking each one's CRC.

    warcio alone prints a decompression error to stderr and carries on with what it has,
    so a damaged record would read as a shorter one; zlib checks every member whole.
    """

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.size = os.fstat(handle.fileno()).st_size
        self.start = 0
        self.buffer = b""

    def _at(self, pos: int) -> memoryview:
        """Up to ``_FEED`` bytes of the file from ``pos`` (empty at its end)."""
        if not self.start <= pos < self.start + len(self.buffer):
            self.handle.seek(pos)
            self.buffer, self.start = self.handle.read(_READ), pos
        begin = pos - self.start
        return memoryview(self.buffer)[begin : begin + _FEED]

    def member(self, offset: int) -> tuple[ArchivedRecord, int]:
        """The record in the gzip member at ``offset`` and the member's length."""
        inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
        out = []
        pos = offset
        while True:
            chunk = self._at(pos)
            if not chunk:
                msg = f"the file ends inside the record ({pos - offset} bytes of it)"
                raise _UnreadableError(msg, cut=True)
            try:
                out.append(inflater.decompress(chunk))
            except zlib.error as exc:
                raise _UnreadableError(f"not a whole gzip member: {exc}") from None
            if inflater.eof:
                length = pos + len(chunk) - len(inflater.unused_data) - offset
                return _parse_record(b"".join(out)), length
            pos += len(chunk)

    def resync(self, offset: int) -> tuple[int | None, int]:
        """Where the next whole record after the damaged one at ``offset`` starts (None:
        nowhere), and how many of this writer's record starts were damaged on the way."""
        pos, hidden = offset + 1, 0
        while pos < self.size:
            self.handle.seek(pos)
            window = self.handle.read(_READ)
            found = window.find(_GZIP_MAGIC)
            if found < 0:
                pos += max(1, len(window) - len(_GZIP_MAGIC) + 1)
                continue
            candidate = pos + found
            try:
                self.member(candidate)
            except _UnreadableError:
                self.handle.seek(candidate)
                hidden += self.handle.read(len(_OUR_GZIP_HEADER)) == _OUR_GZIP_HEADER
                pos = candidate + 1
                continue
            return candidate, hidden
        return None, hidden


def _parse_record(data: bytes) -> ArchivedRecord:
    try:
        for record in ArchiveIterator(io.BytesIO(data)):
            return _to_record(record)
    except Exception as exc:  # warcio raises several types on a malformed record
        raise _UnreadableError(f"not a WARC record: {exc}") from exc
    raise _UnreadableError("not a WARC record: empty")


def read_record(directory: Path, warc_file: str, offset: int) -> ArchivedRecord:
    """The record at ``offset`` of ``warc_file`` (a file name in ``directory``)."""
    path = locate(directory, warc_file)
    with path.open("rb") as handle:
        try:
            return _MemberReader(handle).member(offset)[0]
        except _UnreadableError as exc:
            msg = f"no readable WARC record at offset {offset} of {warc_file}: {exc}"
            raise WarcError(msg) from None


@dataclass(frozen=True, slots=True)
class Located:
    """A record and its place: file name, offset and length of its gzip member."""

    warc_file: str
    offset: int
    length: int
    record: ArchivedRecord


@dataclass(frozen=True, slots=True)
class Damage:
    """A stretch of a WARC file that does not read as records, and was skipped."""

    path: Path
    offset: int  # where the first unreadable record starts
    resumed: int | None  # where reading went on; None: nothing readable after it
    # The records lost: the one at ``offset`` and the damaged ones found before reading
    # went on (a record whose very start was overwritten is not seen: a lower bound).
    records: int
    reason: str

    @property
    def message(self) -> str:
        lost = f"{self.records} record{'s' if self.records > 1 else ''}"
        where = (
            f"skipped to the next record at offset {self.resumed}"
            if self.resumed is not None
            else "nothing after it can be read"
        )
        return (
            f"{self.path}: offset {self.offset}: {lost} could not be read ({self.reason}); {where}"
        )


def iter_records(
    path: Path, on_damage: Callable[[Damage], None] | None = None
) -> Iterator[Located]:
    """Every record of one WARC file with its place.

    A damaged record (or a tail cut short) is skipped to the next whole record and passed
    to ``on_damage``; without it, it raises :class:`WarcError`. A file still ``.open``
    (being written, or left by a crash) may end inside a record: it stops there, with a
    warning.
    """
    name = path.name.removesuffix(OPEN_SUFFIX)
    is_open = path.name.endswith(OPEN_SUFFIX)
    with path.open("rb") as handle:
        reader = _MemberReader(handle)
        offset = 0
        while offset < reader.size:
            try:
                record, length = reader.member(offset)
            except _UnreadableError as exc:
                if is_open and exc.cut:
                    logger.warning("%s: stops at an unfinished record at offset %d", path, offset)
                    return
                resumed, hidden = reader.resync(offset)
                damage = Damage(path, offset, resumed, 1 + hidden, str(exc))
                if on_damage is None:
                    raise WarcError(damage.message) from None
                on_damage(damage)
                if resumed is None:
                    return
                offset = resumed
                continue
            yield Located(name, offset, length, record)
            offset += length


def capture_of(located: Located, refers_to: tuple[str, int] | None = None) -> CaptureRef:
    """The :class:`CaptureRef` of a ``response`` or ``revisit`` record read back."""
    record = located.record
    return CaptureRef(
        url=record.url,
        fetched_at=record.date,
        http_status=record.status or 0,
        content_type=record.http_header("Content-Type"),
        payload_digest=record.header("WARC-Payload-Digest") or payload_digest(record.payload),
        record_type=record.record_type,
        warc_file=located.warc_file,
        warc_offset=located.offset,
        warc_length=located.length,
        warc_record_id=record.record_id,
        refers_to_file=refers_to[0] if refers_to else None,
        refers_to_offset=refers_to[1] if refers_to else None,
    )


class PayloadError(WarcError):
    """An archived body that does not decode: not valid in its content encoding, or larger
    than the cap once decoded."""


#: Bytes inflated at a time: the cap is checked between steps, so a bomb never inflates.
_INFLATE_STEP = 1 << 16


def _too_large(encoding: str, max_size: int) -> PayloadError:
    return PayloadError(
        f"the {encoding} body decodes to more than {max_size} bytes (DOWNLOAD_MAXSIZE, the "
        "crawl's cap); --raw gives it as archived"
    )


def _inflate(body: bytes, wbits: int, encoding: str, max_size: int) -> bytes:
    """``body`` inflated (every gzip member of it), at most ``max_size`` bytes (0: no cap).

    >>> _inflate(gzip_member(b"abc") + gzip_member(b"def"), zlib.MAX_WBITS | 32, "gzip", 6)
    b'abcdef'
    >>> _inflate(gzip_member(bytes(1000)), zlib.MAX_WBITS | 32, "gzip", 999)
    Traceback (most recent call last):
    ...
    crawler.warc.PayloadError: the gzip body decodes to more than 999 bytes (DOWNLOAD_MAXSIZE, the crawl's cap); --raw gives it as archived
    """  # noqa: E501
    out = io.BytesIO()
    inflater = zlib.decompressobj(wbits)
    pending = body
    try:
        while True:
            out.write(inflater.decompress(pending, _INFLATE_STEP))
            if max_size and out.tell() > max_size:
                raise _too_large(encoding, max_size)
            pending = inflater.unconsumed_tail
            if inflater.eof:
                pending = inflater.unused_data
                if not pending.startswith(b"\x1f\x8b"):
                    return out.getvalue()
                inflater = zlib.decompressobj(wbits)  # the next gzip member
            elif not pending:
                msg = f"the {encoding} body is cut short; --raw gives it as archived"
                raise PayloadError(msg)
    except zlib.error as exc:
        msg = f"the body is not valid {encoding} ({exc}); --raw gives it as archived"
        raise PayloadError(msg) from None


def _unbrotli(body: bytes, max_size: int) -> bytes:
    brotli = importlib.import_module("brotli")
    out = io.BytesIO()
    decompressor = brotli.Decompressor()
    try:
        chunk = decompressor.process(body, output_buffer_limit=_INFLATE_STEP)
        while chunk:
            out.write(chunk)
            if max_size and out.tell() > max_size:
                raise _too_large("br", max_size)
            if decompressor.is_finished():
                break
            chunk = decompressor.process(b"", output_buffer_limit=_INFLATE_STEP)
    except brotli.error as exc:
        msg = f"the body is not valid br ({exc}); --raw gives it as archived"
        raise PayloadError(msg) from None
    if not decompressor.is_finished():
        raise PayloadError("the br body is cut short; --raw gives it as archived")
    return out.getvalue()


def decoded_payload(
    record: ArchivedRecord, payload: bytes | None = None, max_size: int = 0
) -> bytes:
    """The payload with its HTTP content encoding (gzip, deflate, br) undone, as a browser
    shows it; ``payload`` replaces a revisit's empty one. Decoded, it may be at most
    ``max_size`` bytes (0: no cap), as the crawl's ``DOWNLOAD_MAXSIZE`` caps it; a body
    that is larger, or not valid in its encoding, raises :class:`PayloadError`."""
    body = record.payload if payload is None else payload
    encodings = [
        e.strip().lower()
        for e in (record.http_header("Content-Encoding") or "").split(",")
        if e.strip()
    ]
    for encoding in reversed(encodings):
        if encoding in {"gzip", "x-gzip"}:
            body = _inflate(body, zlib.MAX_WBITS | 32, encoding, max_size)
        elif encoding == "deflate":
            # zlib-wrapped as the standard says, or raw deflate as some servers send it.
            wrapped = len(body) > 1 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0
            body = _inflate(
                body, zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS, encoding, max_size
            )
        elif encoding == "br":
            try:
                body = _unbrotli(body, max_size)
            except ImportError:
                break  # optional, as for Scrapy: installed when the crawl could accept br
        elif encoding != "identity":
            break
    return body
