"""``epaper show-capture`` on hostile archived bodies: a gzip bomb, a body that is not gzip.

They are archived as a site sent them (the archive keeps the content encoding): the crawl
refuses the bomb after DOWNLOAD_MAXSIZE decoded bytes, and show-capture stops at the same cap.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gzip
import zlib
from pathlib import Path

import pytest
from sqlalchemy import select

from crawler.cli import main
from crawler.db.captures import CAPTURES
from crawler.db.engine import make_engine
from crawler.reparse import index_captures
from crawler.settings import DOWNLOAD_MAXSIZE
from crawler.warc import Exchange, WarcWriter

BASE = "http://127.0.0.1:9/lzcb/content/20211020/"
#: 64 MiB of zeros in 64 kB of gzip: four times the cap.
BOMB_SIZE = 64 * 1024 * 1024


@functools.cache
def gzip_bomb(size: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(1 << 20)
    parts = [compressor.compress(zeros) for _ in range(size // len(zeros))]
    return b"".join(parts) + compressor.flush()


def gzipped(url: str, body: bytes) -> Exchange:
    return Exchange(
        url=url,
        fetched_at=dt.datetime(2021, 10, 20, 1, tzinfo=dt.UTC),
        status=200,
        response_headers=(
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
        ),
        payload=body,
    )


@pytest.fixture
def hostile_archive(tmp_path: Path) -> tuple[list[str], dict[str, int]]:
    """An archive of a gzip bomb, a body that is not gzip and a good one; their capture ids."""
    warc_dir = tmp_path / "warc"
    writer = WarcWriter(warc_dir)
    bodies = {
        "bomb": gzip_bomb(BOMB_SIZE),
        "broken": b"<html>not gzip at all</html>",
        "cut": gzip.compress(b"<html>" + b"x" * 5000 + b"</html>")[:-100],
        "good": gzip.compress("<html>文章</html>".encode()),
    }
    captures = [writer.write(gzipped(BASE + name + ".htm", body)) for name, body in bodies.items()]
    writer.close()
    database = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    index_captures(database, captures)
    engine = make_engine(database)
    with engine.connect() as conn:
        ids = {row.url: row.id for row in conn.execute(select(CAPTURES.c.url, CAPTURES.c.id))}
    engine.dispose()
    common = ["--kind", "capture", "--database", database, "--warc-dir", str(warc_dir)]
    return common, {name: ids[BASE + name + ".htm"] for name in bodies}


def test_show_capture_stops_a_gzip_bomb_at_the_crawls_cap(
    hostile_archive: tuple[list[str], dict[str, int]],
    capsysbinary: pytest.CaptureFixture[bytes],
    tmp_path: Path,
) -> None:
    common, ids = hostile_archive
    assert main(["show-capture", str(ids["bomb"]), *common]) == 1
    out, err = capsysbinary.readouterr()
    assert out == b""
    assert err.decode() == (
        f"epaper: error: capture {ids['bomb']} ({BASE}bomb.htm): the gzip body decodes to more "
        f"than {DOWNLOAD_MAXSIZE} bytes (DOWNLOAD_MAXSIZE, the crawl's cap); --raw gives it "
        "as archived\n"
    )
    # The cap is the crawl's setting: raised, the same body decodes whole.
    raised = ["-s", f"DOWNLOAD_MAXSIZE={BOMB_SIZE}"]
    saved = tmp_path / "bomb.html"
    assert main(["show-capture", str(ids["bomb"]), *common, *raised, "--out", str(saved)]) == 0
    assert saved.stat().st_size == BOMB_SIZE
    # As archived, it is the small gzip body the site sent.
    raw = tmp_path / "bomb.gz"
    assert main(["show-capture", str(ids["bomb"]), *common, "--raw", "--out", str(raw)]) == 0
    assert raw.read_bytes()[:2] == b"\x1f\x8b" and raw.stat().st_size < 1024 * 1024


NOT_GZIP = (
    "the body is not valid gzip (Error -3 while decompressing data: incorrect header "
    "check); --raw gives it as archived"
)


@pytest.mark.parametrize(
    ("name", "reason"),
    [("broken", NOT_GZIP), ("cut", "the gzip body is cut short; --raw gives it as archived")],
)
def test_show_capture_of_an_invalid_gzip_body_is_one_line(
    hostile_archive: tuple[list[str], dict[str, int]],
    capsysbinary: pytest.CaptureFixture[bytes],
    name: str,
    reason: str,
) -> None:
    common, ids = hostile_archive
    assert main(["show-capture", str(ids[name]), *common]) == 1
    out, err = capsysbinary.readouterr()
    assert out == b""
    assert err.decode() == f"epaper: error: capture {ids[name]} ({BASE}{name}.htm): {reason}\n"
    assert main(["show-capture", str(ids["good"]), *common]) == 0
    assert capsysbinary.readouterr().out == "<html>文章</html>".encode()


def test_show_capture_inflates_both_kinds_of_deflate(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    page = "<html>文章</html>".encode()
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    bodies = {"wrapped": zlib.compress(page), "raw": raw.compress(page) + raw.flush()}
    writer = WarcWriter(tmp_path / "warc")
    captures = []
    for name, body in bodies.items():
        exchange = gzipped(BASE + name + ".htm", body)
        headers = (exchange.response_headers[0], ("Content-Encoding", "deflate"))
        captures.append(writer.write(dataclasses.replace(exchange, response_headers=headers)))
    writer.close()
    database = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    index_captures(database, captures)
    engine = make_engine(database)
    with engine.connect() as conn:
        ids = conn.execute(select(CAPTURES.c.id)).scalars().all()
    engine.dispose()
    common = ["--kind", "capture", "--database", database, "--warc-dir", str(tmp_path / "warc")]
    assert len(ids) == len(bodies)
    for capture_id in ids:
        assert main(["show-capture", str(capture_id), *common]) == 0
        assert capsysbinary.readouterr().out == page
