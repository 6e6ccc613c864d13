"""``epaper probe``: which family, layout, skin and calendar fit a paper, from a few pages.

The probe fetches the URL it is given (a paper's home that redirects to today's front page,
or any page of an issue), asks every family whether it reads that page as an issue (a
date in its URL and a page list), works out ``base_url``, ``root`` and ``entry`` so that
the registry's own :func:`crawler.registry.render_entry` gives the URL back, then reads one
page's title list, one article and the month's calendar where the family has one. What it
saw becomes a ``papers.toml`` entry whose evidence is the probe itself, with every key it
could not confirm listed as ``uncertain``.

Work against a real site stays small and polite: at most ``max_requests`` fetches
(robots.txt included), robots.txt obeyed, the crawl's user agent and download delay.
Fetching is a parameter (:class:`Fetch`), so the decisions are testable without a socket.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import time
import urllib.error
import urllib.request
import urllib.robotparser
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import urlsplit

from crawler.encoding import charset_from_content_type, decode_body
from crawler.errors import EpaperError
from crawler.extract.dom import UnparsableError, parse_html, refresh_targets
from crawler.extract.families import FAMILIES
from crawler.extract.family import Family, Skins
from crawler.items import IssueIndex
from crawler.registry import parse_registry, render_entry
from crawler.urls import canonical_url

#: Redirects written into a page (a 0-second meta refresh, a script setting the location)
#: followed from the first URL: homes of e-papers point at today's front page this way.
MAX_PAGE_REDIRECTS = 3

_SCRIPT_LOCATION = re.compile(
    r"""(?:window\.|document\.|self\.|top\.)?location(?:\.href)?\s*=\s*["']([^"']+)["']"""
    r"""|location\.replace\(\s*["']([^"']+)["']\s*\)""",
    re.IGNORECASE,
)
#: Front pages tried when the URL given is not one (an article, a home listing issues).
MAX_CANDIDATES = 3
#: The date forms of the families' entry templates, most specific first.
_DATE_FORMS = ("{yyyy}-{mm}/{dd}", "{yyyy}{mm}/{dd}", "{yyyy}{mm}{dd}", "{yyyy}/{mm}/{dd}")


class ProbeError(EpaperError):
    """Nothing fits, or the site could not be read within the probe's limits."""

    exit_code = 1


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: the final URL after HTTP redirects, its status and decoded text."""

    url: str
    status: int
    text: str


Fetch = Callable[[str], Fetched]


@dataclass(frozen=True, slots=True)
class Layout:
    """Where a family's dated paths sit on the site: ``base_url + root + entry``."""

    base_url: str
    root: str
    entry: str


@dataclass(frozen=True, slots=True)
class SkinMatch:
    """The first skin of one part of a page that matched (its index and XPath)."""

    part: str
    index: int
    xpath: str


@dataclass(slots=True)
class ProbeResult:
    """What the probe found and could or could not confirm."""

    url: str  # the issue's first page, after redirects
    family: Family
    date: dt.date
    layout: Layout
    pages: int
    title: str | None = None  # the front page's <title>
    article_url: str | None = None
    article_title: str | None = None
    article_paragraphs: int = 0
    calendar_lists_date: bool = False
    skins: list[SkinMatch] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)
    unconfirmed: list[str] = field(default_factory=list)


