"""The mock archive's structure: which issues exist, their pages and articles, quirks and time.

Everything is generated lazily from a hash of (seed, paper, date, ...) and cached per
issue and per article; both the HTML and the ground truth are rendered from these plans.
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from dataclasses import dataclass, replace

from crawler.items import Author, Dateline
from mocksite import textgen, words
from mocksite.options import SiteOptions
from mocksite.papers import FOUNDER, PAPERS_BY_SLUG, MockPaper
from mocksite.seed import SeedPage

#: The seed page's paper and day (its page is pinned to the seed text).
SEED_PAPER = "lzcb"
SEED_DATE = dt.date(2021, 10, 20)
SEED_PAGE_ORDER = 5
SEED_PAGE_NAME = "淄博"

#: Article ids of one day: page order * 20 + article order < 500.
IDS_PER_DAY = 500
IDS_PER_PAGE = 20

CHINA = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True, slots=True)
class ArticlePlan:
    """One entry of a page's title list."""

    page: int  # page order
    order: int  # 1-based position in the title list
    key: int  # numeric id the URL schemes use (content_N)
    kind: str = "story"  # story, photo, seed, duplicate, tail
    source: tuple[int, int] | None = None  # duplicate: (page, order) of the original
    head: tuple[int, int] | None = None  # tail: (page, order) of the article it continues
    continues_on: int | None = None  # head: page order of its continuation
    missing: bool = False  # listed, but answers 404
    title_hint: str | None = None  # the seed page's title list
    meta_charset: bool = False

    @property
    def position(self) -> tuple[int, int]:
        return (self.page, self.order)


@dataclass(frozen=True, slots=True)
class PagePlan:
    """One page (版) of an issue."""

    order: int
    number: str  # as printed: 01, 1, A01
    name: str
    letters: str  # PaperIndex file-name suffix (Page05NU.htm)
    uid: str  # Founder new file names of the page image and PDF
    articles: tuple[ArticlePlan, ...]
    missing: bool = False
    ad: bool = False
    late: bool = False  # appears only at complete_hour on the issue's own day
    meta_charset: bool = False


@dataclass(frozen=True, slots=True)
class IssuePlan:
    """One issue: a paper's pages on one day."""

    paper: MockPaper
    date: dt.date
    family: str
    pages: tuple[PagePlan, ...]

    def page(self, order: int) -> PagePlan:
        return self.pages[order - 1]

    def article(self, position: tuple[int, int]) -> ArticlePlan:
        return self.pages[position[0] - 1].articles[position[1] - 1]


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A body paragraph as the ground truth lists it; subheads are paragraphs too."""

    text: str
    subhead: bool = False
    block_start: bool = False  # PaperIndex prints paragraphs in <P> blocks split by <br>


@dataclass(frozen=True, slots=True)
class ArticleContent:
    """An article's text, the version current at some moment."""

    title: str
    kicker: str | None = None
    subtitle: str | None = None
    byline: str | None = None
    authors: tuple[Author, ...] = ()
    dateline: Dateline | None = None
    paragraphs: tuple[Paragraph, ...] = ()
    captions: tuple[str | None, ...] = ()  # one per image
    trailing_byline: str | None = None  # printed after the body, not part of it
    signature: str | None = None  # the byline a signature trailing_byline gives (本报评论员)
    lead_marker: str | None = None  # （上接第01版）, printed first, not part of the body
    end_marker: str | None = None  # （下转第05版）, printed last, not part of the body
    parts: int = 1  # Founder classic: printed over content_N.htm, content_N_2.htm, ...
    corrected_on: dt.date | None = None  # the day this version appeared, if a correction
    correction_due: dt.date | None = None  # the day a later correction appears

    def part_paragraphs(self, part: int) -> tuple[Paragraph, ...]:
        """The paragraphs printed on part ``part`` (1-based) of the article."""
        if self.parts == 1:
            return self.paragraphs
        cut = (len(self.paragraphs) + 1) // 2
        return self.paragraphs[:cut] if part == 1 else self.paragraphs[cut:]


