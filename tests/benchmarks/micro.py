"""The optimisations that comments in crawler/ credit to docs/benchmarks.md, old against new.

    python -m tests.benchmarks.micro                       # every claim, best of 7 rounds (~30 s)
    python -m tests.benchmarks.micro --quick               # smoke run: a few pages, 2 rounds
    python -m tests.benchmarks.micro --docs docs/benchmarks.md

Each row times one optimisation on its own, in this process: NEW is the code as it is in
crawler/, called as the crawl calls it; OLD is the version it replaced, rebuilt here from the
commits that made the change (87956d4, 6aa7029) and checked to give the same results as NEW
on every input before anything is timed. Times use timeit's clock with the garbage collector
off, as timeit does; old and new take turns. A call of a millisecond or less on one page
(claims on the extractors) is timed page by page, each page's best of the rounds kept and
averaged; faster calls are timed a whole list at a time, the best round divided by its calls.
The ratio is old ÷ new. Memory is measured with tracemalloc.

Inputs are real pages of the mock site, rendered in-process (no server, no network): one
issue (2025-03-05) of each paper the suite crawls, every page and article of it, decoded as
the spider decodes them. The URLs and text lines the extractors resolve and clean are
recorded while those pages are extracted, and replayed. The database is a SQLite file built
by the project's migrations in a temporary folder. Pin the process as the suite does
(``taskset -c 0 python -m tests.benchmarks.micro``): the figures are only as quiet as the CPU.
``--only`` runs some of the claims: selector, links, label, statements, urls, tracker, writer,
whitespace. (crawler/settings.py's figures, Scrapy's components, come from ``components.py``.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import itertools
import os
import platform
import re
import sys
import tempfile
import timeit
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish

MOCK = "http://127.0.0.1:8000"  # only a name in the pages' URLs: nothing is fetched
NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
DAY = dt.date(2025, 3, 5)
#: The suite's papers: two PaperIndex (lzcb, dzrb), Founder classic (kjrb) and its navi
#: variant (jxrb, in GBK).
PAPERS = ("lzcb", "dzrb", "kjrb", "jxrb")


@dataclass(frozen=True)
class Options:
    rounds: int
    #: Articles kept per paper (None: all of the issue's).
    articles_per_paper: int | None
    #: Statements executed per round (claim 4).
    db_calls: int
    #: URLs in the tracker (claim 6).
    tracker_urls: int
    #: Documents of the runs whose writer caches are copied (claim 7): the suite's archive
    #: (24,753 documents, docs/benchmarks.md) and a backfill of over 200,000 articles.
    run_sizes: tuple[int, ...]


FULL = Options(7, None, 1000, 200_000, (24_753, 250_000))
QUICK = Options(2, 4, 100, 10_000, (24_753,))


# ---------------------------------------------------------------------------------------
# Timing and formatting
# ---------------------------------------------------------------------------------------


def timed(work: Callable[[Any], object], prepared: Any) -> float:
    """Seconds of one call of ``work(prepared)``, the garbage collector off (as timeit does)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        started = timeit.default_timer()
        work(prepared)
        return timeit.default_timer() - started
    finally:
        if enabled:
            gc.enable()


def best_of(rounds: int, work: Callable[[Any], object], prepare: Callable[[], Any] = list) -> float:
    """Seconds of the fastest of ``rounds`` calls of ``work(prepare())`` (prepare untimed)."""
    return min(timed(work, prepare()) for _ in range(rounds))


def best_pair(
    rounds: int,
    old: Callable[[Any], object],
    new: Callable[[Any], object],
    prepare: Callable[[], Any] = list,
) -> tuple[float, float]:
    """:func:`best_of` of ``old`` and of ``new``, their rounds taken in turn.

    Old and new alternate (old first in even rounds), so that a slow spell of the machine
    falls on both.
    """
    best = [float("inf"), float("inf")]
    works = (old, new)
    for n in range(rounds):
        for which in (0, 1) if n % 2 == 0 else (1, 0):
            best[which] = min(best[which], timed(works[which], prepare()))
    return best[0], best[1]


def best_per_item(
    rounds: int,
    items: Sequence[Any],
    old: Callable[[Any], object],
    new: Callable[[Any], object],
    prepare: Callable[[Any], Any] = lambda item: item,
) -> tuple[float, float]:
    """Mean over ``items`` of each one's best time, old and new, taken in turn.

    For calls of a millisecond or less: an item whose call the machine interrupted in one
    round keeps its time from another, which the best of whole rounds cannot do.
    """
    best_old = [float("inf")] * len(items)
    best_new = [float("inf")] * len(items)
    for n in range(rounds):
        for i, item in enumerate(items):
            pairs = ((old, best_old), (new, best_new))
            for work, best in pairs if n % 2 == 0 else pairs[::-1]:
                best[i] = min(best[i], timed(work, prepare(item)))
    return sum(best_old) / len(items), sum(best_new) / len(items)


