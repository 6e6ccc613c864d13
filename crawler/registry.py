"""The paper registry: every paper the crawler knows, loaded from ``papers.toml`` as data."""

from __future__ import annotations

import codecs
import datetime as dt
import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from crawler.errors import ConfigurationError, EpaperError

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: The registry shipped with the package.
DEFAULT_REGISTRY_PATH = Path(__file__).with_name("papers.toml")

#: Setting that repoints every paper at another host (the mock site), e.g.
#: ``http://127.0.0.1:8000/{slug}/``; empty means the real sites.
OVERRIDE_SETTING = "EPAPER_BASE_URL_OVERRIDE"

#: Placeholders an ``entry`` template may use.
ENTRY_FIELDS = frozenset({"yyyy", "mm", "dd", "slug"})


@dataclass(frozen=True, slots=True)
class FamilyDefaults:
    """Where a CMS family keeps its issues below a paper's base URL, unless an era says otherwise.

    ``root`` is the directory under the base URL that the family's dated paths start from
    (``html/`` for ``html/2023-02/10/node_2.htm``); ``entry`` is the path of an issue's
    first page below ``root``, a template with ``{yyyy}``, ``{mm}``, ``{dd}`` and ``{slug}``.
    """

    root: str
    entry: str


#: The families the registry accepts, with their URL layout. A new family adds a line here
#: and an extractor module under ``crawler/extract`` (see docs/adding-a-paper.md).
FAMILIES: Mapping[str, FamilyDefaults] = {
    "founder": FamilyDefaults(root="html/", entry="{yyyy}-{mm}/{dd}/node_2.htm"),
    "peoples_daily": FamilyDefaults(
        root="html/", entry="{yyyy}-{mm}/{dd}/nbs.D110000{slug}_01.htm"
    ),
    "founder_pc": FamilyDefaults(root="pc/", entry="layout/{yyyy}{mm}/{dd}/node_01.html"),
    "paperindex": FamilyDefaults(root="content/", entry="{yyyy}{mm}{dd}/IssueIndex.htm"),
}


class RegistryError(ConfigurationError):
    """``papers.toml`` is invalid; the message names the entry and the field."""


class UnknownPaperError(EpaperError):
    """A slug that no registry entry has."""

    exit_code = 2


