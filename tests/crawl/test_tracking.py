"""Completeness bookkeeping of issues."""

from __future__ import annotations

import datetime as dt

from crawler.tracking import CrawlTracker

KEY = ("lzcb", dt.date(2021, 10, 20))


def test_an_issue_is_complete_when_every_url_it_waited_for_resolved() -> None:
    t = CrawlTracker()
    assert t.expect(KEY, "index")
    assert t.expect(KEY, "page1")
    assert t.resolve("index") is None
    assert t.expect(KEY, "a1") and t.expect(KEY, "a2")
    assert t.resolve("page1") is None
    assert t.resolve("a1") is None
    outcome = t.resolve("a2")
    assert outcome is not None
    assert (outcome.status, outcome.failures) == ("complete", ())
    assert not t.has_unfinished()


def test_a_failure_makes_the_issue_partial_with_the_url_and_reason() -> None:
    t = CrawlTracker()
    t.expect(KEY, "index")
    t.expect(KEY, "a1")
    t.resolve("index")
    outcome = t.fail("a1", "http 503")
    assert outcome is not None and outcome.status == "partial"
    assert [(f.url, f.reason) for f in outcome.failures] == [("a1", "http 503")]


def test_a_url_is_never_expected_twice_even_by_another_issue() -> None:
    t = CrawlTracker()
    other = ("lzcb", dt.date(2021, 10, 21))
    assert t.expect(KEY, "shared")
    assert not t.expect(other, "shared")
    assert t.owner("shared") == KEY


def test_issues_left_waiting_end_partial_never_silently() -> None:
    t = CrawlTracker()
    t.expect(KEY, "index")
    t.expect(KEY, "lost")
    t.resolve("index")
    assert t.has_unfinished()
    [outcome] = list(t.unfinished())
    assert outcome.status == "partial"
    assert outcome.failures[0].reason == "not fetched: run ended"


def test_an_index_answering_404_makes_the_issue_missing() -> None:
    t = CrawlTracker()
    t.expect(KEY, "index")
    outcome = t.mark_missing("index")
    assert outcome is not None and outcome.status == "missing"


def test_a_url_that_is_gone_is_recorded_but_leaves_the_issue_complete() -> None:
    t = CrawlTracker()
    t.expect(KEY, "index")
    t.expect(KEY, "a1")
    t.resolve("index")
    outcome = t.fail("a1", "http 404")
    assert outcome is not None
    assert outcome.status == "complete"
    assert [(f.url, f.reason) for f in outcome.failures] == [("a1", "http 404")]


def test_urls_left_waiting_are_recorded_with_the_kind_they_were_asked_for() -> None:
    t = CrawlTracker()
    t.expect(KEY, "index", "issue")
    t.expect(KEY, "page2", "page")
    t.expect(KEY, "a1", "article")
    t.expect(KEY, "a1_2", "part")
    t.resolve("index")
    [outcome] = list(t.unfinished())
    assert sorted((f.url, f.kind) for f in outcome.failures) == [
        ("a1", "article"),
        ("a1_2", "part"),
        ("page2", "page"),
    ]
