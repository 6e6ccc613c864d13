"""The benchmark harness on a one-day archive, so that ``make bench`` cannot rot unnoticed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.benchmarks.harness import Archive
from tests.benchmarks.suite import (
    SuiteOptions,
    judge_targets,
    markdown_report,
    run_suite,
    summarize,
)


@pytest.mark.slow
def test_the_suite_compares_our_crawl_with_the_ceiling_and_the_naive_loop(tmp_path: Path) -> None:
    options = SuiteOptions(
        archive=Archive(("lzcb",), dt.date(2025, 3, 30), dt.date(2025, 3, 30)),
        runs=1,
        latencies=(0.0,),
        variants=("noop-tuned", "epaper-sqlite", "naive"),
        out=tmp_path,
        pin=False,
    )
    result = run_suite(options, "smoke", lambda _message: None)
    rows = {row.variant: row for row in summarize(result.measurements)}

    assert set(rows) == {"noop-tuned", "epaper-sqlite", "naive"}
    assert all(m.returncode == 0 for m in result.measurements)
    ours, ceiling, naive = rows["epaper-sqlite"], rows["noop-tuned"], rows["naive"]
    # The ceiling requests exactly what our crawl requested, and our crawl stores the
    # articles the discovery crawl stored (one issue: a few dozen).
    assert 20 < ours.articles == result.archive_articles == ceiling.articles
    assert ours.requests_per_article == ceiling.requests_per_article
    assert 1.0 < ours.requests_per_article < 1.5
    assert 0.5 * ours.articles <= naive.articles <= ours.articles
    assert ours.cpu_per_1000 > 0 and ours.peak_rss_mb > 30
    assert ours.db_bytes_per_article and ours.warc_bytes_per_article
    report = markdown_report(result)
    assert "| epaper-sqlite |" in report and "| noop-tuned |" in report
    assert "≤ 1.15 HTTP requests per stored article" in report
    assert {t.name for t in judge_targets(list(rows.values()))} >= {
        "≤ 1.15 HTTP requests per stored article on a full backfill",
        "CPU s per 1,000 articles within 3× of the naive baseline's (0 ms)",
    }