class Archive:
    """Issue plans and article texts of every paper, generated on demand and cached."""

    def __init__(self, options: SiteOptions, seed_page: SeedPage | None) -> None:
        self.options = options
        self.seed_page = seed_page
        self.rates = options.rates
        self.plan = functools.lru_cache(maxsize=2048)(self._plan)
        self.content = functools.lru_cache(maxsize=4096)(self._content)
        # Asked several times per request (reachable, issue, neighbours): a hash each time.
        self._no_holiday = functools.lru_cache(maxsize=16384)(self._no_holiday_on)

    # -- which days have an issue ---------------------------------------------------------

    def scheduled(self, paper: MockPaper, date: dt.date) -> bool:
        """Whether ``paper`` prints an issue on ``date`` at all (time of day aside)."""
        if paper.family_on(date) is None or not paper.publishes_on(date):
            return False
        if paper.slug == SEED_PAPER and date == SEED_DATE:
            return True
        return self._no_holiday(paper.slug, date)

    def _no_holiday_on(self, slug: str, date: dt.date) -> bool:
        return textgen.unit(self.options.seed, slug, date, "no-issue") >= self.rates.no_issue

    def published(self, paper: MockPaper, date: dt.date, now: dt.datetime) -> bool:
        """Whether the issue of ``date`` is online at ``now`` (cut-off dates included)."""
        if not self.scheduled(paper, date):
            return False
        today = now.date()
        if date < today:
            return True
        return date == today and now.hour >= self.options.publish_hour

    def partial(self, date: dt.date, now: dt.datetime) -> bool:
        """Whether the issue of ``date`` still lacks its late pages at ``now``."""
        return date == now.date() and now.hour < self.options.complete_hour

    def reachable(self, paper: MockPaper, date: dt.date, now: dt.datetime) -> bool:
        """Whether the issue's pages answer at ``now`` (published, not before the cut-off,
        and inside the paper's rolling window)."""
        if paper.cutoff is not None and date < paper.cutoff:
            return False
        if not paper.kept(date, now.date()):
            return False
        return self.published(paper, date, now)

    def visible_pages(self, issue: IssuePlan, now: dt.datetime) -> tuple[PagePlan, ...]:
        """The pages listed at ``now``: late pages wait for ``complete_hour`` on the day."""
        if self.partial(issue.date, now):
            return tuple(page for page in issue.pages if not page.late)
        return issue.pages

    def neighbour_issue(
        self, paper: MockPaper, date: dt.date, now: dt.datetime, step: int
    ) -> dt.date | None:
        """The closest reachable issue before (step -1) or after (step 1) ``date``."""
        day = date + dt.timedelta(days=step)
        for _ in range(40):
            if day < paper.first_date or day > now.date():
                return None
            if self.reachable(paper, day, now):
                return day
            day += dt.timedelta(days=step)
        return None

    def latest_issue(self, paper: MockPaper, now: dt.datetime) -> dt.date | None:
        """The newest reachable issue at ``now``."""
        today = now.date()
        if self.reachable(paper, today, now):
            return today
        return self.neighbour_issue(paper, today, now, -1)

    # -- issue plans ------------------------------------------------------------------------

    def issue(self, slug: str, date: dt.date) -> IssuePlan | None:
        """The plan of ``slug``'s issue of ``date`` (None when it prints none that day)."""
        paper = PAPERS_BY_SLUG.get(slug)
        if paper is None or not self.scheduled(paper, date):
            return None
        return self.plan(slug, date)

    def _plan(self, slug: str, date: dt.date) -> IssuePlan:
        paper = PAPERS_BY_SLUG[slug]
        family = paper.family_on(date)
        assert family is not None
        seed = self.options.seed
        rng = textgen.make_rng(seed, slug, date, "issue")
        step = 4 if paper.min_pages % 4 == 0 else 2
        count = rng.choice(range(paper.min_pages, paper.max_pages + 1, step))
        pinned = slug == SEED_PAPER and date == SEED_DATE
        if pinned:
            count = max(count, 8)
        numbers = page_numbers(paper, count, date)
        ad_last = count >= 8 and rng.random() < self.rates.ad_page
        day_ids = paper.id_base + (date - paper.first_date).days * IDS_PER_DAY
        utf8 = paper.encoding == "utf-8"
        pages: list[PagePlan] = []
        for order in range(1, count + 1):
            ad = ad_last and order == count
            seed_page = pinned and order == SEED_PAGE_ORDER
            if order == 1:
                name = paper.first_page_name
            elif ad:
                name = words.AD_PAGE_NAME
            elif seed_page:
                name = self.seed_page.page_name if self.seed_page else SEED_PAGE_NAME
            elif slug == "rmrb" and order <= 4:
                name = "要闻"
            else:
                name = rng.choice(words.PAGE_NAMES)
            if paper.spaced_names and len(name) == 2:
                name = f"{name[0]} {name[1]}"
            if ad:
                n_articles = 0
            elif seed_page and self.seed_page is not None:
                n_articles = len(self.seed_page.titles)
            else:
                # At most 10, so that a continuation and a duplicate appended keep it <= 12.
                n_articles = rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10))
            coin = functools.partial(textgen.unit, seed, slug, date, order)
            articles = []
            for a in range(1, n_articles + 1):
                kind = "photo" if coin(a, "photo") < self.rates.photo_only else "story"
                art = ArticlePlan(
                    page=order,
                    order=a,
                    key=day_ids + order * IDS_PER_PAGE + a,
                    kind=kind,
                    missing=not seed_page and coin(a, "missing") < self.rates.missing_article,
                    meta_charset=utf8 and coin(a, "meta") < self.rates.meta_charset,
                )
                if seed_page and self.seed_page is not None:
                    hint = self.seed_page.titles[a - 1]
                    kind = "seed" if hint == self.seed_page.title else "story"
                    art = replace(art, kind=kind, title_hint=hint, meta_charset=False)
                articles.append(art)
            pages.append(
                PagePlan(
                    order=order,
                    number=numbers[order - 1],
                    name=name,
                    letters=_letters(textgen.stable_int(seed, slug, date, order, "letters")),
                    uid=_uid(seed, slug, date, order),
                    articles=tuple(articles),
                    missing=order > 1
                    and not seed_page
                    and coin("missing") < self.rates.missing_page,
                    ad=ad,
                    late=order > (count + 1) // 2,
                    meta_charset=utf8 and not seed_page and coin("meta") < self.rates.meta_charset,
                )
            )
        issue = IssuePlan(paper, date, family, tuple(pages))
        avoid = SEED_PAGE_ORDER if pinned else None
        if rng.random() < self.rates.continuation:
            issue = _add_continuation(issue, rng, day_ids, avoid)
        if rng.random() < self.rates.duplicate:
            issue = _add_duplicate(issue, rng, day_ids, avoid)
        return issue

    # -- article texts ----------------------------------------------------------------------

    def article_content(
        self, issue: IssuePlan, art: ArticlePlan, now: dt.datetime | None
    ) -> ArticleContent:
        """The text of ``art`` current at ``now`` (None: as first printed)."""
        position = art.source if art.kind == "duplicate" and art.source else art.position
        first = self.content(issue.paper.slug, issue.date, position, False)
        due = first.correction_due
        if due is not None and now is not None:
            # Corrections come in the afternoon of the day of print, with the late pages:
            # a crawler that checks today's issue again that day can see them; nothing
            # short of fetching every old article again could see a later one.
            corrected_at = dt.datetime.combine(due, dt.time(self.options.complete_hour))
            if as_china_time(now) >= corrected_at:
                return self.content(issue.paper.slug, issue.date, position, True)
        return first

    def _content(
        self, slug: str, date: dt.date, position: tuple[int, int], corrected: bool
    ) -> ArticleContent:
        issue = self.plan(slug, date)
        art = issue.article(position)
        paper = issue.paper
        seed = self.options.seed
        rng = textgen.make_rng(seed, slug, date, position, "article")
        if art.kind == "seed" and self.seed_page is not None:
            return _seed_content(self.seed_page)
        if art.kind == "photo":
            return self._photo(rng, paper, date, position)
        content = self._story(rng, paper, date, art)
        if art.kind == "tail" and art.head is not None:
            head = self.content(slug, date, art.head, False)
            content = replace(
                content,
                title=head.title,
                kicker=None,
                subtitle=None,
                byline=None,
                authors=(),
                dateline=None,
                trailing_byline=None,
                signature=None,
                lead_marker=f"（上接第{issue.page(art.head[0]).number}版）",
            )
        if art.continues_on is not None:
            content = replace(
                content, end_marker=f"（下转第{issue.page(art.continues_on).number}版）"
            )
        long_enough = issue.family == FOUNDER and len(content.paragraphs) >= 6
        if long_enough and textgen.unit(seed, slug, date, position, "parts") < self.rates.parts:
            content = replace(content, parts=2)
        plain = [i for i, p in enumerate(content.paragraphs) if not p.subhead]
        fixable = art.kind == "story" and len(plain) >= 2
        if fixable and textgen.unit(seed, slug, date, position, "fix") < self.rates.correction:
            due = date
            if not corrected:
                return replace(content, correction_due=due)
            index = plain[-1]
            fixed_rng = textgen.make_rng(seed, slug, date, position, "corrected")
            old = content.paragraphs[index]
            new_text = textgen.make_paragraph(fixed_rng, paper, len(old.text))
            paragraphs = list(content.paragraphs)
            paragraphs[index] = replace(old, text=new_text)
            return replace(content, paragraphs=tuple(paragraphs), corrected_on=due)
        return content

    def _photo(
        self, rng: random.Random, paper: MockPaper, date: dt.date, position: tuple[int, int]
    ) -> ArticleContent:
        title = rng.choice(("图片新闻", textgen.make_title(rng, paper)))
        byline = textgen.make_byline(rng, paper, photo=True) if rng.random() < 0.5 else None
        if byline is not None and self._rare_byline_form(paper, date, position) is not None:
            byline = self._rare_byline(paper, date, position, "credit")
        captions = tuple(
            textgen.make_caption(rng, paper, date) for _ in range(rng.choice((1, 1, 2)))
        )
        return ArticleContent(
            title=title,
            byline=byline.text if byline else None,
            authors=byline.authors if byline else (),
            captions=captions,
        )

    def _story(
        self, rng: random.Random, paper: MockPaper, date: dt.date, art: ArticlePlan
    ) -> ArticleContent:
        rates = self.rates
        title = art.title_hint or textgen.make_title(rng, paper)
        kicker = textgen.make_kicker(rng, paper) if rng.random() < rates.kicker else None
        subtitle = textgen.make_subtitle(rng, paper) if rng.random() < rates.subtitle else None
        length = textgen.body_length(rng)
        texts: list[tuple[str, bool]] = []  # (text, subhead)
        total = 0
        subheads = length > 1500 and rng.random() < 0.5
        while total < length:
            if subheads and len(texts) in (2, 6, 11):
                texts.append((textgen.make_subhead(rng, paper), True))
            target = min(length - total, 60 + textgen.below(rng, 261))  # rng.randint(60, 320)
            text = textgen.make_paragraph(rng, paper, target)
            texts.append((text, False))
            total += len(text)
        dateline: Dateline | None = None
        authors: tuple[Author, ...] = ()
        byline_text: str | None = None
        trailing: str | None = None
        wire = False
        # The rest of a story continued from another page (下转/上接) opens with no
        # dateline of its own; the draw is made all the same, so other texts stay as they are.
        if rng.random() < rates.dateline and art.kind != "tail":
            printed = textgen.make_dateline(rng, paper, date)
            dateline = printed.dateline
            texts[0] = (f"{printed.printed} {texts[0][0]}", False)
            if printed.dateline.agency:
                wire, authors = True, printed.authors
        signature: str | None = None
        if not wire and rng.random() < 0.9:
            byline = textgen.make_byline(rng, paper)
            form = self._rare_byline_form(paper, date, art.position)
            if form is not None:
                byline = self._rare_byline(paper, date, art.position, form)
            byline_text, authors, trailing = byline.text, byline.authors, byline.trailing
            signature = byline.signature
        captions: tuple[str | None, ...] = ()
        if rng.random() < rates.images:
            captions = tuple(
                textgen.make_caption(rng, paper, date) if rng.random() < 0.85 else None
                for _ in range(rng.choice((1, 1, 1, 2)))
            )
        return ArticleContent(
            title=title,
            kicker=kicker,
            subtitle=subtitle,
            byline=byline_text,
            authors=authors,
            dateline=dateline,
            paragraphs=_mark_blocks(texts),
            captions=captions,
            trailing_byline=trailing,
            signature=signature,
        )

    def _rare_byline_form(
        self, paper: MockPaper, date: dt.date, position: tuple[int, int]
    ) -> str | None:
        """Whether a bylined article prints a rarer byline form, and which: a coin of its
        own, so that the article's other text is drawn exactly as without it."""
        rate = self.rates.byline_forms
        coin = textgen.unit(self.options.seed, paper.slug, date, position, "byline-form")
        if coin >= rate:
            return None
        return ("dot", "credit", "signature")[min(2, int(3 * coin / rate))]

    def _rare_byline(
        self, paper: MockPaper, date: dt.date, position: tuple[int, int], form: str
    ) -> textgen.Byline:
        rng = textgen.make_rng(self.options.seed, paper.slug, date, position, "byline-form")
        return textgen.make_rare_byline(rng, paper, form)


