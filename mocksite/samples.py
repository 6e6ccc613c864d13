"""Sample documents of each family, with their ground truth, for extractor authors.

``python -m mocksite.samples OUT_DIR`` writes, per family, an issue index, a page,
a few articles (one with kicker, subtitle and images when the archive has one), each as
the served bytes plus a ``.json`` with URL, status and headers, and ``truth.jsonl``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from mocksite import truth
from mocksite.model import ArticleContent, ArticlePlan, IssuePlan
from mocksite.papers import DEFAULT_TODAY, PAPERS_BY_SLUG
from mocksite.site import MockSite, SiteOptions

#: Midday of the default day: every issue complete.
SAMPLE_NOW = dt.datetime.combine(DEFAULT_TODAY, dt.time(12, 0))

#: (folder, paper, first day searched) per family sample set.
SAMPLE_SETS = (
    ("paperindex", "lzcb", dt.date(2021, 10, 20)),
    ("paperindex-dzrb", "dzrb", dt.date(2025, 3, 3)),
    ("founder-kjrb", "kjrb", dt.date(2025, 3, 3)),
    ("founder-jjjcb", "jjjcb", dt.date(2018, 3, 5)),
    ("founder-jxrb", "jxrb", dt.date(2022, 11, 21)),
    ("founder_navi-jxrb", "jxrb", dt.date(2025, 3, 3)),
    ("peoples_daily-rmrb", "rmrb", dt.date(2024, 11, 4)),
    ("peoples_daily-gmrb", "gmrb", dt.date(2025, 3, 3)),
    ("founder_pc-rmrb", "rmrb", dt.date(2025, 3, 3)),
    ("founder_pc-hbrb", "hbrb", dt.date(2025, 3, 3)),
)

Wanted = Callable[[ArticlePlan, ArticleContent], bool]

#: What the sampled articles should show, in order of preference.
WANTED: tuple[tuple[str, Wanted], ...] = (
    ("seed", lambda a, c: a.kind == "seed"),
    ("rich", lambda a, c: bool(c.kicker and c.subtitle and c.captions and c.paragraphs)),
    ("byline-dateline", lambda a, c: bool(c.byline and c.dateline and not c.captions)),
    ("continued", lambda a, c: a.continues_on is not None),
    ("duplicate", lambda a, c: a.kind == "duplicate"),
    ("parts", lambda a, c: c.parts > 1),
    ("photo", lambda a, c: not c.paragraphs),
    ("trailing-byline", lambda a, c: c.trailing_byline is not None),
    ("subheads", lambda a, c: any(p.subhead for p in c.paragraphs)),
)


def _issues(site: MockSite, slug: str, start: dt.date) -> Iterator[IssuePlan]:
    day = start
    while day <= SAMPLE_NOW.date():
        paper = PAPERS_BY_SLUG[slug]
        if (
            site.archive.reachable(paper, day, SAMPLE_NOW)
            and site.family(paper, day).name == site.family(paper, start).name
        ):
            issue = site.archive.issue(slug, day)
            if issue is not None:
                yield issue
        day += dt.timedelta(days=1)


def write_set(site: MockSite, out: Path, slug: str, start: dt.date) -> list[Path]:
    """One sample folder: documents of the first issues that show the wanted articles."""
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    found: dict[str, tuple[IssuePlan, ArticlePlan]] = {}
    first_issue: IssuePlan | None = None
    for issue in _issues(site, slug, start):
        first_issue = first_issue or issue
        view = site.view(issue, SAMPLE_NOW)
        for page in view.pages:
            if page.missing:
                continue
            for art in page.articles:
                if art.missing:
                    continue
                content = view.content(art)
                for name, wanted in WANTED:
                    if name not in found and wanted(art, content):
                        found[name] = (issue, art)
                        break
        if len(found) >= 6 or (issue.date - start).days > 40:
            break
    if first_issue is None:
        return written
    family = site.family(first_issue.paper, first_issue.date)
    base = site.era_url(first_issue.paper, first_issue.date)
    mount = first_issue.paper.mount_on(first_issue.date)  # an era on another host
    documents: list[tuple[str, str]] = [("issue-index", family.issue_path(first_issue))]
    second = next(
        (p for p in first_issue.pages[1:] if not p.missing and p.articles), first_issue.pages[0]
    )
    documents.append((f"page-{second.number}", family.page_path(first_issue, second)))
    issues = {first_issue.date: first_issue}
    for name, (issue, art) in found.items():
        issues[issue.date] = issue
        documents.append((f"article-{name}", family.article_path(issue, art)))
        if name == "parts":
            documents.append((f"article-{name}-2", family.article_path(issue, art, 2)))
    calendar = family.calendar_path(
        first_issue.paper, first_issue.date.year, first_issue.date.month
    )
    if calendar:
        documents.append(("calendar", calendar))
    for name, path in documents:
        response = site.render(f"/{slug}/{mount}{path}", SAMPLE_NOW)
        suffix = ".xml" if path.endswith(".xml") else ".html"
        body_path = out / f"{name}{suffix}"
        body_path.write_bytes(response.body)
        meta = {"url": base + path, "status": response.status, "headers": response.headers}
        meta_path = out / f"{name}.json"
        meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1) + "\n", "utf-8")
        written += [body_path, meta_path]
    urls = {base + path for _, path in documents}
    truth_path = out / "truth.jsonl"
    with truth_path.open("w", encoding="utf-8") as handle:
        for date in sorted(issues):
            for record in truth.issue_records(site, first_issue.paper, date, SAMPLE_NOW):
                if record["kind"] == "article" and record["url"] not in urls:
                    continue
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    written.append(truth_path)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("out", type=Path, help="folder to write the samples into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    args = parser.parse_args(argv)
    site = MockSite(SiteOptions(seed=args.seed, base_url=args.base_url))
    for folder, slug, start in SAMPLE_SETS:
        written = write_set(site, args.out / folder, slug, start)
        print(f"{folder}: {len(written)} files", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
