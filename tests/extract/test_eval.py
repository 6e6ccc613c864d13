"""Extraction quality at scale: every field of every family at or above its floor, measured
over more than 2,000 mock articles, and the comparison that produces those numbers."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from crawler import evaluation
from crawler.cli import main
from crawler.errors import ConfigurationError
from crawler.evaluation import (
    FIELDS,
    MINIMUM_FLOOR,
    EvalReport,
    Selection,
    check_floors,
    evaluate,
    group_truth,
    load_floors,
)
from crawler.extract import families, paperindex
from crawler.items import Article
from crawler.registry import load_registry, parse_registry
from mocksite.site import MockSite, SiteOptions

NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))  # Beijing
LATEST = (dt.date(2025, 3, 28), dt.date(2025, 3, 31))

#: Every paper's last four days (中国纪检监察报's Founder classic site: its last ones, 2018-03),
#: plus 人民日报's last days before its template change (the only People's Daily family paper
#: besides 光明日报), 江西日报's last days on its old host, 鲁中晨报's seed issue, and a 科技日报
#: issue with an article both split into parts and continued on another page (下转 printed at
#: the end of its last part): about 2,220 articles, with every quirk of the mock site (parts,
#: continued articles, duplicates, photo-only articles, corrections, meta charset lies, GBK,
#: the seed page).
SELECTIONS = [
    *(
        Selection(slug, *LATEST)
        for slug in ("rmrb", "gmrb", "kjrb", "jxrb", "hbrb", "dzrb", "lzcb")
    ),
    Selection("jjjcb", dt.date(2018, 3, 28), dt.date(2018, 3, 31)),
    Selection("jxrb", dt.date(2022, 11, 27), dt.date(2022, 11, 30)),
    Selection("rmrb", dt.date(2024, 11, 27), dt.date(2024, 11, 30)),
    Selection("lzcb", dt.date(2021, 10, 20), dt.date(2021, 10, 21)),
    Selection("kjrb", dt.date(2024, 11, 27), dt.date(2024, 11, 27)),
]
FAMILIES = ("paperindex", "founder", "founder_navi", "peoples_daily", "founder_pc")


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions(seed=0))


@pytest.fixture(scope="module")
def report(site: MockSite) -> EvalReport:
    return evaluate(site, NOW, SELECTIONS, examples=3)


def _explain(report: EvalReport, breaches: list[evaluation.Breach]) -> str:
    failing = {(b.family, b.field) for b in breaches}
    examples = [
        evaluation.format_mismatch(m) for m in report.mismatches if (m.family, m.field) in failing
    ]
    return "\n".join([*map(str, breaches), "", *examples[:12]])


# ---------------------------------------------------------------------------------------
# At scale
# ---------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_field_of_every_family_meets_its_floor(report: EvalReport) -> None:
    floors = load_floors()
    assert sum(t.articles for t in report.tallies.values()) >= 2000
    assert report.families == FAMILIES
    for family in FAMILIES:
        assert report.tallies[family].articles >= 200, family
        for name in FIELDS:
            # Every floor is measured: a floor over nothing would pass by default.
            assert report.score(family, name).total > 0, (family, name)
            assert (family, name) in floors, f"{family} {name} has no floor"
    breaches = check_floors(report, floors)
    assert not breaches, _explain(report, breaches)


def test_the_floors_file_meets_the_issue_bar() -> None:
    floors = load_floors()
    assert {family for family, _ in floors} == set(FAMILIES)
    assert all(MINIMUM_FLOOR <= floor <= 1 for floor in floors.values())
    assert len(floors) == len(FAMILIES) * len(FIELDS)


# ---------------------------------------------------------------------------------------
# The comparison: a wrong extraction lowers the rate, and the command says so
# ---------------------------------------------------------------------------------------

ONE_DAY = [Selection("lzcb", dt.date(2025, 3, 31), dt.date(2025, 3, 31))]


def spoil_paperindex_articles(monkeypatch: pytest.MonkeyPatch, extract: Any) -> None:
    """PaperIndex's family, with ``extract`` as its article extractor, for this test."""
    spoiled = dataclasses.replace(paperindex.FAMILY, extract_article=extract)
    monkeypatch.setattr(
        families,
        "FAMILIES",
        tuple(spoiled if f.name == "paperindex" else f for f in families.FAMILIES),
    )


