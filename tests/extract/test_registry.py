"""The paper registry: shipped entries, URLs per era, the host override, validation errors."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from crawler.config import load_settings
from crawler.errors import ConfigurationError
from crawler.extract.families import FAMILIES, get_family
from crawler.registry import (
    NoIssueError,
    RegistryError,
    UnknownPaperError,
    Window,
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


def test_every_family_of_the_registry_is_in_the_family_list() -> None:
    names = [family.name for family in FAMILIES]
    assert len(names) == len(set(names))
    used = {family for paper in load_registry() for family in paper.families}
    assert used == set(names)
    for name in used:
        assert get_family(name).name == name
        assert callable(get_family(name).extract_article)


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
        ("jxrb", D(2023, 5, 19), "http://epaper.jxxw.com.cn/html/2023-05/19/node_1.htm"),
        ("hbrb", D(2023, 2, 11), "https://epaper.hubeidaily.net/pc/column/202302/11/node_01.html"),
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
        ("jxrb", D(2022, 11, 30), "founder"),
        ("jxrb", D(2022, 12, 1), "founder_navi"),
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
        'base_url = "http://e.invalid/"\nfirst_issue = 2024-01-01\nuncertain = true\n',
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
uncertain = true
"""


def eras(*tables: str) -> str:
    """``[[papers.demo.eras]]`` tables from their bodies, each marked uncertain."""
    return "".join(f"[[papers.demo.eras]]\n{t}\nuncertain = true\n" for t in tables)


