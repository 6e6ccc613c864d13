"""Where a run of the ``epaper`` spider starts: its plans and entry points, from a plan source.

The crawl plans from the database (:class:`DatabasePlans`); reparse replays what a run
fetched (``crawler.reparse.ReplayPlans``). The spider takes either as its ``plan_source``
argument and walks the same way from there.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from crawler.config import database_url
from crawler.db.engine import make_engine
from crawler.db.migrate import ensure_schema
from crawler.db.queries import StoredProgress, issue_progress, stored_issues
from crawler.planning import PaperPlan, plan_paper

if TYPE_CHECKING:
    from scrapy.settings import Settings

    from crawler.params import CrawlParams
    from crawler.tracking import IssueKey

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry point of a run: a month's calendar or an issue's first page.

    ``url`` None means the registry's URL of the month or date (under the host override).
    """

    paper: str
    kind: str  # "calendar" or "issue"
    url: str | None = None
    date: dt.date | None = None
    month: tuple[int, int] | None = None
    listed: bool = False


@dataclass
class Planned:
    """A run's plans per paper, the stored progress of issues it completes, and its entries."""

    plans: dict[str, PaperPlan] = field(default_factory=dict)
    stored: dict[IssueKey, StoredProgress] = field(default_factory=dict)
    entries: list[Entry] = field(default_factory=list)


class PlanSource(Protocol):
    """What decides a run's plans and entry points."""

    def plan(self, params: CrawlParams, settings: Settings) -> Planned: ...


class DatabasePlans:
    """The crawl's plan: each paper's arguments against what the database holds."""

    def plan(self, params: CrawlParams, settings: Settings) -> Planned:
        url = database_url(settings)
        ensure_schema(url)
        engine = make_engine(url)
        planned = Planned()
        try:
            with engine.connect() as conn:
                for paper in params.papers:
                    stored = stored_issues(conn, paper.slug)
                    plan = plan_paper(params, paper, stored)
                    planned.plans[paper.slug] = plan
                    if plan.note:
                        logger.warning("%s: %s", paper.slug, plan.note)
                    for day in plan.dates:
                        # A stored, unfinished issue of a past day is completed, not
                        # fetched again: only what is not stored yet, and what failed.
                        # Today's issue is fetched whole: pages and corrections still come.
                        if day in stored and day < params.today:
                            key = (paper.slug, day)
                            planned.stored[key] = issue_progress(conn, paper.slug, day)
        finally:
            engine.dispose()
        for slug, plan in planned.plans.items():
            planned.entries += [Entry(slug, "calendar", month=m) for m in plan.calendar_months]
            planned.entries += [Entry(slug, "issue", date=day) for day in plan.dates]
        return planned
