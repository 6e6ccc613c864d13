"""Extraction for the classic Founder (方正) e-paper: ``html/YYYY-MM/DD/node_N.htm`` pages,
``content_N.htm`` articles and the ``period.xml`` calendar (family ``founder``), and its
navi.xml variant (family ``founder_navi``): a ``html/YYYY-MM/navi.xml`` calendar and
``content_P_N.htm`` articles, page P, article N, where ``content_A_B`` is never a part.

Seen on 科技日报, 中国纪检监察报 and 江西日报 (see ../shared/real-pages); the navi variant
on 江西日报's new host (REAL-SITES.md §1.3, §1.4, §2.5). Article pages are built from
DOMAIN.md and the selectors public crawlers use, as no complete one has been captured.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from parsel import Selector

from crawler.cleaning import normalize_whitespace
from crawler.extract import ExtractionError
from crawler.extract import founder_common as common
from crawler.extract.dom import visible_text
from crawler.extract.family import Calendar, Family, Skins
from crawler.items import Article, IssueIndex, PageContent

if TYPE_CHECKING:
    from crawler.items import ArticleRef


def _class(name: str) -> str:
    """An XPath test for an element carrying the class ``name``."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


#: 科技日报's article title stack: ``div.yinti`` / ``div.biaoti`` / ``.futi`` (REAL-SITES §2.3).
_YINTI_STACK = (f"//*[{_class('yinti')}]", f"//*[{_class('biaoti')}]", f"//*[{_class('futi')}]")

#: The classic template's skins. Title lists most specific first; the last is any link
#: wrapping the ``<div id=mpNNN>`` that every skin prints, which some skins also use for
#: other pages' articles (中国纪检监察报's 今日关注), so it is used only when no list matched.
SKINS = replace(
    common.SHARED_SKINS,
    titles=(*common.SHARED_SKINS.titles, _YINTI_STACK),
    title_lists=(
        "//div[contains(concat(' ', normalize-space(@class), ' '), ' title ')]//ul/li//a[@href]",
        "//ul[contains(concat(' ', normalize-space(@class), ' '), ' list01 ')]/li//a[@href]",
        "//*[@id='titleList']//li//a[@href]",
        "//a[@href][div[starts-with(@id, 'mp')]]",
    ),
    bylines=(
        "//founder-author",
        "//*[@id='author']",
        "//*[contains(concat(' ', normalize-space(@class), ' '), ' author ')]",
    ),
)

#: The navi.xml variant's skins (江西日报's new host, REAL-SITES §2.5): page list rows of
#: ``#bmdhTable`` (page link, then its PDF), titles in ``#main-ed-articlenav-list``, the
#: article title in ``p.BSHARE_TEXT``; kicker and subtitle as on 科技日报 (no source shows
#: the variant's), then the classic template's skins.
NAVI_SKINS = replace(
    SKINS,
    page_lists=("//*[@id='bmdhTable']//a[contains(@href, 'node_')]", *SKINS.page_lists),
    title_lists=("//*[@id='main-ed-articlenav-list']//a[@href]", *SKINS.title_lists),
    titles=(
        (_YINTI_STACK[0], f"//p[{_class('BSHARE_TEXT')}]", _YINTI_STACK[2]),
        *SKINS.titles,
    ),
)


# ---------------------------------------------------------------------------------------
# Calendar
# ---------------------------------------------------------------------------------------


def calendar_url(root_url: str, year: int, month: int) -> str:
    """URL of the month's ``period.xml`` (what ``mp.js`` loads for the calendar).

    >>> calendar_url("http://e.cn/kjrb/html/", 2023, 2)
    'http://e.cn/kjrb/html/2023-02/period.xml'
    """
    return f"{root_url}{year:04d}-{month:02d}/period.xml"


def parse_calendar(text: str, url: str = "") -> tuple[dt.date, ...]:
    """The dates that have an issue, from a ``period.xml``, sorted, without repeats.

    The file lists ``/periodlist/period[@id]`` with ``period_name``, ``paper_id``,
    ``period_date`` and ``front_page``; only ``period_date`` matters here. ``url`` is
    accepted for symmetry with the other extractors and for error messages.

    >>> parse_calendar('''<?xml version="1.0" encoding="UTF-8"?><periodlist>
    ... <period id="2"><period_name>2023-02-10</period_name><paper_id>1</paper_id>
    ... <period_date>2023-02-10</period_date><front_page>node_2.htm</front_page></period>
    ... <period id="1"><period_date>2023-02-09</period_date></period></periodlist>''')
    (datetime.date(2023, 2, 9), datetime.date(2023, 2, 10))
    """
    xml = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding decl
    sel = Selector(text=xml, type="xml")
    days: set[dt.date] = set()
    for period in sel.xpath("/periodlist/period"):
        raw = period.xpath("normalize-space(period_date)").get() or ""
        day = _calendar_date(raw) or _calendar_date(
            period.xpath("normalize-space(period_name)").get() or ""
        )
        if day is not None:
            days.add(day)
    return tuple(sorted(days))


