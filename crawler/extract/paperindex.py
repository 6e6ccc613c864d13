"""Extraction for the PaperIndex family (大众报业: 大众日报, 鲁中晨报): entry, issue, page, article.

URL layout (REAL-SITES §2.7, §2.8): ``content/PaperIndex.htm`` forwards by a 0-second meta
refresh to ``content/YYYYMMDD/IssueIndex.htm``, an empty stub that forwards the same way
to the issue's first page ``Page01NU.htm`` (大众日报; 鲁中晨报's first page is ``Page01a.htm``).
That page lists every page ``PageNNXX.htm``; a page links its articles
``ArticelNNNNNXX.htm`` ("Articel" sic) from a title list and image hotspots.

No raw page of this family is public (sanitized fixtures of 大众日报's stubs and page list,
crawlers' selectors, and the seed's visible text of one 鲁中晨报 page are the witnesses), so
the rules lean on what a reader sees — link texts such as 上一期 and 上一篇, labels such as
第05版:淄博 — and on the :data:`SKINS` of the two templates seen, each rule one small
function, easy to correct once a real page turns up.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from crawler.cleaning import (
    clean_paragraphs,
    dateline_authors,
    find_dateline,
    is_boilerplate,
    normalize_whitespace,
    parse_byline,
    parse_dateline,
    parse_page_label,
    parse_printed_date,
    split_byline,
    strip_template_garbage,
    take_jump_notes,
)
from crawler.extract import ExtractionError
from crawler.extract.dom import (
    holds_chars,
    picture_caption,
    raw_lines,
    refresh_targets,
    text_lines,
    visible_text,
)
from crawler.extract.family import Family, Skins
from crawler.items import (
    Article,
    ArticleRef,
    Author,
    Continuation,
    Image,
    IssueIndex,
    PageContent,
    PageRef,
)
from crawler.urls import canonical_url, resolve_link

if TYPE_CHECKING:
    from parsel import Selector

_PAGE_HREF = re.compile(r"(?:^|/)Page(?P<number>[A-Za-z]?\d+)[A-Za-z]*\.htm$", re.IGNORECASE)
_ARTICLE_HREF = re.compile(r"(?:^|/)Artic(?:el|le)\w*\.htm$", re.IGNORECASE)
_ISSUE_DIR = re.compile(r"/(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})/")
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s;]+)", re.IGNORECASE)
_SCRIPT_LOCATION = re.compile(
    r"location(?:\.href)?\s*=\s*['\"]([^'\"]+IssueIndex\.htm)['\"]", re.IGNORECASE
)
# 参见第<a>06</a>版--<a>要闻</a>: the template's 转版 link, next to the 上一篇/下一篇 links.
_CONTINUATION = re.compile(r"(?:参见|下转|转)\s*第\s*(?P<number>[A-Za-z]?\d{1,3})\s*版")
# The title list repeats every article's 参见 row; only the article's own rows count.
_NOT_IN_TITLE_LIST = "not(ancestor::*[@id='TitleList'])"

_PAGE_NUMBER = re.compile(r"^[A-Za-z]?\d{1,3}$")
# Links of a page list that are not a page's number or name.
_PAGE_NAV = ("上一版", "下一版", "本版上一期", "本版下一期", "版面导航")

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"

#: The templates' skins, 鲁中晨报's (the seed page's) first, then 大众日报's (REAL-SITES §2.7:
#: the 2020-05 spider's ``#news-header h1``, the 2020-12 template's ``input#Text_title``
#: values and ``#news-con``, the fixtures' ``LI.banci`` page list).
SKINS = Skins(
    # Rows of the page list, one a page. 大众日报 prints ``[01]:头版`` as two links to the
    # page (number, then name); anywhere else a link labelled 第05版:淄博 is a row.
    page_lists=(f"//li[{_CLASS.format('banci')}]", "//a[@href]"),
    page_labels=("//*[@id='PageLabel']",),
    title_stacks=(
        (
            "//*[@id='contentpretitle']",
            "//*[@id='contenttitle']",
            "//*[@id='contentsubtitle']",
        ),
        (
            "//*[@id='news-header']//h3",
            "//*[@id='news-header']//h1",
            "//*[@id='news-header']//h2",
        ),
        ("", "//input[@id='Text_title']/@value", ""),
    ),
    bodies=("//*[@id='contenttext']", "//*[@id='news-con']"),
    bylines=("//*[@id='contentauthor']", "//input[@id='Text_author']/@value"),
    dates=(f"//*[{_CLASS.format('date')}]", "//input[@id='Text_date']/@value"),
    images=(
        "//a[@target='_blank']//img[@src][not(@usemap)]",
        "//*[@id='contenttext']//img[@src]",
        f"//*[{_CLASS.format('newspic')}]//img[@src]",
    ),
)

# ---------------------------------------------------------------------------------------
# Shared bits
# ---------------------------------------------------------------------------------------


def _links(selector: Selector, url: str, pattern: re.Pattern[str]) -> list[tuple[str, Selector]]:
    """(canonical URL, element) of every ``a``/``area`` whose href matches, in document order."""
    found = []
    for node in selector.xpath("//a[@href] | //area[@href]"):
        target = resolve_link(node.attrib.get("href"), url)
        if target and pattern.search(target):
            found.append((target, node))
    return found


def _link_by_text(selector: Selector, url: str, word: str) -> str | None:
    """The target of the first link whose visible text is ``word`` (上一期)."""
    for node in selector.xpath(f"//a[@href][{holds_chars(word)}]"):
        if visible_text(node) == word:
            return resolve_link(node.attrib.get("href"), url)
    return None


def issue_date_from_url(url: str) -> dt.date | None:
    """The issue date in a PaperIndex URL's ``YYYYMMDD`` directory.

    >>> issue_date_from_url("http://e.cn/lzcb/content/20211020/Page05TJ.htm")
    datetime.date(2021, 10, 20)
    >>> issue_date_from_url("http://e.cn/lzcb/content/PaperIndex.htm") is None
    True
    """
    match = _ISSUE_DIR.search(url)
    if not match:
        return None
    try:
        return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
    except ValueError:
        return None


def _body_lines(selector: Selector) -> list[str]:
    body = selector.xpath("//body")
    return text_lines(body[0]) if body else []


def _page_label(selector: Selector) -> tuple[str | None, str | None]:
    """The page's own label (``<span id=PageLabel>第05版:淄博``), else the first printed one."""
    for query in SKINS.page_labels:
        for node in selector.xpath(query):
            number, name = parse_page_label(visible_text(node))
            if number:
                return number, name
    for line in _body_lines(selector):
        if line.startswith("第") and len(line) <= 40:
            number, name = parse_page_label(line)
            if number:
                return number, name
    return None, None


