"""Ground truth of the mock site: JSON-ready records built from the same plans as the HTML.

Record kinds: ``paper``, ``issue``, ``page``, ``article`` (the clean
:class:`crawler.items.Article` fields plus where it sits) and ``unreachable`` (a URL the
site links to or lists but answers 404). See docs/mocksite.md for every field.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Iterator
from typing import TYPE_CHECKING

from crawler.items import Article, Continuation, Image, to_jsonable
from mocksite.markup import squash
from mocksite.model import ArticlePlan, PagePlan
from mocksite.papers import PAPERINDEX, MockPaper

if TYPE_CHECKING:
    from mocksite.family import Family, View
    from mocksite.site import MockSite


def records(
    site: MockSite,
    now: dt.datetime,
    papers: tuple[str, ...] | None,
    since: dt.date | None,
    until: dt.date | None,
) -> Iterator[dict[str, object]]:
    """Every record of the selected papers and days, papers first, then day by day."""
    selected = [p for p in site.papers if papers is None or p.slug in papers]
    for paper in selected:
        yield paper_record(site, paper, now)
    for paper in selected:
        start = max(paper.first_date, since or paper.first_date)
        end = min(now.date(), until or now.date())
        day = start
        while day <= end:
            yield from issue_records(site, paper, day, now)
            day += dt.timedelta(days=1)


def paper_record(site: MockSite, paper: MockPaper, now: dt.datetime) -> dict[str, object]:
    """The paper: its name, family (now), eras, schedule and archive extent."""
    family = paper.family_on(now.date()) or paper.eras[-1].family
    entry = site.families(paper)[-1].entry_path(paper)
    return {
        "kind": "paper",
        "paper": paper.slug,
        "name": paper.name,
        "family": family,
        "first_date": paper.first_date.isoformat(),
        "eras": [
            {
                "family": era.family,
                "since": era.since.isoformat(),
                "until": era.until.isoformat() if era.until else None,
            }
            for era in paper.eras
        ],
        "schedule": paper.schedule,
        "encoding": paper.encoding,
        "cutoff": paper.cutoff.isoformat() if paper.cutoff else None,
        "url": site.paper_url(paper),
        "entry_url": site.paper_url(paper) + entry if entry else None,
        "broken_template": paper.slug in site.options.broken_template,
    }


def issue_records(
    site: MockSite, paper: MockPaper, date: dt.date, now: dt.datetime
) -> Iterator[dict[str, object]]:
    """The issue of ``date`` at ``now``: issue, pages, articles and unreachable URLs."""
    archive = site.archive
    if not archive.published(paper, date, now):
        return
    issue = archive.issue(paper.slug, date)
    if issue is None:
        return
    family = site.family(paper, date)
    base = site.era_url(paper, date)
    url = base + family.issue_path(issue)
    if not archive.reachable(paper, date, now):
        # What the issue index answers: the gone status outside the window, the soft-404
        # page (200) where the paper has one, else 404.
        if not paper.kept(date, now.date()):
            yield _unreachable(paper, date, url, "outside_window", paper.gone_status)
        elif paper.soft_404_title is not None and paper.cutoff and date < paper.cutoff:
            yield _unreachable(paper, date, url, "archive_cutoff", 200, soft_404=True)
        else:
            yield _unreachable(paper, date, url, "archive_cutoff")
        return
    view = site.view(issue, now)
    partial = archive.partial(date, now) and len(view.pages) < len(issue.pages)
    yield {
        "kind": "issue",
        "paper": paper.slug,
        "date": date.isoformat(),
        "edition": None,
        "url": url,
        "family": family.name,
        "page_count": len(view.pages),
        "status": "partial" if partial else "complete",
    }
    for page in view.pages:
        yield page_record(family, view, page)
        if page.missing:
            yield _unreachable(paper, date, base + family.page_path(issue, page), "missing_page")
            continue
        for art in page.articles:
            if art.missing:
                path = family.article_path(issue, art)
                yield _unreachable(paper, date, base + path, "missing_article")
            else:
                yield article_record(family, view, art)


def page_record(family: Family, view: View, page: PagePlan) -> dict[str, object]:
    """A page as the page list shows it."""
    issue, base = view.issue, view.base_url
    quirks = [
        name
        for name, on in (
            ("missing_page", page.missing),
            ("ad_page", page.ad),
            ("meta_charset", page.meta_charset),
        )
        if on
    ]
    pdf = family.pdf_path(issue, page)
    return {
        "kind": "page",
        "paper": issue.paper.slug,
        "date": issue.date.isoformat(),
        "order": page.order,
        "number": page.number,
        "name": page.name,
        "url": base + family.page_path(issue, page),
        # A page that answers 404 is known only by what the page list prints: no page
        # image in any family, and its PDF where the list links it.
        "pdf_url": (
            base + pdf
            if pdf is not None and (not page.missing or family.lists_page_pdfs(issue.paper))
            else None
        ),
        "image_url": None if page.missing else base + family.page_image_path(issue, page),
        "article_count": 0 if page.missing else sum(not a.missing for a in page.articles),
        "listed_count": len(page.articles),
        "reachable": not page.missing,
        "quirks": quirks,
    }


def build_article(family: Family, view: View, art: ArticlePlan) -> Article:
    """The clean article extraction must produce from ``art``'s page(s)."""
    issue, base = view.issue, view.base_url
    page = issue.page(art.page)
    content = view.content(art)
    neighbours = [view.neighbour_article(art, step) for step in (-1, 1)]
    prev_url, next_url = (base + family.article_path(issue, n) if n else None for n in neighbours)
    continuations: list[Continuation] = []
    if art.continues_on is not None:
        other = issue.page(art.continues_on)
        url = base + family.page_path(issue, other) if family.name == PAPERINDEX else None
        continuations.append(Continuation("page", other.number, url))
    continuations.extend(
        Continuation("part", None, base + family.article_path(issue, art, part))
        for part in range(2, content.parts + 1)
    )
    return Article(
        url=base + family.article_path(issue, art),
        title=squash(content.title),
        kicker=squash(content.kicker) if content.kicker else None,
        subtitle=squash(content.subtitle) if content.subtitle else None,
        byline=squash(content.byline or content.signature or "") or None,
        authors=content.authors,
        dateline=content.dateline,
        paragraphs=tuple(squash(p.text) for p in content.paragraphs),
        images=tuple(
            Image(base + family.image_path(issue, art, i), squash(c) if c else None)
            for i, c in enumerate(content.captions, start=1)
        ),
        prev_url=prev_url,
        next_url=next_url,
        continuations=tuple(continuations),
        page_number=page.number,
        page_name=page.name,
        date=issue.date,
    )