class NoIssueError(EpaperError):
    """A date outside every era of a paper (before its first issue)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Era:
    """A date range during which a paper ran one CMS family at one URL root.

    ``start`` and ``end`` are inclusive; ``end`` is None for the era that still runs.
    ``root`` is relative to the paper's base URL and ends with ``/``.
    """

    family: str
    start: dt.date
    end: dt.date | None
    root: str
    entry: str

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside this era.

        >>> era = Era("founder", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "html/", "x")
        >>> era.covers(dt.date(2020, 6, 1)), era.covers(dt.date(2021, 1, 1))
        (True, False)
        """
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Paper:
    """One newspaper: its slug, name, base URL and the eras of its templates, oldest first."""

    slug: str
    name: str
    base_url: str
    first_issue: dt.date
    eras: tuple[Era, ...]
    encoding: str | None = None  # forces a decoding when the site's headers lie

    @property
    def family(self) -> str:
        """The family of the latest era (what the site runs today)."""
        return self.eras[-1].family

    @property
    def families(self) -> tuple[str, ...]:
        """Every family the paper has used, oldest first, without repeats."""
        return tuple(dict.fromkeys(era.family for era in self.eras))

    def era_for(self, day: dt.date) -> Era:
        """The era that covers ``day``; :class:`NoIssueError` before the first issue."""
        for era in self.eras:
            if era.covers(day):
                return era
        raise NoIssueError(
            f"{self.slug} ({self.name}) has no issue on {day.isoformat()}: "
            f"its first issue is {self.first_issue.isoformat()}"
        )

    def base_url_for(self, settings: BaseSettings | Mapping[str, Any] | None = None) -> str:
        """The base URL after ``EPAPER_BASE_URL_OVERRIDE`` from ``settings`` is applied."""
        override = "" if settings is None else str(settings.get(OVERRIDE_SETTING) or "")
        return effective_base_url(self, override)

    def root_url(self, day: dt.date, override: str = "") -> str:
        """Absolute URL of the directory the family's dated paths start from on ``day``.

        >>> rmrb = load_registry().get("rmrb")
        >>> rmrb.root_url(dt.date(2024, 11, 30))
        'http://paper.people.com.cn/rmrb/html/'
        >>> rmrb.root_url(dt.date(2024, 12, 1), "http://127.0.0.1:8000/{slug}/")
        'http://127.0.0.1:8000/rmrb/pc/'
        """
        return effective_base_url(self, override) + self.era_for(day).root

    def issue_url(self, day: dt.date, override: str = "") -> str:
        """Absolute URL of the first page of the issue of ``day`` (the crawl's entry point).

        >>> rmrb = load_registry().get("rmrb")
        >>> rmrb.issue_url(dt.date(2017, 10, 16))
        'http://paper.people.com.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm'
        >>> rmrb.issue_url(dt.date(2024, 12, 25))
        'http://paper.people.com.cn/rmrb/pc/layout/202412/25/node_01.html'
        """
        era = self.era_for(day)
        return self.root_url(day, override) + render_entry(era.entry, day, self.slug)

    def candidate_issues(
        self, since: dt.date, until: dt.date, override: str = ""
    ) -> Iterator[tuple[dt.date, str]]:
        """(day, entry URL) for every day from ``since`` to ``until`` (inclusive) on or after
        the first issue: the URLs to try where the site has no calendar (a day without an
        issue answers 404).

        >>> rmrb = load_registry().get("rmrb")
        >>> days = rmrb.candidate_issues(dt.date(2024, 11, 30), dt.date(2024, 12, 1))
        >>> [url.removeprefix(rmrb.base_url) for _, url in days]
        ['html/2024-11/30/nbs.D110000renmrb_01.htm', 'pc/layout/202412/01/node_01.html']
        """
        day = max(since, self.first_issue)
        while day <= until:
            yield day, self.issue_url(day, override)
            day += dt.timedelta(days=1)


def render_entry(template: str, day: dt.date, slug: str) -> str:
    """Fill an ``entry`` template for one day.

    >>> render_entry("{yyyy}-{mm}/{dd}/nbs.D110000{slug}_01.htm", dt.date(2023, 2, 1), "gmrb")
    '2023-02/01/nbs.D110000gmrb_01.htm'
    """
    return template.format(
        yyyy=f"{day.year:04d}", mm=f"{day.month:02d}", dd=f"{day.day:02d}", slug=slug
    )


def effective_base_url(paper: Paper, override: str = "") -> str:
    """The paper's base URL, or ``override`` with ``{slug}`` filled in when it is set.

    >>> p = Paper("lzcb", "鲁中晨报", "http://epaper.lzcb.com/lzcb/", dt.date(2020, 1, 1), ())
    >>> effective_base_url(p)
    'http://epaper.lzcb.com/lzcb/'
    >>> effective_base_url(p, "http://127.0.0.1:8000/{slug}")
    'http://127.0.0.1:8000/lzcb/'
    """
    if not override:
        return paper.base_url
    try:
        url = override.format(slug=paper.slug)
    except (KeyError, IndexError, ValueError) as exc:
        raise ConfigurationError(
            f"{OVERRIDE_SETTING}={override!r} is not a template with only {{slug}} in it"
        ) from exc
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True, slots=True)
class Registry:
    """The papers of a registry file, by slug, in file order."""

    papers: Mapping[str, Paper]
    source: str = str(DEFAULT_REGISTRY_PATH)

    def get(self, slug: str) -> Paper:
        """The paper with ``slug``; :class:`UnknownPaperError` lists the known slugs."""
        try:
            return self.papers[slug]
        except KeyError:
            known = ", ".join(self.papers)
            raise UnknownPaperError(
                f"unknown paper {slug!r}; the registry ({self.source}) has: {known}"
            ) from None

    def __iter__(self) -> Iterator[Paper]:
        return iter(self.papers.values())

    def __len__(self) -> int:
        return len(self.papers)

    def __contains__(self, slug: object) -> bool:
        return slug in self.papers


