"""The paper registry: every paper the crawler knows, loaded from ``papers.toml`` as data.

A paper is a list of eras, oldest first. An era is one CMS family at one place (its own
``base_url`` when the paper moved host), with what the site answers for a day it does not
keep: a rolling ``window``, ``soft_404`` patterns of a 200 page that means "no such issue",
and ``gone_status`` codes. Every paper and era cites its ``evidence`` (a dated public source)
or says ``uncertain``; see docs/adding-a-paper.md.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import string
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from crawler.errors import ConfigurationError, EpaperError
from crawler.extract.families import family_names, get_family

if TYPE_CHECKING:
    from scrapy.settings import BaseSettings

#: The registry shipped inside the package, read as a package resource so that a wheel,
#: a zip or an egg finds it as well as a checkout does.
REGISTRY_RESOURCE = "papers.toml"

#: Setting that repoints every paper at another host (the mock site), e.g.
#: ``http://127.0.0.1:8000/{slug}/``; empty means the real sites.
OVERRIDE_SETTING = "EPAPER_BASE_URL_OVERRIDE"

#: Placeholders an ``entry`` template may use.
ENTRY_FIELDS = frozenset({"yyyy", "mm", "dd", "slug"})


class RegistryError(ConfigurationError):
    """``papers.toml`` is invalid; the message names the entry and the field."""


class UnknownPaperError(EpaperError):
    """A slug that no registry entry has."""

    exit_code = 2


class NoIssueError(EpaperError):
    """A date outside every era of a paper (before its first issue, after its last)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class Evidence:
    """A public source for an entry's values, dated as precisely as the source is.

    ``date`` is ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` (ISO strings sort by time);
    ``note`` says what the source shows.
    """

    source: str
    date: str
    note: str = ""


_WINDOW = re.compile(r"([1-9][0-9]{0,4})([dy])")


@dataclass(frozen=True, slots=True)
class Window:
    """The site keeps only the issues of the last ``count`` days (``unit`` "d") or years ("y")."""

    count: int
    unit: str

    @classmethod
    def parse(cls, text: str) -> Window:
        """``"730d"`` or ``"2y"``; :class:`ValueError` for anything else.

        >>> Window.parse("730d"), str(Window.parse("2y"))
        (Window(count=730, unit='d'), '2y')
        """
        match = _WINDOW.fullmatch(text)
        if match is None:
            msg = f"{text!r} is not a window such as 730d or 2y"
            raise ValueError(msg)
        return cls(int(match[1]), match[2])

    def __str__(self) -> str:
        return f"{self.count}{self.unit}"

    def earliest(self, today: dt.date) -> dt.date:
        """The oldest issue still kept on ``today`` (kept itself): ``count`` days before, or
        the same day ``count`` years before (1 March for a 29 February that year lacks).

        >>> Window(730, "d").earliest(dt.date(2026, 10, 2))
        datetime.date(2024, 10, 2)
        >>> Window(2, "y").earliest(dt.date(2026, 10, 2))
        datetime.date(2024, 10, 2)
        >>> Window(1, "y").earliest(dt.date(2024, 2, 29))
        datetime.date(2023, 3, 1)
        """
        if self.unit == "d":
            return today - dt.timedelta(days=self.count)
        try:
            return today.replace(year=today.year - self.count)
        except ValueError:  # 29 February
            return dt.date(today.year - self.count, 3, 1)


