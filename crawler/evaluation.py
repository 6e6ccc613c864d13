"""Extraction quality in numbers: the crawler's extractors run over the mock site's pages,
compared field by field with its ground truth, as exact-match rates per family × field.

Usage::

    site = MockSite(SiteOptions(seed=0))
    report = evaluate(site, now, [Selection("lzcb", since, until)])
    breaches = check_floors(report, load_floors())

No network and no server: each page is rendered in-process by
:meth:`mocksite.site.MockSite.render`, wrapped in a Scrapy response, decoded and
selected the way :class:`crawler.spiders.epaper.EpaperSpider` does, and handed to the
family's extractor. The walk starts at the registry's entry URL of each issue, so a
registry entry that does not match the site shows up as a miss, like it would in a crawl.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from parsel import Selector
from scrapy.http import HtmlResponse

from crawler.errors import ConfigurationError, EpaperError
from crawler.extract.families import family_names, get_family
from crawler.extract.parts import merge_parts
from crawler.items import Article, ArticleRef, IssueIndex, PageRef, to_jsonable
from crawler.spiders.epaper import EpaperSpider
from crawler.urls import canonical_url

if TYPE_CHECKING:
    from crawler.registry import Paper, Registry
    from mocksite.site import MockSite

#: What an issue is scored on: the date it prints, its page list (order, number, name, URL)
#: and the set of articles a walk of its pages reaches (neither fewer nor more than the truth).
ISSUE_FIELDS = ("issue.date", "issue.pages", "issue.articles")
#: What a page is scored on: the page row the crawler stores, and its article links in order.
PAGE_FIELDS = (
    "page.number",
    "page.name",
    "page.url",
    "page.pdf_url",
    "page.image_url",
    "page.articles",
)
#: Every field of :class:`crawler.items.Article`.
ARTICLE_FIELDS = tuple(f"article.{f.name}" for f in dataclasses.fields(Article))
FIELDS = ISSUE_FIELDS + PAGE_FIELDS + ARTICLE_FIELDS

#: The issue's bar (GitHub issue 4): no floor may be lower than this.
MINIMUM_FLOOR = 0.999
#: The floors shipped with the package, read as a package resource (a wheel or zip too).
FLOORS_RESOURCE = "eval_floors.toml"

#: What a mismatch example prints of a long value.
_EXAMPLE_CHARS = 240


# ---------------------------------------------------------------------------------------
# Data
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Selection:
    """One paper's days to evaluate, inclusive."""

    paper: str
    since: dt.date
    until: dt.date