def duration(seconds: float) -> str:
    """A time in the unit that suits it.

    >>> duration(0.0123), duration(4.56e-5), duration(7.8e-8)
    ('12.3 ms', '45.6 µs', '78 ns')
    """
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.3g} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.3g} µs"
    return f"{seconds * 1e9:.0f} ns"


@dataclass(frozen=True)
class Row:
    where: str
    timed: str
    old: str
    new: str
    ratio: str


def timed_row(where: str, timed: str, old: float, new: float) -> Row:
    return Row(where, timed, duration(old), duration(new), f"{old / new:.2f}×")


@contextlib.contextmanager
def tracing() -> Iterator[Callable[[], int]]:
    """tracemalloc on (unless it already was); yields: bytes traced now."""
    gc.collect()
    started_here = not tracemalloc.is_tracing()
    if started_here:
        tracemalloc.start()
    try:
        yield lambda: tracemalloc.get_traced_memory()[0]
    finally:
        if started_here:
            tracemalloc.stop()


# ---------------------------------------------------------------------------------------
# The mock site's pages
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """One document of the mock site as the spider receives it."""

    slug: str
    kind: str  # issue, page or article
    url: str
    family: str
    body: bytes
    content_type: str
    paper: Any  # crawler.registry.Paper

    def response(self) -> Any:
        """A new Scrapy response of this document (what the downloader hands the spider)."""
        from scrapy.http import HtmlResponse

        headers = {"Content-Type": self.content_type}
        return HtmlResponse(self.url, body=self.body, headers=headers)

    def selector(self) -> Any:
        """The selector the spider gives the extractors (``EpaperSpider._selector``)."""
        from crawler.spiders.epaper import EpaperSpider

        return EpaperSpider._selector(self.response(), self.paper)


def mock_documents(articles_per_paper: int | None) -> list[Doc]:
    """The issue of ``DAY`` of each paper: index, pages, articles, in the order a crawl asks."""
    from crawler.registry import load_registry
    from mocksite.site import MockSite, SiteOptions

    site = MockSite(SiteOptions(base_url=MOCK, papers=PAPERS))
    registry = load_registry()
    docs = []
    for slug in PAPERS:
        paper = registry.get(slug)
        family = paper.era_for(DAY).family
        records = list(site.truth(NOW, papers=(slug,), since=DAY, until=DAY))
        wanted = {"issue": [], "page": [], "article": []}
        for record in records:
            if record["kind"] in wanted and record.get("reachable", True):
                wanted[str(record["kind"])].append(str(record["url"]))
        wanted["article"] = wanted["article"][:articles_per_paper]
        for kind, urls in wanted.items():
            for url in urls:
                response = site.render(urlsplit(url).path, NOW)
                assert response.status == 200, url
                docs.append(
                    Doc(slug, kind, url, family, response.body, response.content_type, paper)
                )
    return docs


def of(docs: Sequence[Doc], kind: str, families: tuple[str, ...]) -> list[Doc]:
    return [d for d in docs if d.kind == kind and d.family in families]


def extract(doc: Doc, selector: Any) -> Any:
    from crawler.extract.families import get_family

    extractor = get_family(doc.family)
    return getattr(extractor, f"extract_{doc.kind}")(selector, doc.url)


