"""Full-text search against LIKE on 100,000 articles: index size, build time, query latency.

    python -m tests.benchmarks.search                                  # SQLite, 100,000 articles
    python -m tests.benchmarks.search --postgres postgresql+psycopg://postgres@127.0.0.1/postgres
    python -m tests.benchmarks.search --articles 20000 --queries 5     # a quick look

The articles are the mock site's ground truth (its text generator, every paper from its first
issue on), written straight into a new database without crawling, so a run takes minutes.
Then ``epaper db reindex``'s rebuild is timed and the index measured against the articles
table, and for 1-, 2-, 3- and 4-character Chinese terms (substrings of random articles, so
common words are asked more often, as people do) every matching id is fetched through the
index and through ``LIKE '%term%'``; the ids must be the same. Ranked searches (the first 20
hits with snippets, what ``epaper search`` prints) are timed too. ``--postgres URL``: a role
that may create a database; the benchmark's own is dropped at the end.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, text

from crawler.db import search as fts
from crawler.db.engine import make_engine
from crawler.db.migrate import upgrade
from crawler.db.models import Article, Issue, Page, Paper
from mocksite import words
from mocksite.options import SiteOptions
from mocksite.papers import PAPERS_BY_SLUG
from mocksite.site import MockSite
from tests.benchmarks.harness import REPO_ROOT, code_version, fresh_folder
from tests.benchmarks.publish import add_docs_option, bench_parser, invocation, publish
from tests.conftest import _postgres_database as postgres_database

NOW = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.UTC)
#: The targets of issue 14, for terms of one to four characters.
TARGET_MEDIAN_MS, TARGET_WORST_MS, TARGET_SPEEDUP, TARGET_SIZE = 30.0, 100.0, 20.0, 1.0


def truth_articles(count: int, seed: int = 0) -> Iterator[dict[str, Any]]:
    """``count`` article records of the mock site, paper after paper, day by day."""
    site = MockSite(SiteOptions(seed=seed, base_url="http://127.0.0.1:8000"))
    made = 0
    while True:
        for slug in PAPERS_BY_SLUG:
            for record in site.truth(NOW, papers=(slug,)):
                if record["kind"] == "article":
                    yield record
                    made += 1
                    if made >= count:
                        return
        msg = f"the mock site has fewer than {count} articles"
        raise SystemExit(msg)


def load(engine: Engine, records: Iterator[dict[str, Any]], batch: int = 5000) -> int:
    """Write the records as papers, issues, pages and articles; returns the articles."""
    papers: dict[str, int] = {}
    issues: dict[tuple[str, str], int] = {}
    pages: dict[tuple[str, str, str], int] = {}
    rows: list[dict[str, Any]] = []
    total = 0
    seen = NOW

    def flush(conn: Connection) -> None:
        nonlocal total
        if rows:
            conn.execute(insert(Article), rows)
            total += len(rows)
            rows.clear()

    with engine.begin() as conn:
        for record in records:
            slug, date = str(record["paper"]), str(record["date"])
            if slug not in papers:
                papers[slug] = len(papers) + 1
                conn.execute(
                    insert(Paper).values(
                        id=papers[slug], slug=slug, name=PAPERS_BY_SLUG[slug].name,
                        family="mock", home_url=f"http://127.0.0.1:8000/{slug}/",
                    )
                )  # fmt: skip
            if (slug, date) not in issues:
                issues[slug, date] = len(issues) + 1
                conn.execute(
                    insert(Issue).values(
                        id=issues[slug, date], paper_id=papers[slug],
                        date=dt.date.fromisoformat(date), url=f"http://x/{slug}/{date}",
                        status="complete",
                    )
                )  # fmt: skip
            number = str(record["page_number"])
            if (slug, date, number) not in pages:
                pages[slug, date, number] = len(pages) + 1
                conn.execute(
                    insert(Page).values(
                        id=pages[slug, date, number], issue_id=issues[slug, date],
                        order=len(pages), number=number, name=record.get("page_name"),
                        url=f"http://x/{slug}/{date}/{number}",
                    )
                )  # fmt: skip
            body = "\n".join(str(p) for p in record["paragraphs"])  # type: ignore[attr-defined]
            rows.append(
                {
                    "paper_id": papers[slug], "issue_id": issues[slug, date],
                    "page_id": pages[slug, date, number], "date": dt.date.fromisoformat(date),
                    "order": record["order"], "url": record["url"], "title": record["title"],
                    "body": body, "char_count": len(body.replace("\n", "")),
                    "content_hash": hashlib.sha256(body.encode()).hexdigest(),
                    "first_seen_at": seen, "last_seen_at": seen, "last_changed_at": seen,
                }
            )  # fmt: skip
            if len(rows) >= batch:
                flush(conn)
        flush(conn)
    return total


def sizes(engine: Engine) -> tuple[int, int]:
    """Bytes of the articles table (with its indexes and TOAST) and of the search index."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            by_name = dict(
                conn.execute(text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name")).all()
            )
            own = ("ix_articles_", "sqlite_autoindex_articles")
            articles = sum(
                n for name, n in by_name.items() if name == "articles" or name.startswith(own)
            )
            index = sum(n for name, n in by_name.items() if fts.owns_table(name))
            return int(articles), int(index)
        row = conn.execute(
            text(
                "SELECT pg_total_relation_size('articles'), "
                "pg_total_relation_size('article_search_chunks')"
            )
        ).one()
        return int(row[0]), int(row[1])


