"""Full-text search finds exactly what LIKE finds, on a crawled mock archive, on both backends."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url

from crawler.cli import main
from crawler.db import search as fts
from crawler.db.engine import make_engine
from crawler.db.migrate import upgrade
from crawler.db.store import ArticleRecord, store_article, upsert_issue, upsert_page, upsert_paper
from crawler.items import Article
from mocksite.testing import run_mocksite
from tests.conftest import POSTGRES_SKIP_REASON, _postgres_database, postgres_admin_url
from tests.crawl.conftest import run_epaper

PAPER, SINCE, UNTIL = "lzcb", "2021-10-01", "2021-10-14"
NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC)

#: Articles with Latin words and numbers, which the mock site's text has none of.
LATIN = [
    ("COVID-19疫情防控进入新阶段", "本报讯 新冠（COVID-19）疫情防控……covid检测点增至39个。"),
    ("5G基站覆盖全市", "截至目前，全市建成5G基站1.2万个，GDP增长6.5%。"),
    ("Xinhua报道", "据新华社（Xinhua）消息，APP下载量同比增长20%。"),
]

#: (query, what it is): the recall table, each compared with LIKE.
RECALL = [
    ("淄", "one character"),
    ("淄博", "two characters"),
    ("科技", "two characters"),
    ("高质量", "three characters"),
    ("新能源", "three characters"),
    ("市场监管", "four characters"),
    ("营商环境", "four characters"),
    ("，为高质量发展", "a phrase with punctuation"),
    ("“推进", "a phrase with a quotation mark"),
    ("covid", "a Latin word, any case"),
    ("Xinhua", "a Latin word"),
    ("5G", "letters and digits"),
    ("10", "a number"),
    ("6.5%", "a number with a percent sign"),
    ("19.6万", "a number and a character"),
]


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def crawled(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """Two weeks of lzcb crawled from the mock site, plus a few articles with Latin words."""
    if request.param == "sqlite":
        databases: Iterator[str] = iter(
            [f"sqlite:///{tmp_path_factory.mktemp('search') / 'archive.sqlite3'}"]
        )
    else:
        admin = postgres_admin_url()
        if admin is None:
            if os.environ.get("EPAPER_TEST_REQUIRE_POSTGRES"):
                pytest.fail("EPAPER_TEST_REQUIRE_POSTGRES is set but no PostgreSQL URL is")
            pytest.skip(POSTGRES_SKIP_REASON)
        databases = _postgres_database(admin)
    url = next(databases)
    upgrade(url)
    with run_mocksite() as site:
        run = run_epaper(site, url, ["crawl", PAPER, "--since", SINCE, "--until", UNTIL])
    assert run.returncode in (0, 1), run.stderr[-3000:]
    engine = make_engine(url)
    with engine.begin() as conn:
        for n, (title, body) in enumerate(LATIN, 1):
            _store(conn, "xwtest", dt.date(2021, 10, n), "A0" + str(n), title, body)
    engine.dispose()
    yield url
    for _ in databases:  # drops the PostgreSQL database
        pass


def _store(conn: Connection, slug: str, date: dt.date, page: str, title: str, body: str) -> int:
    paper_id = upsert_paper(conn, slug=slug, name="测试报", family="test", home_url="http://x/")
    issue_id = upsert_issue(
        conn, paper_id=paper_id, date=date, url=f"http://x/{date}", status="complete",
        crawled_at=NOW,
    )  # fmt: skip
    page_id = upsert_page(conn, issue_id=issue_id, order=1, number=page, url=f"http://x/{page}")
    article = Article(url=f"http://x/{date}/{page}/{title}", title=title, paragraphs=(body,))
    record = ArticleRecord(paper_id, issue_id, date, article, page_id, 1)
    return store_article(conn, record, NOW)[0]


@pytest.fixture(scope="module")
def engine(crawled: str) -> Iterator[Engine]:
    eng = make_engine(crawled)
    yield eng
    eng.dispose()


def _like(conn: Connection, term: str) -> str:
    """A LIKE condition for ``term`` as a substring: ASCII case folded, as SQLite's LIKE does."""
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    op = "ILIKE" if conn.dialect.name == "postgresql" else "LIKE"
    quoted = "'%" + escaped.replace("'", "''") + "%'"
    return f"(a.title {op} {quoted} ESCAPE '\\' OR a.body {op} {quoted} ESCAPE '\\')"


