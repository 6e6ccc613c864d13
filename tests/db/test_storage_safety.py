"""Storage that cannot lose an acknowledged item: unstorable items alone are refused, and
their issues stay partial; values a backend cannot hold are cleaned or kept in full."""

from __future__ import annotations

import datetime as dt
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, inspect, select, text
from sqlalchemy.exc import OperationalError

from crawler.db import models
from crawler.db.engine import make_engine
from crawler.db.migrate import alembic_config, schema_state, upgrade
from crawler.db.queries import failed_urls, stored_article_urls, stored_issues
from crawler.db.writer import BatchWriter, CrawlItem
from crawler.errors import SchemaError
from crawler.items import (
    Article,
    ArticleItem,
    CaptureItem,
    CaptureRef,
    IssueItem,
    IssueOutcome,
    PageItem,
    PageRef,
)
from tests.conftest import REPO_ROOT
from tests.db.test_writer import BASE, DAY, NOW, info, issue_batch

BAD_URL = BASE + "Articel01002NU.htm"


def batch_with_one_unstorable(*, outcome: bool = True) -> list[CrawlItem]:
    """The issue of ``issue_batch`` whose second article no backend can hold: its order
    is beyond any SQL integer."""
    items: list[Any] = issue_batch()
    bad = items[4]
    assert bad.article.url == BAD_URL
    items[4] = ArticleItem(bad.paper, bad.date, bad.article, bad.page_number, 10**30, "x")
    return items if outcome else items[:-1]


def test_a_batch_with_one_unstorable_item_stores_the_rest_and_leaves_its_issue_partial(
    engine: Engine,
) -> None:
    result = BatchWriter(engine, info).store(batch_with_one_unstorable(), NOW)
    assert [item for item, _ in result.unstored] == [batch_with_one_unstorable()[4]]
    assert result.counts["lzcb/articles_new"] == 2
    assert result.counts["lzcb/issues_partial"] == 1
    assert result.counts["lzcb/issues_complete"] == 0
    with engine.connect() as conn:
        issue = stored_issues(conn, "lzcb")[DAY]
        failures = failed_urls(conn, "lzcb", DAY)
        stored = stored_article_urls(conn, "lzcb", DAY)
        pages = conn.execute(text("SELECT count(*) FROM pages")).scalar()
    assert issue.status == "partial"
    assert list(failures) == [BAD_URL]
    assert failures[BAD_URL].startswith("store: ")
    assert "\n" not in failures[BAD_URL]
    assert stored == {BASE + "Articel01001NU.htm", BASE + "Articel05002NU.htm"}
    assert pages == 2


def test_an_outcome_in_a_later_batch_cannot_complete_an_issue_with_a_lost_item(
    engine: Engine,
) -> None:
    writer = BatchWriter(engine, info)
    first = writer.store(batch_with_one_unstorable(outcome=False), NOW)
    assert len(first.unstored) == 1
    later = writer.store([IssueOutcome("lzcb", DAY, "complete")], NOW)
    assert later.unstored == []
    assert later.counts["lzcb/issues_partial"] == 1
    with engine.connect() as conn:
        assert stored_issues(conn, "lzcb")[DAY].status == "partial"
        assert list(failed_urls(conn, "lzcb", DAY)) == [BAD_URL]
    # The next run fetches the article again and stores it: the issue completes.
    again = BatchWriter(engine, info).store(issue_batch(), NOW + dt.timedelta(days=1))
    assert again.unstored == []
    with engine.connect() as conn:
        assert stored_issues(conn, "lzcb")[DAY].status == "complete"
        assert failed_urls(conn, "lzcb", DAY) == {}
        assert len(stored_article_urls(conn, "lzcb", DAY)) == 3


