"""The archive of a real crawl: valid WARC, every row's provenance, revisits, offline re-parse."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text
from warcio.archiveiterator import ArchiveIterator

from crawler.cli import main
from crawler.db.captures import CAPTURES
from crawler.db.engine import make_engine
from crawler.db.store import ARTICLES, IMAGES, ISSUES, PAGES
from crawler.reparse import index_captures, scan_archive
from tests.archive.conftest import ArchivedCrawl, run_epaper
from tests.archive.dbcompare import differences

WARCIO = Path(sys.executable).with_name("warcio")


def warcio(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(WARCIO), *args], capture_output=True, text=True, timeout=120, check=False
    )


def record_types(path: Path) -> list[str]:
    done = warcio("index", "-f", "warc-type", str(path))
    assert done.returncode == 0, done.stderr
    return [json.loads(line)["warc-type"] for line in done.stdout.splitlines()]


def test_warcio_check_and_index_accept_every_file(archived_crawl: ArchivedCrawl) -> None:
    files = sorted(archived_crawl.warc_dir.iterdir())
    assert files == archived_crawl.crawl_files + archived_crawl.update_files
    assert all(f.name.endswith(".warc.gz") for f in files), "a file was left .open"
    done = warcio("check", "-v", *map(str, files))
    assert done.returncode == 0, done.stdout
    assert "digest pass" in done.stdout
    crawl_types = record_types(archived_crawl.crawl_files[0])
    assert crawl_types[0] == "warcinfo"
    # A request record beside every response, and nothing but these four kinds.
    assert crawl_types.count("request") == crawl_types.count("response") > 150
    assert set(crawl_types) == {"warcinfo", "response", "request", "metadata"}


def test_every_row_points_at_the_capture_it_came_from(archived_crawl: ArchivedCrawl) -> None:
    engine = make_engine(archived_crawl.database)
    with engine.connect() as conn:
        for table in (ISSUES, PAGES, ARTICLES, IMAGES):
            missing = conn.execute(select(table.c.id).where(table.c.capture_id.is_(None))).all()
            assert not missing, f"{table.name} rows without a capture: {missing[:5]}"
        unpointed = conn.execute(
            select(PAGES.c.url).where(
                PAGES.c.pdf_url.is_not(None),
                (PAGES.c.pdf_capture_id.is_(None)) | (PAGES.c.pdf_path.is_(None)),
            )
        ).all()
        assert not unpointed, f"pages without their PDF: {unpointed[:5]}"
        # Article pages: the capture is of the article's own URL.
        rows = conn.execute(
            select(ARTICLES.c.url, CAPTURES.c.url.label("captured"), CAPTURES.c.http_status).join(
                CAPTURES, CAPTURES.c.id == ARTICLES.c.capture_id
            )
        ).all()
        paths = conn.execute(select(PAGES.c.pdf_path)).scalars().all()
        paths += conn.execute(select(IMAGES.c.file_path)).scalars().all()
    engine.dispose()
    assert all(r.url == r.captured and r.http_status == 200 for r in rows)
    for path in paths:
        stored = archived_crawl.files_dir / path
        assert stored.is_file() and stored.suffix in {".pdf", ".jpg"}, path
        assert stored.name.startswith(stored.parent.parent.name + stored.parent.name)


def test_each_article_capture_read_by_offset_is_what_the_site_served(
    archived_crawl: ArchivedCrawl,
) -> None:
    payload = CAPTURES.alias("payload")
    engine = make_engine(archived_crawl.database)
    with engine.connect() as conn:
        rows = conn.execute(
            select(
                ARTICLES.c.url,
                CAPTURES.c.record_type,
                CAPTURES.c.warc_file,
                CAPTURES.c.warc_offset,
                CAPTURES.c.warc_length,
                payload.c.warc_file.label("payload_file"),
                payload.c.warc_offset.label("payload_offset"),
            )
            .join(CAPTURES, CAPTURES.c.id == ARTICLES.c.capture_id)
            .outerjoin(payload, payload.c.id == CAPTURES.c.refers_to_id)
        ).all()
    engine.dispose()
    assert len(rows) == len(archived_crawl.served) > 150
    # The update re-checked the newest issue: its articles point at revisit records.
    assert {r.record_type for r in rows} == {"response", "revisit"}
    for row in rows:
        # The stored length is the record's whole gzip member: it reads alone.
        with (archived_crawl.warc_dir / row.warc_file).open("rb") as handle:
            handle.seek(row.warc_offset)
            member = io.BytesIO(handle.read(row.warc_length))
        record = next(iter(ArchiveIterator(member)))
        assert record.rec_type == row.record_type
        assert record.rec_headers.get_header("WARC-Target-URI") == row.url
        if row.record_type == "revisit":
            # The payload is in the response record the revisit refers to.
            with (archived_crawl.warc_dir / row.payload_file).open("rb") as handle:
                handle.seek(row.payload_offset)
                original = next(iter(ArchiveIterator(handle)))
                assert original.rec_headers.get_header("WARC-Record-ID") == (
                    record.rec_headers.get_header("WARC-Refers-To")
                )
                assert original.content_stream().read() == archived_crawl.served[row.url]
        else:
            assert record.content_stream().read() == archived_crawl.served[row.url], row.url


def test_a_nightly_update_of_unchanged_pages_adds_revisit_records_only(
    archived_crawl: ArchivedCrawl,
) -> None:
    assert len(archived_crawl.update_files) == 1, "the update starts a file of its own"
    update = archived_crawl.update_files[0]
    types = record_types(update)
    rechecked = types.count("revisit")
    assert "response" not in types
    assert rechecked > 100
    assert types.count("request") == rechecked
    crawled = archived_crawl.crawl_files[0]
    crawl_responses = record_types(crawled).count("response")
    per_recheck = update.stat().st_size / rechecked
    per_response = crawled.stat().st_size / crawl_responses
    print(
        f"\nWARC growth of a nightly update: {update.stat().st_size} bytes for {rechecked} "
        f"re-checked URLs = {per_recheck:.0f} bytes each (first crawl: {per_response:.0f} "
        "bytes per response)"
    )
    assert per_recheck < per_response / 2
    # Every revisit names a response record that holds its payload.
    engine = make_engine(archived_crawl.database)
    with engine.connect() as conn:
        revisits = conn.execute(
            text(
                "SELECT r.payload_digest, o.payload_digest AS original, o.record_type "
                "FROM captures r JOIN captures o ON o.id = r.refers_to_id "
                "WHERE r.record_type = 'revisit'"
            )
        ).all()
    engine.dispose()
    assert len(revisits) == rechecked
    assert all(r.payload_digest == r.original and r.record_type == "response" for r in revisits)


def test_show_capture_prints_and_saves_the_original_bytes(
    archived_crawl: ArchivedCrawl, tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    engine = make_engine(archived_crawl.database)
    with engine.connect() as conn:
        article_id, url = conn.execute(
            select(ARTICLES.c.id, ARTICLES.c.url).order_by(ARTICLES.c.id).limit(1)
        ).one()
        page_id = conn.execute(select(PAGES.c.id).limit(1)).scalar_one()
    engine.dispose()
    common = ["--database", archived_crawl.database, "--warc-dir", str(archived_crawl.warc_dir)]
    assert main(["show-capture", str(article_id), *common]) == 0
    assert capsysbinary.readouterr().out == archived_crawl.served[url]
    assert main(["show-capture", str(article_id), "--headers", *common]) == 0
    head, _, body = capsysbinary.readouterr().out.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"\r\nContent-Type: text/html; charset=utf-8" in head
    assert body == archived_crawl.served[url]
    out = tmp_path / "page.pdf"
    assert main(["show-capture", str(page_id), "--kind", "pdf", "--out", str(out), *common]) == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert main(["show-capture", "999999", *common]) == 1
    assert b"article 999999 has no capture" in capsysbinary.readouterr().err


def test_reparse_without_the_site_rebuilds_the_crawl_database(
    archived_crawl: ArchivedCrawl, tmp_path: Path
) -> None:
    rebuilt = f"sqlite:///{tmp_path / 'rebuilt.sqlite3'}"
    files = tmp_path / "files"
    done = run_epaper(
        ["reparse", "--warc-dir", str(archived_crawl.warc_dir), "--database", rebuilt],
        tmp_path,
        [f"EPAPER_FILES_DIR={files}"],
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "crawl run of" in done.stdout and "update run of" in done.stdout
    crawl, copy = make_engine(archived_crawl.database), make_engine(rebuilt)
    try:
        assert differences(crawl, copy) == []
    finally:
        crawl.dispose()
        copy.dispose()
    # The file store is rebuilt from the archive too, file for file.
    kept = sorted(
        p.relative_to(archived_crawl.files_dir) for p in archived_crawl.files_dir.rglob("*.*")
    )
    assert kept and kept == sorted(p.relative_to(files) for p in files.rglob("*.*"))


def test_listing_the_archive_again_adds_no_capture_twice(
    archived_crawl: ArchivedCrawl, tmp_path: Path
) -> None:
    copy = tmp_path / "again.sqlite3"
    shutil.copy(Path(archived_crawl.database.removeprefix("sqlite:///")), copy)
    url = f"sqlite:///{copy}"
    index = scan_archive(archived_crawl.warc_dir)
    assert len(index.captures) > 300
    assert [r.mode for r in index.runs] == ["crawl", "update"]
    index_captures(url, index.captures)  # what `epaper reparse` does first
    crawl, again = make_engine(archived_crawl.database), make_engine(url)
    try:
        assert differences(crawl, again) == []
    finally:
        crawl.dispose()
        again.dispose()
