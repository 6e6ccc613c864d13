"""Fault injection for the mock site: which request fails and how, as a pure function of a seed."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crawler.errors import ConfigurationError

#: Faults that answer with an HTTP error status instead of the page.
STATUS_FAULTS = ("403", "404", "429", "500", "502", "503")
#: Faults that change how the page is delivered (see docs/mocksite.md for each).
DELIVERY_FAULTS = ("slow", "hang", "truncate", "cut", "reset", "redirect", "oversize")
#: Every fault kind a spec may name.
FAULT_KINDS = STATUS_FAULTS + DELIVERY_FAULTS

_MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FaultRule:
    """One kind of fault and the fraction of eligible requests it hits.

    A ``permanent`` rule hits the same URLs on every attempt; otherwise the fault is
    transient and the URL succeeds once it has been tried ``FaultPlan.attempts`` times.
    """

    kind: str
    rate: float
    permanent: bool = False


@dataclass(frozen=True, slots=True)
class Fault:
    """The fault chosen for one request; ``delay`` (seconds) is set for ``slow`` and ``hang``."""

    kind: str
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class FaultPlan:
    """Every fault setting of a running mock site; the default plan injects nothing."""

    rules: tuple[FaultRule, ...] = ()
    seed: int = 0
    #: A transient fault can hit only a URL's first ``attempts`` requests.
    attempts: int = 1
    #: Make every rule permanent (the faulty URLs stay faulty).
    permanent: bool = False
    #: ``slow``: each such response waits ``slow_ms`` plus up to ``slow_jitter_ms``.
    slow_ms: float = 1000.0
    slow_jitter_ms: float = 1000.0
    #: ``hang``: the connection stays open without an answer this long, then closes.
    hang_seconds: float = 300.0
    #: ``429``: the ``Retry-After`` header, in seconds.
    retry_after: int = 1
    #: ``oversize``: the body size in bytes.
    oversize_bytes: int = 20 * _MIB
    #: ``redirect``: the off-site origin the ``Location`` header points to.
    offsite_url: str = "http://offsite.invalid"
    #: Faults hit robots.txt too (never the ``/__mocksite/`` control endpoints).
    include_robots: bool = False

    def __post_init__(self) -> None:
        validate_rules(self.rules)
        if self.attempts < 1:
            raise ConfigurationError(f"fault attempts must be at least 1, not {self.attempts}")
        if min(self.slow_ms, self.slow_jitter_ms, self.hang_seconds) < 0:
            raise ConfigurationError("fault delays cannot be negative")
        if self.retry_after < 0 or self.oversize_bytes < 0:
            raise ConfigurationError("retry_after and oversize_bytes cannot be negative")

    @property
    def active(self) -> bool:
        """Whether any fault can happen at all."""
        return any(rule.rate > 0 for rule in self.rules)

    @property
    def spec(self) -> str:
        """The rules as a spec string (see :func:`parse_fault_spec`)."""
        return format_fault_spec(self.rules)

    def to_jsonable(self) -> dict[str, Any]:
        """The plan as JSON, with the rules as a spec string.

        >>> FaultPlan(parse_fault_spec("500:0.1"), seed=3).to_jsonable()["spec"]
        '500:0.1'
        """
        data = {
            f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "rules"
        }
        return {"spec": self.spec, **data}

    def updated(self, changes: Mapping[str, Any]) -> FaultPlan:
        """A copy with the fields named in ``changes`` replaced (``spec`` replaces the rules).

        >>> plan = FaultPlan().updated({"spec": "503:0.5", "seed": "7"})
        >>> plan.spec, plan.seed
        ('503:0.5', 7)
        >>> FaultPlan().updated({"colour": "red"})
        Traceback (most recent call last):
        ...
        crawler.errors.ConfigurationError: unknown fault setting 'colour'
        """
        values: dict[str, Any] = {}
        types = {f.name: type(getattr(self, f.name)) for f in dataclasses.fields(self)}
        for name, value in changes.items():
            if name == "spec":
                values["rules"] = parse_fault_spec(str(value or ""))
            elif name in types and name != "rules":
                values[name] = _coerce(name, value, types[name])
            else:
                raise ConfigurationError(f"unknown fault setting {name!r}")
        return dataclasses.replace(self, **values)


def _coerce(name: str, value: Any, kind: type) -> Any:
    try:
        if kind is bool:
            if isinstance(value, str):
                return value.strip().lower() in {"1", "true", "yes", "on"}
            return bool(value)
        return kind(value)
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"fault setting {name}: {exc}") from exc


def parse_fault_spec(spec: str) -> tuple[FaultRule, ...]:
    """Rules from a spec such as ``"500:0.05,429:0.02,slow:0.1"``; ``kind!`` makes one permanent.

    >>> [(r.kind, r.rate) for r in parse_fault_spec("500:0.05, reset:0.02")]
    [('500', 0.05), ('reset', 0.02)]
    >>> parse_fault_spec("404!:0.01")
    (FaultRule(kind='404', rate=0.01, permanent=True),)
    >>> parse_fault_spec("")
    ()
    >>> parse_fault_spec("teapot:0.1")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crawler.errors.ConfigurationError: unknown fault 'teapot' in 'teapot:0.1' (known: 403, ...)
    """
    rules: list[FaultRule] = []
    for raw in spec.split(","):
        item = raw.strip()
        if not item:
            continue
        kind, sep, rate_text = item.partition(":")
        kind = kind.strip().lower()
        permanent = kind.endswith("!")
        kind = kind.rstrip("!")
        if kind not in FAULT_KINDS:
            known = ", ".join(FAULT_KINDS)
            raise ConfigurationError(f"unknown fault {kind!r} in {item!r} (known: {known})")
        if not sep:
            raise ConfigurationError(f"fault {item!r} needs a rate, e.g. {kind}:0.05")
        try:
            rate = float(rate_text)
        except ValueError:
            raise ConfigurationError(
                f"fault rate {rate_text!r} in {item!r} is not a number"
            ) from None
        rules.append(FaultRule(kind, rate, permanent))
    rules_tuple = tuple(rules)
    validate_rules(rules_tuple)
    return rules_tuple


def validate_rules(rules: tuple[FaultRule, ...]) -> None:
    """Refuse rates outside [0, 1], a kind named twice, and rates that add up to more than 1.

    >>> validate_rules((FaultRule("500", 0.7), FaultRule("503", 0.7)))
    Traceback (most recent call last):
    ...
    crawler.errors.ConfigurationError: fault rates add up to 1.4, more than 1
    """
    seen: set[str] = set()
    for rule in rules:
        if not 0.0 <= rule.rate <= 1.0:
            raise ConfigurationError(f"fault rate {rule.rate} for {rule.kind} is not in [0, 1]")
        if rule.kind in seen:
            raise ConfigurationError(f"fault {rule.kind} is given twice")
        seen.add(rule.kind)
    total = sum(rule.rate for rule in rules)
    if total > 1.0 + 1e-9:
        raise ConfigurationError(f"fault rates add up to {round(total, 6)}, more than 1")


def format_fault_spec(rules: tuple[FaultRule, ...]) -> str:
    """The spec string that :func:`parse_fault_spec` reads back into ``rules``.

    >>> format_fault_spec(parse_fault_spec("500:0.05,hang!:0.001"))
    '500:0.05,hang!:0.001'
    """
    return ",".join(f"{r.kind}{'!' if r.permanent else ''}:{r.rate:g}" for r in rules)


def unit_draw(seed: int, url: str, attempt: int, salt: str = "") -> float:
    """A number in [0, 1) that depends only on its arguments (the faults' dice).

    >>> unit_draw(1, "/a", 0) == unit_draw(1, "/a", 0)
    True
    >>> unit_draw(1, "/a", 0) != unit_draw(2, "/a", 0)
    True
    """
    digest = hashlib.blake2b(
        f"{seed}\x00{attempt}\x00{salt}\x00{url}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big") / 2**64


def _pick_rule(plan: FaultPlan, url: str, attempt: int) -> FaultRule | None:
    draw = unit_draw(plan.seed, url, attempt)
    upper = 0.0
    for rule in plan.rules:
        upper += rule.rate
        if draw < upper:
            return rule
    return None


def choose_fault(plan: FaultPlan, url: str, attempt: int) -> Fault | None:
    """The fault for the ``attempt``-th request (from 0) of ``url``, or None to answer normally.

    The first attempt decides whether a URL is hit by a permanent rule; transient rules
    draw afresh on each of the first ``plan.attempts`` attempts and never after them.

    >>> plan = FaultPlan(parse_fault_spec("500:1"))
    >>> choose_fault(plan, "/a.htm", 0), choose_fault(plan, "/a.htm", 1)
    (Fault(kind='500', delay=0.0), None)
    >>> choose_fault(dataclasses.replace(plan, permanent=True), "/a.htm", 5)
    Fault(kind='500', delay=0.0)
    """
    if not plan.rules:
        return None
    first = _pick_rule(plan, url, 0)
    if first is not None and (first.permanent or plan.permanent):
        return _fault(plan, first.kind, url, attempt)
    if attempt >= plan.attempts:
        return None
    rule = first if attempt == 0 else _pick_rule(plan, url, attempt)
    # A later attempt that lands on a permanent rule is not faulted: the set of
    # permanently faulty URLs is fixed by their first attempt.
    if rule is None or rule.permanent or plan.permanent:
        return None
    return _fault(plan, rule.kind, url, attempt)


def _fault(plan: FaultPlan, kind: str, url: str, attempt: int) -> Fault:
    if kind == "slow":
        jitter = plan.slow_jitter_ms * unit_draw(plan.seed, url, attempt, "slow")
        return Fault(kind, (plan.slow_ms + jitter) / 1000.0)
    if kind == "hang":
        return Fault(kind, plan.hang_seconds)
    return Fault(kind)
