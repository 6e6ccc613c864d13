"""Fault decisions: rates, transient and permanent faults, determinism (no sockets)."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter

import pytest

from crawler.errors import ConfigurationError
from mocksite.faults import (
    FAULT_KINDS,
    FaultPlan,
    choose_fault,
    format_fault_spec,
    parse_fault_spec,
)
from mocksite.server import MockSiteApp, Request

MIXED = (
    "500:0.05,502:0.03,503:0.03,429:0.04,slow:0.1,hang:0.01,truncate:0.03,cut:0.03,"
    "reset:0.02,redirect:0.02,oversize:0.01,404:0.02"
)


def _tolerance(rate: float, n: int) -> float:
    # Five standard deviations of a binomial proportion: a correct implementation
    # fails this about once in two million seeds.
    return 5 * math.sqrt(rate * (1 - rate) / n) + 1e-9


@pytest.mark.parametrize("seed", [0, 1, 12345])
def test_first_attempt_fault_rates_match_the_spec(seed: int) -> None:
    plan = FaultPlan(parse_fault_spec(MIXED), seed=seed)
    n = 20_000
    seen = Counter(
        fault.kind if (fault := choose_fault(plan, f"/p/{i}.htm?div=-1", 0)) else "none"
        for i in range(n)
    )
    for rule in plan.rules:
        assert abs(seen[rule.kind] / n - rule.rate) <= _tolerance(rule.rate, n), rule
    total = sum(rule.rate for rule in plan.rules)
    assert abs(seen["none"] / n - (1 - total)) <= _tolerance(1 - total, n)


def test_fault_rates_over_requests_served_by_the_app(app: MockSiteApp) -> None:
    app.set_plan(FaultPlan(parse_fault_spec(MIXED), seed=7, oversize_bytes=1000))
    n = 4_000
    for i in range(n):
        app.handle(Request("GET", f"/p/2025-03-{i % 28 + 1:02d}.htm?n={i}", "HTTP/1.1", {}))
    stats = app.stats
    assert stats.total == n
    for rule in app.plan.rules:
        rate = stats.by_fault[rule.kind] / n
        assert abs(rate - rule.rate) <= _tolerance(rule.rate, n), (rule, rate)
    # What the client saw agrees: status faults answer with their status.
    assert stats.by_status["502"] == stats.by_fault["502"]
    assert stats.by_status["reset"] == stats.by_fault["reset"]
    assert stats.by_status["302"] == stats.by_fault["redirect"]


def test_transient_faults_stop_after_the_configured_attempts() -> None:
    plan = FaultPlan(parse_fault_spec("500:0.5,reset:0.5"), seed=3, attempts=2)
    urls = [f"/a/{i}.htm" for i in range(500)]
    assert all(choose_fault(plan, url, 0) is not None for url in urls)
    second = sum(choose_fault(plan, url, 1) is not None for url in urls)
    assert second == len(urls)  # the rates add up to 1: the second try faults too
    assert all(choose_fault(plan, url, attempt) is None for url in urls for attempt in (2, 3, 9))


def test_permanent_plan_keeps_the_same_urls_faulty_with_the_same_fault() -> None:
    plan = FaultPlan(parse_fault_spec("503:0.2,truncate:0.1"), seed=5, permanent=True)
    urls = [f"/a/{i}.htm" for i in range(2_000)]
    first = {url: choose_fault(plan, url, 0) for url in urls}
    assert 400 < sum(f is not None for f in first.values()) < 800
    for attempt in (1, 2, 10):
        assert {url: choose_fault(plan, url, attempt) for url in urls} == first


def test_one_permanent_rule_among_transient_ones() -> None:
    plan = FaultPlan(parse_fault_spec("404!:0.1,500:0.2"), seed=11)
    urls = [f"/a/{i}.htm" for i in range(3_000)]
    first = {url: choose_fault(plan, url, 0) for url in urls}
    gone = [url for url, fault in first.items() if fault and fault.kind == "404"]
    flaky = [url for url, fault in first.items() if fault and fault.kind == "500"]
    assert gone
    assert flaky
    assert all(choose_fault(plan, url, 5) == first[url] for url in gone)
    assert all(choose_fault(plan, url, 1) is None for url in flaky)


def test_decisions_depend_on_the_seed_and_the_url_only() -> None:
    plan = FaultPlan(parse_fault_spec("500:0.3"), seed=1)
    urls = [f"/a/{i}.htm" for i in range(300)]
    again = [choose_fault(plan, url, 0) for url in urls]
    assert again == [choose_fault(plan, url, 0) for url in urls]
    other = dataclasses.replace(plan, seed=2)
    assert again != [choose_fault(other, url, 0) for url in urls]


def test_slow_delays_stay_within_base_plus_jitter() -> None:
    plan = FaultPlan(parse_fault_spec("slow:1"), slow_ms=100, slow_jitter_ms=50)
    delays = [choose_fault(plan, f"/s/{i}", 0).delay for i in range(1_000)]  # type: ignore[union-attr]
    assert min(delays) >= 0.1
    assert max(delays) < 0.15
    assert max(delays) - min(delays) > 0.04  # jitter really varies


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("500:1.5", "not in [0, 1]"),
        ("500:0.6,502:0.6", "add up to 1.2"),
        ("500", "needs a rate"),
        ("500:lots", "not a number"),
        ("500:0.1,500:0.2", "given twice"),
        ("boom:0.1", "unknown fault 'boom'"),
    ],
)
def test_bad_specs_are_refused_with_a_clear_message(spec: str, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_fault_spec(spec)


def test_every_kind_round_trips_through_the_spec_string() -> None:
    spec = ",".join(f"{kind}:0.01" for kind in FAULT_KINDS)
    assert format_fault_spec(parse_fault_spec(spec)) == spec


def test_plan_updates_from_json_keep_other_fields() -> None:
    plan = FaultPlan(parse_fault_spec("500:0.1"), seed=4, hang_seconds=2)
    updated = plan.updated({"spec": "reset:0.2", "permanent": "true"})
    assert (updated.spec, updated.seed, updated.hang_seconds, updated.permanent) == (
        "reset:0.2",
        4,
        2,
        True,
    )
    assert plan.updated({"spec": ""}).active is False
