"""The data every layer shares: what extraction returns, what the mock site's ground truth
lists, and what the storage pipeline turns into rows.

All are frozen dataclasses of plain values (str, int, date, tuples), so they compare
field by field, hash, and serialise to JSON with :func:`to_jsonable`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

# ---------------------------------------------------------------------------------------
# Parts
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Author:
    """One person or agency in a byline.

    ``role`` is one of :data:`ROLES`; an agency (新华社, 中新社) has role ``通讯社``
    and its name as ``name``, and so does a commentator's signature that names nobody
    (``本报评论员``: role ``评论员``). One person can be two authors: a credited
    photographer keeps the stated role (记者 and 摄影).
    """

    name: str
    role: str


#: Roles a byline can give, normalised (本报记者 → 记者, 摄 → 摄影, 本报评论员 → 评论员, …).
ROLES = ("记者", "特约记者", "通讯员", "实习生", "摄影", "编辑", "通讯社", "作者", "评论员")


@dataclass(frozen=True, slots=True)
class Image:
    """An article image: absolute URL and its caption as printed (cleaned), if any."""

    url: str
    caption: str | None = None


@dataclass(frozen=True, slots=True)
class Dateline:
    """The dateline that opens a lede: ``淄博10月19日讯`` → place 淄博, month 10, day 19.

    ``agency`` is set for wire copy (``新华社北京10月19日电`` → agency 新华社, place 北京).
    ``text`` is the dateline as printed, without the trailing 讯/电.
    """

    text: str
    place: str | None
    month: int | None
    day: int | None
    agency: str | None = None


@dataclass(frozen=True, slots=True)
class Continuation:
    """A pointer to the rest of an article: 下转第X版 / 参见第X版 or a ``content_N_2`` part."""

    kind: str  # "page" (another page of the issue) or "part" (next part of the same article)
    page_number: str | None
    url: str | None


# ---------------------------------------------------------------------------------------
# What extraction returns, one type per kind of document
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageRef:
    """A page (版) as listed by an issue's page list (版面导航)."""

    order: int  # 1-based position in the page list
    number: str  # as printed: "05", "A01"
    name: str | None  # "淄博", "要闻"; None when the site prints none
    url: str  # absolute, canonical
    pdf_url: str | None = None
    image_url: str | None = None


@dataclass(frozen=True, slots=True)
class IssueIndex:
    """An issue's index page: its date, its page list, and 上一期/下一期."""

    date: dt.date
    pages: tuple[PageRef, ...]
    prev_issue_url: str | None = None
    next_issue_url: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """A link from a page to an article (title list or image hotspot)."""

    url: str  # absolute, canonical (query string such as ``?div=-1`` stripped)
    title: str | None = None


@dataclass(frozen=True, slots=True)
class PageContent:
    """A page (版): its label, its articles in reading order, and its files."""

    number: str | None
    name: str | None
    articles: tuple[ArticleRef, ...]
    pdf_url: str | None = None
    image_url: str | None = None
    pages: tuple[PageRef, ...] = ()  # the issue's page list when the page prints it


@dataclass(frozen=True, slots=True)
class Article:
    """A clean article, as extraction returns it and the ground truth lists it."""

    url: str  # absolute, canonical
    title: str
    kicker: str | None = None  # 引题
    subtitle: str | None = None  # 副题
    byline: str | None = None  # as printed (cleaned of whitespace), e.g. "本报记者 张三 李四"
    authors: tuple[Author, ...] = ()
    dateline: Dateline | None = None
    paragraphs: tuple[str, ...] = ()  # body, subheads kept as their own paragraphs
    images: tuple[Image, ...] = ()
    prev_url: str | None = None  # 上一篇
    next_url: str | None = None  # 下一篇
    continuations: tuple[Continuation, ...] = ()
    page_number: str | None = None  # as the article page prints it
    page_name: str | None = None
    date: dt.date | None = None  # as the article page prints it

    @property
    def body(self) -> str:
        """The body as stored: paragraphs joined by a newline.

        >>> Article(url="u", title="t", paragraphs=("甲。", "乙。")).body
        '甲。\\n乙。'
        """
        return "\n".join(self.paragraphs)


# ---------------------------------------------------------------------------------------
# Serialisation
# ---------------------------------------------------------------------------------------