def navi_calendar_url(root_url: str, year: int, month: int) -> str:
    """URL of the month's ``navi.xml`` (the navi variant's calendar).

    >>> navi_calendar_url("http://e.cn/html/", 2023, 5)
    'http://e.cn/html/2023-05/navi.xml'
    """
    return f"{root_url}{year:04d}-{month:02d}/navi.xml"


_NAVI_MONTH = re.compile(r"/((?:19|20)\d\d)-([01]\d)/navi\.xml")
_NAVI_DAY = re.compile(r"(?:^|/)([0-3]?\d)/node_")


def parse_navi_calendar(text: str, url: str = "") -> tuple[dt.date, ...]:
    """The dates that have an issue, from a ``navi.xml``, sorted, without repeats.

    Each issue is an element with a ``<date>`` and a ``<url>`` of its first page
    (``../DD/node_N.htm``). No real file has a public capture, so the root element is not
    read, and a date is taken as written (``2023-05-19``, ``20230519``) or, when it gives
    only the day, with the month of ``url``, which also dates a bare ``<url>``.

    >>> parse_navi_calendar('''<?xml version="1.0" encoding="UTF-8"?><navi>
    ... <item><date>2023-05-19</date><url>../19/node_1.htm</url></item>
    ... <item><date>18</date><url>../18/node_1.htm</url></item>
    ... <item><url>../17/node_1.htm</url></item></navi>''', "http://e.cn/html/2023-05/navi.xml")
    (datetime.date(2023, 5, 17), datetime.date(2023, 5, 18), datetime.date(2023, 5, 19))
    """
    xml = re.sub(r"^\s*<\?xml[^>]*\?>", "", text)  # lxml refuses str with an encoding decl
    sel = Selector(text=xml, type="xml")
    found = _NAVI_MONTH.search(url)
    month = (int(found[1]), int(found[2])) if found else None
    days: set[dt.date] = set()
    for item in sel.xpath("//*[date or url]"):
        raw = item.xpath("normalize-space(date)").get() or ""
        link = item.xpath("normalize-space(url)").get() or ""
        day = _calendar_date(raw) if raw else None
        if day is None and month is not None:
            number = raw if raw.isdigit() and len(raw) <= 2 else None
            if number is None and (match := _NAVI_DAY.search(link)):
                number = match[1]
            day = _day_of(month, number)
        if day is not None:
            days.add(day)
    return tuple(sorted(days))


def _day_of(month: tuple[int, int], number: str | None) -> dt.date | None:
    if number is None:
        return None
    try:
        return dt.date(month[0], month[1], int(number))
    except ValueError:
        return None


def _calendar_date(text: str) -> dt.date | None:
    found = common.printed_date(text)
    if found:
        return found
    match = re.fullmatch(r"((?:19|20)\d\d)(\d\d)(\d\d)", text.strip())
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------------------
# Issue and page
# ---------------------------------------------------------------------------------------


def extract_issue(selector: Selector, url: str, skins: Skins = SKINS) -> IssueIndex:
    """An issue's index (its first page): date, page list, and the static 上一期/下一期 links.

    The classic template prints 上一期 as a plain link (``../21/node_2.htm``) on some
    skins and only a calendar on others; where there is no link the crawl uses the calendar.
    """
    pages = common.page_refs(selector, url, skins)
    day = common.date_in_url(url) or _printed_date(selector)
    if day is None:
        raise ExtractionError(f"no issue date in the URL or the page: {url}")
    return IssueIndex(
        date=day,
        pages=pages,
        prev_issue_url=common.link_by_text(selector, url, "上一期"),
        next_issue_url=common.link_by_text(selector, url, "下一期"),
    )


def extract_page(selector: Selector, url: str, skins: Skins = SKINS) -> PageContent:
    """A page (版): label, articles (title list, then hotspots the list lacks), PDF, image."""
    return common.page_content(selector, url, title_refs(selector, url, skins), _page_label, skins)


def _page_label(selector: Selector) -> tuple[str | None, str | None]:
    """The label of a page the page list lacks: as printed, else enpproperty's page number."""
    number, name = printed_page_label(selector)
    if number is None:
        number = common.enpproperty(selector).get("founder-pagenum") or None
    return number, name


def title_refs(selector: Selector, url: str, skins: Skins = SKINS) -> list[ArticleRef]:
    """The page's title list (标题导航), in its order."""
    for query in skins.title_lists:
        links = selector.xpath(query)
        if links:
            return common.link_refs(links, url)
    return []


_LABEL_TEXT = re.compile(r"^(?:第\s*)?[A-Za-z]?\d{1,3}\s*版")
# Elements small enough to be a label: no links in or around them, no blocks inside.
# Every label holds 版: XPath skips the other nodes before their visible text is computed,
# the slow part (visible text only drops characters; docs/benchmarks.md).
_LABEL_CANDIDATES = (
    "//body//*[not(self::a) and not(ancestor::a) and not(.//a) and not(self::script)"
    " and not(.//div | .//td | .//p | .//li | .//table | .//ul) and contains(., '版')]"
)
_LABEL_TEXTS = (
    "//body//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)"
    " and contains(., '版')]"
)
_LABEL_LINKS = "//a[not(@id='pageLink') and not(@id='pagelink') and contains(., '版')]"