def test_an_issue_completed_earlier_becomes_partial_when_an_item_of_it_cannot_be_stored(
    engine: Engine,
) -> None:
    BatchWriter(engine, info).store(issue_batch(), NOW)
    changed = Article(url=BAD_URL, title="改过的标题", paragraphs=("新正文。",))
    item = ArticleItem("lzcb", DAY, changed, "01", 10**30)
    result = BatchWriter(engine, info).store([item], NOW)
    assert len(result.unstored) == 1
    with engine.connect() as conn:
        assert stored_issues(conn, "lzcb")[DAY].status == "partial"
        assert list(failed_urls(conn, "lzcb", DAY)) == [BAD_URL]


def test_a_transient_error_is_retried_and_the_batch_stored_whole(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = BatchWriter(engine, info)
    real_write = writer.write
    calls: list[int] = []

    def locked_once(batch: Any, now: Any = None) -> Any:
        calls.append(len(batch))
        if len(calls) == 1:
            raise OperationalError("COMMIT", {}, sqlite3.OperationalError("database is locked"))
        return real_write(batch, now)

    monkeypatch.setattr(writer, "write", locked_once)
    monkeypatch.setattr("crawler.db.writer.RETRY_PAUSE", 0.01)
    result = writer.store(issue_batch(), NOW)  # type: ignore[arg-type]
    assert result.unstored == []
    assert calls == [7, 7]  # the same batch again, not split
    with engine.connect() as conn:
        assert stored_issues(conn, "lzcb")[DAY].status == "complete"


def test_a_nul_in_a_header_and_a_10000_character_title_are_stored(engine: Engine) -> None:
    capture = CaptureRef(
        url=BASE + "Articel01001NU.htm",
        fetched_at=NOW,
        http_status=200,
        content_type="text/html\x00; charset=utf-8",
        payload_digest="sha1:AAAA",
        record_type="response",
        warc_file="epaper-1.warc.gz",
        warc_offset=0,
        warc_length=100,
        warc_record_id="<urn:uuid:1>",
    )
    title = "长" * 10_000
    page = PageRef(1, "01", "要\x00闻", BASE + "Page01NU.htm")
    article = Article(
        url=BASE + "Articel01001NU.htm",
        title=title,
        byline="本报记者\x00 张三" + "李" * 600,
        paragraphs=("正文\x00一。",),
    )
    batch: list[CrawlItem] = [
        CaptureItem(capture),
        IssueItem("lzcb", DAY, BASE + "IssueIndex.htm", page_count=1),
        PageItem("lzcb", DAY, page, article_count=1),
        ArticleItem("lzcb", DAY, article, "01", 1, "01001NU", capture=capture),
        IssueOutcome("lzcb", DAY, "complete"),
    ]
    result = BatchWriter(engine, info).store(batch, NOW)
    assert result.unstored == []
    with engine.connect() as conn:
        row = conn.execute(select(models.Article.__table__)).one()
        content_type = conn.execute(select(models.Capture.content_type)).scalar_one()
        page_name = conn.execute(select(models.Page.name)).scalar_one()
        status = stored_issues(conn, "lzcb")[DAY].status
    assert row.title == title
    assert row.byline == "本报记者 张三" + "李" * 600
    assert row.body == "正文一。"
    assert row.capture_id is not None
    assert content_type == "text/html; charset=utf-8"
    assert page_name == "要闻"
    assert status == "complete"


def test_two_writers_storing_the_same_articles_at_once_lose_nothing(engine: Engine) -> None:
    barrier = threading.Barrier(2)
    results: list[Any] = []

    def run() -> None:
        writer = BatchWriter(engine, info)
        barrier.wait()
        results.append(writer.store(issue_batch(), NOW))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [r.unstored for r in results] == [[], []]
    outcomes = sum((r.counts for r in results), start=type(results[0].counts)())
    assert outcomes["lzcb/articles_new"] + outcomes["lzcb/articles_unchanged"] == 6
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 3
        assert stored_issues(conn, "lzcb")[DAY].status == "complete"


def test_a_full_sqlite_disk_stores_nothing_as_complete_and_a_later_run_finishes(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'full.sqlite3'}"
    upgrade(url)
    full = make_engine(url)
    with full.connect() as conn:
        pages = conn.exec_driver_sql("PRAGMA page_count").scalar()

    @event.listens_for(full, "connect")
    def no_room(dbapi_connection: Any, _record: Any) -> None:
        # The file may not grow: every write that needs a new page fails as on a full disk.
        dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

    full.dispose()
    body = ("很长的正文。" * 2000,)
    batch: list[Any] = issue_batch()
    batch[3] = ArticleItem(
        "lzcb", DAY, Article(url=batch[3].article.url, title="一", paragraphs=body), "01", 1
    )
    result = BatchWriter(full, info).store(batch, NOW)
    full.dispose()
    assert result.unstored
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            issues = stored_issues(conn, "lzcb")
        assert DAY not in issues or issues[DAY].status == "partial"
        again = BatchWriter(engine, info).store(batch, NOW)
        assert again.unstored == []
        with engine.connect() as conn:
            assert stored_issues(conn, "lzcb")[DAY].status == "complete"
            assert len(stored_article_urls(conn, "lzcb", DAY)) == 3
    finally:
        engine.dispose()


def _is_current(url: str) -> bool:
    engine = make_engine(url)
    try:
        state = schema_state(engine, alembic_config(url))
        tables = set(inspect(engine).get_table_names())
    finally:
        engine.dispose()
    return state.is_current and {t.name for t in models.Base.metadata.sorted_tables} <= tables


def _upgrade_killed_after(url: str, path: Path, delay: float | None) -> float:
    """Run ``epaper db upgrade``; SIGKILL it ``delay`` seconds after its database file
    appears (the import time before is of no interest), or let it end (None). Returns
    the seconds from the file's appearance to the end."""
    process = subprocess.Popen(
        [sys.executable, "-m", "crawler.cli", "db", "upgrade", "--database", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO_ROOT,
    )
    while not path.exists() and process.poll() is None:
        time.sleep(0.002)
    appeared = time.monotonic()
    if delay is not None:
        time.sleep(delay)
        process.send_signal(signal.SIGKILL)
    returncode = process.wait()
    assert returncode in (0, -signal.SIGKILL)
    return time.monotonic() - appeared


@pytest.mark.slow
def test_sigkill_at_random_moments_of_the_first_upgrade_leaves_a_usable_sqlite_file(
    tmp_path: Path,
) -> None:
    whole = _upgrade_killed_after(
        f"sqlite:///{tmp_path / 'whole.sqlite3'}", tmp_path / "whole.sqlite3", None
    )
    chance = random.Random(11)
    for attempt in range(20):
        path = tmp_path / f"killed-{attempt}.sqlite3"
        url = f"sqlite:///{path}"
        _upgrade_killed_after(url, path, chance.uniform(0, whole))
        # What `epaper db upgrade` does next, in this process (it is the same function).
        upgrade(url)
        assert _is_current(url), f"attempt {attempt}"


def test_a_half_made_schema_of_an_older_version_is_rebuilt_when_empty(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'half.sqlite3'}"
    engine = make_engine(url)
    tables = [models.CrawlRun.__table__, models.Paper.__table__, models.Issue.__table__]
    models.Base.metadata.create_all(engine, tables=tables)  # type: ignore[arg-type]
    engine.dispose()
    upgrade(url)
    assert _is_current(url)


def test_a_half_made_schema_with_rows_is_a_clear_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'half.sqlite3'}"
    engine = make_engine(url)
    models.Base.metadata.create_all(engine, tables=[models.Paper.__table__])  # type: ignore[list-item]
    with engine.begin() as conn:
        conn.execute(
            models.Paper.__table__.insert().values(
                slug="lzcb", name="鲁中晨报", family="paperindex", home_url="h", created_at=NOW
            )
        )
    engine.dispose()
    with pytest.raises(SchemaError, match=r"half-made schema .* with rows in papers"):
        upgrade(url)
