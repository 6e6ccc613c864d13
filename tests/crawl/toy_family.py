"""A throwaway CMS family, its site and its known truth: what adding a family takes.

The family is one module (this one, exporting ``FAMILY``); ``python -m tests.crawl.toy_family
ARGS`` registers it and a paper using it, then runs ``epaper ARGS``, touching no module of
the crawler. :class:`ToySite` serves the family's pages on 127.0.0.1.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from parsel import Selector

from crawler.cleaning import normalize_whitespace, parse_page_label
from crawler.extract import ExtractionError
from crawler.extract.family import Family, Skins
from crawler.items import Article, ArticleRef, IssueIndex, PageContent, PageRef
from crawler.urls import resolve_link

SKINS = Skins(
    page_lists=("//nav//a[@class='page']",),
    title_lists=("//ul[@class='stories']//a[@href]",),
    bodies=("//article//p",),
)
_DAY = re.compile(r"/(?P<y>\d{4})(?P<m>\d\d)(?P<d>\d\d)/")


def date_in_url(url: str) -> dt.date | None:
    """The issue date of a toy URL (``/toy/issues/20250301/index.html``)."""
    match = _DAY.search(url)
    return dt.date(int(match["y"]), int(match["m"]), int(match["d"])) if match else None


def _pages(selector: Selector, url: str) -> tuple[PageRef, ...]:
    pages = []
    for query in SKINS.page_lists:
        for link in selector.xpath(query):
            number, name = parse_page_label(normalize_whitespace(link.xpath("string()").get("")))
            target = resolve_link(link.attrib.get("href"), url)
            if number and target:
                pages.append(PageRef(len(pages) + 1, number, name, target))
    return tuple(pages)


def extract_issue(selector: Selector, url: str) -> IssueIndex:
    day = date_in_url(url)
    if day is None:
        raise ExtractionError(f"no issue date in {url}")
    return IssueIndex(date=day, pages=_pages(selector, url))


def extract_page(selector: Selector, url: str) -> PageContent:
    refs: list[ArticleRef] = []
    for query in SKINS.title_lists:
        for link in selector.xpath(query):
            target = resolve_link(link.attrib.get("href"), url)
            if target:
                refs.append(
                    ArticleRef(target, normalize_whitespace(link.xpath("string()").get("")))
                )
    me = next((p for p in _pages(selector, url) if p.url == url), None)
    return PageContent(
        number=me.number if me else None,
        name=me.name if me else None,
        articles=tuple(refs),
        pages=_pages(selector, url),
    )


def extract_article(selector: Selector, url: str) -> Article:
    title = normalize_whitespace(selector.xpath("string(//h1)").get(""))
    if not title:
        raise ExtractionError(f"no article title in {url}")
    paragraphs = tuple(
        normalize_whitespace(p.xpath("string()").get(""))
        for query in SKINS.bodies
        for p in selector.xpath(query)
    )
    return Article(url=url, title=title, paragraphs=paragraphs, date=date_in_url(url))


FAMILY = Family(
    name="toy",
    root="issues/",
    entry="{yyyy}{mm}{dd}/index.html",
    extract_issue=extract_issue,
    extract_page=extract_page,
    extract_article=extract_article,
    article_id=re.compile(r"story-(?P<id>\d+)$"),
    date_in_url=date_in_url,
    skins=SKINS,
)

#: The registry entry of the paper that uses the family.
PAPER = """
[papers.toy]
name = "玩具日报"
family = "toy"
base_url = "http://toy.invalid/"
first_issue = 2025-03-01
uncertain = true
"""


# ---------------------------------------------------------------------------------------
# The site and its truth
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Story:
    id: int
    title: str
    paragraphs: tuple[str, ...]


#: Issue date → pages (number, name, stories). 2025-03-02 has no issue (404).
ISSUES: dict[dt.date, tuple[tuple[str, str, tuple[Story, ...]], ...]] = {
    dt.date(2025, 3, 1): (
        (
            "01",
            "要闻",
            (
                Story(11, "春耕开始", ("田里忙。", "人人欢喜。")),
                Story(12, "新桥通车", ("一座桥。",)),
            ),
        ),
        ("02", "地方", (Story(21, "小城故事", ("很小的城。",)),)),
    ),
    dt.date(2025, 3, 3): (("01", "要闻", (Story(31, "雨水节气", ("下雨了。", "天凉。")),)),),
}


def _render(path: str) -> str | None:
    match = re.fullmatch(r"/toy/issues/(\d{8})/(index|page-(\d+)|story-(\d+))\.html", path)
    if not match:
        return None
    day = dt.date(int(match[1][:4]), int(match[1][4:6]), int(match[1][6:]))
    pages = ISSUES.get(day)
    if pages is None:
        return None
    files = ["index"] + [f"page-{n}" for n in range(2, len(pages) + 1)]
    nav = "".join(
        f'<a class="page" href="{file}.html">第{num}版：{name}</a>'
        for file, (num, name, _) in zip(files, pages, strict=True)
    )
    if match[4]:
        story = next((s for _, _, stories in pages for s in stories if s.id == int(match[4])), None)
        if story is None:
            return None
        body = "".join(f"<p>{p}</p>" for p in story.paragraphs)
        return f"<html><body><h1>{story.title}</h1><article>{body}</article></body></html>"
    order = 0 if match[2] == "index" else int(match[3]) - 1
    if not 0 <= order < len(pages):
        return None
    stories = "".join(
        f'<li><a href="story-{s.id}.html">{s.title}</a></li>' for s in pages[order][2]
    )
    return f'<html><body><nav>{nav}</nav><ul class="stories">{stories}</ul></body></html>'


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        html = _render(self.path)
        body = (html or "not found").encode("utf-8")
        self.send_response(200 if html else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt: str, *args: object) -> None:
        pass


@contextmanager
def serve() -> Iterator[str]:
    """The toy site on a free loopback port; yields its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------------------------
# Registering the family and the paper, then running epaper
# ---------------------------------------------------------------------------------------


def main(argv: list[str]) -> int:
    """``epaper ARGV`` with the toy family in the family list and its paper in the registry."""
    from importlib import resources

    from crawler import params, pipelines, registry
    from crawler.cli import main as epaper
    from crawler.extract import families

    families.FAMILIES = (*families.FAMILIES, FAMILY)
    shipped = resources.files("crawler").joinpath("papers.toml").read_text(encoding="utf-8")
    with_toy = registry.parse_registry(shipped + PAPER, source="papers.toml + toy")

    def load_registry(path: object = None) -> registry.Registry:
        return with_toy

    params.load_registry = load_registry  # type: ignore[assignment]
    pipelines.load_registry = load_registry  # type: ignore[assignment]
    return epaper(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
