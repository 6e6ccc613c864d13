"""The schema, built by the migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, func, inspect, select, text
from sqlalchemy.exc import IntegrityError

from crawler.cli import main
from crawler.db import models
from crawler.db.engine import make_engine
from crawler.db.migrate import alembic_config, ensure_schema, upgrade
from crawler.db.search import owns_table
from crawler.db.store import (
    ArticleRecord,
    Outcome,
    store_article,
    upsert_issue,
    upsert_page,
    upsert_paper,
)
from crawler.errors import SchemaError
from crawler.items import Article, Author, Image

TABLES = {
    "papers",
    "issues",
    "pages",
    "articles",
    "article_authors",
    "article_images",
    "article_versions",
    "crawl_runs",
    "fetch_failures",
    "captures",
}
NOW = dt.datetime(2021, 10, 20, 8, 0, tzinfo=dt.UTC)
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def test_migrations_have_one_head() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert len(script.get_heads()) == 1


def test_upgrade_from_empty_creates_every_table(migrated_url: str) -> None:
    eng = make_engine(migrated_url)
    try:
        assert TABLES <= set(inspect(eng).get_table_names())
    finally:
        eng.dispose()


def test_downgrade_to_base_and_up_again(migrated_url: str) -> None:
    config = alembic_config(migrated_url)
    command.downgrade(config, "base")
    eng = make_engine(migrated_url)
    try:
        assert set(inspect(eng).get_table_names()) & TABLES == set()
        command.upgrade(config, "head")
        assert TABLES <= set(inspect(eng).get_table_names())
    finally:
        eng.dispose()


def test_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        # The search tables are crawler.db.search's (an FTS5 table has no model).
        skip_search = {"include_object": lambda _o, name, kind, _r, _c: not owns_table(name)}
        context = MigrationContext.configure(conn, opts={"compare_type": True, **skip_search})
        diff = compare_metadata(context, models.Base.metadata)
    assert diff == []


def _issue(conn: Connection, paper_id: int) -> int:
    return upsert_issue(
        conn,
        paper_id=paper_id,
        date=dt.date(2021, 10, 20),
        url="http://127.0.0.1/lzcb/content/20211020/IssueIndex.htm",
        status="partial",
        crawled_at=NOW,
    )


def test_the_same_issue_page_and_article_twice_leave_one_row(engine: Engine) -> None:
    article = Article(url="http://127.0.0.1/lzcb/a1.htm", title="标题", paragraphs=("正文。",))
    for _ in range(2):
        with engine.begin() as conn:
            paper_id = upsert_paper(
                conn, slug="lzcb", name="鲁中晨报", family="paperindex", home_url="http://x/"
            )
            issue_id = _issue(conn, paper_id)
            page_id = upsert_page(
                conn, issue_id=issue_id, order=5, number="05", name="淄博", url="http://x/p5"
            )
            store_article(
                conn,
                ArticleRecord(paper_id, issue_id, dt.date(2021, 10, 20), article, page_id, 1),
                NOW,
            )
    with engine.connect() as conn:
        for table in ("papers", "issues", "pages", "articles"):
            assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar() == 1, table


def test_upsert_keeps_first_crawled_at_and_moves_last(engine: Engine) -> None:
    later = NOW + dt.timedelta(days=1)
    with engine.begin() as conn:
        paper_id = upsert_paper(conn, slug="lzcb", name="鲁中晨报", family="p", home_url="h")
        _issue(conn, paper_id)
        upsert_issue(
            conn,
            paper_id=paper_id,
            date=dt.date(2021, 10, 20),
            url="u2",
            status="complete",
            crawled_at=later,
        )
    with engine.connect() as conn:
        row = conn.execute(select(models.Issue.__table__)).one()
    assert (row.first_crawled_at, row.last_crawled_at) == (NOW, later)
    assert (row.url, row.status) == ("u2", "complete")


def test_foreign_keys_hold(engine: Engine) -> None:
    with pytest.raises(IntegrityError), engine.begin() as conn:
        _issue(conn, paper_id=12345)


def test_unknown_issue_status_is_refused(engine: Engine) -> None:
    with engine.begin() as conn:
        paper_id = upsert_paper(conn, slug="lzcb", name="鲁中晨报", family="p", home_url="h")
    with pytest.raises(IntegrityError), engine.begin() as conn:
        upsert_issue(
            conn,
            paper_id=paper_id,
            date=dt.date(2021, 1, 1),
            url="u",
            status="done",
            crawled_at=NOW,
        )


HOSTILE_TITLE = "“智慧维权” 守好'民意线' \"引号\" '; DROP TABLE articles; --"


def test_chinese_text_with_quotes_and_sql_round_trips(engine: Engine) -> None:
    article = Article(
        url='http://127.0.0.1/lzcb/a\'1.htm?x="1"',
        title=HOSTILE_TITLE,
        kicker="引题：“民意线”",
        byline="记者 刘文思",
        authors=(Author("刘文思", "记者"), Author("O'Brien", "通讯员")),
        paragraphs=("第一段。", "　第二段'; DELETE FROM papers; --"),
        images=(Image("http://127.0.0.1/i.jpg", "图说“引号”"),),
    )
    with engine.begin() as conn:
        paper_id = upsert_paper(conn, slug="lzcb", name="鲁中晨报", family="p", home_url="h")
        issue_id = _issue(conn, paper_id)
        store_article(conn, ArticleRecord(paper_id, issue_id, dt.date(2021, 10, 20), article), NOW)
    with engine.connect() as conn:
        row = conn.execute(select(models.Article.__table__)).one()
        authors = (
            conn.execute(select(models.ArticleAuthor.name).order_by(models.ArticleAuthor.position))
            .scalars()
            .all()
        )
        caption = conn.execute(select(models.ArticleImage.caption)).scalar_one()
        tables = set(inspect(conn).get_table_names())
    assert row.title == HOSTILE_TITLE
    assert row.url == article.url
    assert row.body == "第一段。\n　第二段'; DELETE FROM papers; --"
    assert authors == ["刘文思", "O'Brien"]
    assert caption == "图说“引号”"
    assert TABLES <= tables


def test_changed_article_keeps_its_earlier_text_as_a_version(engine: Engine) -> None:
    first = Article(url="http://x/a.htm", title="标题", paragraphs=("原文。",))
    corrected = Article(url="http://x/a.htm", title="标题", paragraphs=("更正后的正文。",))
    later = NOW + dt.timedelta(days=2)
    outcomes = []
    with engine.begin() as conn:
        paper_id = upsert_paper(conn, slug="lzcb", name="鲁中晨报", family="p", home_url="h")
        issue_id = _issue(conn, paper_id)
        for item, when in ((first, NOW), (first, NOW), (corrected, later), (corrected, later)):
            record = ArticleRecord(paper_id, issue_id, dt.date(2021, 10, 20), item)
            outcomes.append(store_article(conn, record, when)[1])
    assert outcomes == [Outcome.NEW, Outcome.UNCHANGED, Outcome.CHANGED, Outcome.UNCHANGED]
    with engine.connect() as conn:
        article = conn.execute(select(models.Article.__table__)).one()
        versions = conn.execute(select(models.ArticleVersion.__table__)).all()
    assert article.body == "更正后的正文。"
    assert (article.first_seen_at, article.last_changed_at) == (NOW, later)
    assert [(v.version, v.body, v.seen_from, v.replaced_at) for v in versions] == [
        (1, "原文。", NOW, later)
    ]


def test_datetimes_come_back_aware_in_utc(engine: Engine) -> None:
    beijing = dt.timezone(dt.timedelta(hours=8))
    with engine.begin() as conn:
        conn.execute(
            models.CrawlRun.__table__.insert().values(
                mode="crawl",
                arguments={"paper": ["lzcb"]},
                stats={"lzcb": {"articles": 3}},
                started_at=dt.datetime(2021, 10, 20, 16, 0, tzinfo=beijing),
            )
        )
    with engine.connect() as conn:
        run = conn.execute(select(models.CrawlRun.__table__)).one()
    assert run.started_at == dt.datetime(2021, 10, 20, 8, 0, tzinfo=dt.UTC)
    assert run.started_at.tzinfo is not None
    assert run.stats == {"lzcb": {"articles": 3}}


def test_naive_datetimes_are_refused(engine: Engine) -> None:
    with pytest.raises(Exception, match="naive datetime"), engine.begin() as conn:
        conn.execute(
            models.CrawlRun.__table__.insert().values(
                mode="crawl",
                started_at=dt.datetime(2021, 10, 20),  # noqa: DTZ001
            )
        )


def test_writing_commands_upgrade_an_empty_database_and_say_so(
    db_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        ensure_schema(db_url)
    assert "upgraded the schema" in caplog.text
    assert f"from empty to {HEAD}" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        ensure_schema(db_url)
    assert caplog.text == ""


def test_a_database_newer_than_the_code_is_a_clear_error(
    migrated_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    eng = make_engine(migrated_url)
    with eng.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'f00dcafe'"))
    eng.dispose()
    with pytest.raises(SchemaError, match=rf"f00dcafe.*newest is {HEAD}"):
        upgrade(migrated_url)
    assert main(["db", "upgrade", "--database", migrated_url]) == 3
    err = capsys.readouterr().err
    assert err.startswith("epaper: error: the database")
    assert "Traceback" not in err


def test_cli_upgrade_and_status(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["db", "status", "--database", db_url]) == 1
    assert f"schema empty, code {HEAD} (needs `epaper db upgrade`)" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database", db_url]) == 0
    assert f"schema upgraded from empty to {HEAD}" in capsys.readouterr().out
    assert main(["db", "upgrade", "--database", db_url]) == 0
    assert f"schema already at {HEAD}" in capsys.readouterr().out
    assert main(["db", "status", "--database", db_url]) == 0


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    eng = make_engine(f"sqlite:///{tmp_path / 'sub' / 'a.sqlite3'}")
    with eng.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.execute(select(func.sqlite_version())).scalar()
    eng.dispose()
    assert (tmp_path / "sub" / "a.sqlite3").exists()


def test_plain_alembic_upgrade_uses_the_same_setting(tmp_path: Path) -> None:
    repo = Path(__file__).resolve().parents[2]
    url = f"sqlite:///{tmp_path / 'plain.sqlite3'}"
    env = {**os.environ, "EPAPER_DATABASE_URL": url}
    alembic = Path(sys.executable).with_name("alembic")
    result = subprocess.run(
        [str(alembic), "upgrade", "head"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    eng = make_engine(url)
    try:
        assert TABLES <= set(inspect(eng).get_table_names())
    finally:
        eng.dispose()
