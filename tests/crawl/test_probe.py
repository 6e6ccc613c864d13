"""``epaper probe``: pointed at the mock site, it finds each paper's family and layout, and the
entry it prints is one the registry loads and that leads back to the same issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from crawler.cli import main
from crawler.extract.dom import parse_html
from crawler.extract.families import get_family
from crawler.registry import load_registry, parse_registry
from mocksite.papers import DEFAULT_TODAY, PAPERS_BY_SLUG
from mocksite.site import FAMILIES as MOCK_FAMILIES
from mocksite.site import MockSite, SiteOptions
from mocksite.testing import MockSiteProcess, run_mocksite

REGISTRY = load_registry()
NOW = dt.datetime.combine(DEFAULT_TODAY, dt.time(12, 0))
TRUTH_BASE = "http://127.0.0.1:8000"  # the origin the in-process truth's URLs use


def _latest_issue(slug: str, since: dt.date, until: dt.date) -> tuple[dt.date, str] | None:
    """The newest issue of ``slug`` in [since, until] on the mock: its date and first page."""
    site = MockSite(SiteOptions(seed=0))
    day = until
    while day >= since and day >= until - dt.timedelta(days=14):
        for record in site.truth(NOW, papers=(slug,), since=day, until=day):
            if record["kind"] == "issue":
                return day, str(record["url"])
        day -= dt.timedelta(days=1)
    return None


def _cases() -> Iterator[tuple[str, str, dt.date, str]]:
    """Every era of every registry paper that the mock serves, with one issue in it."""
    for paper in REGISTRY:
        mock = PAPERS_BY_SLUG.get(paper.slug)
        if mock is None:
            continue
        for era in paper.eras:
            since = max(era.start, mock.first_date)
            until = min(era.end or DEFAULT_TODAY, DEFAULT_TODAY)
            if since > until or mock.family_on(until) != era.family:
                continue
            found = _latest_issue(paper.slug, since, until)
            if found is not None:
                yield paper.slug, era.family, *found


CASES = list(_cases())


@pytest.fixture(autouse=True)
def _mock_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mock profile lifts the download delay; robots.txt is still read and obeyed.
    for name in ("EPAPER_BASE_URL_OVERRIDE", "EPAPER_ROBOTSTXT_IGNORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EPAPER_PROFILE", "mock")


def _entry(stdout: str) -> str:
    return "".join(line + "\n" for line in stdout.splitlines() if not line.startswith("#"))


def test_every_family_of_the_registry_is_probed() -> None:
    assert {family for _, family, _, _ in CASES} == {f for p in REGISTRY for f in p.families}


@pytest.mark.parametrize(
    ("slug", "family", "day", "truth_url"), CASES, ids=[f"{c[0]}-{c[1]}" for c in CASES]
)
def test_the_probe_prints_an_entry_that_leads_back_to_the_issue(
    mocksite: MockSiteProcess,
    capsys: pytest.CaptureFixture[str],
    slug: str,
    family: str,
    day: dt.date,
    truth_url: str,
) -> None:
    url = truth_url.replace(TRUTH_BASE, mocksite.base_url)
    mocksite.reset_stats()
    assert main(["probe", url, "--slug", slug]) == 0
    out = capsys.readouterr().out
    probed = parse_registry(_entry(out), source="probe output").get(slug)
    assert probed.family == family
    assert probed.issue_url(day) == url
    assert "first_issue" in probed.uncertain_fields  # one issue says nothing of the first
    assert "# confirmed: an article: title and" in out
    requests = mocksite.stats()["total"]
    assert requests <= 8
    assert f"{requests} requests" in out.splitlines()[0]


def test_an_article_url_leads_to_its_issue(
    mocksite: MockSiteProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    slug, family, day, truth_url = next(c for c in CASES if c[1] == "founder")
    site = MockSite(SiteOptions(seed=0))
    article = next(
        str(r["url"]) for r in site.truth(NOW, papers=(slug,), since=day, until=day)
        if r["kind"] == "article"
    )  # fmt: skip
    assert main(["probe", article.replace(TRUTH_BASE, mocksite.base_url), "--slug", slug]) == 0
    probed = parse_registry(_entry(capsys.readouterr().out)).get(slug)
    assert probed.family == family
    assert probed.issue_url(day) == truth_url.replace(TRUTH_BASE, mocksite.base_url)


def test_a_page_no_family_reads_is_one_line_and_exit_1(
    mocksite: MockSiteProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["probe", mocksite.base_url + "/robots.txt"]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    (line,) = captured.err.splitlines()
    assert line.startswith("epaper: error: no family reads ")


def test_the_probe_stops_at_its_request_budget(
    mocksite: MockSiteProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    _, _, _, truth_url = CASES[0]
    url = truth_url.replace(TRUTH_BASE, mocksite.base_url)
    assert main(["probe", url, "--max-requests", "2"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("epaper: error: stopped after 2 requests (--max-requests) before ")


def test_a_site_whose_robots_txt_forbids_it_is_not_probed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, _, _, truth_url = CASES[0]
    with run_mocksite(today=DEFAULT_TODAY, robots="disallow") as site:
        url = truth_url.replace(TRUTH_BASE, site.base_url)
        assert main(["probe", url]) == 1
        assert site.stats()["by_url"].keys() == {"/robots.txt"}
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("epaper: error: robots.txt of 127.0.0.1:")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["probe", "ftp://example.invalid/x"], "not an http(s) URL"),
        (["probe", "http://127.0.0.1:9/x", "--max-requests", "0"], "--max-requests must be"),
        (["probe", "http://127.0.0.1:9/x", "--slug", "Bad-Slug"], "--slug 'Bad-Slug'"),
    ],
)
def test_bad_input_is_one_line(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) in {1, 2}
    (line,) = capsys.readouterr().err.splitlines()
    assert message in line


# A paper whose site stopped (中国纪检监察报's Founder site) has no home pointing at an issue.
RUNNING = sorted(slug for slug, paper in PAPERS_BY_SLUG.items() if paper.eras[-1].until is None)


@pytest.mark.parametrize("slug", RUNNING)
def test_a_paper_home_leads_to_its_latest_issue(
    mocksite: MockSiteProcess, capsys: pytest.CaptureFixture[str], slug: str
) -> None:
    paper = PAPERS_BY_SLUG[slug]
    last_day = min(paper.eras[-1].until or DEFAULT_TODAY, DEFAULT_TODAY)
    family = paper.family_on(last_day)
    assert family is not None
    home = f"{mocksite.base_url}/{slug}/{MOCK_FAMILIES[family].entry_path(paper)}"
    assert main(["probe", home, "--slug", slug]) == 0
    out = capsys.readouterr().out
    probed = parse_registry(_entry(out), source="probe output").get(slug)
    assert probed.family == family
    issue = probed.first_issue  # the issue the probe saw: the newest the home points to
    latest = _latest_issue(slug, last_day - dt.timedelta(days=14), last_day)
    assert latest is not None
    assert issue == latest[0]
    assert_enters(mocksite, family, probed.issue_url(issue), latest[1])


def assert_enters(site: MockSiteProcess, family: str, entry: str, truth_url: str) -> None:
    """``entry`` is the issue's first page, or a stub the family's crawl forwards from to it
    (鲁中晨报's IssueIndex.htm, which the mock serves beside the Page01a.htm it names)."""
    first_page = truth_url.replace(TRUTH_BASE, site.base_url)
    if entry == first_page:
        return
    forward = get_family(family).issue_refresh
    assert forward is not None, f"{entry} is not {first_page}"
    status, _, body = site.get(urlsplit(entry).path)
    assert status == 200
    assert forward(parse_html(body.decode("utf-8"), entry), entry) == first_page
