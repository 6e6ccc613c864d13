"""科技日报, 江西日报 and 中国纪检监察报 as REAL-SITES.md shows them, crawled on the mock site:
each equals the ground truth (SQLite and PostgreSQL), a 科技日报 soft-404 day is missing with
its reason and no failure, 江西日报 crosses its host move into the navi.xml variant without
merging an article into its neighbour, and 中国纪检监察报 is crawled in its 2017-18 era."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import Engine, func, select

from crawler.db import models
from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import run_epaper
from tests.crawl.truthdb import compare

ISSUES, PAPERS = models.Issue.__table__, models.Paper.__table__
ARTICLES, FAILURES = models.Article.__table__, models.FetchFailure.__table__


def crawl_to_truth(
    site: MockSiteProcess, archive: tuple[str, Engine], paper: str, since: str, until: str
) -> list[dict[str, object]]:
    """Crawl ``paper`` from ``since`` to ``until``; assert the database equals the truth and
    no URL was fetched twice; return the truth."""
    url, engine = archive
    site.reset_stats()
    run = run_epaper(site, url, ["crawl", paper, "--since", since, "--until", until])
    assert run.returncode == 0, run.stderr[-3000:]
    truth = site.truth(papers=[paper], since=since, until=until)
    result = compare(
        engine, truth, {paper}, dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    )
    assert result.equal, result.report()
    assert result.counts["article"] > 0
    fetched = Counter(
        {u: n for u, n in site.stats()["by_url"].items() if not u.endswith("robots.txt")}
    )
    assert {u: n for u, n in fetched.items() if n > 1} == {}
    return truth


def issue_status(engine: Engine, paper: str) -> dict[str, tuple[str, str | None]]:
    """date -> (status, none_reason) of the paper's stored issues."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(ISSUES.c.date, ISSUES.c.status, ISSUES.c.none_reason)
            .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
            .where(PAPERS.c.slug == paper)
        ).all()
    return {row.date.isoformat(): (row.status, row.none_reason) for row in rows}


def failure_reasons(engine: Engine) -> list[str]:
    """Stored failures, but the mock's listed-but-missing pages and articles (404)."""
    with engine.connect() as conn:
        reasons = conn.execute(select(FAILURES.c.reason)).scalars().all()
    return [r for r in reasons if r != "http 404"]


def test_kjrb_crawl_with_a_soft_404_day_equals_the_truth(
    mocksite: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    """科技日报's calendar lists 2023-05-31, whose index is the 200 page titled
    科技网404错误跳转页面! (before the mock's archive cut-off): missing, with its reason."""
    truth = crawl_to_truth(mocksite, archive, "kjrb", "2023-05-31", "2023-06-02")
    assert [r["date"] for r in truth if r.get("soft_404")] == ["2023-05-31"]
    _, engine = archive
    assert issue_status(engine, "kjrb") == {
        "2023-05-31": ("missing", "soft-404"),
        "2023-06-01": ("complete", None),
        "2023-06-02": ("complete", None),
    }
    assert failure_reasons(engine) == []


def test_jxrb_crawl_across_its_host_move_equals_the_truth(
    mocksite: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    """The old host (Founder classic, node_187) to 2022-11-30, the navi.xml variant on the
    new host from 2022-12-01: every article stored on its own, as many as the truth has."""
    truth = crawl_to_truth(mocksite, archive, "jxrb", "2022-11-30", "2022-12-01")
    articles = [r for r in truth if r["kind"] == "article"]
    navi = [r for r in articles if str(r["date"]) >= "2022-12-01"]
    hosts = {str(r["url"]).split("/jxrb/", 1)[1].split("/", 1)[0] for r in articles}
    assert hosts == {"epaper.jxnews.com.cn", "html"}  # both hosts are in the range
    # content_P_N links to content_P_N+1 (下一篇): had the crawl read it as a second part,
    # the neighbour would have been merged in and stored as no article of its own.
    assert any(r["next_url"] for r in navi)
    _, engine = archive
    with engine.connect() as conn:
        stored = conn.execute(
            select(func.count())
            .select_from(ARTICLES)
            .join(ISSUES, ISSUES.c.id == ARTICLES.c.issue_id)
            .join(PAPERS, PAPERS.c.id == ISSUES.c.paper_id)
            .where(PAPERS.c.slug == "jxrb", ISSUES.c.date >= dt.date(2022, 12, 1))
        ).scalar_one()
    assert stored == len(navi)
    assert not [r for r in navi if any(c["kind"] == "part" for c in r["continuations"])]  # type: ignore[attr-defined]


def test_jjjcb_crawl_in_its_founder_classic_era_equals_the_truth(
    mocksite: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    crawl_to_truth(mocksite, archive, "jjjcb", "2018-03-29", "2018-03-31")
    _, engine = archive
    assert set(issue_status(engine, "jjjcb")) >= {"2018-03-29", "2018-03-31"}


def test_jjjcb_after_its_era_asks_the_site_nothing(
    mocksite: MockSiteProcess, archive: tuple[str, Engine]
) -> None:
    """The Founder classic site's last issue is the registry's era end: a later day is no
    date of the archive (its JSON successor has no family yet), said in one line, exit 0."""
    url, engine = archive
    run = run_epaper(
        mocksite, url, ["crawl", "jjjcb", "--since", "2018-04-02", "--until", "2018-04-03"]
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "0 requests, 0 failures" in run.stdout
    assert "jjjcb: no date of the range is in the archive" in run.stderr
    assert "Traceback" not in run.stderr
    assert issue_status(engine, "jjjcb") == {}