def like_ids(conn: Connection, where: str, filters: str = "") -> set[int]:
    sql = (
        "SELECT a.id FROM articles a JOIN papers p ON p.id = a.paper_id "
        f"LEFT JOIN pages g ON g.id = a.page_id WHERE {where}{filters}"
    )
    return set(conn.execute(text(sql)).scalars())


@pytest.mark.slow
@pytest.mark.parametrize(("query", "kind"), RECALL, ids=[f"{k}:{q}" for q, k in RECALL])
def test_search_finds_exactly_what_like_finds(engine: Engine, query: str, kind: str) -> None:
    with engine.connect() as conn:
        expected = like_ids(conn, _like(conn, query))
        assert expected, f"the archive has no {kind} {query!r} to find"
        assert set(fts.matching_ids(conn, f'"{query}"')) == expected
        assert fts.count(conn, f'"{query}"') == len(expected)
        hits = fts.search(conn, f'"{query}"', limit=None)
    assert {h.article_id for h in hits} == expected
    assert all(fts.HIT_START in h.title + h.snippet for h in hits)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("query", "where"),
    [
        ("淄博 科技", "{淄博} AND {科技}"),
        ("淄博 AND 科技", "{淄博} AND {科技}"),
        ("淄博 OR 5G", "{淄博} OR {5G}"),
        ("淄博 -科技", "{淄博} AND NOT {科技}"),
        ("淄博 NOT 科技", "{淄博} AND NOT {科技}"),
        ("(科技 OR 新能源) 市场监管 -淄川", "({科技} OR {新能源}) AND {市场监管} AND NOT {淄川}"),
        ('"，为高质量" 营商环境 OR covid', "({，为高质量} AND {营商环境}) OR {covid}"),
    ],
)
def test_boolean_queries_combine_what_like_finds(engine: Engine, query: str, where: str) -> None:
    with engine.connect() as conn:
        condition = where
        for term in (
            "淄博",
            "科技",
            "5G",
            "新能源",
            "市场监管",
            "淄川",
            "，为高质量",
            "营商环境",
            "covid",
        ):
            condition = condition.replace("{" + term + "}", _like(conn, term))
        expected = like_ids(conn, condition)
        assert set(fts.matching_ids(conn, query)) == expected
        assert 0 < len(expected) < conn.execute(text("SELECT count(*) FROM articles")).scalar()


@pytest.mark.slow
def test_filters_by_paper_dates_and_page_equal_like_with_the_same_filters(
    engine: Engine,
) -> None:
    since, until = dt.date(2021, 10, 5), dt.date(2021, 10, 9)
    with engine.connect() as conn:
        page = conn.execute(
            text("SELECT g.number FROM pages g JOIN articles a ON a.page_id = g.id LIMIT 1")
        ).scalar_one()
        cases = [
            ({"paper": PAPER}, f" AND p.slug = '{PAPER}'"),
            ({"paper": "xwtest"}, " AND p.slug = 'xwtest'"),
            ({"since": since, "until": until}, f" AND a.date BETWEEN '{since}' AND '{until}'"),
            ({"since": since}, f" AND a.date >= '{since}'"),
            ({"page": page}, f" AND g.number = '{page}'"),
        ]
        for filters, sql in cases:
            for query in ("淄博", "增长"):
                expected = like_ids(conn, _like(conn, query), sql)
                found = fts.search(conn, query, limit=None, **filters)
                assert {h.article_id for h in found} == expected, (query, filters)
                assert set(fts.matching_ids(conn, query, **filters)) == expected
        assert fts.matching_ids(conn, "淄博", paper="xwtest") == []
        dated = fts.search(conn, "淄博", since=since, until=until, limit=None)
        assert dated and all(since <= h.date <= until for h in dated)


@pytest.mark.slow
def test_hits_are_ranked_with_title_hits_first_and_marked(engine: Engine) -> None:
    with engine.connect() as conn:
        hits = fts.search(conn, "市场监管", limit=5)
        titled = like_ids(conn, "a.title LIKE '%市场监管%'")
    assert len(hits) == 5
    assert titled and hits[0].article_id in titled
    assert "«市场监管»" in hits[0].title
    first = hits[0]
    assert first.paper == PAPER and first.paper_name == "鲁中晨报" and first.page_number