@contextlib.contextmanager
def recording(module: Any, name: str, calls: list[tuple[Any, ...]]) -> Iterator[None]:
    """The positional arguments of every call of ``module.name`` go to ``calls`` (calls from
    modules that imported it by name too)."""
    original = getattr(module, name)

    def recorder(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        return original(*args, **kwargs)

    patched = [
        m
        for m in list(sys.modules.values())
        if getattr(m, "__name__", "").startswith("crawler") and getattr(m, name, None) is original
    ]
    for m in patched:
        setattr(m, name, recorder)
    try:
        yield
    finally:
        for m in patched:
            setattr(m, name, original)


# ---------------------------------------------------------------------------------------
# 1. parsel's Selector instead of Scrapy's response.selector (crawler/spiders/epaper.py)
# ---------------------------------------------------------------------------------------


def old_selector(response: Any, paper: Any) -> Any:
    """``EpaperSpider._selector`` before 87956d4."""
    from scrapy.http import TextResponse

    if paper.encoding and isinstance(response, TextResponse):
        response = response.replace(encoding=paper.encoding)
    return response.selector


def tracked_per_article(articles: Sequence[Doc], make: Callable[[Any, Any], Any]) -> float:
    """Objects Scrapy's live-object tracker registers while an article is extracted."""
    from scrapy.utils import trackref

    made = 0
    original = vars(trackref.object_ref)["__new__"]

    def counting(cls: type, *args: Any, **kwargs: Any) -> Any:
        nonlocal made
        made += 1
        return original(cls, *args, **kwargs)

    responses = [doc.response() for doc in articles]  # responses are tracked too: made before
    trackref.object_ref.__new__ = counting
    try:
        for doc, response in zip(articles, responses, strict=True):
            extract(doc, make(response, doc.paper))
    finally:
        trackref.object_ref.__new__ = original
    return made / len(articles)


def claim_selector(docs: Sequence[Doc], opts: Options) -> list[Row]:
    from crawler.items import to_jsonable
    from crawler.spiders.epaper import EpaperSpider

    rows = []
    for families, label in ((("paperindex",), "PaperIndex"), (("founder",), "Founder")):
        articles = of(docs, "article", families)
        for doc in articles:
            old = extract(doc, old_selector(doc.response(), doc.paper))
            assert to_jsonable(old) == to_jsonable(extract(doc, doc.selector())), doc.url

        def run(make: Callable[[Any, Any], Any]) -> Callable[[tuple[Doc, Any]], None]:
            def work(pair: tuple[Doc, Any]) -> None:
                doc, response = pair
                extract(doc, make(response, doc.paper))

            return work

        old, new = best_per_item(
            opts.rounds,
            articles,
            run(old_selector),
            run(EpaperSpider._selector),
            lambda doc: (doc, doc.response()),  # a new response, untimed
        )
        slugs = ", ".join(dict.fromkeys(d.slug for d in articles))
        tracked_old = tracked_per_article(articles, old_selector)
        tracked_new = tracked_per_article(articles, EpaperSpider._selector)
        rows.append(
            Row(
                "Scrapy `response.selector` → parsel `Selector` (spiders/epaper.py `_selector`)",
                f"selector + `extract_article`, per article ({len(articles)} {label} articles:"
                f" {slugs}); saves {100 * (old - new) / old:.1f} % of the old time. Objects"
                f" registered in Scrapy's tracker an article: {tracked_old:.1f} old,"
                f" {tracked_new:.1f} new",
                duration(old),
                duration(new),
                f"{old / new:.2f}×",
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# 2. The holds_chars prefilter of link_by_text and _neighbour
# ---------------------------------------------------------------------------------------


def old_link_by_text(sel: Any, url: str, *words: str) -> str | None:
    """``founder_common.link_by_text`` before 87956d4."""
    from crawler.extract.dom import visible_text
    from crawler.urls import resolve_link

    for link in sel.xpath("//a[@href]"):
        text = visible_text(link)
        if any(word in text for word in words):
            target = resolve_link(link.attrib.get("href"), url)
            if target is not None:
                return target
    return None


def old_neighbour(selector: Any, url: str, word: str) -> str | None:
    """``paperindex._neighbour`` before 87956d4."""
    from crawler.cleaning import strip_template_garbage
    from crawler.extract.dom import visible_text
    from crawler.extract.paperindex import _ARTICLE_HREF
    from crawler.urls import resolve_link

    for node in selector.xpath("//a[@href]"):
        if strip_template_garbage(visible_text(node)).startswith(word):
            target = resolve_link(node.attrib.get("href"), url)
            if target and _ARTICLE_HREF.search(target):
                return target
    return None


def compare_calls(
    opts: Options,
    inputs: list[tuple[Any, str]],
    old: Callable[..., Any],
    new: Callable[..., Any],
    words: tuple[str, ...],
) -> tuple[float, float]:
    """Seconds per page of ``f(sel, url, word)`` for each word, old and new (checked equal)."""
    for sel, url in inputs:
        for word in words:
            assert old(sel, url, word) == new(sel, url, word), (url, word)

    def run(f: Callable[..., Any]) -> Callable[[tuple[Any, str]], None]:
        def work(page: tuple[Any, str]) -> None:
            for word in words:
                f(*page, word)

        return work

    return best_per_item(opts.rounds, inputs, run(old), run(new))


def claim_link_prefilter(docs: Sequence[Doc], opts: Options) -> list[Row]:
    from crawler.extract import paperindex
    from crawler.extract.founder_common import link_by_text

    rows = []
    founder = [(d.selector(), d.url) for d in of(docs, "article", ("founder",))]
    old, new = compare_calls(opts, founder, old_link_by_text, link_by_text, ("上一篇", "下一篇"))
    rows.append(
        timed_row(
            "`holds_chars` prefilter (extract/founder_common.py `link_by_text`)",
            f"上一篇 and 下一篇 of one Founder article ({len(founder)} pages)",
            old,
            new,
        )
    )
    issues = [(d.selector(), d.url) for d in of(docs, "issue", ("founder",))]
    old, new = compare_calls(opts, issues, old_link_by_text, link_by_text, ("上一期", "下一期"))
    rows.append(
        timed_row(
            "`holds_chars` prefilter (extract/founder_common.py `link_by_text`)",
            f"上一期 and 下一期 of one Founder issue index ({len(issues)} pages)",
            old,
            new,
        )
    )
    index = [(d.selector(), d.url) for d in of(docs, "article", ("paperindex",))]
    new_neighbour = paperindex._neighbour
    old, new = compare_calls(opts, index, old_neighbour, new_neighbour, ("上一篇", "下一篇"))
    rows.append(
        timed_row(
            "`holds_chars` prefilter (extract/paperindex.py `_neighbour`)",
            f"上一篇 and 下一篇 of one PaperIndex article ({len(index)} pages)",
            old,
            new,
        )
    )
    return rows


# ---------------------------------------------------------------------------------------
# 3. The contains(., '版') prefilter of the Founder page label
# ---------------------------------------------------------------------------------------

#: ``founder._LABEL_*`` before 87956d4: the same, without ``contains(., '版')``.
OLD_LABEL_CANDIDATES = (
    "//body//*[not(self::a) and not(ancestor::a) and not(.//a) and not(self::script)"
    " and not(.//div | .//td | .//p | .//li | .//table | .//ul)]"
)
OLD_LABEL_TEXTS = (
    "//body//text()[not(ancestor::a) and not(ancestor::script) and not(ancestor::style)]"
)
OLD_LABEL_LINKS = "//a[not(@id='pageLink') and not(@id='pagelink')]"


def old_printed_page_label(selector: Any, *, links: bool = False) -> tuple[str | None, str | None]:
    """``founder.printed_page_label`` before 87956d4 (the body is unchanged; the queries are)."""
    from crawler.cleaning import normalize_whitespace
    from crawler.extract import founder_common as common
    from crawler.extract.dom import visible_text
    from crawler.extract.founder import _LABEL_TEXT

    bare: tuple[str | None, str | None] = (None, None)
    texts = [visible_text(node) for node in selector.xpath(OLD_LABEL_CANDIDATES)]
    texts += selector.xpath(OLD_LABEL_TEXTS).getall()
    if links:
        texts += [visible_text(a) for a in selector.xpath(OLD_LABEL_LINKS)]
    for raw in texts:
        text = normalize_whitespace(raw)
        if len(text) <= 40 and _LABEL_TEXT.match(text):
            number, name = common.page_label(text)
            if number is not None and name is not None:
                return number, name
            if number is not None and bare[0] is None:
                bare = (number, None)
    return bare


def claim_label_prefilter(docs: Sequence[Doc], opts: Options) -> list[Row]:
    from crawler.extract.founder import printed_page_label

    # Founder article pages: the call extract_article makes. (extract_page calls it only for
    # a page missing from its own page list, which no mock page is.)
    inputs = [d.selector() for d in of(docs, "article", ("founder",))]
    for sel in inputs:
        assert old_printed_page_label(sel, links=True) == printed_page_label(sel, links=True)
    old, new = best_per_item(
        opts.rounds,
        inputs,
        lambda sel: old_printed_page_label(sel, links=True),
        lambda sel: printed_page_label(sel, links=True),
    )
    return [
        timed_row(
            "`contains(., '版')` prefilter (extract/founder.py `_LABEL_CANDIDATES`; also"
            " `_LABEL_TEXTS`, `_LABEL_LINKS`)",
            f"`printed_page_label(links=True)` of one Founder article ({len(inputs)} pages)",
            old,
            new,
        )
    ]


# ---------------------------------------------------------------------------------------
# 4. Statements built once (crawler/db/store.py cached_statement, crawler/db/captures.py)
# ---------------------------------------------------------------------------------------


def old_capture_statement(conn: Any, values: dict[str, Any]) -> Any:
    """The statement ``captures.store_capture`` built for every capture before 87956d4."""
    from crawler.db.captures import CAPTURES
    from crawler.db.store import _insert

    stmt = _insert(conn, CAPTURES).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["warc_file", "warc_offset"],
        set_={"warc_record_id": stmt.excluded.warc_record_id},
    )
    return stmt.returning(CAPTURES.c.id)


def capture_values(ref: Any, refers_to_id: int | None) -> dict[str, Any]:
    """The row ``store_capture`` writes for ``ref`` (the same code, then and now)."""
    return {
        "url": ref.url,
        "fetched_at": ref.fetched_at,
        "http_status": ref.http_status,
        "content_type": (ref.content_type or None) and ref.content_type[:200],
        "payload_digest": ref.payload_digest,
        "record_type": ref.record_type,
        "warc_file": ref.warc_file,
        "warc_offset": ref.warc_offset,
        "warc_length": ref.warc_length,
        "warc_record_id": ref.warc_record_id,
        "refers_to_id": refers_to_id,
    }


def old_store_capture(conn: Any, ref: Any, refers_to_id: int | None) -> int:
    """``captures.store_capture`` before 87956d4."""
    values = capture_values(ref, refers_to_id)
    return int(conn.execute(old_capture_statement(conn, values)).scalar_one())


def old_upsert(
    conn: Any,
    table: Any,
    keys: tuple[str, ...],
    values: dict[str, Any],
    *,
    keep: tuple[str, ...] = (),
    fill: tuple[str, ...] = (),
) -> int:
    """``store._upsert`` before 87956d4: a new statement, values inlined, on every call."""
    from sqlalchemy import func

    from crawler.db.store import _insert

    stmt = _insert(conn, table).values(**values)
    changes = {
        k: func.coalesce(stmt.excluded[k], table.c[k]) if k in fill else stmt.excluded[k]
        for k in values
        if k not in keys and k not in keep
    }
    stmt = stmt.on_conflict_do_update(index_elements=list(keys), set_=changes)
    return int(conn.execute(stmt.returning(table.c.id)).scalar_one())


def capture_ref(n: int) -> Any:
    """The ``n``-th response of a crawl, as the archive middleware announces it."""
    from crawler.items import CaptureRef

    return CaptureRef(
        url=f"{MOCK}/lzcb/content/20250305/Articel{n % 100:02d}{n % 997:03d}YT.htm",
        fetched_at=dt.datetime(2025, 3, 31, 4, 0, tzinfo=dt.UTC),
        http_status=200,
        content_type="text/html; charset=utf-8",
        payload_digest=f"sha1:{n:032d}",
        record_type="response",
        warc_file="epaper-20250331040000-00000.warc.gz",
        warc_offset=4096 * n,
        warc_length=3000 + n % 500,
        warc_record_id=f"<urn:uuid:00000000-0000-4000-8000-{n:012d}>",
    )


@contextlib.contextmanager
def old_store_upsert() -> Iterator[None]:
    """``crawler.db.store`` with its ``_upsert`` as before 87956d4 (in this process only)."""
    from crawler.db import store

    current = store._upsert
    store._upsert = old_upsert
    try:
        yield
    finally:
        store._upsert = current


def claim_statements(docs: Sequence[Doc], opts: Options) -> list[Row]:
    from sqlalchemy import select

    from crawler.db import store
    from crawler.db.captures import CAPTURES, store_capture
    from crawler.db.engine import make_engine
    from crawler.db.migrate import upgrade

    where = "statements built once (db/store.py `cached_statement`, db/captures.py)"
    calls = opts.db_calls
    numbers = itertools.count(1)
    pages = [d for d in docs if d.kind == "page"]
    issue_id = 0  # set once the database exists

    def fresh_captures() -> list[Any]:
        return [capture_ref(next(numbers)) for _ in range(calls)]

    def fresh_pages() -> list[dict[str, Any]]:
        # As a crawl stores them: each page once from its issue's page list (an insert),
        # then from the page itself (an update of the same row).
        first = next(numbers) * calls
        values = []
        for n in range(first, first + calls // 2):
            page = pages[n % len(pages)]
            common = {"issue_id": issue_id, "order": n, "number": str(n), "url": page.url}
            values.append({**common, "name": "要闻"})
            values.append({**common, "name": "要闻", "expected_article_count": 5})
        return values

    with tempfile.TemporaryDirectory(prefix="epaper-micro-") as folder:
        url = f"sqlite:///{Path(folder) / 'micro.sqlite3'}"
        upgrade(url)
        engine = make_engine(url)
        try:
            with engine.begin() as conn:
                paper_id = store.upsert_paper(
                    conn, slug="lzcb", name="鲁中晨报", family="paperindex", home_url=MOCK
                )
                issue_id = store.upsert_issue(
                    conn, paper_id=paper_id, date=DAY, url=MOCK, status="complete", crawled_at=NOW
                )

            def in_transaction(work: Callable[[Any, Any], None]) -> Callable[[Any], None]:
                """``work(conn, prepared)`` in one transaction, rolled back afterwards."""

                def run(prepared: Any) -> None:
                    with engine.connect() as conn:
                        conn.begin()
                        work(conn, prepared)
                        conn.rollback()

                return run

            # Old and new return the same ids and leave the same rows.
            sample_captures, sample_pages = fresh_captures()[:20], fresh_pages()[:20]
            results = []
            for patch, capture in (
                (contextlib.nullcontext, store_capture),
                (old_store_upsert, old_store_capture),
            ):
                with engine.connect() as conn, patch():
                    conn.begin()
                    results.append(
                        (
                            [capture(conn, ref, None) for ref in sample_captures],
                            [store.upsert_page(conn, **page) for page in sample_pages],
                            conn.execute(select(CAPTURES).order_by(CAPTURES.c.id)).all(),
                            conn.execute(select(store.PAGES).order_by(store.PAGES.c.id)).all(),
                        )
                    )
                    conn.rollback()
            assert results[0] == results[1], results

            def build_only(refs: list[Any]) -> None:
                with engine.connect() as conn:
                    for ref in refs:
                        old_capture_statement(conn, capture_values(ref, None))._generate_cache_key()

            def execute_cached(conn: Any, refs: list[Any]) -> None:
                stmt = store.cached_statement(("store capture", "sqlite"), _never)
                for ref in refs:
                    conn.execute(stmt, capture_values(ref, None)).scalar_one()

            def captures_with(f: Callable[..., int]) -> Callable[[Any, list[Any]], None]:
                def work(conn: Any, refs: list[Any]) -> None:
                    for ref in refs:
                        f(conn, ref, None)

                return work

            def upsert_pages(conn: Any, values: list[dict[str, Any]]) -> None:
                for page in values:
                    store.upsert_page(conn, **page)

            def upsert_pages_old(conn: Any, values: list[dict[str, Any]]) -> None:
                with old_store_upsert():
                    upsert_pages(conn, values)

            rounds = opts.rounds
            build, execute = best_pair(
                rounds, build_only, in_transaction(execute_cached), fresh_captures
            )
            old, new = best_pair(
                rounds,
                in_transaction(captures_with(old_store_capture)),
                in_transaction(captures_with(store_capture)),
                fresh_captures,
            )
            old_pages, new_pages = best_pair(
                rounds, in_transaction(upsert_pages_old), in_transaction(upsert_pages), fresh_pages
            )
        finally:
            engine.dispose()
    return [
        timed_row(
            where,
            "captures upsert, per row: building the statement and its cache key, as the old"
            " code did per response (old) against executing the cached statement (new): the"
            " comments' “ten times what running it costs”",
            build / calls,
            execute / calls,
        ),
        timed_row(
            where,
            f"`store_capture`, per call: built each time against cached ({calls:,} new rows"
            " a round, one transaction, SQLite file)",
            old / calls,
            new / calls,
        ),
        timed_row(
            where,
            f"`upsert_page`, per call: built each time against cached ({calls:,} calls a"
            " round: each page inserted, then updated)",
            old_pages / calls,
            new_pages / calls,
        ),
    ]


def _never() -> Any:
    raise AssertionError("store_capture has cached its statement already")


# ---------------------------------------------------------------------------------------
# 5. canonical_url's lru_cache (crawler/urls.py)
# ---------------------------------------------------------------------------------------


def claim_canonical_url(docs: Sequence[Doc], opts: Options) -> list[Row]:
    import crawler.urls as urls

    calls: list[tuple[Any, ...]] = []
    selectors = [(doc, doc.selector()) for doc in docs]
    with recording(urls, "_canonical_url", calls):
        for doc, sel in selectors:
            extract(doc, sel)
    uncached = urls._canonical_url.__wrapped__
    for url, base, keep in calls:
        assert urls.canonical_url(url, base, keep_query=keep) == uncached(url, base, keep)

    def cold() -> None:
        urls._canonical_url.cache_clear()

    def new(_: object) -> None:
        for url, base, keep in calls:
            urls.canonical_url(url, base, keep_query=keep)

    def old(_: object) -> None:
        for url, base, keep in calls:
            uncached(url, base, keep)

    old_time, new_time = best_pair(opts.rounds, old, new, cold)
    distinct = len(set(calls))
    return [
        timed_row(
            "`lru_cache` (urls.py `canonical_url`)",
            f"one call, replaying the {len(calls):,} calls that extracting the {len(docs)} "
            f"pages makes ({distinct:,} distinct, cache empty at the start)",
            old_time / len(calls),
            new_time / len(calls),
        )
    ]


# ---------------------------------------------------------------------------------------
# 6. One key tuple per issue in the tracker (crawler/tracking.py)
# ---------------------------------------------------------------------------------------


def issue_shapes(docs: Sequence[Doc]) -> list[list[int]]:
    """Articles on each page of each mock issue: how a crawl's URLs arrive at the tracker."""
    from crawler.items import PageContent

    shapes = []
    for slug in PAPERS:
        pages = [d for d in docs if d.slug == slug and d.kind == "page"]
        counts = []
        for doc in pages:
            content: PageContent = extract(doc, doc.selector())
            counts.append(len(content.articles))
        shapes.append(counts)
    return shapes


def tracker_bytes(total: int, shapes: list[list[int]], *, old: bool, per: str) -> float:
    """Bytes per URL a tracker holds after ``total`` URLs, its issues finished one by one.

    Keys are made as ``per`` says: ``url`` a new tuple for every URL, ``response`` one per
    response that asks for URLs, as the spider builds them: one for the issue index, one
    for the pages it lists, one for each page's articles.
    """
    from crawler.tracking import CrawlTracker

    class OldTracker(CrawlTracker):
        def expect(self, key: Any, url: str) -> bool:  # before 87956d4
            if url in self._owner:
                return False
            self._owner[url] = key
            progress = self.issue(key)
            progress.closed = False
            progress.pending[url] = "article"
            return True

    # Every URL and date exists before the count starts: only what the tracker keeps counts.
    plans = []
    made = 0
    for n in itertools.count():
        slug = PAPERS[n % len(PAPERS)]
        day = DAY - dt.timedelta(days=n // len(PAPERS))
        base = f"{MOCK}/{slug}/content/{day:%Y%m%d}/"
        groups = [[base + "IssueIndex.htm"]]
        counts = shapes[n % len(shapes)]
        groups.append([f"{base}Page{p:02d}.htm" for p in range(1, len(counts) + 1)])
        groups += [
            [f"{base}Articel{p:02d}{a:03d}.htm" for a in range(1, count + 1)]
            for p, count in enumerate(counts, 1)
        ]
        plans.append((slug, day, groups))
        made += sum(len(g) for g in groups)
        if made >= total:
            break
    tracker = OldTracker() if old else CrawlTracker()
    with tracing() as traced:
        start = traced()
        for slug, day, groups in plans:
            for group in groups:
                key = (slug, day)
                for url in group:
                    tracker.expect((slug, day) if per == "url" else key, url)
            for group in groups:
                for url in group:
                    tracker.resolve(url)
        held = traced() - start
    return held / made


def claim_tracker(docs: Sequence[Doc], opts: Options) -> list[Row]:
    shapes = issue_shapes(docs)
    rows = []
    urls = opts.tracker_urls
    for per, how in (
        ("url", "a new key tuple for every URL (the bound)"),
        ("response", "a new key tuple per response, as the spider makes them"),
    ):
        old = tracker_bytes(urls, shapes, old=True, per=per)
        new = tracker_bytes(urls, shapes, old=False, per=per)
        rows.append(
            Row(
                "one key tuple per issue (tracking.py `expect`)",
                f"memory of the tracker after {urls:,} URLs of finished issues, bytes per URL;"
                f" {how}",
                f"{old:.1f} B",
                f"{new:.1f} B",
                f"{old / new:.2f}× ({old - new:.1f} B a URL less)",
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# 7. Writer caches cleared on rollback instead of copied before each batch (db/writer.py)
# ---------------------------------------------------------------------------------------


def run_mix(shapes: list[list[int]]) -> tuple[float, float]:
    """(issues, pages) per document of a crawl of the mock issues (the rest are articles)."""
    documents = sum(1 + len(counts) + sum(counts) for counts in shapes)
    return len(shapes) / documents, sum(len(counts) for counts in shapes) / documents


def writer_caches(documents: int, shapes: list[list[int]]) -> tuple[dict[Any, int], ...]:
    """(issues, pages, captures) as the old writer held them after a run of ``documents``.

    The old caches were never trimmed: one id for each issue, page and capture stored (a
    capture for every response), in the proportions of the mock issues.
    """
    issue_share, page_share = run_mix(shapes)
    warc_files = [f"epaper-20250331040000-{n:05d}.warc.gz" for n in range(documents // 5000 + 1)]
    numbers = [f"{n:02d}" for n in range(1, 100)]
    issues = {
        (1 + n % 4, DAY - dt.timedelta(days=n // 4), ""): n + 1
        for n in range(max(1, round(documents * issue_share)))
    }
    pages = {(1 + n // 10, numbers[n % 10]): n + 1 for n in range(round(documents * page_share))}
    captures = {(warc_files[n // 5000], 3000 * n): n + 1 for n in range(documents)}
    return issues, pages, captures


def claim_writer(docs: Sequence[Doc], opts: Options) -> list[Row]:
    from crawler.db.writer import CACHED_IDS, _trim
    from crawler.settings import EPAPER_STORE_BATCH_SIZE

    rows = []
    shapes = issue_shapes(docs)
    # What one batch adds: of its items about half are captures (one per response, each
    # with the item of its page or article).
    per_batch_captures = EPAPER_STORE_BATCH_SIZE // 2
    per_batch_pages = max(1, round(per_batch_captures * run_mix(shapes)[1]))
    for documents in opts.run_sizes:
        issues, pages, captures = writer_caches(documents, shapes)

        def copy(_: object, i: Any = issues, p: Any = pages, c: Any = captures) -> None:
            dict(i), dict(p), dict(c)

        def full(n: int, start: int, key: Callable[[int], Any]) -> dict[Any, int]:
            return {key(k): k for k in range(start, start + n)}

        def trimmed() -> list[tuple[dict[Any, int], dict[Any, int]]]:
            # The new writer's caches after a batch: CACHED_IDS kept, one batch's ids added.
            return [
                (
                    full(CACHED_IDS + per_batch_pages, 0, lambda k: (k // 10, f"{k % 10:02d}")),
                    full(CACHED_IDS + per_batch_captures, 0, lambda k: ("w.warc.gz", k)),
                )
                for _ in range(20)
            ]

        def trim(caches: list[tuple[dict[Any, int], dict[Any, int]]]) -> None:
            for page_ids, capture_ids in caches:
                _trim(page_ids, CACHED_IDS)
                _trim(capture_ids, CACHED_IDS)

        old = best_of(opts.rounds, copy)
        new = best_of(opts.rounds, trim, trimmed) / 20
        with tracing() as traced:
            start = traced()
            copies = (dict(issues), dict(pages), dict(captures))
            copied = traced() - start
        del copies
        sizes = f"{len(issues):,} issues, {len(pages):,} pages, {len(captures):,} captures"
        rows.append(
            Row(
                "caches cleared on rollback, not copied per batch (db/writer.py `write`)",
                f"per batch, at the end of a run of {documents:,} documents ({sizes}): copying"
                f" the old caches ({copied / 2**20:.1f} MiB held during the batch) against the"
                f" new writer's per-batch `_trim` to {CACHED_IDS:,}",
                duration(old),
                duration(new),
                f"{old / new:.0f}×",
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# 8. normalize_whitespace (crawler/cleaning.py)
# ---------------------------------------------------------------------------------------

_SPACE_RUN = re.compile(r"\s+")


def old_normalize_whitespace(text: str) -> str:
    """``cleaning.normalize_whitespace`` before 6aa7029."""
    from crawler.cleaning import _ZERO_WIDTH_TABLE

    return _SPACE_RUN.sub(" ", text.translate(_ZERO_WIDTH_TABLE)).strip()


def claim_whitespace(docs: Sequence[Doc], opts: Options) -> list[Row]:
    import crawler.cleaning as cleaning
    from crawler.cleaning import ZERO_WIDTH, normalize_whitespace

    articles = of(docs, "article", ("paperindex", "founder"))
    selectors = [(doc, doc.selector()) for doc in articles]
    calls: list[tuple[Any, ...]] = []
    with recording(cleaning, "normalize_whitespace", calls):
        for doc, sel in selectors:
            extract(doc, sel)
    lines = [args[0] for args in calls]
    for line in lines:
        assert old_normalize_whitespace(line) == normalize_whitespace(line), line
    zero_width = sum(any(c in line for c in ZERO_WIDTH) for line in lines)
    long = [line for line in lines if len(line) >= 40]
    # Not a mock page's text: each line with a zero-width space in its middle, the case
    # where the new code still translates.
    marked = [line[: len(line) // 2] + "\u200b" + line[len(line) // 2 :] for line in lines]
    for line in marked:
        assert old_normalize_whitespace(line) == normalize_whitespace(line), line
    every = (
        f"every one of the {len(lines):,} calls made while extracting {len(articles)} articles"
        f" ({zero_width} hold a zero-width character)"
    )
    marked_what = (
        "the same calls, each line with a U+200B put in its middle (not mock text: the path"
        " that still translates)"
    )
    rows = []
    for inputs, what in (
        (lines, every),
        (long, f"the {len(long):,} of those of 40 characters or more"),
        (marked, marked_what),
    ):

        def run(_: object, f: Callable[[str], str], inputs: list[str] = inputs) -> None:
            for line in inputs:
                f(line)

        old, new = best_pair(
            opts.rounds,
            lambda p: run(p, old_normalize_whitespace),
            lambda p: run(p, normalize_whitespace),
        )
        rows.append(
            timed_row(
                "split/join, translate only when needed (cleaning.py `normalize_whitespace`)",
                f"one line: {what}",
                old / len(inputs),
                new / len(inputs),
            )
        )
    return rows


# ---------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------


def versions() -> str:
    from importlib.metadata import version

    libs = ", ".join(f"{n} {version(n)}" for n in ("scrapy", "parsel", "lxml", "sqlalchemy"))
    cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0)))
    return f"Python {platform.python_version()}, {libs}; CPUs {cpus}"


def report(rows: Sequence[Row], command: str, opts: Options, docs: Sequence[Doc]) -> str:
    counts = {k: sum(d.kind == k for d in docs) for k in ("issue", "page", "article")}
    lines = [
        (
            f"Measured {dt.datetime.now().astimezone():%Y-%m-%d %H:%M}, `{command}` (best of "
            f"{opts.rounds} rounds; {versions()}). Inputs: the mock site's {', '.join(PAPERS)} "
            f"of {DAY}, rendered in-process: {counts['issue']} issue indexes, "
            f"{counts['page']} pages, {counts['article']} articles."
        ),
        "",
        "| optimisation (where) | what is timed | old | new | ratio |",
        "|---|---|---:|---:|---:|",
    ]
    lines += [f"| {r.where} | {r.timed} | {r.old} | {r.new} | {r.ratio} |" for r in rows]
    return "\n".join(lines) + "\n"


CLAIMS: dict[str, Callable[[Sequence[Doc], Options], list[Row]]] = {
    "selector": claim_selector,
    "links": claim_link_prefilter,
    "label": claim_label_prefilter,
    "statements": claim_statements,
    "urls": claim_canonical_url,
    "tracker": claim_tracker,
    "writer": claim_writer,
    "whitespace": claim_whitespace,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("micro", __doc__)
    parser.add_argument("--quick", action="store_true", help="a smoke run: few inputs, 2 rounds")
    parser.add_argument("--rounds", type=int, help="rounds of each timing (best kept)")
    parser.add_argument(
        "--only",
        help=f"comma-separated claims to run, of: {', '.join(CLAIMS)} (default: all)",
    )
    add_docs_option(parser, "micro")
    args = parser.parse_args(argv)
    opts = QUICK if args.quick else FULL
    if args.rounds:
        opts = dataclasses.replace(opts, rounds=args.rounds)
    names = args.only.split(",") if args.only else list(CLAIMS)
    unknown = [n for n in names if n not in CLAIMS]
    if unknown:
        parser.error(f"unknown claims: {', '.join(unknown)}")
    docs = mock_documents(opts.articles_per_paper)
    rows = []
    for name in names:
        rows += CLAIMS[name](docs, opts)
        print(f"  {name}: done", file=sys.stderr, flush=True)
    text = report(rows, invocation(parser, argv), opts, docs)
    print(text)
    if args.docs:
        try:
            publish("micro", text, args.docs)
        except (OSError, ValueError) as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
