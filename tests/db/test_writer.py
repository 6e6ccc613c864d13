"""Storing batches of crawl items: ids resolved, idempotent, duplicates and failures kept."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, select, text

from crawler.db import models
from crawler.db.queries import failed_urls, newest_issue, stored_article_urls, stored_issues
from crawler.db.writer import BatchWriter, PaperInfo
from crawler.items import (
    Article,
    ArticleItem,
    Author,
    Continuation,
    FetchFailure,
    IssueItem,
    IssueOutcome,
    PageItem,
    PageRef,
)
from crawler.pipelines import InvalidItem, validate

DAY = dt.date(2021, 10, 20)
NOW = dt.datetime(2021, 10, 20, 8, tzinfo=dt.UTC)
BASE = "http://127.0.0.1:8000/lzcb/content/20211020/"


def info(slug: str) -> PaperInfo:
    return PaperInfo(slug=slug, name="鲁中晨报", family="paperindex", home_url="http://x/")


def issue_batch(body_of_first: str = "正文一。") -> list[object]:
    page1 = PageRef(1, "01", "要闻", BASE + "Page01NU.htm")
    page5 = PageRef(2, "05", "淄博", BASE + "Page05NU.htm")
    same = Article(url=BASE + "Articel05002NU.htm", title="同一篇", paragraphs=("重复的正文。",))
    return [
        IssueItem("lzcb", DAY, BASE + "IssueIndex.htm", page_count=2),
        PageItem("lzcb", DAY, page1, article_count=2),
        PageItem("lzcb", DAY, page5, article_count=1),
        ArticleItem(
            "lzcb",
            DAY,
            Article(
                url=BASE + "Articel01001NU.htm",
                title="一",
                authors=(Author("张三", "记者"),),
                paragraphs=(body_of_first,),
            ),
            "01",
            1,
            "01001NU",
        ),
        ArticleItem(
            "lzcb",
            DAY,
            Article(url=BASE + "Articel01002NU.htm", title="同一篇", paragraphs=("重复的正文。",)),
            "01",
            2,
            "01002NU",
        ),
        ArticleItem("lzcb", DAY, same, "05", 1, "05002NU"),
        IssueOutcome("lzcb", DAY, "complete"),
    ]


def test_a_batch_stores_an_issue_and_marks_the_duplicate(engine: Engine) -> None:
    writer = BatchWriter(engine, info)
    counts = writer.write(issue_batch(), NOW)  # type: ignore[arg-type]
    assert counts["lzcb/articles_new"] == 3
    assert counts["lzcb/issues_complete"] == 1
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.Article.url, models.Article.duplicate_of_id, models.Article.id).order_by(
                models.Article.url
            )
        ).all()
        issues = stored_issues(conn, "lzcb")
    by_url = {r.url.rsplit("/", 1)[1]: r for r in rows}
    assert by_url["Articel05002NU.htm"].duplicate_of_id == by_url["Articel01002NU.htm"].id
    assert by_url["Articel01002NU.htm"].duplicate_of_id is None
    assert issues[DAY].status == "complete"


def test_writing_the_same_batch_again_changes_nothing_but_last_seen(engine: Engine) -> None:
    writer = BatchWriter(engine, info)
    writer.write(issue_batch(), NOW)  # type: ignore[arg-type]
    counts = BatchWriter(engine, info).write(issue_batch(), NOW + dt.timedelta(days=1))  # type: ignore[arg-type]
    assert counts["lzcb/articles_unchanged"] == 3
    with engine.connect() as conn:
        for table in ("issues", "pages", "articles", "article_authors"):
            count = conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            assert count == {"issues": 1, "pages": 2, "articles": 3, "article_authors": 1}[table]


def test_a_changed_article_is_versioned(engine: Engine) -> None:
    BatchWriter(engine, info).write(issue_batch(), NOW)  # type: ignore[arg-type]
    counts = BatchWriter(engine, info).write(issue_batch("更正后的正文一。"), NOW)  # type: ignore[arg-type]
    assert counts["lzcb/articles_changed"] == 1
    with engine.connect() as conn:
        assert conn.execute(select(models.ArticleVersion.body)).scalars().all() == ["正文一。"]


def test_a_partial_issue_keeps_its_failures_until_it_completes(engine: Engine) -> None:
    writer = BatchWriter(engine, info)
    batch = issue_batch()[:-1]
    lost = FetchFailure(BASE + "Articel05003NU.htm", "http 503")
    writer.write([*batch, IssueOutcome("lzcb", DAY, "partial", (lost,))], NOW)  # type: ignore[list-item]
    writer.write([IssueOutcome("lzcb", DAY, "partial", (lost,))], NOW)
    with engine.connect() as conn:
        assert failed_urls(conn, "lzcb", DAY) == {lost.url: "http 503"}
        attempts = conn.execute(select(models.FetchFailure.attempts)).scalar_one()
        assert attempts == 2
        assert len(stored_article_urls(conn, "lzcb", DAY)) == 3
        assert newest_issue(conn, "lzcb") is not None
    writer.write([IssueOutcome("lzcb", DAY, "complete")], NOW)
    with engine.connect() as conn:
        assert failed_urls(conn, "lzcb", DAY) == {}
        assert stored_issues(conn, "lzcb")[DAY].status == "complete"


def test_a_failed_batch_rolls_back_whole(engine: Engine) -> None:
    writer = BatchWriter(engine, info)
    bad = PageItem("lzcb", DAY, PageRef(1, "01", None, "u"), article_count=0)
    with pytest.raises(Exception):  # noqa: B017, PT011 - the page has no issue row to point at
        writer.write([bad, IssueOutcome("lzcb", DAY, "bogus")], NOW)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM pages")).scalar() == 0


@pytest.mark.parametrize(
    "item",
    [
        ArticleItem("lzcb", DAY, Article(url=BASE + "a.htm", title="  ")),
        ArticleItem("lzcb", DAY, Article(url="a.htm", title="相对地址")),
        PageItem("lzcb", DAY, PageRef(1, "", None, "u"), 0),
        IssueOutcome("lzcb", DAY, "done"),
    ],
)
def test_items_that_would_store_something_broken_are_refused(item: object) -> None:
    with pytest.raises(InvalidItem):
        validate(item)  # type: ignore[arg-type]


def test_a_date_without_issue_is_stored_and_never_replaces_an_issue(engine: Engine) -> None:
    writer = BatchWriter(engine, info)
    other = DAY + dt.timedelta(days=1)
    writer.write([IssueOutcome("lzcb", other, "none", url=BASE + "x.htm", reason="404")], NOW)
    writer.write(issue_batch(), NOW)  # type: ignore[arg-type]
    # The site stops serving a stored issue: it stays as it was.
    writer.write([IssueOutcome("lzcb", DAY, "none", reason="404")], NOW)
    with engine.connect() as conn:
        query = select(models.Issue.date, models.Issue.none_reason)
        rows = {row.date: row.none_reason for row in conn.execute(query)}
        statuses = {i.date: i.status for i in stored_issues(conn, "lzcb").values()}
        assert newest_issue(conn, "lzcb").date == DAY  # type: ignore[union-attr]
    assert statuses == {DAY: "complete", other: "none"}
    assert rows == {DAY: None, other: "404"}
    # Published after all: the issue replaces the row, and the reason goes.
    later = [IssueItem("lzcb", other, BASE + "y.htm", page_count=1),
             IssueOutcome("lzcb", other, "complete")]  # fmt: skip
    writer.write(later, NOW)  # type: ignore[arg-type]
    with engine.connect() as conn:
        row = conn.execute(
            select(models.Issue.status, models.Issue.none_reason).where(models.Issue.date == other)
        ).one()
    assert tuple(row) == ("complete", None)


def test_a_story_continued_on_another_page_is_linked_to_its_rest(engine: Engine) -> None:
    page1 = PageRef(1, "01", "要闻", BASE + "Page01NU.htm")
    page5 = PageRef(2, "05", "淄博", BASE + "Page05NU.htm")
    head = Article(url=BASE + "Articel01001NU.htm", title="长篇", paragraphs=("开头。",),
                   continuations=(Continuation("page", "5", None),))  # fmt: skip
    rest = Article(url=BASE + "Articel05009NU.htm", title="长篇", paragraphs=("结尾。",))
    other = Article(url=BASE + "Articel05001NU.htm", title="别的", paragraphs=("别的。",))
    batch = [
        IssueItem("lzcb", DAY, BASE + "IssueIndex.htm", page_count=2),
        PageItem("lzcb", DAY, page1, article_count=1),
        PageItem("lzcb", DAY, page5, article_count=2),
        ArticleItem("lzcb", DAY, head, "01", 1),
        ArticleItem("lzcb", DAY, other, "05", 1),
        ArticleItem("lzcb", DAY, rest, "05", 2),
        IssueOutcome("lzcb", DAY, "complete"),
    ]
    BatchWriter(engine, info).write(batch, NOW)  # type: ignore[arg-type]
    with engine.connect() as conn:
        stories = conn.execute(
            text("SELECT title, part_count, pages, body FROM stories ORDER BY story_id")
        ).all()
        story_ids = dict(conn.execute(text("SELECT url, story_id FROM article_full")).all())
    assert [tuple(s) for s in stories] == [("长篇", 2, "01,05", "开头。\n结尾。"),
                                          ("别的", 1, "05", "别的。")]  # fmt: skip
    assert story_ids[rest.url] == story_ids[head.url] != story_ids[other.url]