def _page_list(selector: Selector, url: str) -> tuple[PageRef, ...]:
    """The issue's page list (版面导航), in order, one entry a page.

    Rows come from the first of the skins' ``page_lists`` that has any; a row's links to one
    page give its number and name: a label ``第05版:淄博``, or a bare number (``01``) with
    the name as another link (``头版``). 上一版/下一版 arrows and 本版上一期 are neither.
    """
    rows: list[Selector] = next(
        (list(found) for query in SKINS.page_lists if (found := selector.xpath(query))), []
    )
    pages: dict[str, PageRef] = {}
    for row in rows:
        links = [row] if row.root.tag == "a" else row.xpath(".//a[@href] | .//area[@href]")
        texts: dict[str, list[str]] = {}
        first: dict[str, Selector] = {}
        for node in links:
            target = resolve_link(node.attrib.get("href"), url)
            if target and _PAGE_HREF.search(target) and target not in pages:
                texts.setdefault(target, []).append(visible_text(node))
                first.setdefault(target, node)
        for target, shown in texts.items():
            number, name = _number_and_name(shown, split=row.root.tag != "a")
            if number is None:
                continue
            pages[target] = PageRef(
                order=len(pages) + 1,
                number=number,
                name=name,
                url=target,
                pdf_url=_pdf_in_row(first[target], url),
            )
    return tuple(pages.values())


