"""Fixtures of the mock site's server tests: the app over the real site, served from a thread."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest

from mocksite.server import MockSiteApp, ServerOptions
from mocksite.site import DEFAULT_TODAY, MockSite, SiteOptions
from mocksite.testing import serving

#: The clock the app starts with: the default day, after today's issue is complete.
START = dt.datetime.combine(DEFAULT_TODAY, dt.time(12, 0))


@dataclass(frozen=True, slots=True)
class Paths:
    """Paths on the default site that the server tests request."""

    article: str  # an article of today's issue (UTF-8)
    article_title: str
    other_article: str  # another article of today's issue
    tomorrow: str  # an article of tomorrow's issue: 404 until the clock moves


def _path(url: object) -> str:
    split = urlsplit(str(url))
    return split.path + (f"?{split.query}" if split.query else "")


@pytest.fixture(scope="session")
def default_site() -> MockSite:
    return MockSite(SiteOptions())


@pytest.fixture(scope="session")
def site_paths(default_site: MockSite) -> Paths:
    today, tomorrow = START.date(), START.date() + dt.timedelta(days=1)
    records = list(default_site.truth(START, since=today, until=today))
    utf8 = {
        r["paper"]
        for r in records
        if r["kind"] == "paper" and r["encoding"] == "utf-8" and not r["broken_template"]
    }
    articles = [
        r
        for r in records
        if r["kind"] == "article" and r["paper"] in utf8 and r["duplicate_of"] is None
    ]
    later = START + dt.timedelta(days=1)
    tomorrows = [
        r
        for r in default_site.truth(later, since=tomorrow, until=tomorrow)
        if r["kind"] == "article"
    ]
    return Paths(
        article=_path(articles[0]["url"]),
        article_title=str(articles[0]["title"]),
        other_article=_path(articles[1]["url"]),
        tomorrow=_path(tomorrows[0]["url"]),
    )


@pytest.fixture
def app_factory(default_site: MockSite) -> Callable[..., MockSiteApp]:
    """Builds an app over the default site with the given ServerOptions fields."""

    def make(**options: object) -> MockSiteApp:
        return MockSiteApp(default_site, START, options=ServerOptions(**options))  # type: ignore[arg-type]

    return make


@pytest.fixture
def app(app_factory: Callable[..., MockSiteApp]) -> MockSiteApp:
    return app_factory()


@pytest.fixture
def served(app: MockSiteApp) -> Iterator[tuple[MockSiteApp, str, int]]:
    """``(app, host, port)`` of the app served from a thread."""
    with serving(app) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        yield app, host, int(port)