@dataclass(frozen=True, slots=True)
class Score:
    """Exact matches out of the values compared for one family × field."""

    matched: int = 0
    total: int = 0

    @property
    def rate(self) -> float:
        """The share of exact matches; 1.0 when nothing was compared.

        >>> Score(999, 1000).rate
        0.999
        """
        return self.matched / self.total if self.total else 1.0

    def add(self, ok: bool) -> Score:
        """This score with one more comparison.

        >>> Score().add(True).add(False)
        Score(matched=1, total=2)
        """
        return Score(self.matched + ok, self.total + 1)


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One value the extraction got wrong: where, and the expected and extracted values."""

    family: str
    field: str
    url: str
    want: Any
    got: Any


@dataclass(frozen=True, slots=True)
class Tally:
    """How much of a family the evaluation saw."""

    issues: int = 0
    pages: int = 0
    articles: int = 0


@dataclass(frozen=True, slots=True)
class EvalReport:
    """Scores per (family, field), mismatch examples and what was evaluated."""

    scores: Mapping[tuple[str, str], Score]
    mismatches: tuple[Mismatch, ...]
    tallies: Mapping[str, Tally]
    selections: tuple[Selection, ...] = ()

    @property
    def families(self) -> tuple[str, ...]:
        """The families measured, in the order of the family list first."""
        found = {family for family, _ in self.scores}
        known = [f for f in family_names() if f in found]
        return tuple(known + sorted(found - set(known)))

    def score(self, family: str, name: str) -> Score:
        return self.scores.get((family, name), Score())


@dataclass(frozen=True, slots=True)
class Breach:
    """A measured rate below its floor."""

    family: str
    field: str
    rate: float
    floor: float
    score: Score

    def __str__(self) -> str:
        return (
            f"{self.family} {self.field}: {format_rate(self.rate)} "
            f"({self.score.matched}/{self.score.total}) is below its floor "
            f"{format_rate(self.floor)}"
        )


@dataclass(frozen=True, slots=True)
class Check:
    """One comparison of an extracted value with the truth."""

    field: str
    ok: bool
    url: str
    want: Any
    got: Any


# ---------------------------------------------------------------------------------------
# The ground truth of one issue
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssueTruth:
    """An issue's truth records: the issue, its pages, each page's links and its articles.

    ``listed`` gives, per page URL, the article URLs its title list prints in order, with
    the truth's title (None for a link that answers 404: the truth has no record of it).
    """

    paper: str
    date: dt.date
    url: str
    pages: tuple[dict[str, Any], ...]
    listed: Mapping[str, tuple[tuple[str, str | None], ...]]
    articles: tuple[dict[str, Any], ...]


def group_truth(records: Iterable[Mapping[str, Any]]) -> Iterator[IssueTruth]:
    """Truth records (as :func:`mocksite.truth.records` yields them) grouped by issue.

    The records come issue by issue, each page followed by its articles and the links of
    it that answer 404, in title-list order: that order gives each page's link list.
    """
    current: dict[str, Any] | None = None
    for record in records:
        kind = record["kind"]
        if kind == "issue":
            if current is not None:
                yield _freeze_truth(current)
            current = {"issue": record, "pages": [], "listed": {}, "articles": []}
            page_url = None
        elif current is None or record.get("date") != current["issue"]["date"]:
            continue  # paper records, and an unreachable issue (no issue record)
        elif kind == "page":
            current["pages"].append(record)
            page_url = record["url"]
            current["listed"][page_url] = []
        elif kind == "article":
            current["articles"].append(record)
            current["listed"][page_url].append((record["url"], record["title"]))
        elif kind == "unreachable" and record["reason"] == "missing_article":
            current["listed"][page_url].append((record["url"], None))
    if current is not None:
        yield _freeze_truth(current)


def _freeze_truth(draft: dict[str, Any]) -> IssueTruth:
    issue = draft["issue"]
    return IssueTruth(
        paper=issue["paper"],
        date=dt.date.fromisoformat(issue["date"]),
        url=issue["url"],
        pages=tuple(draft["pages"]),
        listed={url: tuple(links) for url, links in draft["listed"].items()},
        articles=tuple(draft["articles"]),
    )


# ---------------------------------------------------------------------------------------
# The walk: issue → pages → articles, as the spider does it
# ---------------------------------------------------------------------------------------


@dataclass(slots=True)
class IssueWalk:
    """What extraction made of one issue, keyed by canonical URL; errors say why not."""

    paper: str
    date: dt.date
    family: str
    url: str
    index: IssueIndex | None = None
    error: str | None = None
    pages: dict[str, PageRef] = field(default_factory=dict)
    links: dict[str, tuple[ArticleRef, ...]] = field(default_factory=dict)
    page_errors: dict[str, str] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    article_errors: dict[str, str] = field(default_factory=dict)


class MockFetcher:
    """Pages of the mock site as the spider sees them: a Scrapy response, decoded, selected."""

    def __init__(self, site: MockSite, now: dt.datetime, paper: Paper) -> None:
        self.site = site
        self.now = now
        self.paper = paper
        self.origin = urlsplit(site.options.base_url)

    def fetch(self, url: str) -> Selector:
        """The selector of ``url``; :class:`FetchError` when it does not answer 200."""
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self.origin.scheme, self.origin.netloc):
            raise FetchError(f"off-site URL {url}")
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        answer = self.site.render(path, self.now)
        if answer.status != 200:
            raise FetchError(f"http {answer.status}")
        response = HtmlResponse(
            url=url, status=answer.status, headers=dict(answer.headers), body=answer.body
        )
        # Decoded and parsed as the spider does it (EpaperSpider._selector): one decoder
        # everywhere, strict, so the evaluation reads the text the crawl stores.
        return EpaperSpider._selector(response, self.paper)


class FetchError(EpaperError):
    """A URL of the walk that the mock site does not answer with a page."""


def walk_issue(fetcher: MockFetcher, day: dt.date, override: str) -> IssueWalk:
    """Extract an issue from its registry entry URL: the page list, every page, every article
    linked from a page or reached by 上一篇/下一篇, long articles' parts merged in."""
    paper = fetcher.paper
    family = paper.era_for(day).family
    extractor = get_family(family)
    url = canonical_url(paper.issue_url(day, override))
    walk = IssueWalk(paper=paper.slug, date=day, family=family, url=url)
    first = url  # the issue's first page: the entry, or where its refresh stub forwards
    try:
        entry = fetcher.fetch(url)
        forward = extractor.issue_refresh(entry, url) if extractor.issue_refresh else None
        if forward is not None:
            # As the spider does (EpaperSpider._forward_issue): the stub names the first page.
            first = canonical_url(forward)
            entry = fetcher.fetch(first)
        walk.index = extractor.extract_issue(entry, first)
    except (ValueError, EpaperError) as exc:
        # Named with its URL: a registry entry the site does not serve shows up here.
        walk.error = f"{_reason(exc)} at {url}"
        return walk
    queue: list[str] = []
    for ref in walk.index.pages:
        page_url = canonical_url(ref.url)
        if page_url in walk.pages or page_url in walk.page_errors:
            continue
        try:
            selector = entry if page_url == first else fetcher.fetch(page_url)
            content = extractor.extract_page(selector, page_url)
        except (ValueError, EpaperError) as exc:
            walk.page_errors[page_url] = _reason(exc)
            continue
        # The row the spider stores: the page list's values, the page's own where it has none.
        walk.pages[page_url] = dataclasses.replace(
            ref,
            url=page_url,
            pdf_url=ref.pdf_url or content.pdf_url,
            image_url=ref.image_url or content.image_url,
        )
        walk.links[page_url] = content.articles
        queue.extend(canonical_url(link.url) for link in content.articles)
    seen: set[str] = set()
    while queue:
        article_url = queue.pop(0)
        if article_url in seen:
            continue
        seen.add(article_url)
        try:
            article = _whole_article(fetcher, family, article_url)
        except (ValueError, EpaperError) as exc:
            walk.article_errors[article_url] = _reason(exc)
            continue
        walk.articles[article_url] = article
        # 上一篇/下一篇 reach articles that the lists and hotspots missed, as in a crawl.
        queue.extend(
            canonical_url(neighbour)
            for neighbour in (article.prev_url, article.next_url)
            if neighbour and extractor.date_in_url(neighbour) in (None, day)
        )
    return walk


