"""Golden output of the mock site: sha256 of a wide sample of documents and truth records.

A script, not a test module: it records the digests of the current code in a JSON file and
checks a later version of the code against them, so that a change meant to make rendering
faster can prove it changed no byte::

    python tests/mocksite/golden.py record ../notes/golden.json
    python tests/mocksite/golden.py check ../notes/golden.json

The sample covers every paper and family: entries, calendars, issue indexes, pages,
articles (with their parts and ``?div=`` links), PDFs and images, 404s, the seed page, broken
templates, a half-uploaded and a not-yet-published morning, corrections seen days later,
the days around rmrb's 2024-12-01 switch and kjrb's cut-off, with three site options. Each
document is rendered twice: once by a fresh site in order, once by another fresh site in a
shuffled order with the clock values interleaved, so a cache keyed too loosely shows up too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from mocksite.options import QuirkRates
from mocksite.papers import PEOPLES_DAILY
from mocksite.site import DEFAULT_TODAY, FAMILIES, MockSite, SiteOptions

BASE = "http://127.0.0.1:8000"

#: The site options sampled: the default site, broken templates, a quirky seed.
VARIANTS: dict[str, SiteOptions] = {
    "default": SiteOptions(base_url=BASE),
    "broken": SiteOptions(
        base_url=BASE, broken_template=frozenset({"jjjcb", "gmrb", "rmrb", "hbrb", "dzrb"})
    ),
    "quirky": SiteOptions(
        seed=7,
        base_url="http://127.0.0.1:8123/",
        rates=QuirkRates(
            missing_page=0.1,
            missing_article=0.1,
            parts=0.6,
            photo_only=0.2,
            meta_charset=0.3,
            correction=0.4,
            duplicate=0.8,
            continuation=0.8,
        ),
    ),
}

#: The clock values sampled.
NOWS: dict[str, dt.datetime] = {
    "noon": dt.datetime.combine(DEFAULT_TODAY, dt.time(12, 0)),
    "morning": dt.datetime.combine(DEFAULT_TODAY, dt.time(6, 30)),
    "night": dt.datetime.combine(DEFAULT_TODAY, dt.time(3, 0)),
    "later": dt.datetime.combine(DEFAULT_TODAY + dt.timedelta(days=3), dt.time(13, 0)),
}


def _days(slug: str, first: dt.date, now_name: str) -> list[dt.date]:
    """The days sampled for one paper at one clock value."""
    today = NOWS[now_name].date()
    days = {first, first + dt.timedelta(days=1), today, today - dt.timedelta(days=1)}
    if now_name == "noon":
        days |= {dt.date(2024, 6, 14), today - dt.timedelta(days=2)}
    if now_name == "later":
        days |= {DEFAULT_TODAY, DEFAULT_TODAY + dt.timedelta(days=1)}
    if slug == "rmrb":
        days |= {dt.date(2024, 11, 30), dt.date(2024, 12, 1)}
        if now_name == "noon":
            days |= {dt.date(2024, 11, 29), dt.date(2024, 12, 2)}
    if slug == "kjrb":
        days |= {dt.date(2023, 5, 31), dt.date(2023, 6, 1), dt.date(2023, 6, 2)}
    if slug == "lzcb":
        days |= {dt.date(2021, 10, 20)}
        if now_name == "noon":
            days |= {dt.date(2021, 10, 19), dt.date(2021, 10, 21)}
    return sorted(days)


def _path(url: str) -> str:
    split = urlsplit(url)
    return split.path + (f"?{split.query}" if split.query else "")


def _urls(records: Iterable[dict[str, object]]) -> Iterator[str]:
    """Every URL a truth record names."""
    for record in records:
        for field in ("url", "entry_url", "pdf_url", "image_url", "prev_url", "next_url"):
            value = record.get(field)
            if isinstance(value, str):
                yield value
        for image in record.get("images") or []:  # type: ignore[attr-defined]
            yield image["url"]
        for continuation in record.get("continuations") or []:  # type: ignore[attr-defined]
            if continuation.get("url"):
                yield continuation["url"]


def _extra_paths(site: MockSite, slug: str, days: list[dt.date]) -> list[str]:
    """Calendars, other-era layouts, ``?div=`` links and paths that must 404."""
    paper = next(p for p in site.papers if p.slug == slug)
    paths = [f"/{slug}/", f"/{slug}/nothing.htm", f"/{slug}/content/20210230/IssueIndex.htm"]
    for family in site.families(paper):
        entry = family.entry_path(paper)
        if entry:
            paths.append(f"/{slug}/{entry}")
        for day in days:
            calendar = family.calendar_path(paper, day.year, day.month)
            if calendar:
                paths.append(f"/{slug}/{calendar}")
    if slug == "kjrb":
        paths += ["/kjrb/html/2023-13/period.xml", "/kjrb/html/2023-02/period.xml"]
    for day in days:
        issue = site.archive.issue(slug, day)
        if issue is None:
            continue
        for name in dict.fromkeys(era.family for era in paper.eras):
            family = FAMILIES[name]
            paths.append(f"/{slug}/{family.issue_path(issue)}")
            last = issue.pages[-1]
            paths.append(f"/{slug}/{family.page_path(issue, last)}")
            for art in last.articles[:2]:
                paths.append(f"/{slug}/{family.article_path(issue, art)}")
                paths.append(f"/{slug}/{family.article_path(issue, art, 2)}")
                paths.append(f"/{slug}/{family.article_path(issue, art)}?div=-1")
                paths.append(f"/{slug}/{family.article_path(issue, art)}?div=0")
            if name == PEOPLES_DAILY:
                paths.append(f"/{slug}/{family.article_path(issue, issue.pages[0].articles[0])}x")
    return paths


def jobs(site: MockSite, variant: str) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """The (clock name, path) pairs rendered, and the truth digests, of one site variant."""
    pairs: list[tuple[str, str]] = []
    truths: dict[str, str] = {}
    now_names = list(NOWS) if variant == "default" else ["noon", "morning", "later"]
    for now_name in now_names:
        now = NOWS[now_name]
        for paper in site.papers:
            days = _days(paper.slug, paper.first_date, now_name)
            if variant != "default":
                days = days[-3:] + ([dt.date(2024, 12, 1)] if paper.slug == "rmrb" else [])
            urls: list[str] = []
            for day in days:
                records = list(site.truth(now, papers=(paper.slug,), since=day, until=day))
                key = f"truth {variant} {now_name} {paper.slug} {day}"
                truths[key] = _digest(json.dumps(records, sort_keys=True).encode())
                urls.extend(_urls(records))
            paths = [_path(u) for u in urls] + _extra_paths(site, paper.slug, days)
            pairs.extend((now_name, p) for p in dict.fromkeys(paths))
    return pairs, truths


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _response_digest(site: MockSite, now_name: str, path: str) -> str:
    response = site.render(path, NOWS[now_name])
    head = json.dumps([response.status, response.headers]).encode()
    return _digest(head + b"\n" + response.body)


def compute(*, shuffle: bool = True) -> dict[str, str]:
    """Every digest of the sample (see module docs)."""
    digests: dict[str, str] = {}
    for variant, options in VARIANTS.items():
        site = MockSite(options)
        pairs, truths = jobs(site, variant)
        digests.update(truths)
        fresh = MockSite(options)
        for now_name, path in pairs:
            digests[f"render {variant} {now_name} {path}"] = _response_digest(fresh, now_name, path)
        if shuffle:
            shuffled = MockSite(options)
            order = list(pairs)
            random.Random(variant).shuffle(order)
            for now_name, path in order:
                key = f"render {variant} {now_name} {path}"
                if _response_digest(shuffled, now_name, path) != digests[key]:
                    digests[key] = "ORDER-DEPENDENT"
            # The truth again, after the renders filled every cache.
            _, again = jobs(shuffled, variant)
            for key, value in again.items():
                if value != truths[key]:
                    digests[key] = "ORDER-DEPENDENT"
    return digests


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("record", "check"))
    parser.add_argument("file", type=Path)
    parser.add_argument("--no-shuffle", action="store_true", help="skip the shuffled pass")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    digests = compute(shuffle=not args.no_shuffle)
    seconds = time.perf_counter() - started
    total = _digest(json.dumps(digests, sort_keys=True).encode())
    renders = sum(key.startswith("render ") for key in digests)
    print(f"{renders} documents, {len(digests) - renders} truth slices in {seconds:.1f} s")
    print(f"total {total}")
    broken = [key for key, value in digests.items() if value == "ORDER-DEPENDENT"]
    if args.action == "record":
        if broken:
            print(f"{len(broken)} digests depend on the rendering order, not recorded")
            return 1
        args.file.write_text(json.dumps({"total": total, "digests": digests}, indent=0))
        print(f"recorded in {args.file}")
        return 0
    golden = json.loads(args.file.read_text())["digests"]
    differing = sorted(k for k in golden.keys() | digests.keys() if golden.get(k) != digests.get(k))
    for key in differing[:40]:
        print(f"DIFFERS {key}: {golden.get(key)} != {digests.get(key)}")
    if differing:
        print(f"{len(differing)} of {len(golden)} digests differ")
        return 1
    print(f"all {len(golden)} digests identical")
    return 0


if __name__ == "__main__":
    sys.exit(main())
