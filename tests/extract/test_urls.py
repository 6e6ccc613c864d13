"""Canonical URLs: the spelling that de-duplicates hotspot and title-list links."""

from __future__ import annotations

import pytest

from crawler.urls import canonical_url, resolve_link

BASE = "http://Paper.Example.CN/html/2021-10/20/node_2.htm"


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("content_1.htm?div=-1", "http://paper.example.cn/html/2021-10/20/content_1.htm"),
        ("content_1.htm?div=0", "http://paper.example.cn/html/2021-10/20/content_1.htm"),
        ("./content_1.htm#top", "http://paper.example.cn/html/2021-10/20/content_1.htm"),
        ("../21/node_2.htm", "http://paper.example.cn/html/2021-10/21/node_2.htm"),
        (
            "../../../images/2021-10/20/05/A.pdf",
            "http://paper.example.cn/images/2021-10/20/05/A.pdf",
        ),
        ("../../../../../../x.htm", "http://paper.example.cn/x.htm"),
        ("/lzcb/content/PaperIndex.htm", "http://paper.example.cn/lzcb/content/PaperIndex.htm"),
        ("HTTP://PAPER.example.cn:80/a/b/../c.htm", "http://paper.example.cn/a/c.htm"),
        ("https://e.cn:443/a/", "https://e.cn/a/"),
        ("http://127.0.0.1:8123/lzcb/", "http://127.0.0.1:8123/lzcb/"),
        ("  content_2.htm  ", "http://paper.example.cn/html/2021-10/20/content_2.htm"),
    ],
)
def test_canonical_url(href: str, expected: str) -> None:
    assert canonical_url(href, BASE) == expected


def test_links_differing_only_by_query_are_one_article() -> None:
    hotspot = canonical_url("content_7.htm?div=-1", BASE)
    listed = canonical_url("http://paper.example.cn/html/2021-10/20/content_7.htm?div=0", BASE)
    assert hotspot == listed


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("../x/./y/../content_3.htm?div=1#a", BASE)
    assert canonical_url(once) == once


def test_query_kept_on_request() -> None:
    assert canonical_url("api?date=20211020", BASE, keep_query=True).endswith("api?date=20211020")


@pytest.mark.parametrize("href", [None, "", "  ", "#", "javascript:goPrePeriod()", "mailto:a@b.cn"])
def test_links_that_go_nowhere(href: str | None) -> None:
    assert resolve_link(href, BASE) is None