def _whole_article(fetcher: MockFetcher, family: str, url: str) -> Article:
    """An article with its continuation parts appended, as the spider stores it."""
    extractor = get_family(family)
    article = extractor.extract_article(fetcher.fetch(url), url)
    if not article.title:
        raise FetchError("no title")
    parts = [canonical_url(c.url) for c in article.continuations if c.kind == "part" and c.url]
    for part_url in [u for u in parts if u != url]:
        article = merge_parts(article, extractor.extract_article(fetcher.fetch(part_url), part_url))
    return article


def _reason(exc: Exception) -> str:
    return str(exc) if isinstance(exc, FetchError) else f"parse: {exc}"


# ---------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------


def score_issue(walk: IssueWalk, truth: IssueTruth) -> Iterator[Check]:
    """Every comparison of an issue: issue fields, then each page's, then each article's."""
    index = walk.index
    failed = f"<{walk.error}>" if walk.error else None
    yield _check(
        "issue.date",
        truth.url,
        truth.date.isoformat(),
        _iso(index.date if index else None) or failed,
    )
    want_pages = [[p["order"], p["number"], p["name"], p["url"]] for p in truth.pages]
    got_pages = (
        [[p.order, p.number, p.name, canonical_url(p.url)] for p in index.pages]
        if index
        else failed
    )
    yield _check("issue.pages", truth.url, want_pages, got_pages)
    want_articles = sorted(a["url"] for a in truth.articles)
    yield _check(
        "issue.articles", truth.url, want_articles, sorted(walk.articles) if index else failed
    )
    for record in truth.pages:
        if record["reachable"]:
            yield from score_page(walk, record, truth.listed.get(record["url"], ()))
    for record in truth.articles:
        got = walk.articles.get(record["url"])
        error = walk.article_errors.get(record["url"], "not reached")
        yield from score_article(got, record, error)


