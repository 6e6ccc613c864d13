"""Hostile sites: each case ends with its documented outcome, and nothing is stored as complete
that is not (docs/crawling.md, "Guarantees: bounded work").

One crawl of nine lzcb issues through a proxy that turns one thing hostile in each issue but
the last; one crawl of kjrb whose calendars are empty, HTML and a billion laughs.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from crawler.db import models
from crawler.db.engine import make_engine
from mocksite.testing import MockSiteProcess
from tests.crawl.conftest import TODAY, CrawlRun
from tests.crawl.hostile import (
    Answer,
    HostileSite,
    Rewrite,
    Rule,
    Trap,
    hostile_proxy,
    run_crawl,
)

#: One crawl of nine small issues, about 40 s.
pytestmark = pytest.mark.slow

PAPER = "lzcb"
#: The issue each case is served in (small ones, on consecutive days).
GBK, UNDECODABLE, ENDLESS, LINKS, OTHER_PORT, DEEP_PAGE, LONG_URL, DEEP_ARTICLE, UNTOUCHED = (
    dt.date(2021, 10, 23) + dt.timedelta(days=n) for n in range(9)
)
GONE = {"http 404", "http 410"}
MAX_ARTICLES = 150  # above the 95 articles of the largest issue of these days
INVENTED_LINKS = 100_000
NESTING = 100_000


def stamp(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def first_article(day: dt.date) -> re.Pattern[str]:
    return re.compile(rf"/{stamp(day)}/Articel01001[A-Za-z]+\.htm$")


def second_article(day: dt.date) -> re.Pattern[str]:
    return re.compile(rf"/{stamp(day)}/Articel01002[A-Za-z]+\.htm$")


def second_page(day: dt.date) -> re.Pattern[str]:
    return re.compile(rf"/{stamp(day)}/Page02[A-Za-z]+\.htm$")


def rewrite_body(change: bytes, marker: bytes, *, before: bool = False) -> Rewrite:
    """A rewrite that puts ``change`` after (or before) ``marker`` in the mock's answer."""

    def rewrite(path: str, answer: Answer | None) -> Answer:
        assert answer is not None
        status, headers, body = answer
        assert marker in body, (path, marker)
        new = change + marker if before else marker + change
        return status, headers, body.replace(marker, new, 1)

    return rewrite


TITLE_LIST = b'<TABLE id="TitleList" width="100%" border="0">'
CONTENT = b'<SPAN id="contenttext">'


def title_rows(hrefs: list[str]) -> bytes:
    return "".join(
        f'<TR><TD class="title">· <A href="{href}">标题{n}</A></TD></TR>'
        for n, href in enumerate(hrefs)
    ).encode()


@dataclass
class HostileCrawl:
    run: CrawlRun
    site: HostileSite
    trap: Trap
    statuses: dict[dt.date, str]
    failures: dict[dt.date, list[tuple[str, str, str]]]  # (url, kind, reason), gone ones left out
    titles: dict[str, str]  # article path -> stored title
    truth: dict[str, dict[str, object]]  # article path -> the mock's truth


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def lzcb_rules(site: MockSiteProcess, trap: Trap) -> list[Rule]:
    def gbk(path: str, answer: Answer | None) -> Answer:
        assert answer is not None
        status, headers, body = answer
        return status, headers, body.decode("utf-8").encode("gb18030")  # header: utf-8

    def endless(path: str, answer: Answer | None) -> Answer:
        # Every article of the chain links a new one as its 下一篇.
        match = re.search(r"Articel9(\d{4})ZZ\.htm$", path)
        number = int(match[1]) if match else 0
        real = first_article(ENDLESS)
        source = next(p for p in site_paths(site, ENDLESS) if real.search(p))
        status, headers, body = site.get(source)
        body = re.sub(
            rb'href="Articel\d+[A-Za-z]+\.htm">\xe4\xb8\x8b\xe4\xb8\x80\xe7\xaf\x87',  # 下一篇
            f'href="Articel9{number + 1:04d}ZZ.htm">下一篇'.encode(),
            body,
        )
        return status, headers, body

    def redirect(path: str, answer: Answer | None) -> Answer:
        return 302, {"Location": f"http://127.0.0.1:{trap.port}{path}"}, b""

    def to_third(path: str, answer: Answer | None) -> Answer:
        # To an article the page lists too, so asked for before this answer arrives.
        return 302, {"Location": path.replace("Articel01002", "Articel01003")}, b""

    invented = [f"Articel8{n:05d}ZZ.htm" for n in range(INVENTED_LINKS)]
    other_port = f"http://127.0.0.1:{trap.port}/lzcb/content/{stamp(OTHER_PORT)}/Articel02099ZZ.htm"
    return [
        Rule(first_article(GBK), gbk),
        Rule(first_article(UNDECODABLE), rewrite_body(b"\xff\xff\xfe", CONTENT)),
        Rule(first_article(ENDLESS), endless),
        Rule(re.compile(rf"/{stamp(ENDLESS)}/Articel9\d{{4}}ZZ\.htm$"), endless, upstream=False),
        Rule(second_page(LINKS), rewrite_body(title_rows(invented), TITLE_LIST)),
        Rule(first_article(OTHER_PORT), redirect, upstream=False),
        Rule(second_article(OTHER_PORT), to_third, upstream=False),
        Rule(second_page(OTHER_PORT), rewrite_body(title_rows([other_port]), TITLE_LIST)),
        Rule(second_page(DEEP_PAGE), rewrite_body(b"<div>" * NESTING, TITLE_LIST, before=True)),
        Rule(
            second_page(LONG_URL),
            rewrite_body(title_rows(["Articel02099" + "Z" * 2100 + ".htm"]), TITLE_LIST),
        ),
        Rule(first_article(DEEP_ARTICLE), rewrite_body(b"<div>" * NESTING, CONTENT)),
    ]