def probe(url: str, fetch: Fetch) -> ProbeResult:
    """Probe ``url`` with ``fetch``; :class:`ProbeError` with the reason when nothing fits."""
    chain = _follow_page_redirects(url, fetch)
    page = chain[-1]
    if page.status != 200:
        raise ProbeError(f"{page.url} answers {page.status}")
    found = _best_family(chain)
    tried = {page.url}
    for candidate in _front_page_candidates(page) if found is None else ():
        if candidate in tried or len(tried) > MAX_CANDIDATES:
            continue
        tried.add(candidate)
        answer = _follow_page_redirects(candidate, fetch)
        if answer[-1].status == 200 and (found := _best_family(answer)) is not None:
            page = answer[-1]
            break
    if found is None:
        raise ProbeError(
            f"no family reads {page.url} as an issue's page (no date in its URL that a "
            f"family knows, or no page list): give the URL of an issue's first page"
        )
    family, date, layout, index = found
    result = ProbeResult(
        url=layout.base_url + layout.root + render_entry(layout.entry, date, ""),
        family=family,
        date=date,
        layout=layout,
        pages=len(index.pages),
        title=_title(page.text),
    )
    result.confirmed.append(f"family {family.name}: {len(index.pages)} pages on {date}")
    result.skins.extend(_skins(family.skins, page.text, page.url, ("page_lists", "page_labels")))
    _probe_page(result, page)
    if result.article_url is not None:
        _probe_article(result, fetch)
    if family.calendar is not None:
        _probe_calendar(result, fetch)
    return result


def _front_page_candidates(page: Fetched) -> list[str]:
    """Where the first page of an issue may be, from a page that is not one: the URL with the
    file after its date replaced by each family's entry file (an article or another page of
    the issue), then the newest dated link of the page and the same for it (a home page).

    >>> home = Fetched("http://e.cn/xxrb/", 200, '<a href="html/2025-03/30/node_2.htm">30日</a>'
    ...                '<a href="html/2025-03/31/node_2.htm">31日</a>')
    >>> _front_page_candidates(home)[0]
    'http://e.cn/xxrb/html/2025-03/31/node_2.htm'
    >>> article = Fetched("http://e.cn/xxrb/html/2025-03/31/content_7.htm", 200, "")
    >>> _front_page_candidates(article)
    ['http://e.cn/xxrb/html/2025-03/31/node_2.htm', 'http://e.cn/xxrb/html/2025-03/31/node_1.htm']
    """
    found = list(_entry_files_for(page.url))
    try:
        links = parse_html(page.text, page.url).xpath("//a/@href | //area/@href").getall()
    except UnparsableError:
        links = []
    dated = []
    for href in links:
        link = canonical_url(href.strip(), page.url)
        day = next((f.date_in_url(link) for f in FAMILIES if f.date_in_url(link)), None)
        if day is not None:
            dated.append((day, link))
    if dated:
        newest = max(dated)[1]
        found.extend([newest, *_entry_files_for(newest)])
    return list(dict.fromkeys(u for u in found if u != page.url))


def _entry_files_for(url: str) -> list[str]:
    """``url`` with what follows its date replaced by each dating family's entry file."""
    found = []
    for family in FAMILIES:
        date = family.date_in_url(url)
        form = next((f for f in _DATE_FORMS if f in family.entry), None)
        if date is None or form is None:
            continue
        rendered = render_entry(form, date, "")
        at = url.rfind(rendered)
        if at < 0:
            continue
        tail = family.entry.split(form, 1)[1]
        if "{" not in tail:
            found.append(url[: at + len(rendered)] + tail)
    return found


def _follow_page_redirects(url: str, fetch: Fetch) -> list[Fetched]:
    """The pages from ``url`` through the redirects written into them, the last one first
    read as the page (a stub is kept: an issue may be entered at it)."""
    chain = [fetch(url)]
    for _ in range(MAX_PAGE_REDIRECTS):
        target = _written_redirect(chain[-1].text, chain[-1].url)
        if target is None or target in {p.url for p in chain} or chain[-1].status != 200:
            break
        chain.append(fetch(target))
    return chain