def score_page(
    walk: IssueWalk, record: Mapping[str, Any], listed: Sequence[tuple[str, str | None]]
) -> Iterator[Check]:
    """The stored page row and its article links against a truth page record."""
    url = record["url"]
    ref = walk.pages.get(url)
    if ref is None:
        got: Any = f"<{walk.page_errors.get(url, walk.error or 'not in the page list')}>"
        for name in PAGE_FIELDS:
            want = [list(link) for link in listed] if name == "page.articles" else record[name[5:]]
            yield _check(name, url, want, got)
        return
    yield _check("page.number", url, record["number"], ref.number)
    yield _check("page.name", url, record["name"], ref.name)
    yield _check("page.url", url, record["url"], ref.url)
    yield _check("page.pdf_url", url, record["pdf_url"], ref.pdf_url)
    yield _check("page.image_url", url, record["image_url"], ref.image_url)
    links = [[canonical_url(link.url), link.title] for link in walk.links.get(url, ())]
    # A link that answers 404 has no truth record, so no title to hold the page to.
    want_links = [
        [link_url, title if title is not None else _title_at(links, index, link_url)]
        for index, (link_url, title) in enumerate(listed)
    ]
    yield _check("page.articles", url, want_links, links)


def _title_at(links: Sequence[list[Any]], index: int, url: str) -> Any:
    """The extracted title at ``index`` when its URL is ``url``, else None."""
    if index < len(links) and links[index][0] == url:
        return links[index][1]
    return None


def score_article(
    got: Article | None, record: Mapping[str, Any], error: str = "not reached"
) -> Iterator[Check]:
    """Every :class:`Article` field of ``got`` against a truth article record.

    >>> record = to_jsonable(Article(url="u", title="甲", paragraphs=("一。",)))
    >>> [c.field for c in score_article(Article(url="u", title="乙", paragraphs=("一。",)),
    ...                                 record) if not c.ok]
    ['article.title']
    """
    url = record["url"]
    values = to_jsonable(got) if got is not None else None
    for name in ARTICLE_FIELDS:
        key = name.removeprefix("article.")
        want = record.get(key)
        yield _check(name, url, want, values[key] if values is not None else f"<{error}>")


def _check(name: str, url: str, want: Any, got: Any) -> Check:
    return Check(field=name, ok=want == got, url=url, want=want, got=got)


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# ---------------------------------------------------------------------------------------
# The whole evaluation
# ---------------------------------------------------------------------------------------