@dataclass(frozen=True, slots=True)
class SoftNotFound:
    """A page served with status 200 that means "no such issue": regular expressions
    searched in the page's ``<title>`` (``title``) or in its text (``text``).

    >>> soft = SoftNotFound(title=(re.compile("404错误"),))
    >>> soft.matches("科技网404错误跳转页面!"), soft.matches("科技日报", "正文")
    (True, False)
    >>> bool(soft), bool(SoftNotFound())
    (True, False)
    """

    title: tuple[re.Pattern[str], ...] = ()
    text: tuple[re.Pattern[str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.title or self.text)

    def matches(self, title: str, text: str = "") -> bool:
        """Whether a page with this title and text is the site's "no such issue" page."""
        return any(p.search(title) for p in self.title) or any(p.search(text) for p in self.text)


@dataclass(frozen=True, slots=True)
class Era:
    """A date range during which a paper ran one CMS family at one place.

    ``start`` and ``end`` are inclusive; ``end`` is None for the era that still runs.
    ``base_url`` is the era's host and directory ("" in a hand-made era: the paper's);
    ``root`` is relative to it and ends with ``/``. ``window``, ``soft_404`` and
    ``gone_status`` are in force for the era (its own, else the paper's). ``calendar`` says
    whether the era's site publishes its family's calendar (``period.xml``): the family's
    default, or the era's ``calendar = true/false``. ``evidence`` and ``uncertain`` (the
    whole era) or ``uncertain_fields`` (some keys) say how sure it is.
    """

    family: str
    start: dt.date
    end: dt.date | None
    root: str
    entry: str
    base_url: str = ""
    window: Window | None = None
    soft_404: SoftNotFound = SoftNotFound()
    gone_status: tuple[int, ...] = ()
    calendar: bool = False
    evidence: tuple[Evidence, ...] = ()
    uncertain: bool = False
    uncertain_fields: tuple[str, ...] = ()

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside this era.

        >>> era = Era("founder", dt.date(2020, 1, 1), dt.date(2020, 12, 31), "html/", "x")
        >>> era.covers(dt.date(2020, 6, 1)), era.covers(dt.date(2021, 1, 1))
        (True, False)
        """
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass(frozen=True, slots=True)
class Paper:
    """One newspaper: its slug, name, base URL and the eras of its templates, oldest first.

    ``base_url`` is the paper's home (what ``EPAPER_BASE_URL_OVERRIDE`` replaces); an era on
    another host has its own. ``window``, ``soft_404``, ``gone_status`` are the paper-wide
    values as written (each era carries the ones in force for it); ``evidence``,
    ``uncertain`` and ``uncertain_fields`` are the paper's own.
    """

    slug: str
    name: str
    base_url: str
    first_issue: dt.date
    eras: tuple[Era, ...]
    encoding: str | None = None  # forces a decoding when the site's headers lie
    window: Window | None = None
    soft_404: SoftNotFound = SoftNotFound()
    gone_status: tuple[int, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    uncertain: bool = False
    uncertain_fields: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The family of the latest era (what the site runs today)."""
        return self.eras[-1].family

    @property
    def families(self) -> tuple[str, ...]:
        """Every family the paper has used, oldest first, without repeats."""
        return tuple(dict.fromkeys(era.family for era in self.eras))

    @property
    def last_issue(self) -> dt.date | None:
        """The last day of the last era when the paper stopped (None while it runs)."""
        return self.eras[-1].end if self.eras else None

    def era_for(self, day: dt.date) -> Era:
        """The era that covers ``day``; :class:`NoIssueError` outside every era."""
        for era in self.eras:
            if era.covers(day):
                return era
        last = self.last_issue
        if last is not None and day > last:
            bound = f"its last issue is {last.isoformat()}"
        else:
            bound = f"its first issue is {self.first_issue.isoformat()}"
        raise NoIssueError(f"{self.slug} ({self.name}) has no issue on {day.isoformat()}: {bound}")

    def base_url_for(self, settings: BaseSettings | Mapping[str, Any] | None = None) -> str:
        """The base URL after ``EPAPER_BASE_URL_OVERRIDE`` from ``settings`` is applied."""
        override = "" if settings is None else str(settings.get(OVERRIDE_SETTING) or "")
        return effective_base_url(self, override)

    def era_base_url(self, era: Era, override: str = "") -> str:
        """Where ``era``'s paths start, with the override applied: the override replaces the
        paper's ``base_url``, and the era's own base keeps its place below it
        (:func:`mount_path`), so one template repoints every era of every paper.

        >>> p = parse_registry(_DEMO_TWO_HOSTS).get("demo")
        >>> [p.era_base_url(e) for e in p.eras]
        ['http://old.example.invalid/demo/', 'http://new.example.invalid/']
        >>> [p.era_base_url(e, "http://127.0.0.1:8000/{slug}/") for e in p.eras]
        ['http://127.0.0.1:8000/demo/old.example.invalid/demo/', 'http://127.0.0.1:8000/demo/']
        """
        base = era.base_url or self.base_url
        if not override:
            return base
        return effective_base_url(self, override) + mount_path(self.base_url, base)

    def root_url(self, day: dt.date, override: str = "") -> str:
        """Absolute URL of the directory the family's dated paths start from on ``day``.

        >>> rmrb = load_registry().get("rmrb")
        >>> rmrb.root_url(dt.date(2024, 11, 30))
        'http://paper.people.com.cn/rmrb/html/'
        >>> rmrb.root_url(dt.date(2024, 12, 1), "http://127.0.0.1:8000/{slug}/")
        'http://127.0.0.1:8000/rmrb/pc/layout/'
        """
        era = self.era_for(day)
        return self.era_base_url(era, override) + era.root

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
        """(day, entry URL) for every day from ``since`` to ``until`` (inclusive) inside the
        paper's eras: the URLs to try where the site has no calendar (a day without an
        issue answers 404).

        >>> rmrb = load_registry().get("rmrb")
        >>> days = rmrb.candidate_issues(dt.date(2024, 11, 30), dt.date(2024, 12, 1))
        >>> [url.removeprefix(rmrb.base_url) for _, url in days]
        ['html/2024-11/30/nbs.D110000renmrb_01.htm', 'pc/layout/202412/01/node_01.html']
        """
        day = max(since, self.first_issue)
        last = until if self.last_issue is None else min(until, self.last_issue)
        while day <= last:
            yield day, self.issue_url(day, override)
            day += dt.timedelta(days=1)

    def hostnames(self, override: str = "") -> frozenset[str]:
        """The hosts of every era (with the override applied), for an off-site filter.

        >>> sorted(parse_registry(_DEMO_TWO_HOSTS).get("demo").hostnames())
        ['new.example.invalid', 'old.example.invalid']
        """
        return frozenset(
            urlsplit(self.era_base_url(era, override)).hostname or "" for era in self.eras
        )

    def in_window(self, day: dt.date, today: dt.date) -> bool:
        """Whether the site still keeps the issue of ``day`` on ``today``: ``day`` lies in an
        era, and not before the window of that era (days after ``today`` are not judged).

        >>> p = parse_registry(_DEMO_TWO_HOSTS).get("demo")
        >>> today = dt.date(2026, 10, 2)
        >>> [p.in_window(dt.date(*d), today) for d in ((2024, 10, 1), (2024, 10, 2), (2019, 1, 1))]
        [False, True, False]
        """
        try:
            era = self.era_for(day)
        except NoIssueError:
            return False
        return era.window is None or day >= era.window.earliest(today)

    def first_kept(self, today: dt.date) -> dt.date | None:
        """The oldest day whose issue the site still keeps on ``today`` (None: none at all).

        >>> parse_registry(_DEMO_TWO_HOSTS).get("demo").first_kept(dt.date(2026, 10, 2))
        datetime.date(2024, 10, 2)
        """
        for era in self.eras:
            start = era.start if era.window is None else max(era.start, era.window.earliest(today))
            if era.end is None or start <= era.end:
                return start
        return None


#: A paper that moved host, used by the doctests above.
_DEMO_TWO_HOSTS = """
[papers.demo]
name = "示例报"
base_url = "http://new.example.invalid/"
first_issue = 2020-01-01
window = "2y"
gone_status = 403
uncertain = true

[[papers.demo.eras]]
family = "founder"
base_url = "http://old.example.invalid/demo/"
end = 2022-12-31
uncertain = true

[[papers.demo.eras]]
family = "founder_pc"
uncertain = true
"""


def render_entry(template: str, day: dt.date, slug: str) -> str:
    """Fill an ``entry`` template for one day.

    >>> render_entry("{yyyy}-{mm}/{dd}/nbs.D110000{slug}_01.htm", dt.date(2023, 2, 1), "gmrb")
    '2023-02/01/nbs.D110000gmrb_01.htm'
    """
    return template.format(
        yyyy=f"{day.year:04d}", mm=f"{day.month:02d}", dd=f"{day.day:02d}", slug=slug
    )


def mount_path(paper_base: str, era_base: str) -> str:
    """The path below an overridden paper base at which an era with ``era_base`` lives:
    nothing for the paper's own base, the relative path for a base below it, and the host
    and path of any other (``host[:port]/path/``). The scheme is dropped: an http and an
    https era of one site share the place, which is harmless as eras never share a day.

    >>> mount_path("http://e.invalid/a/", "http://e.invalid/a/")
    ''
    >>> mount_path("http://e.invalid/", "http://e.invalid/jjrb/")
    'jjrb/'
    >>> mount_path("http://epaper.jxxw.com.cn/", "http://epaper.jxnews.com.cn/jxrb/")
    'epaper.jxnews.com.cn/jxrb/'
    """
    if era_base.startswith(paper_base):
        return era_base[len(paper_base) :]
    parts = urlsplit(era_base)
    return parts.netloc.lower() + parts.path


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
    source: str = f"crawler/{REGISTRY_RESOURCE}"

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
    if path is None:
        resource = resources.files("crawler").joinpath(REGISTRY_RESOURCE)
        source = f"crawler/{REGISTRY_RESOURCE}"
        try:
            text = resource.read_text(encoding="utf-8")
        except OSError as exc:
            msg = f"cannot read the paper registry {source} of the package: {exc}"
            raise RegistryError(msg) from exc
        return parse_registry(text, source=source)
    file = Path(path)
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
    ... uncertain = true
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

#: Keys a paper and an era may both give: what the site answers outside its archive, and
#: how sure the entry is.
_SHARED_KEYS = frozenset({"window", "soft_404", "gone_status", "evidence", "uncertain"})
_ERA_KEYS = (
    frozenset({"family", "start", "end", "root", "entry", "base_url", "calendar"}) | _SHARED_KEYS
)
#: The era keys a paper without [[eras]] gives on its own table.
_ONE_ERA_KEYS = ("family", "root", "entry", "calendar")
_PAPER_KEYS = (
    frozenset({"name", "base_url", "first_issue", "encoding", "eras", *_ONE_ERA_KEYS})
    | _SHARED_KEYS
)
#: Keys that are not claims about the site, so ``uncertain`` cannot name them.
_NOT_CLAIMS = frozenset({"evidence", "uncertain", "eras"})
_EVIDENCE_KEYS = frozenset({"source", "date", "note"})
_EVIDENCE_DATE = re.compile(r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?")
_SOFT_404_KEYS = frozenset({"title", "text"})
_SLUG_CHARS = frozenset(string.ascii_lowercase + string.digits + "_-")


@dataclass(frozen=True, slots=True)
class _Outside:
    """What a site answers outside its archive, as one table (paper or era) writes it."""

    window: Window | None
    soft_404: SoftNotFound
    gone_status: tuple[int, ...]

    def under(self, paper: _Outside, item: Mapping[str, Any]) -> _Outside:
        """These values where the era gives them, else the paper's."""
        return _Outside(
            window=self.window if "window" in item else paper.window,
            soft_404=self.soft_404 if "soft_404" in item else paper.soft_404,
            gone_status=self.gone_status if "gone_status" in item else paper.gone_status,
        )


@dataclass(frozen=True, slots=True)
class _Sureness:
    evidence: tuple[Evidence, ...]
    uncertain: bool
    uncertain_fields: tuple[str, ...]


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
    base_url = _optional_base_url(entry, where)
    first_issue = _date(entry.get("first_issue"), "first_issue", where, required=True)
    assert first_issue is not None
    encoding = _optional_str(entry, "encoding", where)
    if encoding is not None:
        _check_encoding(encoding, where)
    outside = _parse_outside(entry, where)
    # A paper without [[eras]] is its own only era: its uncertain keys may be an era's.
    claims = _PAPER_KEYS if "eras" in entry else _PAPER_KEYS | _ERA_KEYS
    sureness = _parse_sureness(entry, claims - _NOT_CLAIMS, where)

    raw_eras = entry.get("eras")
    if raw_eras is None:
        if "family" not in entry:
            raise RegistryError(f"{where}: needs a family (or [[papers.{slug}.eras]])")
        raw_eras = [{k: entry[k] for k in _ONE_ERA_KEYS if k in entry}]
    elif any(k in entry for k in _ONE_ERA_KEYS):
        raise RegistryError(
            f"{where}: give family/root/entry/calendar either on the paper or in its eras, not both"
        )
    if not isinstance(raw_eras, list) or not raw_eras:
        raise RegistryError(f"{where}: eras must be a non-empty array of tables")
    explicit = "eras" in entry
    # The paper's own table as its only era carries the paper's evidence.
    drafts = [
        _parse_era(item, f"{where}, era {n}", outside)
        if explicit
        else _parse_era(item, where, outside, sureness)
        for n, item in enumerate(raw_eras, start=1)
    ]
    if base_url is None:
        base_url = drafts[-1].base_url
        if base_url is None:
            raise RegistryError(f"{where}: missing base_url (on the paper or on its last era)")
    eras = _resolve_eras(drafts, first_issue, base_url)
    return Paper(
        slug=slug,
        name=name,
        base_url=base_url,
        first_issue=first_issue,
        eras=eras,
        encoding=encoding,
        window=outside.window,
        soft_404=outside.soft_404,
        gone_status=outside.gone_status,
        evidence=sureness.evidence,
        uncertain=sureness.uncertain,
        uncertain_fields=sureness.uncertain_fields,
    )


@dataclass(frozen=True, slots=True)
class _EraDraft:
    """An era as written: ``start``/``end`` may still be implied by its neighbours."""

    family: str
    start: dt.date | None
    end: dt.date | None
    root: str
    entry: str
    base_url: str | None
    calendar: bool
    outside: _Outside
    sureness: _Sureness
    where: str


def _resolve_eras(drafts: list[_EraDraft], first_issue: dt.date, base_url: str) -> tuple[Era, ...]:
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
        eras.append(
            Era(
                family=draft.family,
                start=start,
                end=end,
                root=draft.root,
                entry=draft.entry,
                base_url=draft.base_url or base_url,
                window=draft.outside.window,
                soft_404=draft.outside.soft_404,
                gone_status=draft.outside.gone_status,
                calendar=draft.calendar,
                evidence=draft.sureness.evidence,
                uncertain=draft.sureness.uncertain,
                uncertain_fields=draft.sureness.uncertain_fields,
            )
        )
    return tuple(eras)


def _parse_era(
    item: Any, where: str, paper: _Outside, sureness: _Sureness | None = None
) -> _EraDraft:
    if not isinstance(item, dict):
        raise RegistryError(f"{where}: expected a table")
    unknown = sorted(set(item) - _ERA_KEYS)
    if unknown:
        raise RegistryError(f"{where}: unknown key(s) {unknown}; allowed: {sorted(_ERA_KEYS)}")
    family = _required_str(item, "family", where)
    try:
        defaults = get_family(family)
    except KeyError:
        known = ", ".join(sorted(family_names()))
        raise RegistryError(
            f"{where}: unknown family {family!r}; known families: {known}"
        ) from None
    root = _optional_str(item, "root", where)
    root = defaults.root if root is None else root
    if root and (root.startswith("/") or not root.endswith("/")):
        raise RegistryError(f"{where}: root {root!r} must be relative and end with '/'")
    entry = _optional_str(item, "entry", where) or defaults.entry
    _check_entry(entry, where)
    calendar = item.get("calendar")
    if calendar is None:
        calendar = defaults.calendar is not None and defaults.calendar.everywhere
    elif not isinstance(calendar, bool):
        raise RegistryError(f"{where}: calendar must be true or false, not {calendar!r}")
    elif calendar and defaults.calendar is None:
        raise RegistryError(f"{where}: calendar = true, but family {family!r} has no calendar")
    return _EraDraft(
        family=family,
        start=_date(item.get("start"), "start", where),
        end=_date(item.get("end"), "end", where),
        root=root,
        entry=entry,
        base_url=_optional_base_url(item, where),
        calendar=calendar,
        outside=_parse_outside(item, where).under(paper, item),
        sureness=sureness or _parse_sureness(item, _ERA_KEYS - _NOT_CLAIMS, where),
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


def _optional_base_url(table: Mapping[str, Any], where: str) -> str | None:
    base_url = _optional_str(table, "base_url", where)
    if base_url is not None and (
        not base_url.startswith(("http://", "https://")) or not base_url.endswith("/")
    ):
        raise RegistryError(f"{where}: base_url {base_url!r} must be http(s) and end with '/'")
    return base_url


def _parse_outside(table: Mapping[str, Any], where: str) -> _Outside:
    window = _optional_str(table, "window", where)
    try:
        parsed = None if window is None else Window.parse(window)
    except ValueError as exc:
        raise RegistryError(f"{where}: window {exc}") from None
    return _Outside(
        window=parsed,
        soft_404=_parse_soft_404(table.get("soft_404"), where),
        gone_status=_parse_statuses(table.get("gone_status"), where),
    )


def _parse_soft_404(value: Any, where: str) -> SoftNotFound:
    if value is None:
        return SoftNotFound()
    if not isinstance(value, dict) or not value:
        raise RegistryError(
            f'{where}: soft_404 must be a table such as {{ title = ["404"] }}, not {value!r}'
        )
    unknown = sorted(set(value) - _SOFT_404_KEYS)
    if unknown:
        raise RegistryError(f"{where}: soft_404 has unknown key(s) {unknown}; allowed: title, text")
    compiled: dict[str, tuple[re.Pattern[str], ...]] = {}
    for key in sorted(_SOFT_404_KEYS):
        patterns = value.get(key, [])
        if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
            raise RegistryError(f"{where}: soft_404.{key} must be a list of non-empty strings")
        try:
            compiled[key] = tuple(re.compile(p) for p in patterns)
        except re.error as exc:
            raise RegistryError(
                f"{where}: soft_404.{key} pattern {exc.pattern!r} is not a regular "
                f"expression: {exc}"
            ) from None
    return SoftNotFound(title=compiled["title"], text=compiled["text"])


def _parse_statuses(value: Any, where: str) -> tuple[int, ...]:
    if value is None:
        return ()
    values = value if isinstance(value, list) else [value]
    if not values or not all(
        isinstance(v, int) and not isinstance(v, bool) and 400 <= v <= 599 for v in values
    ):
        raise RegistryError(
            f"{where}: gone_status = {value!r} must be an HTTP error status (400-599) or a list"
        )
    return tuple(dict.fromkeys(values))


def _parse_sureness(table: Mapping[str, Any], keys: frozenset[str], where: str) -> _Sureness:
    """``evidence`` (dated sources) or ``uncertain``: ``true`` for the whole entry, or the
    keys nobody has confirmed (which still needs evidence for the rest)."""
    evidence = _parse_evidence(table.get("evidence"), where)
    raw = table.get("uncertain", False)
    if isinstance(raw, bool):
        uncertain, fields = raw, ()
    elif isinstance(raw, list) and raw and all(isinstance(k, str) for k in raw):
        unknown = sorted(set(raw) - keys)
        if unknown:
            raise RegistryError(
                f"{where}: uncertain names unknown key(s) {unknown}; allowed: {sorted(keys)}"
            )
        uncertain, fields = False, tuple(dict.fromkeys(raw))
    else:
        raise RegistryError(
            f'{where}: uncertain must be true or a list of keys such as ["first_issue"], '
            f"not {raw!r}"
        )
    if not evidence and not uncertain:
        hint = " (a list of uncertain keys still needs evidence for the rest)" if fields else ""
        raise RegistryError(
            f"{where}: needs evidence = [{{ source = ..., date = ... }}] or uncertain = true{hint}"
        )
    return _Sureness(evidence=evidence, uncertain=uncertain, uncertain_fields=fields)


def _parse_evidence(value: Any, where: str) -> tuple[Evidence, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise RegistryError(f"{where}: evidence must be a list of {{ source, date, note }} tables")
    found = []
    for n, item in enumerate(value, start=1):
        here = f"{where}: evidence {n}"
        if not isinstance(item, dict):
            raise RegistryError(f"{here}: expected a table {{ source = ..., date = ... }}")
        unknown = sorted(set(item) - _EVIDENCE_KEYS)
        if unknown:
            raise RegistryError(
                f"{here}: unknown key(s) {unknown}; allowed: {sorted(_EVIDENCE_KEYS)}"
            )
        found.append(
            Evidence(
                source=_required_str(item, "source", here),
                date=_evidence_date(item.get("date"), here),
                note=_optional_str(item, "note", here) or "",
            )
        )
    return tuple(found)


def _evidence_date(value: Any, where: str) -> str:
    """``2026-10-02`` (a TOML date or a string), ``"2024-12"`` or ``"2013"``."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, str) and _EVIDENCE_DATE.fullmatch(value):
        year, month, day = [*map(int, value.split("-")), 1, 1][:3]
        try:
            dt.date(year, month, day)
        except ValueError:
            pass
        else:
            return value
    raise RegistryError(
        f'{where}: date = {value!r} must say when the source is from: 2026-10-02, "2024-12" '
        'or "2013"'
    )


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