@cache
def load_registry(path: Path | str | None = None) -> Registry:
    """Read and validate a registry file (the packaged ``papers.toml`` by default).

    >>> reg = load_registry()
    >>> reg.get("lzcb").name
    '鲁中晨报'
    """
    file = DEFAULT_REGISTRY_PATH if path is None else Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"cannot read the paper registry {file}: {exc.strerror}") from exc
    return parse_registry(text, source=str(file))


def parse_registry(text: str, source: str = "<string>") -> Registry:
    """Validate registry TOML text into a :class:`Registry`; errors name the entry.

    >>> reg = parse_registry('''
    ... [papers.demo]
    ... name = "示例报"
    ... family = "founder"
    ... base_url = "http://example.invalid/demo/"
    ... first_issue = 2020-01-01
    ... ''')
    >>> reg.get("demo").issue_url(dt.date(2020, 3, 4))
    'http://example.invalid/demo/html/2020-03/04/node_2.htm'
    """
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{source}: not valid TOML: {exc}") from exc
    unknown = sorted(set(data) - {"papers"})
    if unknown:
        raise RegistryError(f"{source}: unknown top-level key(s) {unknown}; expected [papers.SLUG]")
    entries = data.get("papers")
    if not isinstance(entries, dict) or not entries:
        raise RegistryError(f"{source}: no [papers.SLUG] entries")
    papers = {slug: _parse_paper(slug, entry, source) for slug, entry in entries.items()}
    return Registry(papers=papers, source=source)


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------

_PAPER_KEYS = frozenset(
    {"name", "family", "base_url", "first_issue", "root", "entry", "encoding", "eras"}
)
_ERA_KEYS = frozenset({"family", "start", "end", "root", "entry"})
_SLUG_CHARS = frozenset(string.ascii_lowercase + string.digits + "_-")


def _parse_paper(slug: str, entry: Any, source: str) -> Paper:
    where = f"{source}: paper {slug!r}"
    if not isinstance(entry, dict):
        raise RegistryError(f"{where}: expected a table [papers.{slug}]")
    if not slug or not set(slug) <= _SLUG_CHARS:
        raise RegistryError(f"{where}: a slug uses only a-z, 0-9, '_' and '-'")
    unknown = sorted(set(entry) - _PAPER_KEYS)
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_PAPER_KEYS)}")
    name = _required_str(entry, "name", where)
    base_url = _required_str(entry, "base_url", where)
    if not base_url.startswith(("http://", "https://")) or not base_url.endswith("/"):
        raise RegistryError(f"{where}: base_url {base_url!r} must be http(s) and end with '/'")
    first_issue = _date(entry.get("first_issue"), "first_issue", where, required=True)
    assert first_issue is not None
    encoding = _optional_str(entry, "encoding", where)
    if encoding is not None:
        _check_encoding(encoding, where)

    raw_eras = entry.get("eras")
    if raw_eras is None:
        if "family" not in entry:
            raise RegistryError(f"{where}: needs a family (or [[papers.{slug}.eras]])")
        raw_eras = [{k: entry[k] for k in ("family", "root", "entry") if k in entry}]
    elif any(k in entry for k in ("family", "root", "entry")):
        raise RegistryError(
            f"{where}: give family/root/entry either on the paper or in its eras, not both"
        )
    if not isinstance(raw_eras, list) or not raw_eras:
        raise RegistryError(f"{where}: eras must be a non-empty array of tables")
    eras = _parse_eras(raw_eras, first_issue, where)
    return Paper(
        slug=slug,
        name=name,
        base_url=base_url,
        first_issue=first_issue,
        eras=eras,
        encoding=encoding,
    )


@dataclass(frozen=True, slots=True)
class _EraDraft:
    """An era as written: ``start``/``end`` may still be implied by its neighbours."""

    family: str
    start: dt.date | None
    end: dt.date | None
    root: str
    entry: str
    where: str