def _number_and_name(texts: list[str], *, split: bool) -> tuple[str | None, str | None]:
    """A page's number and name from the texts of its links in one row.

    >>> _number_and_name(["第05版:淄博"], split=False), _number_and_name(["01", "头版"], split=True)
    (('05', '淄博'), ('01', '头版'))
    >>> _number_and_name(["下一版"], split=True), _number_and_name(["06"], split=False)
    ((None, None), (None, None))
    """
    for text in texts:
        number, name = parse_page_label(text)
        if number is not None:
            return number, name
    if not split:
        return None, None
    shown = [normalize_whitespace(t) for t in texts]
    number = next((t for t in shown if _PAGE_NUMBER.match(t)), None)
    if number is None:
        return None, None
    name = next((t for t in shown if t and t != number and t not in _PAGE_NAV), None)
    return number.upper(), name


def _pdf_in_row(node: Selector, url: str) -> str | None:
    """The PDF link printed in the same row as a page link (``<TR><TD>第01版</TD><TD>PDF``).

    Climbs from the link while the enclosing element holds no other page's link, so a
    neighbour's PDF is never taken.
    """
    for ancestor in reversed(node.xpath("ancestor::*")):
        pages = {
            resolve_link(href, url)
            for href in ancestor.xpath(".//a/@href").getall()
            if _PAGE_HREF.search(href)
        }
        if len(pages) > 1:
            return None
        for href in ancestor.xpath(".//a/@href").getall():
            if href.lower().endswith(".pdf"):
                return resolve_link(href, url)
    return None


def _page_pdf(selector: Selector, url: str) -> str | None:
    """The page's own PDF: the ``PDF 版`` link by the page label, else the first PDF link."""
    first = None
    for node in selector.xpath("//a[@href]"):
        href = node.attrib.get("href", "")
        if not href.lower().endswith(".pdf"):
            continue
        if visible_text(node).replace(" ", "") == "PDF版":
            return resolve_link(href, url)
        first = first or resolve_link(href, url)
    return first


# ---------------------------------------------------------------------------------------
# Entry and issue
# ---------------------------------------------------------------------------------------


def resolve_entry(selector: Selector, url: str) -> str | None:
    """Where ``PaperIndex.htm`` sends the reader: its meta refresh (or script) target.

    >>> from parsel import Selector
    >>> sel = Selector(text='<meta http-equiv="refresh" content="0; URL=20211020/IssueIndex.htm">')
    >>> resolve_entry(sel, "http://e.cn/lzcb/content/PaperIndex.htm")
    'http://e.cn/lzcb/content/20211020/IssueIndex.htm'
    """
    for content in selector.xpath(
        "//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content"
    ).getall():
        match = _REFRESH_URL.search(content)
        if match:
            return canonical_url(match.group(1), url)
    for script in selector.xpath("//script/text()").getall():
        match = _SCRIPT_LOCATION.search(script)
        if match:
            return canonical_url(match.group(1), url)
    for href in selector.xpath("//a/@href").getall():
        if "issueindex.htm" in href.lower():
            return canonical_url(href, url)
    return None


def issue_refresh(selector: Selector, url: str) -> str | None:
    """The first page an issue's stub forwards to: the target of a 0-second meta refresh
    to a page of the same issue (``IssueIndex.htm`` → ``Page01NU.htm``), else None.

    >>> from parsel import Selector
    >>> url = "http://e.cn/dzrb/content/20260927/IssueIndex.htm"
    >>> stub = Selector(text="<META HTTP-EQUIV='REFRESH' CONTENT='0; URL=Page01NU.htm'>")
    >>> issue_refresh(stub, url)
    'http://e.cn/dzrb/content/20260927/Page01NU.htm'
    >>> away = '<meta http-equiv="refresh" content="0; url=../20260926/Page01NU.htm">'
    >>> issue_refresh(Selector(text=away), url) is None
    True
    """
    day = issue_date_from_url(url)
    for target in refresh_targets(selector, url):
        if day is not None and issue_date_from_url(target) == day and _PAGE_HREF.search(target):
            return target
    return None