TWO_ERAS = 'family = "founder"\nend = 2021-06-30', 'family = "founder_pc"\nstart = {}'


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            'family = "wordpress"',
            r"paper 'demo': unknown family 'wordpress'; known families: founder",
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
        (
            "calendar = true\n" + eras('family = "founder"'),
            r"either on the paper or in its eras, not both",
        ),
        ('family = "founder_pc"\ncalendar = "yes"', r"calendar must be true or false, not 'yes'"),
        (
            'family = "paperindex"\ncalendar = true',
            r"paper 'demo': calendar = true, but family 'paperindex' has no calendar",
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
    from mocksite.site import MockSite, SiteOptions

    site = MockSite(SiteOptions(base_url="http://127.0.0.1:8000", papers=(slug,)))
    now = dt.datetime(2025, 3, 31, 12, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    # Both eras of rmrb and of jxrb (two hosts); jjjcb's Founder classic site ended in 2018.
    since, until = {
        "rmrb": (dt.date(2024, 11, 25), dt.date(2024, 12, 5)),
        "jxrb": (dt.date(2022, 11, 25), dt.date(2022, 12, 5)),
        "jjjcb": (dt.date(2018, 3, 1), dt.date(2018, 3, 7)),
    }.get(slug, (dt.date(2025, 3, 1), dt.date(2025, 3, 7)))
    issues = [r for r in site.truth(now, since=since, until=until) if r["kind"] == "issue"]
    assert issues
    paper = load_registry().get(slug)
    for record in issues:
        day = dt.date.fromisoformat(record["date"])
        assert paper.issue_url(day, "http://127.0.0.1:8000/{slug}/") == record["url"]


# ---------------------------------------------------------------------------------------
# Evidence, eras on two hosts, what a site answers outside its archive (GitHub issue 12)
# ---------------------------------------------------------------------------------------


def test_every_shipped_paper_and_era_cites_evidence_or_says_uncertain() -> None:
    for paper in load_registry():
        assert paper.evidence or paper.uncertain, paper.slug
        for n, era in enumerate(paper.eras, start=1):
            assert era.evidence or era.uncertain, (paper.slug, n)
            for source in (*paper.evidence, *era.evidence):
                assert source.source
                assert dt.date.fromisoformat((source.date + "-01-01")[:10]) <= D(2026, 12, 31)


def test_shipped_uncertain_keys_mark_what_the_evidence_contradicts() -> None:
    registry = load_registry()
    assert "first_issue" in registry.get("rmrb").uncertain_fields  # a rolling two years
    assert registry.get("jxrb").encoding is None  # no source forces one; pages declare utf-8
    assert [e.uncertain_fields for e in registry.get("jxrb").eras] == [("end",), ("start",)]
    assert registry.get("kjrb").eras[0].uncertain_fields == ("end",)  # stopped about 2025-10
    assert registry.get("hbrb").uncertain_fields == ("first_issue",)  # nothing dates it
    assert registry.get("gmrb").eras[0].uncertain_fields == ("end",)


#: A paper that moved host: its old site below a directory, its new one at a host's root.
MOVED = """
[papers.jxrb]
name = "江西日报"
base_url = "http://epaper.jxxw.com.cn/"
first_issue = 2016-01-01
gone_status = 404
evidence = [{ source = "a test", date = 2026-10-02 }]

[[papers.jxrb.eras]]
family = "founder"
base_url = "http://epaper.jxnews.com.cn/jxrb/"
entry = "{yyyy}-{mm}/{dd}/node_187.htm"
end = 2019-12-31
gone_status = [403, 404]
evidence = [{ source = "a test", date = "2017", note = "node_187" }]

[[papers.jxrb.eras]]
family = "founder"
entry = "{yyyy}-{mm}/{dd}/node_1.htm"
window = "3y"
soft_404 = { title = ["404错误"], text = ["该版面不存在"] }
uncertain = true
"""


def test_two_eras_on_two_hosts_resolve_to_their_own_urls() -> None:
    paper = parse_registry(MOVED).get("jxrb")
    assert paper.issue_url(D(2019, 12, 31)) == (
        "http://epaper.jxnews.com.cn/jxrb/html/2019-12/31/node_187.htm"
    )
    assert paper.issue_url(D(2020, 1, 1)) == "http://epaper.jxxw.com.cn/html/2020-01/01/node_1.htm"
    assert paper.hostnames() == {"epaper.jxnews.com.cn", "epaper.jxxw.com.cn"}
    assert paper.base_url_for(None) == "http://epaper.jxxw.com.cn/"


def test_the_override_puts_the_home_era_at_the_slug_and_the_other_host_below_it() -> None:
    paper = parse_registry(MOVED).get("jxrb")
    mock = "http://127.0.0.1:8123/{slug}/"
    assert paper.issue_url(D(2020, 1, 1), mock) == (
        "http://127.0.0.1:8123/jxrb/html/2020-01/01/node_1.htm"
    )
    assert paper.issue_url(D(2019, 12, 31), mock) == (
        "http://127.0.0.1:8123/jxrb/epaper.jxnews.com.cn/jxrb/html/2019-12/31/node_187.htm"
    )
    assert paper.hostnames(mock) == {"127.0.0.1"}
    urls = [url for _, url in paper.candidate_issues(D(2019, 12, 31), D(2020, 1, 1), mock)]
    assert urls == [
        "http://127.0.0.1:8123/jxrb/epaper.jxnews.com.cn/jxrb/html/2019-12/31/node_187.htm",
        "http://127.0.0.1:8123/jxrb/html/2020-01/01/node_1.htm",
    ]


def test_an_era_below_the_papers_base_keeps_its_relative_path_under_the_override() -> None:
    text = (
        '[papers.jjrb]\nname = "经济日报"\nbase_url = "http://paper.ce.cn/"\n'
        "first_issue = 2020-01-01\nuncertain = true\n"
        '[[papers.jjrb.eras]]\nfamily = "founder"\nbase_url = "http://paper.ce.cn/jjrb/"\n'
        "end = 2021-12-31\nuncertain = true\n"
        '[[papers.jjrb.eras]]\nfamily = "founder_pc"\nuncertain = true\n'
    )
    paper = parse_registry(text).get("jjrb")
    mock = "http://127.0.0.1:9/{slug}"
    assert paper.issue_url(D(2020, 3, 1)) == "http://paper.ce.cn/jjrb/html/2020-03/01/node_2.htm"
    assert (
        paper.issue_url(D(2020, 3, 1), mock)
        == "http://127.0.0.1:9/jjrb/jjrb/html/2020-03/01/node_2.htm"
    )
    assert paper.issue_url(D(2022, 1, 1), mock) == (
        "http://127.0.0.1:9/jjrb/pc/layout/202201/01/node_01.html"
    )


def test_the_papers_base_url_may_come_from_its_last_era() -> None:
    text = MOVED.replace('base_url = "http://epaper.jxxw.com.cn/"\n', "").replace(
        '[[papers.jxrb.eras]]\nfamily = "founder"\nentry = "{yyyy}-{mm}/{dd}/node_1.htm"',
        '[[papers.jxrb.eras]]\nfamily = "founder"\nentry = "{yyyy}-{mm}/{dd}/node_1.htm"\n'
        'base_url = "http://epaper.jxxw.com.cn/"',
    )
    assert parse_registry(text).get("jxrb").base_url == "http://epaper.jxxw.com.cn/"
    no_base = MOVED.replace('base_url = "http://epaper.jxxw.com.cn/"\n', "")
    with pytest.raises(RegistryError, match=r"paper 'jxrb': missing base_url \(on the paper or"):
        parse_registry(no_base)


def test_eras_carry_the_outside_values_in_force_for_them() -> None:
    paper = parse_registry(MOVED).get("jxrb")
    old, new = paper.eras
    assert paper.gone_status == (404,)
    assert old.gone_status == (403, 404)  # its own
    assert new.gone_status == (404,)  # the paper's
    assert old.window is None
    assert str(new.window) == "3y"
    assert not old.soft_404
    assert new.soft_404.matches("科技网404错误跳转页面!")
    assert new.soft_404.matches("江西日报", "对不起，该版面不存在")
    assert not new.soft_404.matches("江西日报", "第01版：要闻")
    assert old.evidence[0].date == "2017"
    assert old.evidence[0].note == "node_187"
    assert paper.evidence[0].date == "2026-10-02"
    assert new.uncertain
    assert not old.uncertain


def test_a_paper_whose_last_era_ended_has_no_later_issue() -> None:
    paper = parse_registry(MOVED.replace('window = "3y"', 'window = "3y"\nend = 2024-06-30')).get(
        "jxrb"
    )
    assert paper.last_issue == D(2024, 6, 30)
    assert [d for d, _ in paper.candidate_issues(D(2024, 6, 29), D(2024, 7, 2))] == [
        D(2024, 6, 29),
        D(2024, 6, 30),
    ]
    with pytest.raises(
        NoIssueError, match="has no issue on 2024-07-01: its last issue is 2024-06-30"
    ):
        paper.era_for(D(2024, 7, 1))
    from crawler.params import CrawlParams

    params = CrawlParams(papers=(paper,), today=D(2026, 10, 2))
    assert params.range_for(paper) == (D(2016, 1, 1), D(2024, 6, 30))


@pytest.mark.parametrize(
    ("text", "today", "earliest"),
    [
        ("730d", D(2026, 10, 2), D(2024, 10, 2)),
        ("1d", D(2026, 3, 1), D(2026, 2, 28)),
        ("2y", D(2026, 10, 2), D(2024, 10, 2)),
        ("1y", D(2024, 2, 29), D(2023, 3, 1)),
        ("4y", D(2024, 2, 29), D(2020, 2, 29)),
    ],
)
def test_window_arithmetic(text: str, today: D, earliest: D) -> None:
    assert Window.parse(text).earliest(today) == earliest


def test_in_window_follows_the_window_of_the_days_era() -> None:
    paper = parse_registry(MOVED).get("jxrb")
    today = D(2022, 6, 15)  # the new era keeps 3 years: from 2019-06-15, but it starts 2020
    assert paper.in_window(D(2019, 6, 14), today)  # the old era has no window
    assert paper.in_window(D(2020, 1, 1), today)
    later = D(2024, 3, 1)  # from 2021-03-01
    assert not paper.in_window(D(2021, 2, 28), later)
    assert paper.in_window(D(2021, 3, 1), later)
    assert paper.in_window(D(2019, 1, 1), later)  # the old era: no window
    assert not paper.in_window(D(2015, 12, 31), later)  # before the first issue
    assert paper.first_kept(later) == D(2016, 1, 1)


def test_first_kept_skips_eras_wholly_outside_their_window() -> None:
    text = MOVED.replace("gone_status = 404\n", 'gone_status = 404\nwindow = "2y"\n', 1)
    paper = parse_registry(text).get("jxrb")
    assert paper.eras[0].window == Window(2, "y")  # inherited from the paper
    assert paper.first_kept(D(2026, 10, 2)) == D(2023, 10, 2)  # the new era's own 3y
    assert not paper.in_window(D(2019, 12, 31), D(2026, 10, 2))
    ended = text.replace('window = "3y"', 'window = "3y"\nend = 2021-12-31')
    assert parse_registry(ended).get("jxrb").first_kept(D(2026, 10, 2)) is None


def _paper(extra: str) -> str:
    """The MOVED paper with ``extra`` lines on the paper."""
    return MOVED.replace("gone_status = 404\n", f"gone_status = 404\n{extra}\n", 1)


def _soft(line: str) -> str:
    """The MOVED paper with another ``soft_404`` line on its second era."""
    return re.sub(r"(?m)^soft_404 = .*$", lambda _: line, MOVED)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            MOVED.replace('evidence = [{ source = "a test", date = 2026-10-02 }]\n', ""),
            "paper 'jxrb': "
            + re.escape("needs evidence = [{ source = ..., date = ... }]")
            + " or uncertain = true$",
        ),
        (
            MOVED.replace("uncertain = true\n", ""),
            r"paper 'jxrb', era 2: needs evidence = .* or uncertain = true",
        ),
        (
            MOVED.replace("uncertain = true\n", 'uncertain = ["start"]\n'),
            r"paper 'jxrb', era 2: needs evidence .* still needs evidence for the rest",
        ),
        (
            _paper('uncertain = ["frist_issue"]'),
            r"'jxrb': uncertain names unknown key\(s\) \['frist_issue'\]; allowed: ",
        ),
        (
            MOVED.replace("uncertain = true\n", 'uncertain = ["eras"]\n'),
            r"'jxrb', era 2: uncertain names unknown key",
        ),
        (_paper("uncertain = 1"), r"'jxrb': uncertain must be true or a list of keys"),
        (
            MOVED.replace('window = "3y"', 'window = "2 years"'),
            r"paper 'jxrb', era 2: window '2 years' is not a window such as 730d or 2y",
        ),
        (_paper('window = "0d"'), r"paper 'jxrb': window '0d' is not a window such as 730d or 2y"),
        (_paper('window = "6m"'), r"paper 'jxrb': window '6m' is not a window"),
        (_paper("window = 730"), r"paper 'jxrb': window must be a string, not 730"),
        (
            MOVED.replace("gone_status = 404\n", "gone_status = 200\n"),
            r"paper 'jxrb': gone_status = 200 must be an HTTP error status \(400-599\)",
        ),
        (
            MOVED.replace("gone_status = [403, 404]", 'gone_status = ["403"]'),
            r"paper 'jxrb', era 1: gone_status = \['403'\] must be an HTTP error status",
        ),
        (
            _soft('soft_404 = { title = ["("] }'),
            r"era 2: soft_404.title pattern '\(' is not a regular",
        ),
        (_soft('soft_404 = { body = ["x"] }'), r"era 2: soft_404 has unknown key\(s\) \['body'\]"),
        (_soft('soft_404 = { text = "x" }'), r"era 2: soft_404.text must be a list of non-empty"),
        (_soft('soft_404 = ["404"]'), r"era 2: soft_404 must be a table"),
        (
            MOVED.replace('date = "2017"', 'date = "last year"'),
            r"'jxrb', era 1: evidence 1: date = 'last year' must say when the source is from",
        ),
        (
            MOVED.replace('date = "2017"', 'date = "2017-13"'),
            r"era 1: evidence 1: date = '2017-13'",
        ),
        (
            MOVED.replace('{ source = "a test", date = "2017"', '{ date = "2017"'),
            r"era 1: evidence 1: missing source",
        ),
        (
            MOVED.replace('note = "node_187"', 'url = "x"'),
            r"era 1: evidence 1: unknown key\(s\) \['url'\]",
        ),
        (
            MOVED.replace('[{ source = "a test", date = 2026-10-02 }]', '"x"'),
            r"'jxrb': evidence must be a list",
        ),
        (
            MOVED.replace('jxnews.com.cn/jxrb/"', 'jxnews.com.cn/jxrb"'),
            r"'jxrb', era 1: base_url 'http://epaper.jxnews.com.cn/jxrb' must be http\(s\) and end",
        ),
        (
            MOVED.replace("end = 2019-12-31", "end = 2019-12-31\nstart = 2016-01-01").replace(
                'window = "3y"', 'window = "3y"\nstart = 2019-06-01'
            ),
            r"'jxrb', era 2: overlapping eras: starts 2019-06-01 but era 1 runs until 2019-12-31",
        ),
    ],
)
def test_a_bad_field_is_refused_naming_the_entry_and_the_field(text: str, message: str) -> None:
    with pytest.raises(RegistryError, match=message) as info:
        parse_registry(text, source="papers.toml")
    assert str(info.value).startswith("papers.toml: paper 'jxrb'")


def test_the_shipped_registry_is_read_as_a_package_resource() -> None:
    from importlib import resources

    text = resources.files("crawler").joinpath("papers.toml").read_text(encoding="utf-8")
    assert parse_registry(text).papers.keys() == load_registry().papers.keys()
    assert load_registry().source == "crawler/papers.toml"


def test_an_era_publishes_its_familys_calendar_by_default_or_as_it_says() -> None:
    registry = load_registry()
    assert [era.calendar for era in registry.get("kjrb").eras] == [True]  # Founder classic
    # Founder new: only 湖北日报 is known to publish period.xml (pc/column/YYYYMM/).
    assert [era.calendar for era in registry.get("hbrb").eras] == [True]
    assert [era.calendar for era in registry.get("rmrb").eras] == [False, False]
    assert [era.calendar for era in registry.get("gmrb").eras] == [False, False]
    text = (
        "[papers.demo]\n"
        + GOOD
        + eras(
            'family = "founder"\ncalendar = false\nend = 2021-06-30',
            'family = "founder_pc"\ncalendar = true',
        )
    )
    assert [era.calendar for era in parse_registry(text).get("demo").eras] == [False, True]
