"""A crawl of every family ends with the database equal to the mock site's ground truth."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, select

from crawler.db import models
from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import run_epaper
from tests.crawl.truthdb import compare

#: (paper, since, until): a few days of one paper per family.
CASES = [
    pytest.param("lzcb", "2021-10-19", "2021-10-21", id="paperindex-lzcb"),
    # 大众日报: each IssueIndex.htm is a refresh stub to Page01NU.htm; split page-list links.
    pytest.param("dzrb", "2025-03-03", "2025-03-05", id="paperindex-stub-dzrb"),
    # 人民日报's nbs era in its 2020-24 skin (ul.news-list, p.left.ban).
    pytest.param("rmrb", "2024-11-26", "2024-11-28", id="peoples_daily-nbs-rmrb"),
    pytest.param("kjrb", "2025-02-24", "2025-02-27", id="founder-kjrb"),
    pytest.param("rmrb", "2024-11-29", "2024-12-02", id="peoples_daily-to-founder_pc-rmrb"),
    pytest.param("hbrb", "2025-03-10", "2025-03-12", id="founder_pc-hbrb"),
    pytest.param("jxrb", "2025-01-06", "2025-01-08", id="founder-gbk-jxrb"),
]


@pytest.mark.parametrize(("paper", "since", "until"), CASES)
def test_a_crawl_equals_the_ground_truth_and_fetches_no_url_twice(
    mocksite: MockSiteProcess,
    archive: tuple[str, Engine],
    paper: str,
    since: str,
    until: str,
) -> None:
    url, engine = archive
    mocksite.reset_stats()
    run = run_epaper(mocksite, url, ["crawl", paper, "--since", since, "--until", until])
    assert run.returncode in (0, 1), run.stderr[-3000:]
    truth = mocksite.truth(papers=[paper], since=since, until=until)
    result = compare(
        engine, truth, {paper}, dt.date.fromisoformat(since), dt.date.fromisoformat(until)
    )
    assert result.equal, result.report()
    assert result.counts["article"] > 0
    requests = mocksite.stats()["by_url"]
    fetched = Counter({url: n for url, n in requests.items() if not url.endswith("robots.txt")})
    twice = {u: n for u, n in fetched.items() if n > 1}
    assert twice == {}
    if paper == "dzrb":
        assert_reached_through_the_stub(engine, truth, fetched)


def assert_reached_through_the_stub(
    engine: Engine, truth: list[dict[str, object]], fetched: Counter[str]
) -> None:
    """Every 大众日报 issue was entered at its IssueIndex.htm stub, read from Page01NU.htm
    (each asked for once), stored complete under the stub's URL, its first page with the
    number and the name that the page list prints as two links."""
    issues = [r for r in truth if r["kind"] == "issue"]
    assert issues
    for issue in issues:
        stub = urlsplit(str(issue["url"])).path
        assert stub.endswith("/IssueIndex.htm")
        assert fetched[stub] == 1
        assert fetched[stub.replace("IssueIndex.htm", "Page01NU.htm")] == 1
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.Issue.url, models.Issue.status, models.Page.number, models.Page.name)
            .join(models.Page, models.Page.issue_id == models.Issue.id)
            .where(models.Page.order == 1)
        ).all()
    assert sorted((r.url, r.status, r.number, r.name) for r in rows) == sorted(
        (str(i["url"]), "complete", "01", "头版") for i in issues
    )