class _Accumulator:
    """Scores and examples while the evaluation runs (the report is frozen at the end)."""

    def __init__(self, examples: int) -> None:
        self.examples = examples
        self.scores: dict[tuple[str, str], Score] = {}
        self.mismatches: dict[tuple[str, str], list[Mismatch]] = defaultdict(list)
        self.tallies: dict[str, Tally] = {}

    def add(self, family: str, check: Check) -> None:
        key = (family, check.field)
        self.scores[key] = self.scores.get(key, Score()).add(check.ok)
        if not check.ok and len(self.mismatches[key]) < self.examples:
            self.mismatches[key].append(
                Mismatch(family, check.field, check.url, check.want, check.got)
            )

    def count(self, family: str, truth: IssueTruth) -> None:
        old = self.tallies.get(family, Tally())
        reachable = sum(bool(p["reachable"]) for p in truth.pages)
        self.tallies[family] = Tally(
            old.issues + 1, old.pages + reachable, old.articles + len(truth.articles)
        )

    def report(self, selections: tuple[Selection, ...]) -> EvalReport:
        ordered = sorted(self.scores, key=_cell_order)
        return EvalReport(
            scores={key: self.scores[key] for key in ordered},
            mismatches=tuple(m for key in ordered for m in self.mismatches.get(key, ())),
            tallies=dict(self.tallies),
            selections=selections,
        )


def _cell_order(key: tuple[str, str]) -> tuple[int, str, int, str]:
    family, name = key
    order = family_names()
    family_rank = order.index(family) if family in order else len(order)
    field_rank = FIELDS.index(name) if name in FIELDS else len(FIELDS)
    return family_rank, family, field_rank, name


def evaluate(
    site: MockSite,
    now: dt.datetime,
    selections: Sequence[Selection],
    *,
    registry: Registry | None = None,
    examples: int = 5,
) -> EvalReport:
    """Walk every issue of the selections, compare with the truth, and score each field.

    Issues start at the registry's entry URL with the host repointed at the site
    (``<base_url>/{slug}/``), as ``EPAPER_BASE_URL_OVERRIDE`` does for a crawl.
    ``examples`` caps the mismatches kept per family × field.
    """
    from crawler.registry import load_registry

    registry = registry or load_registry()
    override = site.options.base_url.rstrip("/") + "/{slug}/"
    served = {paper.slug for paper in site.papers}
    acc = _Accumulator(examples)
    for selection in selections:
        paper = registry.get(selection.paper)
        if paper.slug not in served:
            raise ConfigurationError(f"the mock site does not serve {paper.slug!r}")
        fetcher = MockFetcher(site, now, paper)
        records = site.truth(
            now, papers=(paper.slug,), since=selection.since, until=selection.until
        )
        for truth in group_truth(records):
            walk = walk_issue(fetcher, truth.date, override)
            acc.count(walk.family, truth)
            for check in score_issue(walk, truth):
                acc.add(walk.family, check)
    return acc.report(tuple(selections))


# ---------------------------------------------------------------------------------------
# Floors
# ---------------------------------------------------------------------------------------