def to_jsonable(value: Any) -> Any:
    """Plain JSON-ready data from items: dates as ISO strings, tuples as lists.

    >>> to_jsonable(Author(name="张三", role="记者"))
    {'name': '张三', 'role': '记者'}
    >>> to_jsonable({"d": dt.date(2021, 10, 20), "t": (1, 2)})
    {'d': '2021-10-20', 't': [1, 2]}
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------------
# The raw archive: where a response's bytes are kept (crawler.warc, crawler.archive)
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaptureRef:
    """One archived HTTP response: its WARC record's place and what it held.

    ``(warc_file, warc_offset)`` names the record; ``warc_file`` is relative to
    ``EPAPER_WARC_DIR``. A ``revisit`` record holds no payload: ``refers_to_file`` and
    ``refers_to_offset`` name the ``response`` record with the identical payload.
    """

    url: str
    fetched_at: dt.datetime  # the record's WARC-Date, UTC
    http_status: int
    content_type: str | None
    payload_digest: str  # "sha1:BASE32", the record's WARC-Payload-Digest
    record_type: str  # "response" or "revisit"
    warc_file: str
    warc_offset: int
    warc_length: int  # of the gzip member holding the record
    warc_record_id: str  # "<urn:uuid:...>"
    refers_to_file: str | None = None
    refers_to_offset: int | None = None


# ---------------------------------------------------------------------------------------
# What the spider yields to the storage pipeline
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueItem:
    """An issue found: its index page and page count."""

    paper: str  # registry slug
    date: dt.date
    url: str
    page_count: int
    edition: str = ""
    capture: CaptureRef | None = None  # the response it was extracted from


@dataclass(frozen=True, slots=True)
class PageItem:
    """A page of an issue, with the number of distinct articles it links to."""

    paper: str
    date: dt.date
    page: PageRef
    article_count: int | None  # None: known from the page list only (not fetched yet)
    edition: str = ""
    capture: CaptureRef | None = None  # the response it was extracted from


@dataclass(frozen=True, slots=True)
class ArticleItem:
    """An article extracted from its page, with where it was found."""

    paper: str
    date: dt.date
    article: Article
    page_number: str | None = None  # the page (版) that links to it
    order: int | None = None  # position on that page, 1-based
    source_id: str | None = None
    edition: str = ""
    capture: CaptureRef | None = None  # the response it was extracted from


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A URL of an issue that could not be fetched or parsed, and why."""

    url: str
    reason: str  # short and stable: "http 404", "timeout", "truncated", "parse: no title", ...
    kind: str = "article"  # "issue", "page" or "article"
    page_number: str | None = None  # for an article: the page (版) that lists it


@dataclass(frozen=True, slots=True)
class IssueOutcome:
    """The end of an issue's crawl: complete when nothing failed, else partial.

    ``none`` is a date without an issue, and ``reason`` says how that was known:
    ``calendar`` (the site's calendar does not list it), ``404`` (its index answers 404
    and nothing listed it), ``soft-404`` (a 200 page the registry's ``soft_404`` matches),
    the paper's gone status such as ``403``, or ``outside window`` (before the archive's
    first issue or its rolling window: never requested). ``missing`` (listed, but its
    index answers so) carries the index's reason too.
    """

    paper: str
    date: dt.date
    status: str  # "complete" | "partial" | "missing" | "none"
    failures: tuple[FetchFailure, ...] = ()
    url: str | None = None
    edition: str = ""
    reason: str | None = None  # for "none" and "missing": what said there is no issue


@dataclass(frozen=True, slots=True)
class CaptureItem:
    """An archived response to list in ``captures``, whether or not any row came from it."""

    capture: CaptureRef


@dataclass(frozen=True, slots=True)
class FileItem:
    """A page PDF (``kind`` "pdf") or an article image (``kind`` "image") that was downloaded.

    ``url`` is the link as the page or article gave it (``pages.pdf_url``,
    ``article_images.url``). ``body`` travels only as far as the file store, which sets
    ``path`` (relative to ``EPAPER_FILES_DIR``) and drops it.
    """

    paper: str
    date: dt.date
    kind: str  # "pdf" or "image"
    url: str
    capture: CaptureRef | None = None
    content_type: str | None = None
    path: str | None = None
    body: bytes = dataclasses.field(default=b"", repr=False, compare=False)
    edition: str = ""