def extract_issue(selector: Selector, url: str) -> IssueIndex:
    """An issue's first page: date, page list, and the 上一期/下一期 targets.

    The page is page 01 itself: :func:`extract_page` reads its articles.
    """
    date = issue_date_from_url(url) or parse_printed_date(" ".join(_body_lines(selector)))
    if date is None:
        raise ExtractionError(f"no issue date in {url}")
    return IssueIndex(
        date=date,
        pages=_page_list(selector, url),
        prev_issue_url=_link_by_text(selector, url, "上一期"),
        next_issue_url=_link_by_text(selector, url, "下一期"),
    )


# ---------------------------------------------------------------------------------------
# Page
# ---------------------------------------------------------------------------------------


def _title_of(node: Selector) -> str | None:
    """A link's title as printed (the list's ``· `` bullet dropped), or its title attribute."""
    text = normalize_whitespace(strip_template_garbage(visible_text(node))).lstrip("·•").strip()
    if not text:
        text = normalize_whitespace(node.attrib.get("title") or node.attrib.get("alt") or "")
    return text or None


def extract_page(selector: Selector, url: str) -> PageContent:
    """A page (``PageNNXX.htm`` or ``IssueIndex.htm``): label, article links, PDF, image.

    Articles come in title-list order, then any article only a hotspot links, all
    de-duplicated by canonical URL.
    """
    refs: dict[str, ArticleRef] = {}
    links = _links(selector, url, _ARTICLE_HREF)
    listed = [(t, n) for t, n in links if n.root.tag.lower() == "a"]
    hotspots = [(t, n) for t, n in links if n.root.tag.lower() == "area"]
    for target, node in listed + hotspots:
        title = _title_of(node)
        if title and is_boilerplate(title):
            continue  # an article page's 上一篇:… link is navigation, not the page's list
        known = refs.get(target)
        if known is None or (known.title is None and title):
            refs[target] = ArticleRef(url=target, title=title)
    number, name = _page_label(selector)
    image = selector.xpath("//img[@usemap]/@src").get()
    return PageContent(
        number=number,
        name=name,
        articles=tuple(refs.values()),
        pdf_url=_page_pdf(selector, url),
        image_url=resolve_link(image, url) if image else None,
        pages=_page_list(selector, url),
    )


# ---------------------------------------------------------------------------------------
# Article
# ---------------------------------------------------------------------------------------


def _field(selector: Selector, name: str) -> str | None:
    """Cleaned one-line text of the element with id ``name``; None when absent or empty."""
    for node in selector.xpath(f"//*[@id='{name}']"):
        text = normalize_whitespace(strip_template_garbage(visible_text(node)))
        if text:
            return text
    return None


def _continuations(selector: Selector, url: str) -> tuple[Continuation, ...]:
    """The article's 参见第X版 / 下转第X版 rows with a link (emptied template rows have none)."""
    found: dict[str, Continuation] = {}
    rows = selector.xpath(
        f"//*[text()[contains(., '参见第') or contains(., '转第')]][{_NOT_IN_TITLE_LIST}]"
    )
    for row in rows:
        match = _CONTINUATION.search(strip_template_garbage(visible_text(row)))
        target = resolve_link(row.xpath(".//a/@href").get(), url)
        if match and target and target not in found:
            found[target] = Continuation(kind="page", page_number=match["number"], url=target)
    return tuple(found.values())


def _images(selector: Selector, url: str) -> tuple[Image, ...]:
    """Article pictures (``<a target=_blank><img>`` or inside the text) with their captions."""
    images: dict[str, Image] = {}
    for img in selector.xpath(" | ".join(SKINS.images)):
        src = resolve_link(img.attrib.get("src"), url)
        if src is None or src in images:
            continue
        images[src] = Image(url=src, caption=_caption(img))
    return tuple(images.values())


def _caption(img: Selector) -> str | None:
    """The text of the small table holding one picture (``table.pic`` → ``td.picdesc``)."""
    for table in img.xpath("ancestor::table[1]"):
        if len(table.xpath(".//img")) != 1 or table.xpath(".//*[@id='contenttext']"):
            break
        caption = normalize_whitespace(strip_template_garbage(visible_text(table)))
        return picture_caption(img, caption, table)
    return picture_caption(img)