def _written_redirect(text: str, url: str) -> str | None:
    """The address a page sends the reader to by itself, if it is short enough to be a stub.

    >>> _written_redirect('<meta http-equiv="refresh" content="0; url=Page01NU.htm">',
    ...                   "http://e.cn/c/20250331/IssueIndex.htm")
    'http://e.cn/c/20250331/Page01NU.htm'
    >>> _written_redirect("<script>window.location.href='pc/layout/202503/31/node_01.html'"
    ...                   "</script>", "http://e.cn/rmrb/")
    'http://e.cn/rmrb/pc/layout/202503/31/node_01.html'
    >>> _written_redirect("<p>" + "正文" * 3000 + "</p>", "http://e.cn/") is None
    True
    """
    if len(text) > 4096:  # a real page, not a redirect stub
        return None
    try:
        refreshed = refresh_targets(parse_html(text, url), url)
    except UnparsableError:
        refreshed = []
    if refreshed:
        return refreshed[0]
    match = _SCRIPT_LOCATION.search(text)
    if match is None:
        return None
    return canonical_url(next(group for group in match.groups() if group), url)


def _best_family(chain: Sequence[Fetched]) -> tuple[Family, dt.date, Layout, IssueIndex] | None:
    """The family that reads the last page of ``chain`` as an issue with the most pages
    (registry order on ties), with the layout of the issue's entry: the page itself, or the
    stub before it that the family's own issue resolution forwards from."""
    page = chain[-1]
    best: tuple[int, Family, dt.date, Layout, IssueIndex] | None = None
    for family in FAMILIES:
        date = family.date_in_url(page.url)
        if date is None:
            continue
        entry = _entry_of(chain, family)
        layout = derive_layout(entry, family, date)
        if layout is None:
            continue
        try:
            index = family.extract_issue(parse_html(page.text, page.url), page.url)
        except (UnparsableError, ValueError):
            continue
        if not index.pages:
            continue
        score = len(index.pages) + (100 if _same_file_shape(layout.entry, family.entry) else 0)
        if best is None or score > best[0]:
            best = (score, family, date, layout, index)
    return None if best is None else best[1:]


def _entry_of(chain: Sequence[Fetched], family: Family) -> str:
    """The URL an issue is entered at: the earliest page of ``chain`` from which the
    family's ``issue_refresh`` forwards, step by step, to the last page."""
    entry = chain[-1].url
    if family.issue_refresh is None:
        return entry
    for stub, then in zip(reversed(chain[:-1]), reversed(chain[1:]), strict=True):
        try:
            forwarded = family.issue_refresh(parse_html(stub.text, stub.url), stub.url)
        except UnparsableError:
            break
        if forwarded != then.url:
            break
        entry = stub.url
    return entry


def derive_layout(url: str, family: Family, date: dt.date) -> Layout | None:
    """``base_url``, ``root`` and ``entry`` that give ``url`` back for ``date``, closest to the
    family's own root and entry (None when the URL shows none of its date forms).

    >>> from crawler.extract.families import get_family
    >>> pc, day = get_family("founder_pc"), dt.date(2025, 3, 31)
    >>> derive_layout("http://e.cn/rmrb/pc/layout/202503/31/node_01.html", pc, day)
    Layout(base_url='http://e.cn/rmrb/', root='pc/layout/', entry='{yyyy}{mm}/{dd}/node_01.html')
    >>> derive_layout("https://e.cn/pc/column/202503/31/node_01.html", pc, day)
    Layout(base_url='https://e.cn/', root='pc/column/', entry='{yyyy}{mm}/{dd}/node_01.html')
    >>> derive_layout("http://e.cn/gmrb/html/layout/202503/31/node_01.html", pc, day)
    Layout(base_url='http://e.cn/gmrb/', root='html/layout/', entry='{yyyy}{mm}/{dd}/node_01.html')
    >>> derive_layout("http://e.cn/kjrb/html/2025-03/31/node_2.htm", get_family("founder"), day)
    Layout(base_url='http://e.cn/kjrb/', root='html/', entry='{yyyy}-{mm}/{dd}/node_2.htm')
    """
    parts = urlsplit(url)
    origin = f"{parts.scheme}://{parts.netloc}"
    path = parts.path
    form = next((f for f in _DATE_FORMS if f in family.entry), None)
    forms = (form, *(f for f in _DATE_FORMS if f != form)) if form else _DATE_FORMS
    for candidate in forms:
        rendered = render_entry(candidate, date, "")
        at = path.rfind(rendered)
        if at < 0:
            continue
        head, tail = path[:at], path[at + len(rendered) :]
        entry_head = family.entry.split("{", 1)[0]
        depth = max(family.root.count("/"), 1)  # a root of as many directories as the family's
        if head.endswith(family.root + entry_head):
            base_path, root = head[: len(head) - len(family.root + entry_head)], family.root
            entry_dir = entry_head
        elif entry_head and head.endswith(entry_head):
            # The family's entry directory below a root of another name (html/ for pc/).
            base_path, root = _split_last(head[: -len(entry_head)], depth)
            entry_dir = entry_head
        elif entry_head:
            # Another directory for the dates (column/ for layout/).
            above, entry_dir = _split_last(head)
            base_path, root = _split_last(above, depth)
        else:  # the dates' directory is the root: the family's, or one of another name
            base_path, root = _split_last(head, depth)
            entry_dir = ""
        layout = Layout(origin + base_path, root, entry_dir + candidate + tail)
        if layout.base_url + layout.root + render_entry(layout.entry, date, "") == url:
            return layout
    return None