def printed_page_label(selector: Selector, *, links: bool = False) -> tuple[str | None, str | None]:
    """(number, name) of the page label printed outside a link (``第01版：今日要闻``).

    A label split over elements (``第01版：<strong>要闻</strong>``) is read from the smallest
    element holding it; one that shares its element with links (``01版:要闻 <a>下一版</a>``)
    from its own text. With ``links``, a link back to the page (``<a href=node_7.htm>第06版：
    关注</a>`` on article pages) counts too, after those; a page list's links never do. A
    label with a name beats one without.
    """
    bare: tuple[str | None, str | None] = (None, None)
    texts = [visible_text(node) for node in selector.xpath(_LABEL_CANDIDATES)]
    texts += selector.xpath(_LABEL_TEXTS).getall()
    if links:
        texts += [visible_text(a) for a in selector.xpath(_LABEL_LINKS)]
    for raw in texts:
        text = normalize_whitespace(raw)
        if len(text) <= 40 and _LABEL_TEXT.match(text):
            number, name = common.page_label(text)
            if number is not None and name is not None:
                return number, name
            if number is not None and bare[0] is None:
                bare = (number, None)
    return bare


def _printed_date(selector: Selector) -> dt.date | None:
    fields = common.enpproperty(selector)
    shown = " ".join(selector.xpath("//body//text()[not(ancestor::script)]").getall())
    return common.printed_date(
        fields.get("founder-date"),
        fields.get("date"),
        normalize_whitespace(shown)[:4000],
    )


# ---------------------------------------------------------------------------------------
# Article
# ---------------------------------------------------------------------------------------


def extract_article(
    selector: Selector, url: str, skins: Skins = SKINS, *, part_links: bool = True
) -> Article:
    """An article page (``content_N.htm``): title stack, byline, body, pictures, navigation.

    ``part_links`` false (the navi variant): ``content_P_N`` links are the page's other
    articles (下一篇 is ``content_P_N+1``), never later parts of this one.
    """
    fields = common.enpproperty(selector)
    number, name = printed_page_label(selector, links=True)
    return common.build_article(
        selector,
        url,
        common.ArticleParts(
            titles=common.title_stack(selector, fields, skins),
            byline=_byline(selector, fields, skins),
            date=common.printed_date(fields.get("founder-date"), fields.get("date"))
            or common.date_in_url(url)
            or _printed_date(selector),
            page_number=number or fields.get("founder-pagenum") or None,
            page_name=name or fields.get("nodename") or None,
            prev_url=common.link_by_text(selector, url, "上一篇"),
            next_url=common.link_by_text(selector, url, "下一篇"),
        ),
        skins,
        part_links=part_links,
    )


def _byline(selector: Selector, fields: dict[str, str], skins: Skins) -> str | None:
    """The byline where the template prints one apart from the body."""
    return (
        common.first_text(selector, *skins.bylines)
        or fields.get("founder-author")
        or fields.get("author")
        or None
    )


def extract_navi_issue(selector: Selector, url: str) -> IssueIndex:
    """The navi variant's issue index (``node_1.htm``): its ``#bmdhTable`` page list."""
    return extract_issue(selector, url, NAVI_SKINS)


def extract_navi_page(selector: Selector, url: str) -> PageContent:
    """A page of the navi variant: ``#main-ed-articlenav-list`` titles, then hotspots."""
    return extract_page(selector, url, NAVI_SKINS)


def extract_navi_article(selector: Selector, url: str) -> Article:
    """An article of the navi variant (``content_P_N.htm``): one document, no parts."""
    return extract_article(selector, url, NAVI_SKINS, part_links=False)


FAMILY = Family(
    name="founder",
    root="html/",
    entry="{yyyy}-{mm}/{dd}/node_2.htm",
    extract_issue=extract_issue,
    extract_page=extract_page,
    extract_article=extract_article,
    article_id=re.compile(r"content_(?P<id>.+)$"),
    date_in_url=common.date_in_url,
    calendar=Calendar(url=calendar_url, parse=parse_calendar),
    static_issue_links=True,
    # A period.xml is XML: its own closing tag ends it.
    body_ends=(b"</html>", b"</periodlist>"),
    skins=SKINS,
)

#: The navi.xml variant (江西日报's new host; 海南日报, 天津日报, 内蒙古日报, 羊城晚报 per
#: REAL-SITES §1.3): its calendar is ``html/YYYY-MM/navi.xml``, its first page ``node_1``,
#: its articles ``content_P_N.htm`` (the id is N), and its pages print no 上一期/下一期.
NAVI_FAMILY = Family(
    name="founder_navi",
    root="html/",
    entry="{yyyy}-{mm}/{dd}/node_1.htm",
    extract_issue=extract_navi_issue,
    extract_page=extract_navi_page,
    extract_article=extract_navi_article,
    article_id=re.compile(r"content_\d+_(?P<id>\d+)$"),
    date_in_url=common.date_in_url,
    calendar=Calendar(url=navi_calendar_url, parse=parse_navi_calendar),
    static_issue_links=False,
    skins=NAVI_SKINS,
)