@pytest.mark.slow
@pytest.mark.parametrize("crawled", ["sqlite"], indirect=True)
def test_sql_of_ones_own_on_sqlite_matches_with_the_registered_function(
    engine: Engine, crawled: str
) -> None:
    with engine.connect() as conn:
        expected = sorted(fts.matching_ids(conn, "淄博 -科技"))
    db = sqlite3.connect(make_url(crawled).database or "")
    try:
        fts.register_sqlite_functions(db)
        rows = db.execute(
            "SELECT rowid FROM article_search "
            "WHERE article_search MATCH epaper_fts_query('淄博 -科技') ORDER BY rowid"
        ).fetchall()
    finally:
        db.close()
    assert [r[0] for r in rows] == expected and expected


def test_query_syntax_errors_are_one_clear_message() -> None:
    for query, message in [
        ("", "nothing to search for"),
        ('"淄博', "unbalanced quote"),
        ("NOT 淄博", "NOT needs something to find"),
        ("-淄博 OR 科技", "NOT needs something to find"),
        ("淄博 OR", "a term is missing"),
        ("(淄博 科技", "closing parenthesis"),
        ("淄博 )", "unexpected"),
        ('""', "an empty phrase"),
        ("淄" * (fts.MAX_TERM_CHARS + 1), "longer than"),
    ]:
        with pytest.raises(fts.SearchQueryError, match=message):
            fts.parse(query)


def test_every_term_of_a_long_article_is_found_across_postgresql_chunks() -> None:
    """A term cut by a chunk boundary lies whole inside the next chunk (their overlap)."""
    body = "".join(f"第{n}段，淄博烧烤的的的。" for n in range(3000))
    chunks = fts.pg_chunks(body)
    assert len(chunks) > 2
    assert all(len(c) <= 16_383 and max(c.count(t) for t in set(c)) < 256 for c in chunks)
    joined = ["".join(c) for c in chunks]
    needle = fts.tokens("淄博烧烤的的的。第2999段")
    assert any("".join(needle) in j for j in joined)
    width = fts.MAX_TERM_CHARS
    items = fts.tokens(body)
    for start in range(0, len(items) - width, 997):
        window = "".join(items[start : start + width])
        assert any(window in j for j in joined), start


def test_a_correction_is_found_by_its_new_text_and_not_its_old(
    migrated_url: str, tmp_path: Path
) -> None:
    engine = make_engine(migrated_url)
    try:
        old = "淄博烧烤旧说法，营业时间至二十二时。"
        new = "淄博烧烤更正后，营业时间至二十三时。"
        with engine.begin() as conn:
            article_id = _store(conn, "lzcb", dt.date(2023, 4, 1), "01", "淄博烧烤火了", old)
        with engine.begin() as conn:
            assert (
                _store(conn, "lzcb", dt.date(2023, 4, 1), "01", "淄博烧烤火了", new) == article_id
            )
        with engine.connect() as conn:
            assert fts.matching_ids(conn, "更正后") == [article_id]
            assert fts.matching_ids(conn, "二十三时") == [article_id]
            assert fts.matching_ids(conn, "旧说法") == []
            assert fts.matching_ids(conn, "二十二时") == []
            assert fts.matching_ids(conn, "淄博烧烤") == [article_id]
            versions = conn.execute(text("SELECT count(*) FROM article_versions")).scalar()
        assert versions == 1
        # And once more: the text indexed now is the newest version's, forgotten in turn.
        with engine.begin() as conn:
            _store(conn, "lzcb", dt.date(2023, 4, 1), "01", "淄博烧烤火了", "第三稿。")
        with engine.connect() as conn:
            assert fts.matching_ids(conn, "更正后") == []
            assert fts.matching_ids(conn, "第三稿") == [article_id]
    finally:
        engine.dispose()


