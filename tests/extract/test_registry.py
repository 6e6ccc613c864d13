"""The paper registry: shipped entries, URLs per era, the host override, validation errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crawler.config import load_settings
from crawler.errors import ConfigurationError
from crawler.extract import FAMILY_MODULES, get_extractor
from crawler.registry import (
    FAMILIES,
    NoIssueError,
    RegistryError,
    UnknownPaperError,
    effective_base_url,
    load_registry,
    parse_registry,
)

D = dt.date

#: The slugs the mock site and stored data rely on.
SLUGS = ("rmrb", "gmrb", "kjrb", "jjjcb", "jxrb", "hbrb", "dzrb", "lzcb")


def test_registry_has_the_fixed_slugs_with_names() -> None:
    registry = load_registry()
    assert tuple(p.slug for p in registry) == SLUGS
    assert registry.get("rmrb").name == "人民日报"
    assert registry.get("jxrb").name == "江西日报"
    assert registry.get("lzcb").name == "鲁中晨报"


def test_every_family_of_the_registry_has_an_extractor() -> None:
    assert set(FAMILIES) == set(FAMILY_MODULES)
    for paper in load_registry():
        for family in paper.families:
            module = get_extractor(family)
            assert callable(module.extract_article), (paper.slug, family)


@pytest.mark.parametrize(
    ("slug", "day", "url"),
    [
        ("rmrb", D(2017, 10, 16), "http://paper.people.com.cn/rmrb/html/2017-10/16/nbs.D110000renmrb_01.htm"),
        ("rmrb", D(2024, 11, 30), "http://paper.people.com.cn/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm"),
        ("rmrb", D(2024, 12, 1), "http://paper.people.com.cn/rmrb/pc/layout/202412/01/node_01.html"),
        ("gmrb", D(2023, 2, 1), "http://epaper.gmw.cn/gmrb/html/2023-02/01/nbs.D110000gmrb_01.htm"),
        ("gmrb", D(2026, 10, 2), "http://epaper.gmw.cn/gmrb/html/layout/202610/02/node_01.html"),
        ("kjrb", D(2023, 2, 10), "http://digitalpaper.stdaily.com/http_www.kjrb.com/kjrb/html/2023-02/10/node_2.htm"),
        ("jjjcb", D(2017, 7, 22), "http://csr.mos.gov.cn/content/2017-07/22/node_2.htm"),
        ("jxrb", D(2017, 10, 9), "http://epaper.jxnews.com.cn/jxrb/html/2017-10/09/node_187.htm"),
        ("hbrb", D(2023, 2, 11), "https://epaper.hubeidaily.net/pc/layout/202302/11/node_01.html"),
    ],
)  # fmt: skip
def test_issue_url_follows_the_era_of_the_day(slug: str, day: D, url: str) -> None:
    assert load_registry().get(slug).issue_url(day) == url


@pytest.mark.parametrize(
    ("slug", "day", "family"),
    [
        ("rmrb", D(2024, 11, 30), "peoples_daily"),
        ("rmrb", D(2024, 12, 1), "founder_pc"),
        ("gmrb", D(2025, 12, 31), "peoples_daily"),
        ("gmrb", D(2026, 1, 1), "founder_pc"),
        ("jxrb", D(2020, 1, 1), "founder"),
        ("lzcb", D(2021, 10, 20), "paperindex"),
    ],
)
def test_era_for_a_day(slug: str, day: D, family: str) -> None:
    assert load_registry().get(slug).era_for(day).family == family


def test_override_repoints_every_era_at_the_same_paths() -> None:
    rmrb = load_registry().get("rmrb")
    mock = "http://127.0.0.1:8123/{slug}/"
    assert rmrb.issue_url(D(2024, 11, 30), mock) == (
        "http://127.0.0.1:8123/rmrb/html/2024-11/30/nbs.D110000renmrb_01.htm"
    )
    assert rmrb.issue_url(D(2024, 12, 1), mock) == (
        "http://127.0.0.1:8123/rmrb/pc/layout/202412/01/node_01.html"
    )


def test_override_comes_from_the_setting() -> None:
    lzcb = load_registry().get("lzcb")
    assert lzcb.base_url_for(load_settings(environ={})) == "http://epaper.lzcb.com/lzcb/"
    settings = load_settings(environ={"EPAPER_BASE_URL_OVERRIDE": "http://127.0.0.1:9/{slug}"})
    assert lzcb.base_url_for(settings) == "http://127.0.0.1:9/lzcb/"


def test_override_with_a_bad_placeholder_is_a_clear_error() -> None:
    paper = load_registry().get("kjrb")
    with pytest.raises(ConfigurationError, match="EPAPER_BASE_URL_OVERRIDE"):
        effective_base_url(paper, "http://127.0.0.1:9/{paper}/")


def test_unknown_slug_lists_the_known_ones() -> None:
    with pytest.raises(UnknownPaperError, match=r"unknown paper 'xyz'.*rmrb, gmrb"):
        load_registry().get("xyz")


def test_a_day_before_the_first_issue_has_no_era() -> None:
    with pytest.raises(NoIssueError, match="first issue is 2012-01-01"):
        load_registry().get("rmrb").era_for(D(2000, 1, 1))


def test_registry_file_can_be_given_as_a_path(tmp_path: Path) -> None:
    path = tmp_path / "papers.toml"
    path.write_text(
        '[papers.demo]\nname = "示例报"\nfamily = "founder_pc"\n'
        'base_url = "http://e.invalid/"\nfirst_issue = 2024-01-01\n',
        encoding="utf-8",
    )
    demo = load_registry(path).get("demo")
    assert demo.issue_url(D(2024, 3, 5)) == "http://e.invalid/pc/layout/202403/05/node_01.html"


def test_missing_registry_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="cannot read the paper registry"):
        load_registry(tmp_path / "nope.toml")


GOOD = """
name = "示例报"
base_url = "http://e.invalid/demo/"
first_issue = 2020-01-01
"""


def eras(*tables: str) -> str:
    """``[[papers.demo.eras]]`` tables from their bodies."""
    return "".join(f"[[papers.demo.eras]]\n{t}\n" for t in tables)


TWO_ERAS = 'family = "founder"\nend = 2021-06-30', 'family = "founder_pc"\nstart = {}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'family = "wordpress"',
            r"'demo', era 1: unknown family 'wordpress'; known families: founder",
        ),
        ("", r"paper 'demo': needs a family"),
        ('family = "founder"\nfirst_issue = "2020-13-01"', None),
        (
            eras(TWO_ERAS[0], TWO_ERAS[1].format("2021-06-01")),
            r"'demo', era 2: overlapping eras: starts 2021-06-01 but era 1 runs until 2021-06-30",
        ),
        (eras(TWO_ERAS[0], TWO_ERAS[1].format("2021-08-01")), r"'demo', era 2: gap between eras"),
        (
            eras('family = "founder"\nend = "last week"'),
            r"paper 'demo', era 1: end = 'last week' is not a date such as 2020-01-31",
        ),
        (
            eras('family = "founder"\nend = 2019-06-30'),
            r"paper 'demo', era 1: ends 2019-06-30 before it starts 2020-01-01",
        ),
        (
            eras('family = "founder"\nstart = 2019-01-01'),
            r"'demo', era 1: the first era starts 2019-01-01 but first_issue is 2020-01-01",
        ),
        ('family = "founder"\nbase = "x"', r"paper 'demo': unknown key\(s\) \['base'\]"),
        ('family = "founder"\nentry = "{yyyy}/{page}.htm"', r"unknown placeholder\(s\) \['page'\]"),
        ('family = "founder"\nroot = "/html"', r"root '/html' must be relative and end with '/'"),
        ('family = "founder"\nencoding = "klingon"', r"paper 'demo': unknown encoding 'klingon'"),
        (
            'family = "founder"\n' + eras('family = "founder"'),
            r"either on the paper or in its eras, not both",
        ),
    ],
)
def test_invalid_entries_are_named_in_the_error(body: str, message: str | None) -> None:
    text = "[papers.demo]\n" + GOOD + body
    if message is None:  # a bad date that TOML itself accepts as a string
        text = text.replace("first_issue = 2020-01-01\n", "")
        message = r"paper 'demo': first_issue = '2020-13-01' is not a date such as 2020-01-31"
    with pytest.raises(RegistryError, match=message) as info:
        parse_registry(text, source="papers.toml")
    assert str(info.value).startswith("papers.toml: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[papers.demo\n", r"not valid TOML"),
        ("[paper.demo]\nname = 'x'", r"unknown top-level key\(s\) \['paper'\]"),
        ("", r"no \[papers.SLUG\] entries"),
        ("[papers.Demo]\n" + GOOD + 'family = "founder"', r"paper 'Demo': a slug uses only"),
        (
            "[papers.demo]\n"
            + GOOD.replace('"http://e.invalid/demo/"', '"http://e.invalid/demo"')
            + 'family = "founder"',
            r"base_url 'http://e.invalid/demo' must be http\(s\) and end with '/'",
        ),
    ],
)
def test_invalid_files_are_explained(text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message):
        parse_registry(text)


def test_registry_errors_exit_like_configuration_errors() -> None:
    assert issubclass(RegistryError, ConfigurationError)
    assert RegistryError("x").exit_code == 2
    assert UnknownPaperError("x").exit_code == 2


def test_candidate_issues_start_at_the_first_issue() -> None:
    rmrb = load_registry().get("rmrb")
    days = list(rmrb.candidate_issues(D(2011, 12, 30), D(2012, 1, 2), "http://127.0.0.1:9/{slug}/"))
    assert [day for day, _ in days] == [D(2012, 1, 1), D(2012, 1, 2)]
    assert days[0][1] == "http://127.0.0.1:9/rmrb/html/2012-01/01/nbs.D110000renmrb_01.htm"


@pytest.mark.parametrize("slug", SLUGS)
def test_registry_entry_urls_are_the_mock_sites_issue_urls(slug: str) -> None:
    """The mock serves the real paths: the real entry, repointed, finds every issue it lists."""
    from crawler.mocksite.site import MockSite, SiteOptions

    site = MockSite(SiteOptions(base_url="http://127.0.0.1:8000", papers=(slug,)))
    now = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    since = dt.date(2024, 11, 25) if slug == "rmrb" else dt.date(2025, 3, 1)  # both rmrb eras
    until = dt.date(2024, 12, 5) if slug == "rmrb" else dt.date(2025, 3, 7)
    issues = [r for r in site.truth(now, since=since, until=until) if r["kind"] == "issue"]
    assert issues
    paper = load_registry().get(slug)
    for record in issues:
        day = dt.date.fromisoformat(record["date"])
        assert paper.issue_url(day, "http://127.0.0.1:8000/{slug}/") == record["url"]
