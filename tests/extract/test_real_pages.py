"""Real captured pages (../shared/real-pages) against expected output written by reading them.

One JSON file under ``expected/`` per real page that is a page or an article. It names the
page file, the paper (registry slug), the family and the page's URL, and holds the clean
fields a user should get: short values verbatim; long bodies as a paragraph count, the first
and last 15 characters, a SHA-256 of the body and a few paragraphs by index.
The pages themselves are third-party and never copied here: the tests skip without them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from parsel import Selector

from crawler.encoding import decode_html
from crawler.extract.families import get_family
from crawler.items import Article, to_jsonable
from crawler.registry import load_registry

REPO_ROOT = Path(__file__).resolve().parents[2]
REAL_PAGES = REPO_ROOT.parent / "shared" / "real-pages"
EXPECTED = Path(__file__).with_name("expected")
CASES = sorted(EXPECTED.glob("*.json"))

#: Real pages that are neither a page nor an article of a family we extract, and why.
NOT_EXTRACTED = {
    "MANIFEST.md": "the folder's index",
    "founder__mp.js_period-xml-calendar-loader-EXCERPT.js": (
        "a client script; tests/extract/test_founder.py checks calendar URLs against its scheme"
    ),
    "sgcc__2025-06-13_issue-page_polygon-fragment.html": (
        "a hotspot of the JSON-driven family, which has no extractor yet"
    ),
}


def _need_real_pages() -> None:
    if not REAL_PAGES.is_dir():
        pytest.skip(f"real pages not present at {REAL_PAGES}")


def _load(case: Path) -> tuple[dict[str, Any], Selector]:
    _need_real_pages()
    expected = json.loads(case.read_text(encoding="utf-8"))
    page = REAL_PAGES / expected["page_file"]
    if not page.exists():
        pytest.skip(f"{page.name} is not among the real pages")
    return expected, Selector(text=decode_html(page.read_bytes()))


def _mismatches(actual: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Field-by-field differences, one readable line each."""
    return [
        f"{key}: expected {expected[key]!r}, got {actual.get(key)!r}"
        for key in expected
        if actual.get(key) != expected[key]
    ]


def _body_summary(article: Article, indices: dict[str, str]) -> dict[str, Any]:
    paragraphs = article.paragraphs
    summary: dict[str, Any] = {
        "count": len(paragraphs),
        "first": paragraphs[0][:15] if paragraphs else None,
        "last": paragraphs[-1][-15:] if paragraphs else None,
        "sha256": hashlib.sha256(article.body.encode("utf-8")).hexdigest(),
    }
    if indices:
        summary["at"] = {
            i: paragraphs[int(i)] if int(i) < len(paragraphs) else None for i in indices
        }
    return summary


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_real_page_fields(case: Path) -> None:
    expected, selector = _load(case)
    extractor = get_family(expected["family"])
    url = expected["url"]
    problems: list[str] = []
    if "page" in expected:
        page = to_jsonable(extractor.extract_page(selector, url))
        problems += [f"page.{p}" for p in _mismatches(page, expected["page"])]
    if "issue" in expected:
        issue = to_jsonable(extractor.extract_issue(selector, url))
        want = {
            **expected["issue"],
            "pages": expected["issue"].get("pages", expected["page"]["pages"]),
        }
        problems += [f"issue.{p}" for p in _mismatches(issue, want)]
    if "article" in expected:
        want = dict(expected["article"])
        article = extractor.extract_article(selector, url)
        got = to_jsonable(article)
        got["paragraphs"] = _body_summary(article, want["paragraphs"].get("at", {}))
        problems += [f"article.{p}" for p in _mismatches(got, want)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_real_page_agrees_with_registry(case: Path) -> None:
    """The paper's registry entry gives the page's family, and an issue's entry URL."""
    expected = json.loads(case.read_text(encoding="utf-8"))
    paper = load_registry().get(expected["paper"])
    day = dt.date.fromisoformat(
        expected["issue"]["date"] if "issue" in expected else expected["article"]["date"]
    )
    assert paper.era_for(day).family == expected["family"]
    if "issue" in expected:
        assert paper.issue_url(day) == expected["url"]


def test_every_real_page_has_expected_output() -> None:
    _need_real_pages()
    covered = {json.loads(c.read_text(encoding="utf-8"))["page_file"] for c in CASES}
    present = {p.name for p in REAL_PAGES.iterdir() if p.is_file()}
    missing = sorted(present - covered - set(NOT_EXTRACTED))
    assert not missing, f"real pages without an expected-output file in {EXPECTED}: {missing}"


def test_duplicate_articles_extract_alike() -> None:
    """An article printed on two pages under two ids comes out identical but for URL and page."""
    pairs = [
        (case, EXPECTED / f"{data['duplicate_of']}.json")
        for case in CASES
        if "duplicate_of" in (data := json.loads(case.read_text(encoding="utf-8")))
    ]
    assert pairs, "the real pages include one duplicated article (湖北日报 211244 = 211269)"
    for one, other in pairs:
        articles = []
        for case in (one, other):
            expected, selector = _load(case)
            articles.append(
                get_family(expected["family"]).extract_article(selector, expected["url"])
            )
        a, b = articles
        assert a.url != b.url
        assert (a.title, a.subtitle, a.kicker, a.paragraphs) == (
            b.title,
            b.subtitle,
            b.kicker,
            b.paragraphs,
        )