def article_record(family: Family, view: View, art: ArticlePlan) -> dict[str, object]:
    """An article: where it sits, its quirks, and the clean :class:`Article` fields."""
    issue, base = view.issue, view.base_url
    article = build_article(family, view, art)
    content = view.content(art)
    duplicate_of = None
    if art.kind == "duplicate" and art.source is not None:
        duplicate_of = base + family.article_path(issue, issue.article(art.source))
    quirks = [
        name
        for name, on in (
            ("duplicate", duplicate_of is not None),
            ("continued", art.continues_on is not None),
            ("continuation", art.kind == "tail"),
            ("parts", content.parts > 1),
            ("photo_only", not content.paragraphs),
            ("meta_charset", art.meta_charset),
            ("corrected", content.corrected_on is not None),
            ("seed", art.kind == "seed"),
        )
        if on
    ]
    path = family.article_path(issue, art)
    record: dict[str, object] = {
        "kind": "article",
        "paper": issue.paper.slug,
        "date": issue.date.isoformat(),
        "page_number": article.page_number,
        "order": art.order,
        "source_id": posixpath.basename(path).rsplit(".", 1)[0],
        "duplicate_of": duplicate_of,
        "quirks": quirks,
        "revision": 2 if content.corrected_on else 1,
        "corrected_on": content.corrected_on.isoformat() if content.corrected_on else None,
    }
    record.update(to_jsonable(article))
    return record


def _unreachable(
    paper: MockPaper,
    date: dt.date,
    url: str,
    reason: str,
    status: int = 404,
    *,
    soft_404: bool = False,
) -> dict[str, object]:
    record: dict[str, object] = {
        "kind": "unreachable",
        "paper": paper.slug,
        "date": date.isoformat(),
        "url": url,
        "status": status,
        "reason": reason,
    }
    if soft_404:
        record["soft_404"] = True
    return record
