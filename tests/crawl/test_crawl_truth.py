"""A crawl of every family ends with the database equal to the mock site's ground truth."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, select

from crawler.db import models
from mocksite.testing import MockSiteProcess, run_mocksite
from tests.crawl.conftest import TODAY, run_epaper
from tests.crawl.truthdb import compare

#: The clock of the site for 光明日报's template change (2026-01-01), a few days after it.
AFTER_GMRB_SWITCH = "2026-01-05"

#: (paper, since, until, today): a few days of one paper per family and skin, and the era
#: switches, on a site whose clock is ``today``.
CASES = [
    pytest.param("lzcb", "2021-10-19", "2021-10-21", TODAY, id="paperindex-lzcb"),
    # 大众日报: each IssueIndex.htm is a refresh stub to Page01NU.htm; split page-list links.
    pytest.param("dzrb", "2025-03-03", "2025-03-05", TODAY, id="paperindex-stub-dzrb"),
    # 人民日报's nbs era in its 2020-24 skin (ul.news-list, p.left.ban).
    pytest.param("rmrb", "2024-11-26", "2024-11-28", TODAY, id="peoples_daily-nbs-rmrb"),
    pytest.param("kjrb", "2025-02-24", "2025-02-27", TODAY, id="founder-kjrb"),
    pytest.param("rmrb", "2024-11-29", "2024-12-02", TODAY, id="peoples_daily-to-founder_pc-rmrb"),
    # 2025-02-19 has no issue: the period.xml calendar leaves it out.
    pytest.param("hbrb", "2025-02-18", "2025-02-20", TODAY, id="founder_pc-column-hbrb"),
    pytest.param(
        "gmrb",
        "2025-12-31",
        "2026-01-01",
        AFTER_GMRB_SWITCH,
        id="peoples_daily-to-founder_pc-gmrb",
    ),
    pytest.param("jxrb", "2025-01-06", "2025-01-08", TODAY, id="founder_navi-gbk-jxrb"),
]


@pytest.fixture(scope="module")
def later_mocksite() -> Iterator[MockSiteProcess]:
    """The mock site with its clock after 光明日报's 2026 template change."""
    with run_mocksite(today=dt.date.fromisoformat(AFTER_GMRB_SWITCH)) as site:
        yield site


def _site(request: pytest.FixtureRequest, today: str) -> MockSiteProcess:
    # Started only for the cases that need it.
    name = "mocksite" if today == TODAY else "later_mocksite"
    site: MockSiteProcess = request.getfixturevalue(name)
    return site


@pytest.mark.parametrize(("paper", "since", "until", "today"), CASES)
def test_a_crawl_equals_the_ground_truth_and_fetches_no_url_twice(
    request: pytest.FixtureRequest,
    archive: tuple[str, Engine],
    paper: str,
    since: str,
    until: str,
    today: str,
) -> None:
    url, engine = archive
    mocksite = _site(request, today)
    mocksite.reset_stats()
    run = run_epaper(
        mocksite, url, ["crawl", paper, "--since", since, "--until", until], today=today
    )
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
    if paper == "hbrb":
        _check_hbrb(engine, fetched, truth)
    if paper in ("rmrb", "gmrb"):
        # Nothing shows that their Founder-new sites publish period.xml: each day is tried.
        assert not [u for u in fetched if u.endswith("period.xml")]


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


def _check_hbrb(engine: Engine, fetched: Counter[str], truth: list[dict[str, object]]) -> None:
    """湖北日报: the month's period.xml decides which days are fetched, and each page's PDF
    is the address its page prints as the text of p#pdfUrl (it links no PDF)."""
    paths = {u.split("/hbrb/", 1)[-1] for u in fetched if "/hbrb/" in u}
    assert "pc/column/202502/period.xml" in paths
    assert {p for p in paths if p.endswith("node_01.html")} == {
        "pc/column/202502/18/node_01.html",
        "pc/column/202502/20/node_01.html",
    }
    with engine.connect() as conn:
        rows = conn.execute(
            select(models.Issue.date, models.Issue.status, models.Issue.none_reason)
        ).all()
        pdfs = conn.execute(select(models.Page.url, models.Page.pdf_url)).all()
    assert (dt.date(2025, 2, 19), "none", "calendar") in rows
    want = {r["url"]: r["pdf_url"] for r in truth if r["kind"] == "page"}
    assert pdfs, "the pages were stored"
    for page_url, pdf_url in pdfs:
        assert pdf_url == want[page_url]
        assert "/hbrb/pc/attachment/202502/" in str(pdf_url)