def _neighbour(selector: Selector, url: str, word: str) -> str | None:
    """The 上一篇/下一篇 link (``上一篇:title``); None when the template printed garbage instead."""
    # Only links holding the word's characters can start with it (docs/benchmarks.md).
    for node in selector.xpath(f"//a[@href][{holds_chars(word)}]"):
        if strip_template_garbage(visible_text(node)).startswith(word):
            target = resolve_link(node.attrib.get("href"), url)
            if target and _ARTICLE_HREF.search(target):
                return target
    return None


def _printed_date(selector: Selector) -> dt.date | None:
    """The date the article page prints (``<td class=date>2021/10/20``, 大众日报's
    ``input#Text_date``), else the first one."""
    for query in SKINS.dates:
        for node in selector.xpath(query):
            found = parse_printed_date(_text_of(node))
            if found:
                return found
    return parse_printed_date(" ".join(_body_lines(selector)))


def _text_of(node: Selector) -> str:
    """An element's cleaned one-line text, or an attribute's value (``input/@value``)."""
    raw = node.root if isinstance(node.root, str) else visible_text(node)
    return normalize_whitespace(strip_template_garbage(raw))


def _first(selector: Selector, query: str) -> str | None:
    """The first non-empty text of a skin's XPath; None when it has none (or is ``""``)."""
    if not query:
        return None
    return next((text for node in selector.xpath(query) if (text := _text_of(node))), None)


def _title_stack(selector: Selector, url: str) -> tuple[str | None, str, str | None]:
    """(kicker, title, subtitle) from the first of the skins' stacks that has a title."""
    for kicker, title, subtitle in SKINS.title_stacks:
        found = _first(selector, title)
        if found:
            return _first(selector, kicker), found, _first(selector, subtitle)
    raise ExtractionError(
        f"no article title (span#contenttitle, #news-header h1, input#Text_title) in {url}"
    )


def _authors(byline: str | None, paragraphs: tuple[str, ...]) -> tuple[Author, ...]:
    """Byline authors, then a wire dateline's agency and reporters (新华社…电（记者 X）)."""
    authors = list(parse_byline(byline)) if byline else []
    for paragraph in paragraphs[:3]:
        if parse_dateline(paragraph):
            authors += [a for a in dateline_authors(paragraph) if a not in authors]
            break
    return tuple(authors)


def extract_article(selector: Selector, url: str) -> Article:
    """An article page (``ArticelNNNNNXX.htm``) as a clean :class:`~crawler.items.Article`."""
    kicker, title, subtitle = _title_stack(selector, url)
    body = next(
        (
            [line for node in nodes for line in raw_lines(node)]
            for query in SKINS.bodies
            if (nodes := selector.xpath(query))
        ),
        [],
    )
    # A continued part opens with （上接第01版）; the note is navigation, not text.
    cleaned, _jumps = take_jump_notes(clean_paragraphs(body))
    printed = next((found for q in SKINS.bylines if (found := _first(selector, q))), None)
    byline, paragraphs = split_byline(cleaned, printed)
    number, name = _page_label(selector)
    return Article(
        url=canonical_url(url),
        title=title,
        kicker=kicker or _field(selector, "contentintrotitle"),
        subtitle=subtitle,
        byline=byline,
        authors=_authors(byline, paragraphs),
        dateline=find_dateline(paragraphs),
        paragraphs=paragraphs,
        images=_images(selector, url),
        prev_url=_neighbour(selector, url, "上一篇"),
        next_url=_neighbour(selector, url, "下一篇"),
        continuations=_continuations(selector, url),
        page_number=number,
        page_name=name,
        date=_printed_date(selector) or issue_date_from_url(url),
    )


FAMILY = Family(
    name="paperindex",
    root="content/",
    entry="{yyyy}{mm}{dd}/IssueIndex.htm",
    extract_issue=extract_issue,
    extract_page=extract_page,
    extract_article=extract_article,
    article_id=re.compile(r"Articel(?P<id>.+)$"),
    date_in_url=issue_date_from_url,
    static_issue_links=True,
    skins=SKINS,
    issue_refresh=issue_refresh,
)