def _parse_eras(raw: list[Any], first_issue: dt.date, where: str) -> tuple[Era, ...]:
    drafts = [_parse_era(item, f"{where}, era {n}") for n, item in enumerate(raw, start=1)]
    eras: list[Era] = []
    for index, draft in enumerate(drafts):
        # An era without ``start`` begins the day after the previous one ends (the first
        # at the first issue); without ``end`` it runs until the next one starts.
        start = draft.start
        if start is None:
            start = first_issue if index == 0 else _next_day(eras[-1].end, draft.where)
        if index == 0 and start != first_issue:
            raise RegistryError(
                f"{draft.where}: the first era starts {start} but first_issue is {first_issue}"
            )
        end = draft.end
        if end is None and index + 1 < len(drafts):
            following = drafts[index + 1].start
            if following is None:
                raise RegistryError(f"{draft.where}: needs an end (or the next era a start)")
            end = following - dt.timedelta(days=1)
        if end is not None and end < start:
            raise RegistryError(f"{draft.where}: ends {end} before it starts {start}")
        if eras:
            _check_adjacent(eras[-1], start, index, draft.where)
        eras.append(Era(draft.family, start, end, draft.root, draft.entry))
    return tuple(eras)


def _parse_era(item: Any, where: str) -> _EraDraft:
    if not isinstance(item, dict):
        raise RegistryError(f"{where}: expected a table")
    unknown = sorted(set(item) - _ERA_KEYS)
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_ERA_KEYS)}")
    family = _required_str(item, "family", where)
    if family not in FAMILIES:
        raise RegistryError(
            f"{where}: unknown family {family!r}; known families: {', '.join(FAMILIES)}"
        )
    defaults = FAMILIES[family]
    root = _optional_str(item, "root", where)
    root = defaults.root if root is None else root
    if root and (root.startswith("/") or not root.endswith("/")):
        raise RegistryError(f"{where}: root {root!r} must be relative and end with '/'")
    entry = _optional_str(item, "entry", where) or defaults.entry
    _check_entry(entry, where)
    return _EraDraft(
        family=family,
        start=_date(item.get("start"), "start", where),
        end=_date(item.get("end"), "end", where),
        root=root,
        entry=entry,
        where=where,
    )


def _check_adjacent(previous: Era, start: dt.date, index: int, where: str) -> None:
    assert previous.end is not None  # only the last era may run open-ended
    if start <= previous.end:
        raise RegistryError(
            f"{where}: overlapping eras: starts {start} but era {index} runs until {previous.end}"
        )
    if start != previous.end + dt.timedelta(days=1):
        raise RegistryError(
            f"{where}: gap between eras: era {index} ends {previous.end}, this one starts {start}"
        )


def _next_day(end: dt.date | None, here: str) -> dt.date:
    if end is None:
        raise RegistryError(f"{here}: the previous era has no end, so this one cannot start")
    return end + dt.timedelta(days=1)


def _required_str(table: Mapping[str, Any], key: str, where: str) -> str:
    value = _optional_str(table, key, where)
    if not value:
        raise RegistryError(f"{where}: missing {key}")
    return value


def _optional_str(table: Mapping[str, Any], key: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RegistryError(f"{where}: {key} must be a string, not {value!r}")
    return value


def _date(value: Any, key: str, where: str, *, required: bool = False) -> dt.date | None:
    """A TOML date (``2024-12-01``) or an ISO string; a datetime is refused as ambiguous."""
    if value is None:
        if required:
            raise RegistryError(f"{where}: missing {key} (a date such as 2020-01-31)")
        return None
    if isinstance(value, dt.datetime):
        raise RegistryError(f"{where}: {key} = {value!r} must be a date without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise RegistryError(f"{where}: {key} = {value!r} is not a date such as 2020-01-31")


def _check_entry(template: str, where: str) -> None:
    try:
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise RegistryError(f"{where}: entry {template!r} is not a valid template: {exc}") from exc
    unknown = sorted(fields - ENTRY_FIELDS)
    if unknown:
        raise RegistryError(
            f"{where}: entry {template!r} uses unknown placeholder(s) {unknown}; "
            f"allowed: {sorted(ENTRY_FIELDS)}"
        )
    if template.startswith("/"):
        raise RegistryError(f"{where}: entry {template!r} must be relative to the era's root")


def _check_encoding(name: str, where: str) -> None:
    try:
        codecs.lookup(name)
    except LookupError:
        raise RegistryError(f"{where}: unknown encoding {name!r}") from None