def _split_last(path: str, depth: int = 1) -> tuple[str, str]:
    """A directory path and its last ``depth`` directories, both ending with ``/``.

    >>> _split_last("/rmrb/html/"), _split_last("/"), _split_last("/hbrb/pc/column/", 2)
    (('/rmrb/', 'html/'), ('/', ''), ('/hbrb/', 'pc/column/'))
    """
    parts = [part for part in path.split("/") if part]
    if not parts:
        return "/", ""
    depth = min(depth, len(parts))
    above = "/" + "".join(part + "/" for part in parts[:-depth])
    return above, "".join(part + "/" for part in parts[-depth:])


def _same_file_shape(entry: str, family_entry: str) -> bool:
    """Whether an entry's file name has the family's shape: any number for a number, any
    name for ``{slug}`` (node_01 ~ node_2, nbs.D110000renmrb_01 ~ nbs.D110000{slug}_01).

    >>> _same_file_shape("{yyyy}-{mm}/{dd}/nbs.D110000renmrb_01.htm",
    ...                  "{yyyy}-{mm}/{dd}/nbs.D110000{slug}_01.htm")
    True
    >>> _same_file_shape("{yyyy}-{mm}/{dd}/nbs.D110000renmrb_01.htm", "{yyyy}-{mm}/{dd}/node_2.htm")
    False
    """
    pattern = re.escape(family_entry.rsplit("/", 1)[-1])
    pattern = re.sub(r"\d+", r"\\d+", pattern).replace(re.escape("{slug}"), "[a-z0-9]+")
    return re.fullmatch(pattern, entry.rsplit("/", 1)[-1]) is not None


def _probe_page(result: ProbeResult, page: Fetched) -> None:
    family = result.family
    try:
        content = family.extract_page(parse_html(page.text, page.url), page.url)
    except (UnparsableError, ValueError) as exc:
        result.unconfirmed.append(f"title list of the first page: {exc}")
        return
    result.skins.extend(_skins(family.skins, page.text, page.url, ("title_lists", "pdfs")))
    if content.articles:
        result.article_url = content.articles[0].url
        result.confirmed.append(f"{len(content.articles)} articles on the first page")
    else:
        result.unconfirmed.append("the first page lists no article: title-list skin unknown")
    if content.pdf_url:
        result.confirmed.append("a PDF for the page")


