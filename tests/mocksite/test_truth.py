"""The mock site's ground truth agrees with the pages it serves: links, titles, quirks."""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from collections import Counter
from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from parsel import Selector

from crawler.items import ROLES
from mocksite.markup import squash
from mocksite.site import MockResponse, MockSite, SiteOptions

NOW = dt.datetime(2025, 3, 31, 15, 0)  # noqa: DTZ001 (the site clock is naive China time)
BASE = "http://127.0.0.1:8000"

#: A few issues per family (rmrb twice: before and after its switch to Founder new).
ISSUES = [
    ("kjrb", dt.date(2025, 3, 3)),
    ("jjjcb", dt.date(2018, 3, 6)),
    ("jxrb", dt.date(2022, 11, 29)),  # the old host
    ("jxrb", dt.date(2025, 3, 3)),  # the navi.xml variant
    ("rmrb", dt.date(2024, 11, 20)),
    ("gmrb", dt.date(2025, 3, 5)),
    ("rmrb", dt.date(2025, 3, 3)),
    ("hbrb", dt.date(2025, 3, 4)),
    ("dzrb", dt.date(2025, 3, 3)),
    ("lzcb", dt.date(2021, 10, 20)),
]


@pytest.fixture(scope="module")
def site() -> MockSite:
    return MockSite(SiteOptions(base_url=BASE))


def fetch(site: MockSite, url: str, now: dt.datetime = NOW) -> MockResponse:
    parts = urlsplit(url)
    return site.render(parts.path + (f"?{parts.query}" if parts.query else ""), now)


def html_text(response: MockResponse) -> str:
    charset = response.content_type.partition("charset=")[2].lower() or "utf-8"
    return response.body.decode("gb18030" if charset.startswith("gb") else charset)


def visible_text(response: MockResponse) -> str:
    doc = lxml.html.fromstring(html_text(response))
    for node in doc.xpath("//script|//style"):
        node.drop_tree()
    return squash(doc.text_content())


def links(url: str, response: MockResponse) -> list[str]:
    """Absolute link targets (a and area), fragment dropped, query kept."""
    selector = Selector(text=html_text(response))
    hrefs = selector.xpath("//a/@href|//area/@href").getall()
    return [urljoin(url, href.strip()).partition("#")[0] for href in hrefs if href.strip()]


def without_query(url: str) -> str:
    return url.partition("?")[0]


def is_article(url: str) -> bool:
    name = posixpath.basename(urlsplit(url).path)
    return name.startswith(("content_", "nw.D110000", "Articel")) and name.endswith(
        (".htm", ".html")
    )


def is_page(url: str) -> bool:
    name = posixpath.basename(urlsplit(url).path)
    return name.startswith(("node_", "nbs.D110000", "Page")) and name.endswith((".htm", ".html"))


def issue_truth(
    site: MockSite, slug: str, date: dt.date, now: dt.datetime = NOW
) -> list[dict[str, object]]:
    return [
        r for r in site.truth(now, papers=(slug,), since=date, until=date) if r["kind"] != "paper"
    ]


@pytest.mark.parametrize(("slug", "date"), ISSUES, ids=[f"{s}-{d}" for s, d in ISSUES])
def test_truth_articles_are_exactly_the_linked_articles(
    site: MockSite, slug: str, date: dt.date
) -> None:
    records = issue_truth(site, slug, date)
    (issue,) = [r for r in records if r["kind"] == "issue"]
    pages = {r["url"] for r in records if r["kind"] == "page"}
    articles = {r["url"] for r in records if r["kind"] == "article"}
    unreachable = {r["url"] for r in records if r["kind"] == "unreachable"}
    index_url = str(issue["url"])
    index = fetch(site, index_url)
    assert index.status == 200
    refresh = Selector(text=html_text(index)).xpath(
        "//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content"
    )
    if refresh:
        # An empty stub (大众日报's IssueIndex.htm): the issue is read from its first page.
        index_url = urljoin(index_url, refresh.get("").split("=", 1)[1].strip("'\" "))
        index = fetch(site, index_url)
        assert index.status == 200
    folder = posixpath.dirname(index_url)
    listed = {without_query(u) for u in links(index_url, index) if is_page(u)}
    listed = {u for u in listed if posixpath.dirname(u) == folder}
    assert listed == pages
    linked: set[str] = set()
    for page_url in sorted(pages):
        response = fetch(site, page_url)
        if page_url in unreachable:
            assert response.status == 404
            continue
        assert response.status == 200, page_url
        linked |= {without_query(u) for u in links(page_url, response) if is_article(u)}
    assert articles <= linked, "every truth article is reachable from the issue's pages"
    assert linked <= articles | unreachable, "every linked article is in the truth"
    for url in unreachable & linked:
        assert fetch(site, url).status == 404


