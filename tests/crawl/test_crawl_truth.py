"""A crawl of every family ends with the database equal to the mock site's ground truth."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import Engine

from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import run_epaper
from tests.crawl.truthdb import compare

#: (paper, since, until): a few days of one paper per family.
CASES = [
    pytest.param("lzcb", "2021-10-19", "2021-10-21", id="paperindex-lzcb"),
    pytest.param("kjrb", "2025-02-24", "2025-02-27", id="founder-kjrb"),
    pytest.param("rmrb", "2024-11-29", "2024-12-02", id="peoples_daily-to-founder_pc-rmrb"),
    pytest.param("hbrb", "2025-03-10", "2025-03-12", id="founder_pc-hbrb"),
    pytest.param("jxrb", "2025-01-06", "2025-01-08", id="founder_navi-gbk-jxrb"),
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