def test_reindex_rebuilds_the_index_and_upgrade_indexes_older_archives(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    upgrade(db_url, "0005")
    engine = make_engine(db_url)
    try:
        with engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO papers (id, slug, name, family, home_url, created_at) VALUES "
                    "(1, 'lzcb', '鲁中晨报', 'paperindex', 'http://x/', :t)"
                ),
                {"t": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text(
                    "INSERT INTO issues (id, paper_id, date, edition, url, status, "
                    "first_crawled_at, last_crawled_at) VALUES "
                    "(1, 1, '2021-10-01', '', 'http://x/i', 'complete', :t, :t)"
                ),
                {"t": NOW.replace(tzinfo=None)},
            )
            conn.execute(
                text(
                    "INSERT INTO articles (id, paper_id, issue_id, date, url, title, body, "
                    "char_count, content_hash, first_seen_at, last_seen_at, last_changed_at) "
                    "VALUES (1, 1, 1, '2021-10-01', 'http://x/a', '旧档案', '升级前存的文章。', "
                    "8, 'h', :t, :t, :t)"
                ),
                {"t": NOW.replace(tzinfo=None)},
            )
        upgrade(db_url)
        with engine.connect() as conn:
            assert fts.matching_ids(conn, "升级前") == [1]
        with engine.begin() as conn:  # an index gone wrong: the reindex puts it right
            if conn.dialect.name == "postgresql":
                conn.execute(text("DELETE FROM article_search_chunks"))
            else:
                conn.execute(
                    text("INSERT INTO article_search (article_search) VALUES ('delete-all')")
                )
        with engine.connect() as conn:
            assert fts.matching_ids(conn, "升级前") == []
        assert main(["db", "reindex", "--database", db_url]) == 0
        assert "search index rebuilt" in capsys.readouterr().out
        with engine.connect() as conn:
            assert fts.matching_ids(conn, "升级前") == [1]
            assert fts.matching_ids(conn, "旧档案") == [1]
    finally:
        engine.dispose()


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("crawled", ["postgresql"], indirect=True)
def test_postgresql_without_rum_falls_back_to_gin_and_finds_the_same(engine: Engine) -> None:
    with engine.connect() as conn:
        before = {q: set(fts.matching_ids(conn, q)) for q, _ in RECALL[:6]}
    with engine.begin() as conn:
        conn.execute(text("DROP INDEX ix_article_search_chunks_document"))
        conn.execute(
            text(
                "CREATE INDEX ix_article_search_chunks_document ON article_search_chunks "
                "USING gin (document)"
            )
        )
    fts.reindex(engine)  # keeps the method it finds
    try:
        with engine.connect() as conn:
            assert fts.pg_index_method(conn) == "gin"
            assert {q: set(fts.matching_ids(conn, q)) for q in before} == before
    finally:
        with engine.begin() as conn:
            conn.execute(text("DROP INDEX ix_article_search_chunks_document"))
        fts.reindex(engine)  # no index: the best there is (RUM where installed)
    with engine.connect() as conn:
        rum = bool(conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'rum'")).scalar())
        assert fts.pg_index_method(conn) == ("rum" if rum else "gin")


@pytest.mark.slow
def test_cli_prints_hits_as_table_csv_and_jsonl(
    crawled: str, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with engine.connect() as conn:
        total = len(like_ids(conn, _like(conn, "市场监管")))
    args = ["search", "市场监管", "--paper", PAPER, "--database", crawled, "--limit", "3"]

    assert main(args) == 0
    table = capsys.readouterr().out.splitlines()
    assert table[-1] == f"3 shown, {total} articles found"
    assert table[0].startswith(f"{PAPER}  2021-10-") and "«市场监管»" in table[0]
    assert table[1].startswith("    ")

    assert main([*args, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 3
    assert rows[0]["paper"] == PAPER and rows[0]["paper_name"] == "鲁中晨报"
    assert rows[0]["page_number"] and rows[0]["page_name"]
    assert "«市场监管»" in rows[0]["title"] + rows[0]["snippet"]

    assert main([*args, "--format", "jsonl", "--limit", "0"]) == 0
    records = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(records) == total
    assert set(records[0]) == set(rows[0]) and records[0]["url"].startswith("http://127.0.0.1:")
    dated = [r["date"] for r in records]
    assert all(SINCE <= d <= UNTIL for d in dated)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["search", "NOT 淄博"], "NOT needs something to find"),
        (["search", '"淄博'], "unbalanced quote"),
        (["search", "淄博", "--since", "2021-13-01"], "is not a date"),
        (["search", "淄博", "--since", "2021-10-09", "--until", "2021-10-01"], "is after"),
        (["search", "淄博", "--limit", "-1"], "--limit"),
    ],
)
def test_cli_bad_query_is_one_line_and_exit_2(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--database", "sqlite://"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("epaper: error: ") and message in err[0]


def test_cli_on_a_database_without_the_search_schema_says_upgrade(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    upgrade(url, "0005")
    assert main(["search", "淄博", "--database", url]) == 3
    assert "epaper db upgrade" in capsys.readouterr().err
