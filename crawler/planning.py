"""What a run fetches for each paper, decided from its arguments and the database's state."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace

from crawler.db.queries import StoredIssue
from crawler.params import CrawlParams, Mode
from crawler.registry import NoIssueError, Paper


@dataclass(frozen=True, slots=True)
class PaperPlan:
    """The entry points of one paper for one run.

    ``dates`` are issues to fetch directly; ``calendar_months`` are months whose calendar
    decides which of their days (between ``since`` and ``until``) to fetch. ``skip`` are
    dates already complete, never fetched again. ``only``, when set, are the only dates a
    calendar or a 上一期/下一期 link may add (a retry: its partial issues, never the
    complete ones between them). ``partial`` are the dates stored as partial: an index of
    one that now answers 404 makes the issue missing.
    """

    paper: Paper
    since: dt.date
    until: dt.date
    dates: tuple[dt.date, ...] = ()
    calendar_months: tuple[tuple[int, int], ...] = ()
    skip: frozenset[dt.date] = frozenset()
    note: str | None = None
    only: frozenset[dt.date] | None = None
    partial: frozenset[dt.date] = frozenset()

    def wants(self, day: dt.date) -> bool:
        """Whether ``day`` (found on a calendar or by 上一期/下一期) belongs to this run.

        >>> import datetime as dt
        >>> from crawler.registry import load_registry
        >>> paper = load_registry().get("lzcb")
        >>> d = dt.date(2021, 10, 20)
        >>> retry = PaperPlan(paper, d - dt.timedelta(days=9), d, dates=(d,), only=frozenset({d}))
        >>> retry.wants(d), retry.wants(d - dt.timedelta(days=1))
        (True, False)
        """
        if self.only is not None and day not in self.only:
            return False
        return self.since <= day <= self.until and day not in self.skip


#: Statuses that say an issue index is not there: the site has no such issue.
NOT_FOUND_STATUSES = frozenset({404, 410})


def classify_issue_response(
    paper: Paper, day: dt.date, status: int, title: str = "", text: str = ""
) -> str | None:
    """Why the answer to the issue index of ``day`` means the site has no such issue, or
    None when it is an issue index (or a failure like any other).

    ``"404"`` for 404 and 410; the era's ``gone_status`` as its number (``"403"``: the
    site answers so outside its archive); ``"soft-404"`` for a 200 page whose title or text
    matches the era's ``soft_404``. The same status on a page or an article inside an
    issue is a failure: only the index says whether an issue exists.

    >>> from crawler.registry import load_registry
    >>> reg = load_registry()
    >>> rmrb, kjrb = reg.get("rmrb"), reg.get("kjrb")
    >>> day = dt.date(2024, 12, 2)
    >>> classify_issue_response(rmrb, day, 403), classify_issue_response(kjrb, day, 403)
    ('403', None)
    >>> classify_issue_response(kjrb, day, 200, "科技网404错误跳转页面!")
    'soft-404'
    >>> classify_issue_response(rmrb, day, 200, "科技网404错误跳转页面!")
    >>> classify_issue_response(rmrb, day, 410)
    '404'
    """
    if status in NOT_FOUND_STATUSES:
        return "404"
    try:
        era = paper.era_for(day)
    except NoIssueError:
        return None
    if status in era.gone_status:
        return str(status)
    if status == 200 and era.soft_404 and era.soft_404.matches(title, text):
        return "soft-404"
    return None


def outside_archive(params: CrawlParams, paper: Paper) -> list[dt.date]:
    """The dates asked for that the site does not keep: before its first issue, or before
    its rolling ``window`` counted back from the run's today. They are never requested.

    >>> from crawler.registry import load_registry
    >>> rmrb = load_registry().get("rmrb")
    >>> p = CrawlParams.from_arguments({"paper": "rmrb", "since": "2023-03-29",
    ...     "until": "2023-04-02"}, today=dt.date(2025, 3, 31))
    >>> [d.day for d in outside_archive(p, rmrb)]
    [29, 30]
    """
    if params.since is None:
        return []
    start, _ = params.range_for(paper)
    last = min(params.until or params.today, params.today, start - dt.timedelta(days=1))
    return days(params.since, last) if params.since <= last else []


def days(since: dt.date, until: dt.date) -> list[dt.date]:
    """Every date from ``since`` to ``until``, inclusive.

    >>> days(dt.date(2021, 10, 30), dt.date(2021, 11, 1))
    [datetime.date(2021, 10, 30), datetime.date(2021, 10, 31), datetime.date(2021, 11, 1)]
    """
    return [since + dt.timedelta(days=n) for n in range((until - since).days + 1)]


def months(dates: list[dt.date]) -> tuple[tuple[int, int], ...]:
    """The (year, month) pairs of ``dates``, in order, without repeats."""
    return tuple(dict.fromkeys((d.year, d.month) for d in dates))


def has_calendar(paper: Paper, day: dt.date) -> bool:
    """Whether the site publishes its family's calendar in the paper's era on ``day``
    (False outside every era: a month's days before the first issue have no calendar)."""
    try:
        return paper.era_for(day).calendar
    except NoIssueError:
        return False


def plan_paper(
    params: CrawlParams, paper: Paper, stored: Mapping[dt.date, StoredIssue]
) -> PaperPlan:
    """Plan one paper: a backfill, the nightly update, or a retry of partial issues."""
    since, until = params.range_for(paper)
    if since > until:
        return PaperPlan(paper, since, until, note="no date of the range is in the archive")
    partial = frozenset(d for d, s in stored.items() if s.status == "partial")
    if params.mode is Mode.RETRY:
        # Only the partial issues: their 上一期/下一期 links lead through complete issues
        # back to the paper's first issue, one request a date.
        retried = tuple(sorted(d for d in partial if since <= d <= until))
        return PaperPlan(
            paper, since, until, dates=retried, only=frozenset(retried), partial=partial
        )
    if params.mode is Mode.UPDATE:
        return replace(_plan_update(params, paper, stored), partial=partial)
    done = frozenset(d for d, s in stored.items() if s.status in {"complete", "missing"})
    wanted = [d for d in days(since, until) if d not in done]
    # A family that publishes a calendar (period.xml) is asked which days have an issue.
    by_calendar = [d for d in wanted if has_calendar(paper, d)]
    direct = tuple(d for d in wanted if not has_calendar(paper, d))
    return PaperPlan(
        paper,
        since,
        until,
        dates=direct,
        calendar_months=months(by_calendar),
        skip=done,
        partial=partial,
    )


def _plan_update(
    params: CrawlParams, paper: Paper, stored: Mapping[dt.date, StoredIssue]
) -> PaperPlan:
    today = params.today
    published = [d for d, s in stored.items() if s.status not in {"missing", "none"}]
    if not published:
        return PaperPlan(
            paper,
            today,
            today,
            dates=(today,),
            note="no issue stored yet: only today's is fetched (run `epaper crawl` to backfill)",
        )
    newest = max(published)
    # The newest issue is fetched again while it may still change: partial (half uploaded,
    # or something failed) or published today (pages and corrections come during the day).
    recheck = stored[newest].status == "partial" or newest >= today
    first = newest if recheck else newest + dt.timedelta(days=1)
    dates = tuple(days(first, today)) if first <= today else ()
    skip = frozenset(d for d in stored if d not in dates)
    return PaperPlan(paper, first, today, dates=dates, skip=skip)