def sample_terms(engine: Engine, per_length: int, seed: int = 14) -> dict[int, list[str]]:
    """Chinese terms of 1 to 4 characters cut from random articles at random places."""
    rng = random.Random(seed)
    with engine.connect() as conn:
        top = int(conn.execute(text("SELECT max(id) FROM articles")).scalar_one())
        found: dict[int, list[str]] = {n: [] for n in (1, 2, 3, 4)}
        while any(len(v) < per_length for v in found.values()):
            body = conn.execute(
                text("SELECT body FROM articles WHERE id = :i"), {"i": rng.randint(1, top)}
            ).scalar()
            if not body:
                continue
            for n, terms in found.items():
                if len(terms) >= per_length or len(body) <= n:
                    continue
                at = rng.randrange(len(body) - n)
                term = body[at : at + n]
                if all("\u4e00" <= c <= "\u9fff" for c in term) and term not in terms:
                    terms.append(term)
    return found


def vocabulary_terms(per_length: int, seed: int = 14) -> dict[int, list[str]]:
    """Words an analyst would look for, from the mock site's vocabulary: surnames for one
    character; places, organisations, subjects and people for two to four."""
    pools: dict[int, set[str]] = {n: set() for n in (1, 2, 3, 4)}
    for name in dir(words):
        value = getattr(words, name)
        if name.isupper() and isinstance(value, tuple):
            for word in value:
                chinese = isinstance(word, str) and all("\u4e00" <= c <= "\u9fff" for c in word)
                if chinese and len(word) in pools:
                    pools[len(word)].add(word)
    rng = random.Random(seed)
    return {n: rng.sample(sorted(pool), min(per_length, len(pool))) for n, pool in pools.items()}


