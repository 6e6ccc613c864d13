"""The WARC writer on its own: rotation, names, revisits, crashes, and the file store's safety."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import crawler.warc
from crawler.files import FileStore, refusal_reason
from crawler.warc import (
    OPEN_SUFFIX,
    Damage,
    Exchange,
    WarcError,
    WarcWriter,
    complete_length,
    iter_records,
    locate,
    original_of,
    parse_warc_name,
    read_record,
    warc_files,
)
from tests.archive.conftest import REPO_ROOT
from tests.archive.enospc import small_disk_os
from tests.archive.test_archive import warcio

WHEN = dt.datetime(2021, 10, 20, 0, 30, tzinfo=dt.UTC)


def exchange(n: int, payload: bytes | None = None) -> Exchange:
    return Exchange(
        url=f"http://127.0.0.1:9/lzcb/content/20211020/Articel0100{n}AB.htm",
        fetched_at=WHEN + dt.timedelta(seconds=n),
        status=200,
        response_headers=(("Content-Type", "text/html; charset=utf-8"),),
        payload=payload if payload is not None else f"<html>文章 {n}</html>".encode() * 40,
        request_headers=(("User-Agent", "test"),),
        context=(("epaper-paper", "lzcb"), ("epaper-kind", "article")),
    )


def test_files_rotate_before_the_size_limit_and_are_closed_by_name(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path, max_bytes=3000, info={"epaper-run": "urn:uuid:x"})
    captures = [writer.write(exchange(n)) for n in range(8)]
    names = {c.warc_file for c in captures}
    assert len(names) > 2
    # While written, the current file ends in .open; the others are closed.
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(OPEN_SUFFIX)] == [
        captures[-1].warc_file + OPEN_SUFFIX
    ]
    writer.close()
    files = warc_files(tmp_path)
    assert [p.name for p in files] == sorted(names)
    for path in files:
        name = parse_warc_name(path.name)
        assert name is not None and name.pid == os.getpid() and not name.is_open
        assert path.stat().st_size <= 3000
    assert warcio("check", *map(str, files)).returncode == 0
    for capture, n in zip(captures, range(8), strict=True):
        record = read_record(tmp_path, capture.warc_file, capture.warc_offset)
        assert (record.record_type, record.url, record.date) == (
            "response",
            capture.url,
            capture.fetched_at,
        )
        assert record.payload == exchange(n).payload


def test_two_processes_never_share_a_file(tmp_path: Path) -> None:
    first, second = WarcWriter(tmp_path, pid=101), WarcWriter(tmp_path, pid=102)
    a, b = first.write(exchange(1)), second.write(exchange(2))
    assert a.warc_file != b.warc_file
    assert (parse_warc_name(a.warc_file).pid, parse_warc_name(b.warc_file).pid) == (101, 102)  # type: ignore[union-attr]


def test_an_identical_payload_is_a_revisit_of_the_first_response(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path)
    page = exchange(1, os.urandom(3000))
    first = writer.write(page)
    again = writer.write(page, original_of(first))
    writer.close()
    assert (first.record_type, again.record_type) == ("response", "revisit")
    assert again.payload_digest == first.payload_digest
    assert (again.refers_to_file, again.refers_to_offset) == (first.warc_file, first.warc_offset)
    assert again.warc_length < first.warc_length
    revisit = read_record(tmp_path, again.warc_file, again.warc_offset)
    assert revisit.payload == b""
    assert revisit.header("WARC-Refers-To") == first.warc_record_id
    assert revisit.header("WARC-Refers-To-Target-URI") == first.url
    assert str(revisit.header("WARC-Profile")).endswith("/revisit/identical-payload-digest")
    assert warcio("check", str(tmp_path / first.warc_file)).returncode == 0


def test_a_crash_mid_record_is_cut_off_and_the_next_writer_starts_a_new_file(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    writer = WarcWriter(tmp_path, pid=2**22 + 7)  # a process id no process has
    kept = [writer.write(exchange(n)) for n in range(3)]
    crashed = tmp_path / (kept[0].warc_file + OPEN_SUFFIX)
    whole = crashed.stat().st_size
    half = tmp_path / "half.warc.gz"
    WarcWriter(half).write(exchange(9, os.urandom(5000)))
    member = next(iter_records(warc_files(half)[0]))  # the warcinfo, then the response
    with crashed.open("ab") as handle:  # the kill: half of one more record
        handle.write(warc_files(half)[0].read_bytes()[member.length : member.length + 2000])
    caplog.set_level(logging.WARNING, logger="crawler.warc")
    after = WarcWriter(tmp_path).write(exchange(4))
    closed = tmp_path / kept[0].warc_file
    assert not crashed.exists() and closed.stat().st_size == whole
    assert after.warc_file != kept[0].warc_file
    assert "cut 2000 bytes of an unfinished record" in caplog.text
    assert warcio("check", str(closed)).returncode == 0
    for capture in kept:
        assert read_record(tmp_path, capture.warc_file, capture.warc_offset).url == capture.url


def test_a_live_writers_open_file_is_left_alone(tmp_path: Path) -> None:
    live = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        open_file = WarcWriter(tmp_path, pid=live.pid).write(exchange(1)).warc_file + OPEN_SUFFIX
        WarcWriter(tmp_path).write(exchange(2))
        assert (tmp_path / open_file).exists()
    finally:
        live.kill()
        live.wait()


WRITER_SCRIPT = textwrap.dedent(
    """
    import datetime as dt, os, sys
    from pathlib import Path
    from crawler.warc import Exchange, WarcWriter
    writer = WarcWriter(Path(sys.argv[1]))
    for n in range(100000):
        capture = writer.write(Exchange(
            url=f"http://127.0.0.1:9/p{n}", fetched_at=dt.datetime.now(dt.UTC), status=200,
            response_headers=(("Content-Type", "application/pdf"),), payload=os.urandom(300000)))
        print(capture.warc_file, capture.warc_offset, capture.url, flush=True)
    """
)


def test_sigkill_while_writing_leaves_every_earlier_record_readable(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER_SCRIPT, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    assert child.stdout is not None
    written = [child.stdout.readline().split() for _ in range(20)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    [crashed] = [p for p in tmp_path.iterdir() if p.name.endswith(OPEN_SUFFIX)]
    # Every record the writer reported (and any it finished after) reads back as written.
    for name, offset, url in written:
        assert read_record(tmp_path, name, int(offset)).url == url
    with crashed.open("rb") as handle:
        good = complete_length(handle)
    assert good >= int(written[-1][1])
    # The next writer closes the crashed file at its last whole record and starts a new one.
    nxt = WarcWriter(tmp_path).write(exchange(1))
    still_open = [p for p in tmp_path.iterdir() if p.name.endswith(OPEN_SUFFIX)]
    assert still_open == [tmp_path / (nxt.warc_file + OPEN_SUFFIX)]
    closed = tmp_path / crashed.name.removesuffix(OPEN_SUFFIX)
    assert closed.stat().st_size == good
    assert nxt.warc_file != closed.name
    assert warcio("check", str(closed)).returncode == 0
    assert sum(1 for r in iter_records(closed) if r.record.record_type == "response") >= 20


def test_file_names_come_from_digests_and_never_leave_the_store(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = FileStore(tmp_path / "files", max_bytes=1000)
    pdf = b"%PDF-1.4 tiny"
    path = store.put(pdf, "pdf", "http://127.0.0.1/lzcb/../../../../etc/passwd")
    digest = hashlib.sha256(pdf).hexdigest()
    assert path == f"{digest[:2]}/{digest[2:4]}/{digest}.pdf"
    assert (tmp_path / "files" / path).read_bytes() == pdf
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [tmp_path / "files" / path]
    with caplog.at_level(logging.WARNING, logger="crawler.files"):
        assert store.put(b"%PDF-" + b"x" * 2000, "pdf", "http://127.0.0.1/big.pdf") is None
        assert store.put(b"<html>404</html>", "pdf", "http://127.0.0.1/p.pdf") is None
    assert "is 2005 bytes (EPAPER_FILES_MAX_BYTES is 1000)" in caplog.text
    assert "http://127.0.0.1/p.pdf is not a PDF" in caplog.text
    hosts = {"127.0.0.1"}
    assert refusal_reason("http://127.0.0.1/lzcb/%2E%2E/%2e%2e/etc/passwd", hosts)
    assert (
        refusal_reason("http://127.0.0.2/lzcb/x.jpg", hosts) == "refused: off-site host 127.0.0.2"
    )
    with pytest.raises(WarcError):
        locate(tmp_path, "../etc/passwd")


def test_a_write_that_fills_the_disk_leaves_no_half_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(crawler.warc, "os", small_disk_os(6000))
    writer = WarcWriter(tmp_path)
    written = [writer.write(exchange(n, os.urandom(1500))) for n in range(2)]
    with pytest.raises(OSError, match="No space left on device"):
        writer.write(exchange(3, os.urandom(1500)))
    writer.close()
    [closed] = warc_files(tmp_path)
    assert not closed.name.endswith(OPEN_SUFFIX)
    # The disk took part of the failed record; it was cut off again.
    assert written and closed.stat().st_size < 6000
    with closed.open("rb") as handle:
        assert complete_length(handle) == closed.stat().st_size
    assert warcio("check", str(closed)).returncode == 0
    assert [r.record.url for r in iter_records(closed) if r.record.record_type == "response"] == [
        c.url for c in written
    ]


def test_damaged_records_are_skipped_to_the_next_whole_one_and_counted(tmp_path: Path) -> None:
    writer = WarcWriter(tmp_path)
    captures = [writer.write(exchange(n, os.urandom(2000))) for n in range(6)]
    writer.close()
    [path] = warc_files(tmp_path)
    offsets = [r.offset for r in iter_records(path)]  # response, request, metadata each
    data = bytearray(path.read_bytes())
    # 64 zeroed bytes inside the second response; then inside both the fourth's last
    # record and the fifth response, one after the other: one stretch of two records.
    before_fifth = offsets[offsets.index(captures[4].warc_offset) - 1]
    for hit in (captures[1].warc_offset + 700, before_fifth + 100, captures[4].warc_offset + 700):
        data[hit : hit + 64] = bytes(64)
    path.write_bytes(bytes(data))
    damages: list[Damage] = []

    def responses(source: Path) -> list[str]:
        return [
            r.record.url
            for r in iter_records(source, damages.append)
            if r.record.record_type == "response"
        ]

    assert responses(path) == [c.url for n, c in enumerate(captures) if n not in {1, 4}]
    assert [(d.offset, d.records) for d in damages] == [
        (captures[1].warc_offset, 1),
        (before_fifth, 2),
    ]
    assert damages[0].resumed == captures[1].warc_offset + captures[1].warc_length
    assert "1 record could not be read (not a whole gzip member" in damages[0].message
    with pytest.raises(WarcError, match=f"offset {captures[1].warc_offset}: 1 record"):
        list(iter_records(path))
    with pytest.raises(WarcError, match="no readable WARC record at offset"):
        read_record(tmp_path, captures[1].warc_file, captures[1].warc_offset)
    # Cut short, a closed file loses its tail; an .open one stops there without a count.
    os.truncate(path, captures[5].warc_offset + 100)
    damages.clear()
    assert captures[5].url not in responses(path)
    assert damages[-1].resumed is None
    assert "the file ends inside the record" in damages[-1].reason
    opened = path.rename(path.with_name(path.name + OPEN_SUFFIX))
    damages.clear()
    assert captures[5].url not in responses(opened)
    assert len(damages) == 2  # the two damaged stretches, not the cut tail
