"""What a callback of the ``epaper`` spider needs besides its response, as ``cb_kwargs``.

Each request carries one small frozen context (``cb_kwargs={"context": ...}``); what other
components read (the paper, kind and date of a request, its capture) stays in
``Request.meta``. Contexts are picklable, so a JOBDIR job saves and resumes them with its
requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from crawler.items import Article, CaptureRef, PageRef


@dataclass(frozen=True, slots=True)
class CalendarContext:
    """A month's calendar: the (year, month) it should list (None when replayed unknown)."""

    month: tuple[int, int] | None = None


@dataclass(frozen=True, slots=True)
class IssueContext:
    """An issue's first page reached through its entry's refresh stub (``IssueIndex.htm``
    → ``Page01NU.htm``): the entry's URL, which the issue is stored and tracked under."""

    entry: str


@dataclass(frozen=True, slots=True)
class PageContext:
    """A page (版): its entry in the issue's page list."""

    page: PageRef

    @property
    def page_number(self) -> str | None:
        return self.page.number


@dataclass(frozen=True, slots=True)
class ArticleContext:
    """An article: the page that links to it and its position there (None when it was
    found through 上一篇/下一篇 or is retried from an earlier run)."""

    page_number: str | None = None
    order: int | None = None


@dataclass(frozen=True, slots=True)
class PartContext:
    """A continuation part of a long article: the article so far, its URL and first capture,
    and the parts still to fetch after this one."""

    head: str
    article: Article
    rest: tuple[str, ...]
    head_capture: CaptureRef | None
    page_number: str | None = None
    order: int | None = None


Context = CalendarContext | IssueContext | PageContext | ArticleContext | PartContext
