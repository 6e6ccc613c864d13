"""Compare an archive database with the mock site's ground truth, field by field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from crawler.db import models

ARTICLE_FIELDS = (
    "title",
    "kicker",
    "subtitle",
    "byline",
    "dateline",
    "dateline_place",
    "body",
    "authors",
    "images",
    "page_number",
    "duplicate_of",
)
PAGE_FIELDS = ("order", "name", "url", "pdf_url", "image_url")


@dataclass
class Comparison:
    """What differs between the database and the truth; empty lists mean equal."""

    missing: list[str] = field(default_factory=list)  # in the truth, not in the database
    extra: list[str] = field(default_factory=list)  # in the database, not in the truth
    different: list[str] = field(default_factory=list)  # both, with another value
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def equal(self) -> bool:
        return not (self.missing or self.extra or self.different)

    def report(self, limit: int = 15) -> str:
        lines = [f"counts: {self.counts}"]
        for name in ("missing", "extra", "different"):
            items = getattr(self, name)
            if items:
                lines.append(f"{name} ({len(items)}):")
                lines.extend(f"  {x}" for x in items[:limit])
        return "\n".join(lines)


def truth_rows(
    records: Iterable[Mapping[str, Any]],
    papers: set[str],
    since: dt.date,
    until: dt.date,
) -> tuple[
    dict[tuple[str, str], dict[str, Any]],
    dict[tuple[str, str, str], dict[str, Any]],
    dict[str, dict[str, Any]],
]:
    """Issues, pages and articles of the truth within the papers and dates."""
    issues: dict[tuple[str, str], dict[str, Any]] = {}
    pages: dict[tuple[str, str, str], dict[str, Any]] = {}
    articles: dict[str, dict[str, Any]] = {}
    for r in records:
        if r.get("paper") not in papers or "date" not in r:
            continue
        day = dt.date.fromisoformat(str(r["date"]))
        if not since <= day <= until:
            continue
        if r["kind"] == "issue":
            issues[(r["paper"], r["date"])] = {"url": r["url"], "page_count": r["page_count"]}
        elif r["kind"] == "page":
            pages[(r["paper"], r["date"], r["number"])] = {k: r[k] for k in PAGE_FIELDS}
        elif r["kind"] == "article":
            dateline = r.get("dateline") or {}
            articles[r["url"]] = {
                "paper": r["paper"],
                "date": r["date"],
                "title": r["title"],
                "kicker": r["kicker"],
                "subtitle": r["subtitle"],
                "byline": r["byline"],
                "dateline": dateline.get("text"),
                "dateline_place": dateline.get("place"),
                "body": "\n".join(r["paragraphs"]),
                "authors": [(a["name"], a["role"]) for a in r["authors"]],
                "images": [(i["url"], i["caption"]) for i in r["images"]],
                "page_number": r["page_number"],
                "duplicate_of": r["duplicate_of"],
            }
    return issues, pages, articles


def database_rows(
    engine: Engine, papers: set[str], since: dt.date, until: dt.date
) -> tuple[
    dict[tuple[str, str], dict[str, Any]],
    dict[tuple[str, str, str], dict[str, Any]],
    dict[str, dict[str, Any]],
]:
    """The same shapes as :func:`truth_rows`, read from the archive."""
    P, I, Pg, A = models.Paper, models.Issue, models.Page, models.Article  # noqa: N806, E741
    with engine.connect() as conn:
        issue_rows = conn.execute(
            select(P.slug, I.date, I.url, I.status, I.expected_page_count)
            .join(I, I.paper_id == P.id)
            .where(
                P.slug.in_(papers),
                I.date.between(since, until),
                I.status.not_in(("missing", "none")),
            )
        ).all()
        page_rows = conn.execute(
            select(P.slug, I.date, Pg.number, *(getattr(Pg, f) for f in PAGE_FIELDS))
            .join(I, I.paper_id == P.id)
            .join(Pg, Pg.issue_id == I.id)
            .where(P.slug.in_(papers), I.date.between(since, until))
        ).all()
        dup = models.Article.__table__.alias("dup")
        article_rows = conn.execute(
            select(
                P.slug,
                A.id,
                A.date,
                A.url,
                A.title,
                A.kicker,
                A.subtitle,
                A.byline,
                A.dateline,
                A.dateline_place,
                A.body,
                Pg.number.label("page_number"),
                dup.c.url.label("duplicate_of"),
            )
            .join(A, A.paper_id == P.id)
            .outerjoin(Pg, Pg.id == A.page_id)
            .outerjoin(dup, dup.c.id == A.duplicate_of_id)
            .where(P.slug.in_(papers), A.date.between(since, until))
        ).all()
        authors: dict[int, list[tuple[str, str]]] = {}
        au = models.ArticleAuthor
        for row in conn.execute(
            select(au.article_id, au.name, au.role).order_by(au.article_id, au.position)
        ):
            authors.setdefault(row.article_id, []).append((row.name, row.role))
        images: dict[int, list[tuple[str, str | None]]] = {}
        im = models.ArticleImage
        for img in conn.execute(
            select(im.article_id, im.url, im.caption).order_by(im.article_id, im.position)
        ):
            images.setdefault(img.article_id, []).append((img.url, img.caption))
    issues = {
        (r.slug, r.date.isoformat()): {"url": r.url, "page_count": r.expected_page_count}
        for r in issue_rows
    }
    pages = {
        (r.slug, r.date.isoformat(), r.number): {f: getattr(r, f) for f in PAGE_FIELDS}
        for r in page_rows
    }
    articles = {
        r.url: {
            "paper": r.slug,
            "date": r.date.isoformat(),
            "title": r.title,
            "kicker": r.kicker,
            "subtitle": r.subtitle,
            "byline": r.byline,
            "dateline": r.dateline,
            "dateline_place": r.dateline_place,
            "body": r.body,
            "authors": authors.get(r.id, []),
            "images": images.get(r.id, []),
            "page_number": r.page_number,
            "duplicate_of": r.duplicate_of,
        }
        for r in article_rows
    }
    return issues, pages, articles


def _diff(
    name: str,
    truth: Mapping[Any, dict[str, Any]],
    db: Mapping[Any, dict[str, Any]],
    result: Comparison,
) -> None:
    for key in sorted(set(truth) - set(db), key=str):
        result.missing.append(f"{name} {key}")
    for key in sorted(set(db) - set(truth), key=str):
        result.extra.append(f"{name} {key}")
    for key in sorted(set(truth) & set(db), key=str):
        for fname, want in truth[key].items():
            got = db[key].get(fname)
            if got != want:
                result.different.append(f"{name} {key} {fname}: db {got!r} != truth {want!r}")
    result.counts[name] = len(truth)


def compare(
    engine: Engine,
    records: Iterable[Mapping[str, Any]],
    papers: set[str],
    since: dt.date,
    until: dt.date,
) -> Comparison:
    """Compare every issue, page and article of ``papers`` between ``since`` and ``until``."""
    t_issues, t_pages, t_articles = truth_rows(records, papers, since, until)
    d_issues, d_pages, d_articles = database_rows(engine, papers, since, until)
    result = Comparison()
    _diff("issue", t_issues, d_issues, result)
    _diff("page", t_pages, d_pages, result)
    _diff("article", t_articles, d_articles, result)
    return result
