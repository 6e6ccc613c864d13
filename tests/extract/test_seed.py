"""The seed check: the one real PaperIndex article page we know (鲁中晨报 2021-10-20 第05版).

The seed's visible text is read at run time from ``../shared/seed`` (third-party text, never
copied here). Expected values come from that text by its layout (indented lines are body
paragraphs, unindented ones between them subheads), independently of the cleaning code.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from parsel import Selector

from crawler.cleaning import (
    clean_paragraphs,
    find_dateline,
    parse_byline,
    parse_page_label,
    parse_printed_date,
    split_byline,
)
from crawler.encoding import charset_from_content_type, decode_html
from crawler.extract import paperindex as pi
from crawler.items import Author, Dateline, PageContent
from mocksite.site import MockSite, SiteOptions

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = REPO_ROOT.parent / "shared" / "seed"
SEED_FILE = SEED_DIR / "000_c2c7fcfff5388598.txt"

KICKER = "智慧维权 守好市场监管工作“民意线”"
TITLE = "投诉举报快速回应 淄博实现三个100%"
AUTHORS = (Author("刘文思", "记者"), Author("刘刚", "通讯员"), Author("周赤诚", "通讯员"))
DATELINE = Dateline(text="淄博10月19日", place="淄博", month=10, day=19)
# What must never reach the body, in any form.
FORBIDDEN = ("处理标记", "朗读", "发表评论", "上一篇", "下一篇", "相关文章", "参见第")


@dataclass(frozen=True)
class SeedLayout:
    """The seed page cut by its visible layout."""

    lines: tuple[str, ...]
    header: tuple[str, ...]  # up to 朗读
    kicker: str
    title: str
    byline: str
    body_region: tuple[str, ...]  # raw lines after the byline, to the end of the page
    paragraphs: tuple[str, ...]  # expected body: lede, paragraphs and subheads, in order
    trailing_byline: str


def _squash(line: str) -> str:
    return " ".join(line.split())


@pytest.fixture(scope="module")
def seed() -> SeedLayout:
    if not SEED_FILE.is_file():
        pytest.skip(f"seed text not found at {SEED_FILE}")
    lines = tuple(SEED_FILE.read_text(encoding="utf-8").splitlines())
    read_aloud = next(i for i, line in enumerate(lines) if line.strip() == "朗读")
    kicker, title, _subtitle, byline = (_squash(x) for x in lines[read_aloud + 1 : read_aloud + 5])
    body_region = lines[read_aloud + 5 :]
    end = next(i for i, line in enumerate(body_region) if line.strip().startswith("发表评论"))
    printed = [_squash(line) for line in body_region[:end] if line.strip()]
    return SeedLayout(
        lines=lines,
        header=lines[:read_aloud],
        kicker=kicker,
        title=title,
        byline=byline,
        body_region=body_region,
        paragraphs=tuple(printed[:-1]),
        trailing_byline=printed[-1],
    )


def test_seed_layout_is_what_the_issue_describes(seed: SeedLayout) -> None:
    # Guards the independent cut above: if the seed changes shape, this says so first.
    assert (seed.kicker, seed.title) == (KICKER, TITLE)
    assert seed.byline == "刘文思 通讯员 刘刚 周赤诚"
    assert seed.trailing_byline.endswith(seed.byline)
    assert len(seed.paragraphs) >= 15
    assert seed.paragraphs[1].startswith("淄博10月19日讯")


def test_body_region_cleans_to_exactly_the_paragraphs(seed: SeedLayout) -> None:
    byline, paragraphs = split_byline(clean_paragraphs(seed.body_region), seed.byline)
    assert paragraphs == seed.paragraphs
    assert byline == seed.byline
    assert parse_byline(byline or "") == AUTHORS
    for paragraph in paragraphs:
        assert not any(word in paragraph for word in FORBIDDEN), paragraph
        assert paragraph not in {"3", "4", "3 4"}


def test_subheads_stay_paragraphs_in_place(seed: SeedLayout) -> None:
    _byline, paragraphs = split_byline(clean_paragraphs(seed.body_region), seed.byline)
    subheads = [
        _squash(line) for line in seed.body_region if line.strip() and not line[:1].isspace()
    ]
    subheads = [s for s in subheads if s in seed.paragraphs]
    assert len(subheads) == 2
    positions = [paragraphs.index(s) for s in subheads]
    assert positions == sorted(positions)
    assert 0 < positions[0] < positions[1] < len(paragraphs) - 1


def test_dateline_comes_from_the_paragraph_after_the_lede(seed: SeedLayout) -> None:
    _byline, paragraphs = split_byline(clean_paragraphs(seed.body_region), seed.byline)
    assert find_dateline(paragraphs) == DATELINE


def test_whole_page_text_loses_every_piece_of_garbage(seed: SeedLayout) -> None:
    cleaned = clean_paragraphs(seed.lines)
    text = "\n".join(cleaned)
    assert "处理标记" not in text
    assert not any(line in {"朗读", "相关文章:", "PDF 版", "3 4"} for line in cleaned)
    assert not any(
        line.startswith(("发表评论", "3上一篇", "4下一篇", "返回主页")) for line in cleaned
    )
    # The body survives as one unbroken run, in order.
    start = cleaned.index(seed.paragraphs[0])
    assert cleaned[start : start + len(seed.paragraphs)] == seed.paragraphs


def test_page_label_and_date_as_printed(seed: SeedLayout) -> None:
    labels = [parse_page_label(line) for line in seed.header if "版" in line]
    assert ("05", "淄博") in labels
    dates = {parse_printed_date(line) for line in seed.header} - {None}
    assert [d.isoformat() for d in dates if d] == ["2021-10-20"]


# --- the seed page as the mock site serves it, extracted like any PaperIndex page ----------

MOCK_NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
ISSUE_PATH = "/lzcb/content/20211020/Page01a.htm"


@pytest.fixture(scope="module")
def mock_site(seed: SeedLayout) -> MockSite:
    site = MockSite(SiteOptions(papers=("lzcb",), seed_file=str(SEED_FILE)))
    assert site.seed_page is not None, "the mock site did not load the seed"
    return site


def _fetch(site: MockSite, url: str) -> Selector:
    response = site.render(urlsplit(url).path, MOCK_NOW)
    assert response.status == 200, url
    return Selector(
        text=decode_html(response.body, charset_from_content_type(response.content_type))
    )


@pytest.fixture(scope="module")
def seed_page(mock_site: MockSite) -> PageContent:
    issue_url = mock_site.options.base_url + ISSUE_PATH
    issue = pi.extract_issue(_fetch(mock_site, issue_url), issue_url)
    page = next(p for p in issue.pages if p.number == "05")
    assert page.name == "淄博"
    return pi.extract_page(_fetch(mock_site, page.url), page.url)


def test_seed_page_lists_its_four_titles_in_order(seed: SeedLayout, seed_page: PageContent) -> None:
    printed = [
        _squash(line).removeprefix("·").strip() for line in seed.header if line.startswith("·")
    ]
    assert len(printed) == 4
    assert [a.title for a in seed_page.articles] == printed
    assert (seed_page.number, seed_page.name) == ("05", "淄博")


def test_seed_article_comes_out_exactly_clean(
    seed: SeedLayout, mock_site: MockSite, seed_page: PageContent
) -> None:
    ref = next(a for a in seed_page.articles if a.title == TITLE)
    article = pi.extract_article(_fetch(mock_site, ref.url), ref.url)
    assert article.kicker == KICKER
    assert article.title == TITLE
    assert article.subtitle is None
    assert article.byline == seed.byline
    assert article.authors == AUTHORS
    assert article.dateline == DATELINE
    assert article.paragraphs == seed.paragraphs
    assert seed.trailing_byline not in article.paragraphs
    for paragraph in article.paragraphs:
        assert not any(word in paragraph for word in FORBIDDEN), paragraph
        assert paragraph not in {"3", "4", "3 4"}
    assert (article.page_number, article.page_name) == ("05", "淄博")
    assert article.date == dt.date(2021, 10, 20)
    assert article.prev_url == seed_page.articles[2].url  # 上一篇: the third title
    assert article.next_url is None  # 下一篇 printed as template garbage
    assert article.continuations == ()