def _probe_article(result: ProbeResult, fetch: Fetch) -> None:
    assert result.article_url is not None
    family = result.family
    page = fetch(result.article_url)
    if page.status != 200:
        result.unconfirmed.append(f"article {page.url} answers {page.status}")
        return
    try:
        article = family.extract_article(parse_html(page.text, page.url), page.url)
    except (UnparsableError, ValueError) as exc:
        result.unconfirmed.append(f"article {page.url}: {exc}")
        return
    result.article_title = article.title
    result.article_paragraphs = len(article.paragraphs)
    result.skins.extend(_skins(family.skins, page.text, page.url, ("titles", "bodies", "bylines")))
    if article.title and article.paragraphs:
        result.confirmed.append(
            f"an article: title and {len(article.paragraphs)} paragraphs"
            + (", byline" if article.byline else "")
        )
    else:
        result.unconfirmed.append(f"article {page.url}: no title or no body: article skin unknown")


def _probe_calendar(result: ProbeResult, fetch: Fetch) -> None:
    calendar = result.family.calendar
    assert calendar is not None
    root_url = result.layout.base_url + result.layout.root
    url = calendar.url(root_url, result.date.year, result.date.month)
    page = fetch(url)
    if page.status != 200:
        result.unconfirmed.append(f"calendar {url} answers {page.status}")
        return
    try:
        dates = calendar.parse(page.text, url)
    except ValueError as exc:
        result.unconfirmed.append(f"calendar {url}: {exc}")
        return
    result.calendar_lists_date = result.date in dates
    if result.calendar_lists_date:
        result.confirmed.append(
            f"the calendar lists {result.date} ({len(dates)} issues that month)"
        )
    else:
        result.unconfirmed.append(f"calendar {url} does not list {result.date}")


def _skins(skins: Skins, text: str, url: str, parts: Sequence[str]) -> list[SkinMatch]:
    """For each part, the first of the family's skins that selects something on the page."""
    try:
        selector = parse_html(text, url)
    except UnparsableError:
        return []
    found = []
    for part in parts:
        for index, choice in enumerate(getattr(skins, part)):
            # The title stack is a (kicker, title, subtitle) triple of element ids.
            xpath = f'//*[@id="{choice[1]}"]' if isinstance(choice, tuple) else choice
            try:
                if selector.xpath(xpath):
                    found.append(SkinMatch(part, index, xpath))
                    break
            except ValueError:  # not an XPath this parser evaluates: not this skin
                continue
    return found


def _title(text: str) -> str | None:
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    if match is None:
        return None
    title = re.sub(r"\s+", " ", match.group(1)).strip()
    return title or None


# --- The entry it prints --------------------------------------------------------------


def registry_entry(result: ProbeResult, slug: str, name: str | None, today: dt.date) -> str:
    """A ``papers.toml`` entry for what the probe saw; parsed before it is returned, so it is
    valid as printed. Keys the probe did not confirm are listed in ``uncertain``."""
    family = result.family
    uncertain = ["first_issue"]  # one issue seen says nothing of the first
    shown_name = name or result.title or slug
    if not name:
        uncertain.insert(0, "name")
    lines = [f"[papers.{slug}]", f"name = {_toml(shown_name)}", f"family = {_toml(family.name)}"]
    lines.append(f"base_url = {_toml(result.layout.base_url)}")
    if result.layout.root != family.root:
        lines.append(f"root = {_toml(result.layout.root)}")
    if result.layout.entry != family.entry:
        lines.append(f"entry = {_toml(result.layout.entry)}")
    lines.append(f"first_issue = {result.date.isoformat()}")
    if family.calendar is not None and not result.calendar_lists_date:
        uncertain.append("family")  # the family's calendar did not confirm it
    if not result.article_paragraphs:
        uncertain.append("family")
    lines.append(f"uncertain = [{', '.join(_toml(u) for u in dict.fromkeys(uncertain))}]")
    note = "; ".join(result.confirmed) or "nothing beyond the front page"
    lines.append("evidence = [")
    lines.append(
        f"    {{ source = {_toml('epaper probe ' + result.url)}, date = {today.isoformat()}, "
        f"note = {_toml(note)} }},"
    )
    lines.append("]")
    entry = "\n".join(lines) + "\n"
    parse_registry(entry, source="epaper probe")  # raises if the entry would not load
    return entry


