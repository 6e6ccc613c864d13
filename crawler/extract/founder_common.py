"""Markup the Founder-made families share: page lists, hotspot maps, enpproperty metadata, bodies.

The classic Founder template, the People's Daily variant and the new ``pc/layout`` template
descend from one product, so they print page lists (``a#pageLink``), image maps
(``map area``), ``<!--enpproperty …-->`` metadata and ``founder-content`` bodies the same
way. Each family module picks from these pieces; nothing here knows a family's selectors
for titles or navigation.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from parsel import Selector

from crawler.cleaning import (
    clean_paragraphs,
    dateline_authors,
    find_dateline,
    normalize_whitespace,
    page_number_of,
    parse_byline,
    parse_page_label,
    parse_printed_date,
    split_byline,
    take_jump_notes,
)
from crawler.extract import ExtractionError
from crawler.extract.dom import holds_chars, picture_caption, raw_lines, text_lines, visible_text
from crawler.extract.family import Skins
from crawler.items import (
    Article,
    ArticleRef,
    Continuation,
    Image,
    IssueIndex,
    PageContent,
    PageRef,
)
from crawler.urls import resolve_link

if TYPE_CHECKING:
    from parsel import SelectorList

#: The skins every Founder-made template shares; a family replaces the parts it prints
#: its own way (``dataclasses.replace(SHARED_SKINS, title_lists=...)``).
SHARED_SKINS = Skins(
    page_lists=("//a[@id='pageLink' or @id='pagelink']",),
    titles=(("PreTitle", "Title", "SubTitle"), ("intro-title", "main-title", "sub-title")),
    bodies=("//founder-content", "//*[@id='ozoom']", "//*[@id='articleContent']"),
    pdfs=("//a[contains(translate(@href, 'PDF', 'pdf'), '.pdf')]/@href",),
)

# ---------------------------------------------------------------------------------------
# Dates in URLs
# ---------------------------------------------------------------------------------------

# ``html/2017-10/16/`` (classic, People's Daily) and ``layout/202412/25/`` (pc/layout).
_URL_DATES = (
    re.compile(r"/(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
    re.compile(r"/(?P<y>(?:19|20)\d\d)(?P<m>[01]\d)/(?P<d>[0-3]\d)/"),
)


def date_in_url(url: str) -> dt.date | None:
    """The issue date that an e-paper URL carries in its path, if any.

    >>> date_in_url("http://paper.people.com.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm")
    datetime.date(2017, 10, 16)
    >>> date_in_url("http://paper.people.com.cn/rmrb/pc/layout/202412/25/node_01.html")
    datetime.date(2024, 12, 25)
    >>> date_in_url("http://e.cn/index.htm") is None
    True
    """
    for pattern in _URL_DATES:
        for match in pattern.finditer(url):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None


def shift_url_date(url: str, day: dt.date) -> str:
    """The same URL with its issue date replaced by ``day``, in the URL's own spelling.

    This is what the sites' ``goPrePeriod()`` / ``goNextPeriod()`` scripts do to
    ``location.href``: a candidate URL, which 404s when that day has no issue.

    >>> shift_url_date("http://e.cn/html/2017-10/16/nbs.D110000renmrb_01.htm", dt.date(2017, 9, 3))
    'http://e.cn/html/2017-09/03/nbs.D110000renmrb_01.htm'
    >>> shift_url_date("http://e.cn/rmrb/pc/layout/202412/25/node_01.html", dt.date(2025, 1, 1))
    'http://e.cn/rmrb/pc/layout/202501/01/node_01.html'
    """
    for pattern, spelling in zip(_URL_DATES, ("/{:%Y-%m/%d}/", "/{:%Y%m/%d}/"), strict=True):
        match = pattern.search(url)
        if match:
            return url[: match.start()] + spelling.format(day) + url[match.end() :]
    raise ValueError(f"no issue date in {url!r}")


def adjacent_issue_urls(entry_url: str, day: dt.date) -> tuple[str, str]:
    """Candidate URLs of the issues the day before and the day after (上一期 / 下一期).

    >>> adjacent_issue_urls("http://e.cn/pc/layout/202501/01/node_01.html", dt.date(2025, 1, 1))
    ('http://e.cn/pc/layout/202412/31/node_01.html', 'http://e.cn/pc/layout/202501/02/node_01.html')
    """
    one = dt.timedelta(days=1)
    return shift_url_date(entry_url, day - one), shift_url_date(entry_url, day + one)


def computed_issue(sel: Selector, url: str, skins: Skins = SHARED_SKINS) -> IssueIndex:
    """An issue's index whose 上一期/下一期 are scripts: date from the URL, page list, and
    the neighbours computed from the first page's URL (the People's Daily variant, pc/layout).

    >>> html = '<a id="pageLink" href="node_01.html">第01版：要闻</a>'
    >>> issue = computed_issue(Selector(text=html), "http://e.cn/pc/layout/202501/01/node_01.html")
    >>> issue.date, [page.number for page in issue.pages]
    (datetime.date(2025, 1, 1), ['01'])
    >>> issue.prev_issue_url
    'http://e.cn/pc/layout/202412/31/node_01.html'
    """
    day = date_in_url(url)
    if day is None:
        raise ExtractionError(f"no issue date in {url}")
    pages = page_refs(sel, url, skins)
    entry = pages[0].url if pages else url
    prev_url, next_url = adjacent_issue_urls(entry, day)
    return IssueIndex(date=day, pages=pages, prev_issue_url=prev_url, next_issue_url=next_url)


# ---------------------------------------------------------------------------------------
# Page labels and page lists
# ---------------------------------------------------------------------------------------


def page_label(text: str) -> tuple[str | None, str | None]:
    """(number, name) of a page label in any of the Founder spellings.

    >>> page_label("第01版：今日要闻"), page_label("A01： 头版"), page_label("01版:要闻")
    (('01', '今日要闻'), ('A01', '头版'), ('01', '要闻'))
    >>> page_label("第1版\u3000\u3000\u3000要闻"), page_label("第02版：综 合")
    (('1', '要闻'), ('02', '综 合'))
    """
    return parse_page_label(normalize_whitespace(text))


def page_refs(sel: Selector, url: str, skins: Skins = SHARED_SKINS) -> tuple[PageRef, ...]:
    """The issue's page list (版面导航) from the first skin's links that match (``a#pageLink``),
    in order, one per page.

    A page listed twice (a hidden pop-up list and a visible one) is merged: the first
    position wins, a later copy fills in a name or PDF the first one lacks.
    """
    query, links = next(
        ((q, matched) for q in skins.page_lists if (matched := sel.xpath(q))), ("", [])
    )
    found: dict[str, PageRef] = {}
    for link in links:
        target = resolve_link(link.attrib.get("href"), url)
        if target is None:
            continue
        number, name = page_label(visible_text(link))
        if number is None:
            continue
        pdf = _row_pdf(link, url, query, skins.pdfs)
        old = found.get(target)
        if old is None:
            found[target] = PageRef(len(found) + 1, number, name, target, pdf)
        else:
            found[target] = PageRef(
                old.order, old.number, old.name or name, target, old.pdf_url or pdf
            )
    return tuple(found.values())


def _row_pdf(link: Selector, url: str, page_links: str, pdfs: Sequence[str]) -> str | None:
    """The PDF link in the same row as a page link (the nearest ancestor holding only it)."""
    for ancestor in link.xpath("ancestor::*[position() <= 3]")[::-1]:
        if len(ancestor.xpath(f".{page_links}")) > 1:
            return None
        for query in pdfs:
            pdf = ancestor.xpath(f".{query}").get()
            if pdf:
                return resolve_link(pdf, url)
    return None


def current_page_ref(pages: Sequence[PageRef], url: str) -> PageRef | None:
    """The entry of the page list that is the page at ``url`` itself."""
    return next((page for page in pages if page.url == url), None)


def first_pdf(sel: Selector, url: str, skins: Skins = SHARED_SKINS) -> str | None:
    """The first PDF link of a page (the page's own "PDF 版" comes before any list)."""
    for query in skins.pdfs:
        href = sel.xpath(query).get()
        if href:
            return resolve_link(href, url)
    return None


def page_image(sel: Selector, url: str) -> str | None:
    """The page image: the ``img`` that uses the hotspot map."""
    return resolve_link(sel.xpath("//img[@usemap]/@src").get(), url)


def page_content(
    sel: Selector,
    url: str,
    titles: Iterable[ArticleRef],
    printed_label: Callable[[Selector], tuple[str | None, str | None]],
    skins: Skins = SHARED_SKINS,
) -> PageContent:
    """A page (版): label, articles (``titles``, then the hotspots they lack), PDF, image.

    The label and PDF come from the page list's entry for the page itself; a page the list
    lacks is labelled by the family's ``printed_label`` and gets its first PDF link.

    >>> html = '''<a id="pageLink" href="node_2.htm">第02版：要闻</a>
    ... <img src="p2.jpg" usemap="#m"><map name="m"><area href="content_7.htm" title="乙"></map>
    ... <a href="page_02.pdf">PDF</a>'''
    >>> page = page_content(Selector(text=html), "http://e.cn/html/2023-02/10/node_2.htm",
    ...                     [ArticleRef("http://e.cn/html/2023-02/10/content_6.htm", "甲")],
    ...                     lambda sel: (None, None))
    >>> page.number, page.name, [ref.title for ref in page.articles]
    ('02', '要闻', ['甲', '乙'])
    >>> page.pdf_url, page.image_url
    ('http://e.cn/html/2023-02/10/page_02.pdf', 'http://e.cn/html/2023-02/10/p2.jpg')
    >>> other = "http://e.cn/html/2023-02/10/node_3.htm"  # not in the page list
    >>> page_content(Selector(text=html), other, [], lambda sel: ("03", None)).number
    '03'
    """
    pages = page_refs(sel, url, skins)
    me = current_page_ref(pages, url)
    number, name = (me.number, me.name) if me else printed_label(sel)
    return PageContent(
        number=number,
        name=name,
        articles=merge_refs(titles, hotspot_refs(sel, url)),
        pdf_url=(me.pdf_url if me else None) or first_pdf(sel, url, skins),
        image_url=page_image(sel, url),
        pages=pages,
    )


# ---------------------------------------------------------------------------------------
# Article links
# ---------------------------------------------------------------------------------------


def link_refs(links: SelectorList[Selector], url: str) -> list[ArticleRef]:
    """Article references of title-list links, titles as shown."""
    refs = []
    for link in links:
        target = resolve_link(link.attrib.get("href"), url)
        if target is not None:
            refs.append(ArticleRef(target, normalize_whitespace(visible_text(link)) or None))
    return refs


def hotspot_refs(sel: Selector, url: str) -> list[ArticleRef]:
    """Article references of the page image's hotspots (``map area[href]``), in map order."""
    refs = []
    for area in sel.xpath("//map//area[@href]"):
        target = resolve_link(area.attrib.get("href"), url)
        if target is not None:
            title = area.attrib.get("title") or area.attrib.get("alt")
            refs.append(ArticleRef(target, normalize_whitespace(title or "") or None))
    return refs


def merge_refs(*groups: Iterable[ArticleRef]) -> tuple[ArticleRef, ...]:
    """Article references without repeats, in the order of the first group that has each.

    The title list comes first (it is the page's reading order); a hotspot adds an article
    the list lacks, and a title when the first sighting had none.

    >>> a, b = ArticleRef("u1", "甲"), ArticleRef("u2", None)
    >>> merge_refs([a], [ArticleRef("u1", None), b, ArticleRef("u2", "乙")])
    (ArticleRef(url='u1', title='甲'), ArticleRef(url='u2', title='乙'))
    """
    merged: dict[str, ArticleRef] = {}
    for group in groups:
        for ref in group:
            old = merged.get(ref.url)
            if old is None or (old.title is None and ref.title):
                merged[ref.url] = ref
    return tuple(merged.values())


def link_by_text(sel: Selector, url: str, *words: str) -> str | None:
    """The target of the first real link whose visible text contains one of ``words``.

    Links that lead nowhere (``#``, ``javascript:``) count as absent: the People's Daily
    上一期 is such a link, and its date has to be computed.
    """
    # Only links holding a word's characters can contain it (docs/benchmarks.md).
    for link in sel.xpath(f"//a[@href][{holds_chars(*words)}]"):
        text = visible_text(link)
        if any(word in text for word in words):
            target = resolve_link(link.attrib.get("href"), url)
            if target is not None:
                return target
    return None


# ---------------------------------------------------------------------------------------
# enpproperty metadata
# ---------------------------------------------------------------------------------------

_ENP_FIELD = re.compile(r"<(?P<key>[\w-]+)>(?P<value>.*?)</(?P=key)>", re.DOTALL)


def enpproperty(sel: Selector) -> dict[str, str]:
    """The fields of the page's ``<!--enpproperty <key>value</key>… /enpproperty-->`` comment.

    Founder writes this comment after ``</html>`` on pages and inside ``founder-content``
    on articles; keys differ (``founder-pagenum`` on pages, ``introtitle`` on articles).
    Values are whitespace-normalised; empty ones are kept as ``""``.
    """
    fields: dict[str, str] = {}
    for comment in sel.xpath("//comment()[contains(., 'enpproperty')]").getall():
        for match in _ENP_FIELD.finditer(comment):
            fields.setdefault(match["key"].lower(), normalize_whitespace(match["value"]))
    return fields


# ---------------------------------------------------------------------------------------
# Article bodies
# ---------------------------------------------------------------------------------------


def body_node(sel: Selector, skins: Skins = SHARED_SKINS) -> Selector | None:
    """The element holding the article body: the first of the skins' bodies that matches
    (``founder-content``, else ``#ozoom``)."""
    for query in skins.bodies:
        nodes = sel.xpath(query)
        if nodes:
            return nodes[0]
    return None


def body_lines(sel: Selector, skins: Skins = SHARED_SKINS) -> list[str]:
    """The raw text lines of the body, one per block (``<p>``, ``<br>``, ``<div>``).

    Without a body element, the text between ``<!--enpcontent-->`` and
    ``<!--/enpcontent-->`` is taken.
    """
    node = body_node(sel, skins)
    if node is not None:
        return raw_lines(node)
    start = sel.xpath("//comment()[normalize-space(.)='enpcontent']")
    if not start:
        return []
    comment = start[0].root
    lines = [comment.tail] if comment.tail else []
    for node in comment.itersiblings():
        if not isinstance(node.tag, str):  # a comment: the closing marker ends the body
            if "/enpcontent" in (node.text or ""):
                break
        else:
            lines.extend(raw_lines(Selector(root=node, type="html")))
        if node.tail and node.tail.strip():
            lines.append(node.tail)
    return lines


@dataclass(frozen=True, slots=True)
class TitleStack:
    """An article's 引题 / 主题 / 副题 as printed (empty parts as None)."""

    kicker: str | None
    title: str | None
    subtitle: str | None


def first_text(sel: Selector, *queries: str) -> str | None:
    """Visible text of the first node of the first XPath query that has any."""
    for query in queries:
        for node in sel.xpath(query):
            text = normalize_whitespace(" ".join(text_lines(node)))
            if text:
                return text
    return None


#: The boxes that hold an ``h3/h1/h2`` title stack, tried in order before the whole page:
#: div.article (人民日报), div.text_c (the People's Daily variant), .m-article-content
#: (光明日报 2026).
_TITLE_BOXES = tuple(
    f"//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in ("article", "text_c", "m-article-content")
)


def _title_query(name: str) -> str:
    """A title skin's part as XPath: an element id, or an XPath itself (``//div[...]``).

    >>> _title_query("Title"), _title_query("//p[@class='BSHARE_TEXT']")
    ("//*[@id='Title']", "//p[@class='BSHARE_TEXT']")
    """
    return name if name.startswith("/") else f"//*[@id='{name}']"


def title_stack(sel: Selector, fields: dict[str, str], skins: Skins = SHARED_SKINS) -> TitleStack:
    """引题/主题/副题 from the skins' titles (element ids or XPath), else the ``h3/h1/h2``
    stack, else enpproperty."""
    for kicker_at, title_at, subtitle_at in skins.titles:
        if sel.xpath(_title_query(title_at)):
            return TitleStack(
                first_text(sel, _title_query(kicker_at)),
                first_text(sel, _title_query(title_at)),
                first_text(sel, _title_query(subtitle_at)),
            )
    scope = next((box for box in _TITLE_BOXES if sel.xpath(f"{box}//h1")), "")
    title = first_text(sel, f"{scope}//h1")
    if title:
        return TitleStack(first_text(sel, f"{scope}//h3"), title, first_text(sel, f"{scope}//h2"))
    # The classic template wraps each part in its own element: <founder-title> etc.
    title = first_text(sel, "//founder-title")
    if title:
        return TitleStack(
            first_text(sel, "//founder-introtitle"), title, first_text(sel, "//founder-subtitle")
        )
    return TitleStack(
        fields.get("introtitle") or fields.get("founder-introtitle") or None,
        fields.get("title") or fields.get("founder-title") or None,
        fields.get("subtitle") or fields.get("founder-subtitle") or None,
    )


# Picture tables of the classic and People's Daily templates: an image row, then a caption row.
_PICTURE_TABLES = " | ".join(
    f"//table[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    for name in ("pic_c", "pci_c", "newspic")
)


_IN_PICTURE_TABLE = (
    "self::table[contains(@class, 'pic_c') or contains(@class, 'pci_c')"
    " or contains(@class, 'newspic')]"
)


def article_images(
    sel: Selector, url: str, skins: Skins = SHARED_SKINS
) -> tuple[tuple[Image, ...], frozenset[str]]:
    """The article's pictures with captions, and the caption texts (to keep out of the body).

    Three placements are known: ``table.pic_c`` (image row, caption row); an ``img`` in the
    article's content box before ``founder-content`` with its caption in the next ``<p>``
    (pc/layout, 湖北日报); and an ``img`` inside the body with no caption.
    """
    images: list[Image] = []
    captions: set[str] = set()
    seen: set[str] = set()

    def add(src: str | None, caption: str | None) -> None:
        target = resolve_link(src, url)
        if target is None or target in seen:
            return
        seen.add(target)
        images.append(Image(target, caption or None))
        if caption:
            captions.add(caption)

    for table in sel.xpath(_PICTURE_TABLES):
        caption_lines = [line for line in text_lines(table) if line]
        caption = normalize_whitespace(" ".join(caption_lines)) or None
        for img in table.xpath(".//img[@src]"):
            add(img.attrib["src"], picture_caption(img, caption))
    body = body_node(sel, skins)
    if body is not None:
        # Pictures that precede the body inside the same content box.
        for img in body.xpath("preceding-sibling::img | preceding-sibling::*//img"):
            nxt = img.xpath("following-sibling::*[1][self::p]")
            caption = normalize_whitespace(" ".join(text_lines(nxt[0]))) if nxt else None
            add(img.attrib.get("src"), picture_caption(img, caption, nxt[0] if nxt else None))
        for img in body.xpath(".//img"):
            if not img.xpath(f"ancestor::*[{_IN_PICTURE_TABLE}]"):
                add(img.attrib.get("src"), picture_caption(img))
    return tuple(images), frozenset(captions)


# 下转第3版 / 参见第A02版 / 转第二版 as the text of a link to the continued part.
_SEE_PAGE = re.compile(
    r"(?:下转|参见|转)\s*第\s*(?P<number>[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})\s*版"
)


def link_continuations(sel: Selector, url: str) -> list[Continuation]:
    """``下转第X版`` / ``参见第X版`` links, with their targets."""
    found: list[Continuation] = []
    for link in sel.xpath("//a[@href]"):
        match = _SEE_PAGE.search(visible_text(link))
        if match:
            jump = Continuation(
                "page", page_number_of(match["number"]), resolve_link(link.attrib.get("href"), url)
            )
            if jump not in found:
                found.append(jump)
    return found


def part_continuations(sel: Selector, url: str) -> list[Continuation]:
    """Links to later parts of a long article (``content_N_2.htm`` after ``content_N.htm``)."""
    match = re.search(r"content_(\d+)(?:_(\d+))?\.html?$", url)
    if not match:
        return []
    article_id, part = match[1], int(match[2] or 1)
    parts: dict[int, str] = {}
    for href in sel.xpath("//a/@href").getall():
        target = resolve_link(href, url)
        other = re.search(rf"content_{article_id}_(\d+)\.html?$", target or "")
        if target and other and int(other[1]) > part:
            parts.setdefault(int(other[1]), target)
    return [Continuation("part", None, parts[n]) for n in sorted(parts)]


_CONTINUED_FROM = re.compile(r"^[（(]\s*(?:上接|接)\s*第")


@dataclass(frozen=True, slots=True)
class ArticleParts:
    """Everything an article page yields besides its URL; a family fills in what it knows."""

    titles: TitleStack
    byline: str | None = None
    date: dt.date | None = None
    page_number: str | None = None
    page_name: str | None = None
    prev_url: str | None = None
    next_url: str | None = None


def build_article(
    sel: Selector,
    url: str,
    parts: ArticleParts,
    skins: Skins = SHARED_SKINS,
    *,
    part_links: bool = True,
) -> Article:
    """An :class:`Article` from the body of ``sel`` and what the family found around it.

    The body is cleaned (garbage, navigation text), picture captions and ``下转第X版``
    lines are taken out, and a byline line at the start or end moves to the byline.
    ``part_links`` false: ``content_A_B`` links are other articles, never later parts (the
    navi.xml variant of Founder classic, where they name page A, article B).
    """
    images, captions = article_images(sel, url, skins)
    cleaned = [p for p in clean_paragraphs(body_lines(sel, skins)) if p not in captions]
    # The rest of an article continued from another page opens with （上接第X版）: it has no
    # lede, so no dateline (and no wire credit) even when its text starts like one.
    is_tail = bool(cleaned) and bool(_CONTINUED_FROM.match(cleaned[0]))
    paragraphs, jump_pages = take_jump_notes(cleaned)
    continuations = link_continuations(sel, url)
    for number in jump_pages:
        if not any(c.page_number == number for c in continuations):
            continuations.append(Continuation("page", number, None))
    byline, body = split_byline(paragraphs, parts.byline)
    if part_links:
        continuations += part_continuations(sel, url)
    authors = parse_byline(byline) if byline else ()
    if not authors and body and not is_tail:
        authors = dateline_authors(body[0])  # wire copy: 新华社北京3月2日电（记者 王五）
    titles = parts.titles
    if not titles.title:
        raise ExtractionError(f"no article title in {url}")
    return Article(
        url=url,
        title=titles.title,
        kicker=titles.kicker,
        subtitle=titles.subtitle,
        byline=byline,
        authors=authors,
        dateline=None if is_tail else find_dateline(body),
        paragraphs=body,
        images=images,
        prev_url=parts.prev_url,
        next_url=parts.next_url,
        continuations=tuple(continuations),
        page_number=parts.page_number,
        page_name=parts.page_name,
        date=parts.date,
    )


def printed_date(*texts: str | None) -> dt.date | None:
    """The first date printed in any of ``texts``."""
    for text in texts:
        if text:
            found = parse_printed_date(text)
            if found:
                return found
    return None