def timed(call: Callable[[], Any], repeat: int = 1) -> tuple[float, Any]:
    """The best wall time of ``repeat`` calls, in milliseconds, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = call()
        best = min(best, (time.perf_counter() - started) * 1000)
    return best, result


Key = tuple[str, int]  # (query set, characters)


@dataclass
class Figures:
    backend: str
    articles: int
    load_s: float
    build_s: float
    articles_bytes: int
    index_bytes: int
    index_method: str
    fts_ms: dict[Key, list[float]]
    ranked_ms: dict[Key, list[float]]
    like_ms: dict[Key, list[float]]
    hits: dict[Key, list[int]]
    speedups: dict[Key, list[float]]
    mismatches: list[str]


def like(conn: Connection, term: str) -> list[int]:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    sql = "SELECT id FROM articles WHERE title LIKE :p ESCAPE '\\' OR body LIKE :p ESCAPE '\\'"
    return [int(i) for i in conn.execute(text(sql), {"p": f"%{escaped}%"}).scalars()]


def measure(url: str, records: list[dict[str, Any]], queries: int, like_queries: int) -> Figures:
    upgrade(url)
    engine = make_engine(url)
    try:
        started = time.monotonic()
        count = load(engine, iter(records))
        load_s = time.monotonic() - started
        started = time.monotonic()
        fts.reindex(engine)
        build_s = time.monotonic() - started
        if engine.dialect.name == "postgresql":
            with engine.execution_options(isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text("VACUUM ANALYZE article_search_chunks"))
                conn.execute(text("VACUUM ANALYZE articles"))
                method = fts.pg_index_method(conn)
        else:
            with engine.begin() as conn:
                conn.execute(text("ANALYZE"))
            method = "FTS5"
        articles_bytes, index_bytes = sizes(engine)
        sets = {
            "vocabulary": vocabulary_terms(queries),
            "substrings": sample_terms(engine, queries),
        }
        keys = [(name, n) for name, group in sets.items() for n in group]
        fts_ms: dict[Key, list[float]] = {k: [] for k in keys}
        ranked_ms: dict[Key, list[float]] = {k: [] for k in keys}
        like_ms: dict[Key, list[float]] = {k: [] for k in keys}
        hits: dict[Key, list[int]] = {k: [] for k in keys}
        speedups: dict[Key, list[float]] = {k: [] for k in keys}
        mismatches: list[str] = []
        with engine.connect() as conn:
            fts.matching_ids(conn, "预热")  # the first query reads the index into the cache
            like(conn, "预热")
            for key in keys:
                for i, term in enumerate(sets[key[0]][key[1]]):
                    ms, ids = timed(lambda t=term: fts.matching_ids(conn, t), repeat=2)  # type: ignore[misc]
                    fts_ms[key].append(ms)
                    hits[key].append(len(ids))
                    ranked, _ = timed(lambda t=term: fts.search(conn, t, limit=20))  # type: ignore[misc]
                    ranked_ms[key].append(ranked)
                    if i < like_queries:
                        slow, expected = timed(lambda t=term: like(conn, t))  # type: ignore[misc]
                        like_ms[key].append(slow)
                        speedups[key].append(slow / max(ms, 0.01))
                        if sorted(expected) != sorted(ids):
                            mismatches.append(f"{term}: LIKE {len(expected)}, index {len(ids)}")
        return Figures(
            engine.dialect.name, count, load_s, build_s, articles_bytes, index_bytes, method,
            fts_ms, ranked_ms, like_ms, hits, speedups, mismatches,
        )  # fmt: skip
    finally:
        engine.dispose()


def _mb(n: int) -> str:
    return f"{n / 1e6:,.0f} MB"


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


SET_NAMES = {
    "vocabulary": "words of the mock site's vocabulary (what an analyst looks for)",
    "substrings": (
        "substrings cut at random places of random articles (frequent characters: the worst case)"
    ),
}


def report(figures: Figures) -> str:
    f = figures
    ratio = f.index_bytes / f.articles_bytes
    lines = [
        (
            f"**{f.backend}** ({f.index_method}): {f.articles:,} articles written in "
            f"{f.load_s:.0f} s; index built (`epaper db reindex`) in {f.build_s:.0f} s; "
            f"articles table {_mb(f.articles_bytes)}, search index {_mb(f.index_bytes)} "
            f"(**{ratio:.2f}×** the articles table, target ≤ 1×: "
            f"{verdict(ratio <= TARGET_SIZE)})."
        ),
        "",
        (
            "| terms | length | n | hits: median, max | every id: median ms | worst ms "
            "| ranked top 20: median ms | worst ms | LIKE: median ms "
            "| × faster than LIKE: median, least |"
        ),
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key in f.fts_ms:
        name, n = key
        lines.append(
            f"| {name} | {n} | {len(f.fts_ms[key])} "
            f"| {statistics.median(f.hits[key]):,.0f}, {max(f.hits[key]):,} "
            f"| {statistics.median(f.fts_ms[key]):.1f} | {max(f.fts_ms[key]):.1f} "
            f"| {statistics.median(f.ranked_ms[key]):.1f} | {max(f.ranked_ms[key]):.1f} "
            f"| {statistics.median(f.like_ms[key]):,.0f} "
            f"| {statistics.median(f.speedups[key]):,.0f}, {min(f.speedups[key]):,.0f} |"
        )
    lines.append("")
    for name, described in SET_NAMES.items():
        every = [ms for (s, _), v in f.fts_ms.items() if s == name for ms in v]
        speed = [x for (s, _), v in f.speedups.items() if s == name for x in v]
        median, worst, fast = statistics.median(every), max(every), statistics.median(speed)
        lines.append(
            f"- {described}, all {len(every)} terms: every id in median {median:.1f} ms "
            f"(target ≤ {TARGET_MEDIAN_MS:.0f}: {verdict(median <= TARGET_MEDIAN_MS)}), worst "
            f"{worst:.1f} ms (≤ {TARGET_WORST_MS:.0f}: {verdict(worst <= TARGET_WORST_MS)}); "
            f"{fast:,.0f}× faster than LIKE in median (≥ {TARGET_SPEEDUP:.0f}×: "
            f"{verdict(fast >= TARGET_SPEEDUP)})."
        )
    compared = sum(len(v) for v in f.like_ms.values())
    lines.append(
        f"- The same ids as LIKE: yes, for all {compared} terms compared."
        if not f.mismatches
        else "- The same ids as LIKE: **no**: " + "; ".join(f.mismatches[:5])
    )
    return "\n".join(lines) + "\n"


def _postgres_database(admin_url: str) -> Iterator[str]:
    return postgres_database(admin_url, prefix="epaper_bench_search")


def main(argv: Sequence[str] | None = None) -> int:
    parser = bench_parser("search", __doc__)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=20, help="terms of each length")
    parser.add_argument("--like", type=int, default=5, help="of which also run with LIKE")
    parser.add_argument("--postgres", metavar="URL", help="also on PostgreSQL (admin URL)")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "data" / "bench")
    add_docs_option(parser, "search")
    args = parser.parse_args(argv)
    started = dt.datetime.now().astimezone()
    began = time.monotonic()
    workdir = fresh_folder(args.out / f"search-{started:%Y%m%d-%H%M%S}")
    records = list(truth_articles(args.articles))
    chars = sum(len(r["title"]) + sum(len(p) for p in r["paragraphs"]) for r in records)
    parts = []
    if not args.no_sqlite:
        database = workdir / "search.sqlite3"
        figures = measure(f"sqlite:///{database}", records, args.queries, args.like)
        parts.append(report(figures))
        for path in workdir.glob("search.sqlite3*"):
            path.unlink()
    if args.postgres:
        databases = _postgres_database(args.postgres)
        url = next(databases)
        try:
            parts.append(report(measure(url, records, args.queries, args.like)))
        finally:
            for _ in databases:
                pass
    text_ = (
        f"Full-text search of {started:%Y-%m-%d %H:%M} ({time.monotonic() - began:.0f} s, "
        f"commit {code_version()}), `{invocation(parser, argv)}`: {len(records):,} mock-site "
        f"articles ({chars / len(records):,.0f} characters on average); per set and length "
        f"{args.queries} terms, {args.like} of them also with LIKE; the index's time is the "
        "best of 2 runs.\n\n" + "\n".join(parts)
    )
    (workdir / "search.md").write_text(text_, encoding="utf-8")
    print(text_)
    if args.docs:
        publish("search", text_, args.docs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