@pytest.fixture
def wrong_title_once(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """PaperIndex extraction that gets the title of its first article wrong."""
    real = paperindex.extract_article
    spoiled: list[str] = []

    def extract_article(selector: Any, url: str) -> Article:
        article = real(selector, url)
        if not spoiled:
            spoiled.append(url)
            return dataclasses.replace(article, title=article.title + "（错）")
        return article

    spoil_paperindex_articles(monkeypatch, extract_article)
    return spoiled


def test_a_wrong_title_lowers_only_the_title_rate(
    site: MockSite, wrong_title_once: list[str]
) -> None:
    report = evaluate(site, NOW, ONE_DAY)
    title = report.score("paperindex", "article.title")
    assert title.total > 20
    assert title.matched == title.total - 1
    assert all(
        report.score("paperindex", name).rate == 1.0 for name in FIELDS if name != "article.title"
    )
    (mismatch,) = report.mismatches
    assert (mismatch.field, mismatch.url) == ("article.title", wrong_title_once[0])
    assert mismatch.got == mismatch.want + "（错）"
    (breach,) = check_floors(report, {("paperindex", "article.title"): 1.0})
    assert (breach.family, breach.field, breach.floor) == ("paperindex", "article.title", 1.0)


def test_a_lost_paragraph_and_image_count_against_their_fields(
    site: MockSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = paperindex.extract_article

    def extract_article(selector: Any, url: str) -> Article:
        article = real(selector, url)
        return dataclasses.replace(article, paragraphs=article.paragraphs[:-1], images=())

    spoil_paperindex_articles(monkeypatch, extract_article)
    report = evaluate(site, NOW, ONE_DAY)
    paragraphs = report.score("paperindex", "article.paragraphs")
    images = report.score("paperindex", "article.images")
    # Only photo-only articles (no paragraph to lose) keep their paragraphs right, and only
    # articles without pictures their images.
    assert 0 < paragraphs.matched < paragraphs.total
    assert 0 < images.matched < images.total
    assert report.score("paperindex", "article.title").rate == 1.0


def test_a_registry_entry_the_site_does_not_serve_fails_the_whole_issue(site: MockSite) -> None:
    registry = parse_registry(
        """
        [papers.lzcb]
        name = "鲁中晨报"
        family = "paperindex"
        base_url = "http://epaper.lzcb.com/lzcb/"
        first_issue = 2010-01-01
        entry = "{yyyy}{mm}{dd}/Index.htm"
        uncertain = true
        """
    )
    report = evaluate(site, NOW, ONE_DAY, registry=registry, examples=1)
    assert report.score("paperindex", "issue.pages").rate == 0.0
    assert report.score("paperindex", "article.title").rate == 0.0
    first = report.mismatches[0]
    assert first.field == "issue.date"
    assert first.got == "<http 404 at http://127.0.0.1:8000/lzcb/content/20250331/Index.htm>"


def test_page_links_keep_the_links_that_answer_404_in_place() -> None:
    base = {"paper": "p", "date": "2025-03-31"}
    records = [
        {"kind": "paper", "paper": "p"},
        {**base, "kind": "issue", "url": "http://h/i.htm"},
        {**base, "kind": "page", "url": "http://h/1.htm", "reachable": True},
        {**base, "kind": "article", "url": "http://h/a.htm", "title": "甲"},
        {**base, "kind": "unreachable", "url": "http://h/b.htm", "reason": "missing_article"},
        {**base, "kind": "article", "url": "http://h/c.htm", "title": "丙"},
        {**base, "kind": "page", "url": "http://h/2.htm", "reachable": True},
    ]
    (truth,) = group_truth(records)
    assert truth.listed == {
        "http://h/1.htm": (
            ("http://h/a.htm", "甲"),
            ("http://h/b.htm", None),
            ("http://h/c.htm", "丙"),
        ),
        "http://h/2.htm": (),
    }
    assert [a["url"] for a in truth.articles] == ["http://h/a.htm", "http://h/c.htm"]


def test_floors_below_the_bar_are_refused(tmp_path: Path) -> None:
    low = tmp_path / "floors.toml"
    low.write_text('[founder]\n"article.title" = 0.99\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"0\.99 is outside \[0\.999, 1\]"):
        load_floors(low)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text('[founder]\n"article.body" = 1.0\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match=r"unknown field 'article\.body'"):
        load_floors(unknown)


# ---------------------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------------------


def test_eval_prints_the_table_and_succeeds(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "eval.json"
    status = main(["eval", "--papers", "lzcb", "--days", "1", "--json", str(out)])
    printed = capsys.readouterr()
    assert status == 0, printed.err
    lines = printed.out.splitlines()
    assert lines[0].split() == ["field", "paperindex"]
    title = next(line for line in lines if line.startswith("article.title "))
    assert "100.00%" in title
    assert '"field": "article.paragraphs"' in out.read_text(encoding="utf-8")


def test_eval_fails_naming_family_field_rate_and_floor(
    capsys: pytest.CaptureFixture[str], wrong_title_once: list[str]
) -> None:
    status = main(["eval", "--papers", "lzcb", "--days", "1", "--verbose"])
    printed = capsys.readouterr()
    assert status == 1
    assert "paperindex article.title: 9" in printed.err
    assert "is below its floor 100.00%" in printed.err
    assert f"paperindex article.title {wrong_title_once[0]}" in printed.out
    assert "（错）" in printed.out


def test_eval_refuses_a_paper_it_does_not_know(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--papers", "nosuch", "--days", "1"]) == 2
    assert "unknown paper 'nosuch'" in capsys.readouterr().err


def test_the_cli_window_covers_the_registry_papers() -> None:
    from crawler.cli.eval import plan_selections

    selections = plan_selections(
        load_registry(), ("rmrb", "lzcb"), dt.date(2025, 3, 31), since=dt.date(2025, 3, 1)
    )
    assert [(s.paper, s.since, s.until) for s in selections] == [
        ("rmrb", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
        ("lzcb", dt.date(2025, 3, 1), dt.date(2025, 3, 31)),
    ]