def _toml(text: str) -> str:
    """A TOML basic string: JSON's string escapes are TOML's.

    >>> print(_toml('某报 "甲"'))
    "某报 \\"甲\\""
    """
    return json.dumps(text, ensure_ascii=False)


def suggested_slug(url: str) -> str:
    """A slug from the URL: the first path segment, else the host's distinctive label.

    >>> suggested_slug("http://paper.people.com.cn/rmrb/pc/layout/202503/31/node_01.html")
    'rmrb'
    >>> suggested_slug("https://epaper.hubeidaily.net/pc/column/202503/31/node_01.html")
    'hubeidaily'
    """
    parts = urlsplit(url)
    first = parts.path.strip("/").split("/", 1)[0]
    if re.fullmatch(r"[a-z][a-z0-9_]{1,15}", first) and first not in {"pc", "html", "content"}:
        return first
    labels = [
        label
        for label in (parts.hostname or "").split(".")
        if label not in {"www", "epaper", "paper", "com", "cn", "net", "org", "gov"}
    ]
    candidate = re.sub(r"[^a-z0-9_]", "", labels[0].lower()) if labels else ""
    return candidate if re.fullmatch(r"[a-z][a-z0-9_]*", candidate) else "paper"


# --- Fetching, bounded and polite -----------------------------------------------------


@dataclass(slots=True)
class PoliteFetcher:
    """At most ``max_requests`` GETs (robots.txt counted), ``delay`` seconds apart, with the
    crawl's user agent, obeying robots.txt unless ``obey_robots`` is off (the paper's slug
    is in ``EPAPER_ROBOTSTXT_IGNORE``)."""

    user_agent: str
    delay: float
    max_requests: int
    timeout: float = 20.0
    obey_robots: bool = True
    requests: list[str] = dataclasses.field(default_factory=list)
    _robots: dict[str, urllib.robotparser.RobotFileParser | None] = dataclasses.field(
        default_factory=dict
    )
    _last: float = 0.0

    def __call__(self, url: str) -> Fetched:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ProbeError(f"not an http(s) URL: {url!r}")
        if not self._allowed(url):
            raise ProbeError(f"robots.txt of {parts.netloc} disallows {url}")
        return self._get(url)

    def _allowed(self, url: str) -> bool:
        if not self.obey_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            robots = self._get(origin + "/robots.txt", missing_ok=True)
            parser: urllib.robotparser.RobotFileParser | None = None
            if robots.status == 200:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(robots.text.splitlines())
            self._robots[origin] = parser  # None: no robots.txt, everything allowed
        parser = self._robots[origin]
        return parser is None or parser.can_fetch(self.user_agent, url)

    def _get(self, url: str, *, missing_ok: bool = False) -> Fetched:
        if len(self.requests) >= self.max_requests:
            raise ProbeError(
                f"stopped after {self.max_requests} requests (--max-requests) before {url}"
            )
        wait = self._last + self.delay - time.monotonic()
        if self.requests and wait > 0:
            time.sleep(wait)
        self.requests.append(url)
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent})  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                return self._answer(answer.geturl(), answer.status, answer.read(), answer.headers)
        except urllib.error.HTTPError as exc:
            return self._answer(exc.geturl() or url, exc.code, exc.read() or b"", exc.headers)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            if missing_ok:
                return Fetched(url, 0, "")
            reason = getattr(exc, "reason", exc)
            raise ProbeError(f"{url} cannot be fetched: {reason}") from None
        finally:
            self._last = time.monotonic()

    @staticmethod
    def _answer(url: str, status: int, body: bytes, headers: Message | None) -> Fetched:
        content_type = headers.get("Content-Type") if headers is not None else None
        text = decode_body(body, charset_from_content_type(content_type)).text
        return Fetched(canonical_url(url), status, text)