def site_paths(site: MockSiteProcess, day: dt.date) -> list[str]:
    return [path_of(str(r["url"])) for r in truth_of(site, day) if r["kind"] == "article"]


_TRUTH: dict[dt.date, list[dict[str, object]]] = {}


def truth_of(site: MockSiteProcess, day: dt.date) -> list[dict[str, object]]:
    if day not in _TRUTH:
        _TRUTH[day] = site.truth(papers=[PAPER], since=day, until=day)
    return _TRUTH[day]


@pytest.fixture(scope="module")
def hostile_crawl(
    mocksite: MockSiteProcess, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[HostileCrawl]:
    root = tmp_path_factory.mktemp("hostile")
    database = f"sqlite:///{root / 'archive.sqlite3'}"
    trap = Trap()
    try:
        with hostile_proxy(mocksite, lzcb_rules(mocksite, trap)) as site:
            run = run_crawl(
                site.base_url,
                database,
                ["crawl", PAPER, "--since", GBK.isoformat(), "--until", UNTOUCHED.isoformat()],
                root / "warc",
                today=TODAY,
                # The mock profile's 5 s timeout is short for an 8 MB page on a busy machine.
                settings=[
                    f"EPAPER_MAX_ARTICLES_PER_ISSUE={MAX_ARTICLES}",
                    "RETRY_TIMES=0",
                    "DOWNLOAD_TIMEOUT=120",
                ],
            )
            engine = make_engine(database)
            try:
                yield collect(run, site, trap, engine, mocksite)
            finally:
                engine.dispose()
    finally:
        trap.close()


def collect(
    run: CrawlRun, site: HostileSite, trap: Trap, engine: Engine, mocksite: MockSiteProcess
) -> HostileCrawl:
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(models.Issue.date, models.Issue.status)).all())
        failures: dict[dt.date, list[tuple[str, str, str]]] = {}
        rows = conn.execute(
            select(
                models.Issue.date,
                models.FetchFailure.url,
                models.FetchFailure.kind,
                models.FetchFailure.reason,
            ).join(models.Issue, models.Issue.id == models.FetchFailure.issue_id)
        ).all()
        for day, url, kind, reason in rows:
            # The mock site's own gone URLs (404 in its truth) leave an issue complete.
            if reason not in GONE:
                failures.setdefault(day, []).append((url, kind, reason))
        titles = {
            path_of(url): title
            for url, title in conn.execute(select(models.Article.url, models.Article.title))
        }
    truth = {
        path_of(str(r["url"])): r
        for day in (GBK, UNTOUCHED)
        for r in truth_of(mocksite, day)
        if r["kind"] == "article"
    }
    return HostileCrawl(run, site, trap, statuses, failures, titles, truth)


def reasons(crawl: HostileCrawl, day: dt.date) -> list[str]:
    return [reason for _, _, reason in crawl.failures.get(day, [])]


def test_the_crawl_ends_without_a_traceback_and_stores_only_true_completes(
    hostile_crawl: HostileCrawl,
) -> None:
    crawl = hostile_crawl
    assert "Traceback" not in crawl.run.stderr, crawl.run.stderr[-3000:]
    assert crawl.run.returncode in (0, 1), crawl.run.stderr[-3000:]
    for day in (UNDECODABLE, ENDLESS, LINKS, OTHER_PORT, DEEP_PAGE, LONG_URL, DEEP_ARTICLE):
        assert crawl.statuses.get(day) == "partial", (day, crawl.failures.get(day))
    assert crawl.statuses.get(UNTOUCHED) == "complete", crawl.failures.get(UNTOUCHED)
    # Every URL asked for was answered or refused before the run ended.
    waiting = [f for fs in crawl.failures.values() for f in fs if "run ended" in f[2]]
    assert waiting == []


def test_gbk_bytes_under_a_utf8_header_are_read_as_gbk(hostile_crawl: HostileCrawl) -> None:
    crawl = hostile_crawl
    assert crawl.statuses.get(GBK) == "complete", crawl.failures.get(GBK)
    [path] = [p for p in crawl.titles if first_article(GBK).search(p)]
    assert crawl.titles[path] == crawl.truth[path]["title"]
    assert "\ufffd" not in "".join(crawl.titles.values())


