"""Completeness bookkeeping: which URLs an issue still waits for, and how it ended.

An issue is complete when its index, every page of its page list and every article of
every page has been fetched and parsed; otherwise it is partial, with the failing URLs.
The tracker is plain data, driven by the spider's callbacks, and knows nothing of Scrapy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from crawler.items import FetchFailure, IssueOutcome

IssueKey = tuple[str, dt.date]  # (paper slug, issue date)

#: Answers that say a URL is gone; fetching it again cannot help, so they are recorded as
#: failures but leave the issue complete.
GONE = frozenset({"http 404", "http 410"})


def is_gone(failure: FetchFailure) -> bool:
    """Whether ``failure`` is permanent: the site lists a URL that it does not serve.

    >>> is_gone(FetchFailure("u", "http 404")), is_gone(FetchFailure("u", "http 503"))
    (True, False)
    """
    return failure.reason in GONE


@dataclass(slots=True)
class IssueProgress:
    """What one issue waits for and what has failed so far."""

    key: IssueKey
    url: str | None = None
    #: URL -> its kind (issue, page, article, part): what it is recorded as if the run ends
    #: before it is fetched, so that the next run fetches a page as a page.
    pending: dict[str, str] = field(default_factory=dict)
    failures: dict[str, FetchFailure] = field(default_factory=dict)
    pages: int = 0
    articles: int = 0
    article_requests: int = 0  # article URLs this run asked for (the per-issue cap counts them)
    missing: bool = False  # the issue's index answered 404: the site has no such issue
    missing_reason: str | None = None  # how the index said so: "404", "403", "soft-404"
    closed: bool = False

    def outcome(self) -> IssueOutcome:
        if self.missing:
            status = "missing"
        elif any(not is_gone(f) for f in self.failures.values()):
            status = "partial"
        else:
            # Every URL is stored or gone for good: nothing is left to fetch.
            status = "complete"
        return IssueOutcome(
            paper=self.key[0],
            date=self.key[1],
            status=status,
            failures=tuple(self.failures.values()),
            url=self.url,
            reason=self.missing_reason if self.missing else None,
        )


class CrawlTracker:
    """Tracks every issue of a run; each URL belongs to the issue that first asked for it.

    >>> t = CrawlTracker()
    >>> key = ("lzcb", dt.date(2021, 10, 20))
    >>> t.expect(key, "http://x/index")
    True
    >>> t.expect(key, "http://x/index")  # never fetched twice in one run
    False
    >>> t.expect(key, "http://x/a1"), t.resolve("http://x/index")
    (True, None)
    >>> t.fail("http://x/a1", "http 503").status
    'partial'
    """

    def __init__(self) -> None:
        self._issues: dict[IssueKey, IssueProgress] = {}
        self._owner: dict[str, IssueKey] = {}

    def issue(self, key: IssueKey) -> IssueProgress:
        progress = self._issues.get(key)
        if progress is None:
            progress = self._issues[key] = IssueProgress(key)
        return progress

    def seen(self, url: str) -> bool:
        """Whether ``url`` was already asked for in this run (by any issue)."""
        return url in self._owner

    def expect(self, key: IssueKey, url: str, kind: str = "article") -> bool:
        """Make ``key`` wait for ``url`` (a ``kind`` URL); False (and nothing changes) when it
        was seen before."""
        if url in self._owner:
            return False
        progress = self.issue(key)
        # The issue's own key, equal to ``key``: one tuple per issue instead of one per
        # response that asked (this map holds every URL of the run; docs/benchmarks.md).
        self._owner[url] = progress.key
        progress.closed = False
        progress.pending[url] = kind
        if kind == "article":
            progress.article_requests += 1
        return True

    def owner(self, url: str) -> IssueKey | None:
        return self._owner.get(url)

    def resolve(self, url: str) -> IssueOutcome | None:
        """``url`` was fetched and parsed; returns the issue's outcome if it is now finished."""
        return self._settle(url, None)

    def fail(
        self, url: str, reason: str, kind: str = "article", page_number: str | None = None
    ) -> IssueOutcome | None:
        """``url`` failed for good in this run; returns the outcome if the issue is finished."""
        failure = FetchFailure(url=url, reason=reason, kind=kind, page_number=page_number)
        return self._settle(url, failure)

    def mark_missing(self, url: str, reason: str = "404") -> IssueOutcome | None:
        """The issue's index at ``url`` says the site has no such issue (``reason``: 404,
        the paper's gone status, a soft-404 page)."""
        key = self._owner.get(url)
        if key is not None:
            self._issues[key].missing = True
            self._issues[key].missing_reason = reason
        return self._settle(url, None)

    def _settle(self, url: str, failure: FetchFailure | None) -> IssueOutcome | None:
        key = self._owner.get(url)
        if key is None:
            return None
        progress = self._issues[key]
        progress.pending.pop(url, None)
        if failure is not None:
            progress.failures[url] = failure
        if progress.pending or progress.closed:
            return None
        progress.closed = True
        return progress.outcome()

    def has_unfinished(self) -> bool:
        """Whether an issue still waits for a URL."""
        return any(not p.closed and p.pending for p in self._issues.values())

    def unfinished(self) -> Iterator[IssueOutcome]:
        """Issues still waiting at the end of the run, as partial, with what they wait for.

        Each waiting URL keeps the kind it was asked for as:

        >>> t = CrawlTracker()
        >>> key = ("lzcb", dt.date(2021, 10, 20))
        >>> t.expect(key, "http://x/index", "issue"), t.expect(key, "http://x/p2", "page")
        (True, True)
        >>> t.resolve("http://x/index")
        >>> [(f.url, f.kind, f.reason) for f in next(t.unfinished()).failures]
        [('http://x/p2', 'page', 'not fetched: run ended')]
        """
        for progress in self._issues.values():
            if progress.closed:
                continue
            for url, kind in sorted(progress.pending.items()):
                progress.failures[url] = FetchFailure(
                    url=url, reason="not fetched: run ended", kind=kind
                )
            progress.pending.clear()
            progress.closed = True
            yield progress.outcome()

    def __len__(self) -> int:
        return len(self._issues)