def load_floors(path: Path | str | None = None) -> dict[tuple[str, str], float]:
    """The floors file: ``[family]`` tables of ``"field" = rate``, each ≥ :data:`MINIMUM_FLOOR`.

    >>> floors = load_floors()
    >>> floors and all(rate >= MINIMUM_FLOOR for rate in floors.values())
    True
    """
    file: Path | str
    if path is None:
        file = f"crawler/{FLOORS_RESOURCE}"
        source = resources.files("crawler").joinpath(FLOORS_RESOURCE)
    else:
        file = source = Path(path)
    try:
        data = tomllib.loads(source.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read the floors file {file}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigurationError(f"{file}: not valid TOML: {exc}") from exc
    floors: dict[tuple[str, str], float] = {}
    for family, table in data.items():
        if not isinstance(table, dict):
            raise ConfigurationError(f"{file}: {family!r} must be a [family] table")
        for name, value in table.items():
            if name not in FIELDS:
                raise ConfigurationError(f"{file}: [{family}] unknown field {name!r}")
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigurationError(f"{file}: [{family}] {name} must be a number")
            if not MINIMUM_FLOOR <= value <= 1:
                raise ConfigurationError(
                    f"{file}: [{family}] {name} = {value} is outside [{MINIMUM_FLOOR}, 1]"
                )
            floors[(family, name)] = float(value)
    return floors


def check_floors(report: EvalReport, floors: Mapping[tuple[str, str], float]) -> list[Breach]:
    """Measured rates below their floor; a cell without a floor is held to MINIMUM_FLOOR.

    >>> report = EvalReport({("toy", "article.title"): Score(998, 1000)}, (), {})
    >>> [str(b) for b in check_floors(report, {})]
    ['toy article.title: 99.80% (998/1000) is below its floor 99.90%']
    """
    breaches = []
    for (family, name), score in report.scores.items():
        if not score.total:
            continue
        floor = floors.get((family, name), MINIMUM_FLOOR)
        if score.rate < floor:
            breaches.append(Breach(family, name, score.rate, floor, score))
    return breaches


# ---------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------


def format_rate(rate: float) -> str:
    """A rate as a percentage, rounded down so that 100.00% means no mismatch at all.

    >>> format_rate(1.0), format_rate(0.99996), format_rate(0.999)
    ('100.00%', '99.99%', '99.90%')
    """
    hundredths = int(rate * 10_000 + 1e-9)
    return f"{hundredths // 100}.{hundredths % 100:02d}%"


def format_table(report: EvalReport, floors: Mapping[tuple[str, str], float] | None = None) -> str:
    """The rates as a text table: a row per field, a column per family, ``rate matched/total``.

    A cell below its floor is marked ``!``; ``-`` means nothing of that kind was compared.
    """
    families = report.families
    header = ["field", *families]
    rows = [header]
    for name in FIELDS:
        row = [name]
        for family in families:
            score = report.score(family, name)
            if not score.total:
                row.append("-")
                continue
            floor = (floors or {}).get((family, name), MINIMUM_FLOOR)
            mark = " !" if score.rate < floor else ""
            row.append(f"{format_rate(score.rate)} {score.matched}/{score.total}{mark}")
        rows.append(row)
    tallies = [report.tallies.get(f, Tally()) for f in families]
    rows.append(
        ["(issues/pages/articles)", *(f"{t.issues}/{t.pages}/{t.articles}" for t in tallies)]
    )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for number, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
        if number == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_mismatch(mismatch: Mismatch) -> str:
    """One mismatch example: where, and the first place the values differ.

    >>> print(format_mismatch(Mismatch("toy", "article.paragraphs", "http://x/a.htm",
    ...                                ["一。", "二。"], ["一。", "三。"])))
    toy article.paragraphs http://x/a.htm
      [1] want '二。'
          got  '三。'
    """
    want, got = mismatch.want, mismatch.got
    head = f"{mismatch.family} {mismatch.field} {mismatch.url}"
    if isinstance(want, list) and isinstance(got, list):
        for index in range(max(len(want), len(got))):
            left = want[index] if index < len(want) else "<none>"
            right = got[index] if index < len(got) else "<none>"
            if left != right:
                size = f" (lengths {len(want)} vs {len(got)})" if len(want) != len(got) else ""
                return f"{head}{size}\n  [{index}] want {_short(left)}\n      got  {_short(right)}"
    return f"{head}\n  want {_short(want)}\n  got  {_short(got)}"


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= _EXAMPLE_CHARS else text[: _EXAMPLE_CHARS - 1] + "…"


def report_jsonable(
    report: EvalReport, floors: Mapping[tuple[str, str], float] | None = None
) -> dict[str, Any]:
    """The report as plain JSON-ready data (what ``epaper eval --json`` writes)."""
    return {
        "selections": [to_jsonable(s) for s in report.selections],
        "families": {
            family: to_jsonable(report.tallies.get(family, Tally())) for family in report.families
        },
        "scores": [
            {
                "family": family,
                "field": name,
                "matched": score.matched,
                "total": score.total,
                "rate": score.rate,
                "floor": (floors or {}).get((family, name), MINIMUM_FLOOR),
            }
            for (family, name), score in report.scores.items()
        ],
        "mismatches": [to_jsonable(m) for m in report.mismatches],
    }