# ---------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------


def page_numbers(paper: MockPaper, count: int, date: dt.date | None = None) -> list[str]:
    """Page numbers as printed, in page order (the style of ``date``'s era, else the paper's).

    >>> from mocksite.papers import PAPERS_BY_SLUG as P
    >>> page_numbers(P["kjrb"], 4), page_numbers(P["jjjcb"], 3)
    (['01', '02', '03', '04'], ['1', '2', '3'])
    >>> page_numbers(P["jxrb"], 20)[-9:]
    ['C04', 'D01', 'D02', 'D03', 'D04', 'D05', 'D06', 'D07', 'D08']
    """
    era = paper.era_on(date) if date is not None else None
    style = (era.page_numbers if era is not None else None) or paper.page_numbers
    if style == "plain":
        return [str(i) for i in range(1, count + 1)]
    if style == "padded":
        return [f"{i:02d}" for i in range(1, count + 1)]
    sizes = [4, 4, 4, max(0, count - 12)] if count > 12 else [4] * (count // 4) + [count % 4]
    return [f"{'ABCD'[s]}{i:02d}" for s, size in enumerate(sizes) for i in range(1, size + 1)]


def _letters(value: int) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return alphabet[value % 26] + alphabet[(value // 26) % 26]


def _uid(*parts: object) -> str:
    h = f"{textgen.stable_int(*parts, 'uid'):016x}{textgen.stable_int(*parts, 'uid2'):016x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def _mark_blocks(texts: list[tuple[str, bool]]) -> tuple[Paragraph, ...]:
    """Paragraphs of (text, subhead) pairs, marked where PaperIndex starts a new <P>: the
    lede alone, then runs between subheads.

    >>> [p.block_start for p in _mark_blocks([("a", False), ("b", False), ("c", False)])]
    [True, True, False]
    """
    marked: list[Paragraph] = []
    previous_subhead = True
    for i, (text, subhead) in enumerate(texts):
        start = i <= 1 or subhead or previous_subhead
        marked.append(Paragraph(text, subhead, start))
        previous_subhead = subhead
    return tuple(marked)


def _seed_content(seed: SeedPage) -> ArticleContent:
    paragraphs = [
        Paragraph(line, subhead=block.subhead, block_start=i == 0)
        for block in seed.blocks
        for i, line in enumerate(block.lines)
    ]
    return ArticleContent(
        title=seed.title,
        kicker=seed.kicker,
        subtitle=seed.subtitle,
        byline=seed.byline,
        authors=seed.authors,
        dateline=seed.dateline,
        paragraphs=tuple(paragraphs),
        trailing_byline=seed.trailing_byline,
    )


def _eligible(issue: IssuePlan, avoid: int | None) -> list[PagePlan]:
    """Pages that can carry a continuation or duplicate: online early, with stories."""
    return [
        page
        for page in issue.pages
        if not page.missing
        and not page.ad
        and not page.late
        and page.order != avoid
        and any(a.kind == "story" and not a.missing for a in page.articles)
    ]


def _append(issue: IssuePlan, page_order: int, art: ArticlePlan) -> IssuePlan:
    pages = list(issue.pages)
    page = pages[page_order - 1]
    pages[page_order - 1] = replace(page, articles=(*page.articles, art))
    return replace(issue, pages=tuple(pages))


def _set(issue: IssuePlan, art: ArticlePlan) -> IssuePlan:
    pages = list(issue.pages)
    page = pages[art.page - 1]
    articles = list(page.articles)
    articles[art.order - 1] = art
    pages[art.page - 1] = replace(page, articles=tuple(articles))
    return replace(issue, pages=tuple(pages))


def _add_continuation(
    issue: IssuePlan, rng: random.Random, day_ids: int, avoid: int | None
) -> IssuePlan:
    """A front-page story continues as the last article of a later page (下转第X版)."""
    pages = _eligible(issue, avoid)
    if len(pages) < 2 or pages[0].order != 1:
        return issue
    heads = [a for a in pages[0].articles if a.kind == "story" and not a.missing and a.order <= 3]
    if not heads:
        return issue
    head = rng.choice(heads)
    tail_page = rng.choice(pages[1:])
    tail = ArticlePlan(
        page=tail_page.order,
        order=len(tail_page.articles) + 1,
        key=day_ids + tail_page.order * IDS_PER_PAGE + len(tail_page.articles) + 1,
        kind="tail",
        head=head.position,
    )
    issue = _set(issue, replace(head, continues_on=tail_page.order))
    return _append(issue, tail_page.order, tail)


def _add_duplicate(
    issue: IssuePlan, rng: random.Random, day_ids: int, avoid: int | None
) -> IssuePlan:
    """A story printed again, as the last article of another page, under another id."""
    pages = _eligible(issue, avoid)
    if len(pages) < 2:
        return issue
    # The copy is printed on a later page than the original: the first in reading order
    # is the original, which is all a crawler can tell (as on 湖北日报).
    source_page, target_page = sorted(rng.sample(pages, 2), key=lambda page: page.order)
    sources = [
        a
        for a in source_page.articles
        if a.kind == "story" and not a.missing and a.continues_on is None
    ]
    if not sources:
        return issue
    source = rng.choice(sources)
    target = issue.page(target_page.order)
    dup = ArticlePlan(
        page=target.order,
        order=len(target.articles) + 1,
        key=day_ids + target.order * IDS_PER_PAGE + len(target.articles) + 1,
        kind="duplicate",
        source=source.position,
    )
    return _append(issue, target.order, dup)


def as_china_time(now: dt.datetime) -> dt.datetime:
    """``now`` as naive Asia/Shanghai wall time (naive datetimes are taken as that already).

    >>> as_china_time(dt.datetime(2025, 3, 31, 2, 0, tzinfo=dt.timezone.utc))
    datetime.datetime(2025, 3, 31, 10, 0)
    """
    if now.tzinfo is None:
        return now
    return now.astimezone(CHINA).replace(tzinfo=None)