def test_a_page_no_charset_decodes_is_a_failure_of_its_url(hostile_crawl: HostileCrawl) -> None:
    crawl = hostile_crawl
    [(url, kind, reason)] = crawl.failures[UNDECODABLE]
    assert first_article(UNDECODABLE).search(url) and kind == "article"
    assert reason == "decode: no charset decodes it (tried utf-8, gb18030)"
    assert path_of(url) not in crawl.titles


def test_an_endless_chain_of_next_links_stops_at_the_cap(hostile_crawl: HostileCrawl) -> None:
    crawl = hostile_crawl
    chain = crawl.site.hits(rf"/{stamp(ENDLESS)}/Articel9\d{{4}}ZZ\.htm$")
    assert 0 < len(chain) < MAX_ARTICLES
    [reason] = reasons(crawl, ENDLESS)
    assert reason == (
        f"refused: more than {MAX_ARTICLES} articles in the issue (EPAPER_MAX_ARTICLES_PER_ISSUE)"
    )


def test_a_page_of_100000_links_requests_none_of_them(hostile_crawl: HostileCrawl) -> None:
    crawl = hostile_crawl
    assert crawl.site.hits(r"/Articel8\d{5}ZZ\.htm$") == []
    [(url, kind, reason)] = crawl.failures[LINKS]
    assert second_page(LINKS).search(url) and kind == "page"
    assert re.fullmatch(
        r"refused: 1\d{5} links linked, over EPAPER_MAX_LINKS_PER_PAGE \(1000\)", reason
    )


def test_another_port_of_the_host_is_off_site(hostile_crawl: HostileCrawl) -> None:
    crawl = hostile_crawl
    assert crawl.trap.connections == 0
    found = sorted((kind, reason) for _, kind, reason in crawl.failures[OTHER_PORT])
    assert found == [
        ("article", "refused: off-site link"),
        ("article", "refused: off-site redirect"),
    ]


def test_deep_nesting_is_a_recorded_failure_of_that_url(hostile_crawl: HostileCrawl) -> None:
    crawl = hostile_crawl
    [(page_url, page_kind, page_reason)] = crawl.failures[DEEP_PAGE]
    [(article_url, article_kind, article_reason)] = crawl.failures[DEEP_ARTICLE]
    assert second_page(DEEP_PAGE).search(page_url) and page_kind == "page"
    assert first_article(DEEP_ARTICLE).search(article_url) and article_kind == "article"
    for reason in (page_reason, article_reason):
        assert reason.startswith("parse: Excessive depth in document"), reason
    assert "RecursionError" not in crawl.run.stderr


def test_an_over_long_url_is_a_recorded_failure_never_requested(
    hostile_crawl: HostileCrawl,
) -> None:
    crawl = hostile_crawl
    [(url, kind, reason)] = crawl.failures[LONG_URL]
    # fetch_failures keeps a URL's first 2,083 characters (it is part of a unique key).
    assert len(url) == 2083 and re.search(r"/Articel02099Z+$", url) and kind == "article"
    assert reason == "refused: URL longer than URLLENGTH_LIMIT (2083)"
    assert crawl.site.hits(r"/Articel02099Z+\.htm$") == []


# --- calendars ----------------------------------------------------------------------------

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + ']><periodlist><period id="1"><period_name>&lol9;</period_name>'
    "<period_date>&lol9;</period_date></period></periodlist>"
).encode()
CALENDARS = {
    "2024-11": b"",
    "2024-12": "<html><body><h1>网站维护</h1></body></html>".encode(),
    "2025-01": BILLION_LAUGHS,
}


def test_empty_html_and_billion_laughs_calendars_fail_the_run_naming_paper_and_month(
    mocksite: MockSiteProcess, tmp_path: Path
) -> None:
    def calendar(path: str, answer: Answer | None) -> Answer:
        month = re.search(r"/(\d{4}-\d\d)/period\.xml$", path)
        assert month is not None
        return 200, {"Content-Type": "text/xml; charset=utf-8"}, CALENDARS[month[1]]

    rule = Rule(re.compile(r"/kjrb/html/\d{4}-\d\d/period\.xml$"), calendar, upstream=False)
    database = f"sqlite:///{tmp_path / 'archive.sqlite3'}"
    with hostile_proxy(mocksite, [rule]) as site:
        started = time.monotonic()
        run = run_crawl(
            site.base_url,
            database,
            ["crawl", "kjrb", "--since", "2024-11-01", "--until", "2025-01-31"],
            tmp_path / "warc",
            today=TODAY,
        )
        elapsed = time.monotonic() - started
    assert run.returncode == 1, run.stderr[-3000:]
    assert "Traceback" not in run.stderr
    for month in CALENDARS:
        assert re.search(
            rf"epaper: error: kjrb {month}: the calendar \S+ lists no issue", run.stderr
        )
    assert len(site.hits(r"period\.xml$")) == 3
    assert elapsed < 60  # the entities are never expanded
    engine = make_engine(database)
    with engine.connect() as conn:
        assert conn.execute(select(models.Issue.id)).all() == []
    engine.dispose()