@pytest.mark.parametrize(("slug", "date"), ISSUES, ids=[f"{s}-{d}" for s, d in ISSUES])
def test_article_pages_show_their_truth(site: MockSite, slug: str, date: dt.date) -> None:
    records = [r for r in issue_truth(site, slug, date) if r["kind"] == "article"]
    assert records
    for record in records:
        response = fetch(site, str(record["url"]))
        assert response.status == 200
        text = visible_text(response)
        assert str(record["title"]) in text
        for field in ("kicker", "subtitle", "byline"):
            if record[field]:
                assert str(record[field]) in text, (field, record["url"])
        paragraphs = record["paragraphs"]
        assert isinstance(paragraphs, list)
        if paragraphs and not record["continuations"]:
            assert paragraphs[0] in text and paragraphs[-1] in text
        images = record["images"]
        assert isinstance(images, list)
        for image in images:
            assert fetch(site, image["url"]).status == 200
            if image["caption"]:
                assert image["caption"] in text


def test_records_are_json_ready_and_complete(site: MockSite) -> None:
    records = list(
        site.truth(
            NOW, papers=("hbrb", "kjrb"), since=dt.date(2025, 3, 3), until=dt.date(2025, 3, 4)
        )
    )
    kinds = Counter(r["kind"] for r in records)
    assert kinds["paper"] == 2 and kinds["issue"] == 4 and kinds["article"] > 40
    json.loads(json.dumps(records, ensure_ascii=False))
    required = {
        "issue": {"paper", "date", "edition", "url", "page_count", "status"},
        "page": {
            "paper",
            "date",
            "order",
            "number",
            "name",
            "url",
            "pdf_url",
            "image_url",
            "article_count",
            "reachable",
        },
        "article": {
            "paper",
            "date",
            "page_number",
            "order",
            "source_id",
            "duplicate_of",
            "url",
            "title",
            "kicker",
            "subtitle",
            "byline",
            "authors",
            "dateline",
            "paragraphs",
            "images",
            "prev_url",
            "next_url",
            "continuations",
            "page_name",
        },
        "paper": {"paper", "name", "family", "first_date"},
    }
    for record in records:
        assert required.get(str(record["kind"]), set()) <= set(record)
    for record in records:
        if record["kind"] == "article":
            for author in record["authors"]:  # type: ignore[attr-defined]
                assert author["role"] in ROLES


def test_page_counts_match_page_records(site: MockSite) -> None:
    records = issue_truth(site, "gmrb", dt.date(2025, 3, 5))
    (issue,) = [r for r in records if r["kind"] == "issue"]
    pages = [r for r in records if r["kind"] == "page"]
    assert issue["page_count"] == len(pages)
    for page in pages:
        on_page = [
            r for r in records if r["kind"] == "article" and r["page_number"] == page["number"]
        ]
        assert page["article_count"] == len(on_page)


def test_duplicate_is_the_same_article_under_another_id(site: MockSite) -> None:
    records = list(
        site.truth(NOW, papers=("hbrb",), since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 10))
    )
    articles = {r["url"]: r for r in records if r["kind"] == "article"}
    duplicates = [r for r in articles.values() if r["duplicate_of"]]
    assert duplicates
    for dup in duplicates:
        original = articles[str(dup["duplicate_of"])]
        assert dup["url"] != original["url"] and dup["source_id"] != original["source_id"]
        assert dup["page_number"] != original["page_number"]
        assert (dup["title"], dup["paragraphs"]) == (original["title"], original["paragraphs"])
        assert "duplicate" in dup["quirks"]  # type: ignore[operator]


def test_continued_article_points_to_its_other_page(site: MockSite) -> None:
    records = list(
        site.truth(
            NOW, papers=("rmrb", "dzrb"), since=dt.date(2025, 3, 1), until=dt.date(2025, 3, 7)
        )
    )
    heads = [r for r in records if r["kind"] == "article" and "continued" in r["quirks"]]
    assert {h["paper"] for h in heads} == {"rmrb", "dzrb"}
    for head in heads:
        (cont,) = head["continuations"]  # type: ignore[misc]
        number = cont["page_number"]
        tails = [
            r
            for r in records
            if r["kind"] == "article"
            and "continuation" in r["quirks"]
            and (r["paper"], r["date"], r["page_number"]) == (head["paper"], head["date"], number)
        ]
        assert len(tails) == 1 and tails[0]["title"] == head["title"]
        text = visible_text(fetch(site, str(head["url"])))
        if head["paper"] == "dzrb":
            assert f"参见第{number}版" in text and cont["url"].endswith(".htm")
        else:
            assert f"下转第{number}版" in text and cont["url"] is None
        assert not any("下转第" in p or "上接第" in p for p in head["paragraphs"])


def test_quirks_happen_at_about_their_rates(site: MockSite) -> None:
    records = list(
        site.truth(
            NOW, papers=("dzrb", "hbrb"), since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 20)
        )
    )
    issues = sum(r["kind"] == "issue" for r in records)
    articles = [r for r in records if r["kind"] == "article"]
    quirks = Counter(q for r in records for q in r.get("quirks", []))  # type: ignore[attr-defined]
    reasons = Counter(r["reason"] for r in records if r["kind"] == "unreachable")
    assert 30 <= issues <= 40  # two dailies, 20 days, 2% holidays
    assert 0.1 * issues <= quirks["duplicate"] <= 0.5 * issues
    assert 0.1 * issues <= quirks["continued"] <= 0.5 * issues
    assert 0.02 * len(articles) <= quirks["photo_only"] <= 0.09 * len(articles)
    assert 1 <= reasons["missing_article"] <= 0.03 * len(articles)
    assert quirks["continued"] == quirks["continuation"]
