"""Cleaning: tables of printed inputs and what the reader must get, plus property tests."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.cleaning import (
    ZERO_WIDTH,
    clean_paragraphs,
    find_dateline,
    is_boilerplate,
    is_byline_line,
    normalize_whitespace,
    parse_byline,
    parse_dateline,
    parse_page_label,
    parse_printed_date,
    split_byline,
    strip_template_garbage,
)
from crawler.items import Author, Dateline

FIELD_MISSING = "****处理标记:[Article]时, 字段 [{field}] 在数据源中没有找到! ****"
FIELD_MISSING_FULLWIDTH = "****处理标记：[Article]时，字段 [{field}] 在数据源中没有找到！****"
SOURCE_EMPTY = "****处理标记:[Article]时,数据源为空。 ****"
SOURCE_EMPTY_FULLWIDTH = "****处理标记：[Article]时，数据源为空。****"
MARKERS = (
    FIELD_MISSING.format(field="URLOtherPageNo"),
    FIELD_MISSING.format(field="IntroTitle"),
    FIELD_MISSING_FULLWIDTH.format(field="SubTitle"),
    SOURCE_EMPTY,
    SOURCE_EMPTY_FULLWIDTH,
)
EMPTY_SEE_PAGE = "参见第{0}版--{0}".format(FIELD_MISSING.format(field="URLOtherPageName"))


# --- whitespace -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u3000\u3000淄博10月19日讯 老板换人了", "淄博10月19日讯 老板换人了"),
        ("投诉举报快速回应\u3000淄博实现三个100%", "投诉举报快速回应 淄博实现三个100%"),
        ("刘文思\u00a0\u00a0通讯员 刘刚\t周赤诚", "刘文思 通讯员 刘刚 周赤诚"),
        ("正\u200b文\u200c内\u200d容\ufeff", "正文内容"),
        ("第一句。\r\n第二句。", "第一句。 第二句。"),
        ("综 合", "综 合"),
        ("Hello   World", "Hello World"),
        ("\u3000 \u00a0\r\n", ""),
    ],
)
def test_normalize_whitespace(text: str, expected: str) -> None:
    assert normalize_whitespace(text) == expected


# --- template garbage -------------------------------------------------------------------


@pytest.mark.parametrize("marker", MARKERS)
def test_every_marker_form_is_removed_from_inside_text(marker: str) -> None:
    assert strip_template_garbage(f"甲乙{marker}丙丁") == "甲乙丙丁"


def test_empty_see_page_link_leaves_nothing() -> None:
    assert strip_template_garbage(EMPTY_SEE_PAGE) == ""
    assert strip_template_garbage(f"正文。{EMPTY_SEE_PAGE}") == "正文。"


def test_real_continuation_reference_is_kept() -> None:
    assert strip_template_garbage("参见第03版--要闻") == "参见第03版--要闻"
    assert strip_template_garbage("（下转第2版）") == "（下转第2版）"


def test_asterisks_of_the_text_next_to_a_marker_survive() -> None:
    assert strip_template_garbage(f"注**{SOURCE_EMPTY}*号") == "注***号"


# --- boilerplate ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line",
    [
        "朗读",
        "发表评论",
        "发表评论   上一页 下一页",
        "上一页 下一页",
        "相关文章:",
        "相关文章：",
        "返回主页 | 版面导航 | 标题导航",
        "上一期 下一期 本版上一期 本版下一期 日历",
        "PDF 版",
        "3    4",
        "3上一篇:每天答对3道题就有机会赢大奖",
        "4下一篇:",
        "上一篇：某某文章标题",
        "3上一篇   下一篇4   2021/10/20",
        "上一版 下一版",
        "\u3000朗读\u3000",
    ],
)
def test_navigation_lines_are_boilerplate(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "多种探索模式“各显神通”",
        "淄博实现三个100%",
        "上一篇文章说到，下一期再谈。",
        "朗读比赛在淄博举行。",
        "2021/10/20",
        "2021年10月20日",
        "3",
        "日历上的数字，记录着每一天。",
        "返回主页后，点击版面导航即可。",
    ],
)
def test_body_lines_are_not_boilerplate(line: str) -> None:
    # A lone "3" is a body line only when it is not a Webdings pair: the seed's "3 4" is.
    if line == "3":
        assert is_boilerplate(line)
    else:
        assert not is_boilerplate(line)


def test_clean_paragraphs_keeps_boundaries_and_drops_navigation() -> None:
    texts = [
        "朗读",
        "\u3000\u3000第一段，有句子。\r\n\u3000\u3000第二段。",
        "",
        f"4下一篇:{SOURCE_EMPTY}",
        f"4{EMPTY_SEE_PAGE}",
        "小标题",
        "发表评论   上一页 下一页",
    ]
    assert clean_paragraphs(texts) == ("第一段，有句子。", "第二段。", "小标题")


# --- property tests ---------------------------------------------------------------------

# Body text: CJK, ASCII letters and digits, and the punctuation papers print, every
# paragraph a sentence ending with a full stop (as body paragraphs do; navigation does not).
_BODY_CHARS = st.sampled_from(
    list("淄博市场监管投诉举报快速回应机制群众满意率记者通讯员版期篇上下一")
    + list("0123456789%AbZ*-—“”，、：；？！（）《》")
)
_SENTENCE = st.builds(lambda s: s + "。", st.text(_BODY_CHARS, min_size=0, max_size=30))
_SPACE = st.sampled_from(["\u3000", "\u00a0", " ", "\t", "\u200b", "\ufeff", "  "])
_GARBAGE = st.sampled_from([*MARKERS, EMPTY_SEE_PAGE])


@st.composite
def _dirty_body(draw: st.DrawFn) -> tuple[list[str], list[str]]:
    """(printed paragraphs with garbage and odd whitespace, the clean body paragraphs)."""
    printed: list[str] = []
    clean: list[str] = []
    for sentence in draw(st.lists(_SENTENCE, min_size=1, max_size=6)):
        pieces = []
        for char in sentence:
            if draw(st.integers(0, 9)) == 0:
                pieces.append(draw(st.one_of(_SPACE, _GARBAGE)))
            pieces.append(char)
        indent = draw(st.sampled_from(["", "\u3000\u3000", "  "]))
        printed.append(indent + "".join(pieces) + draw(st.sampled_from(["", " ", "\r"])))
        clean.append(sentence)
        if draw(st.booleans()):
            printed.append(draw(st.sampled_from(["朗读", "", "发表评论 上一页 下一页", "3 4"])))
    return printed, clean


def _visible(text: str) -> str:
    return "".join(c for c in text if not c.isspace() and c not in ZERO_WIDTH)


@settings(max_examples=200, deadline=None)
@given(_dirty_body())
def test_every_body_character_survives_in_order(case: tuple[list[str], list[str]]) -> None:
    printed, clean = case
    result = clean_paragraphs(["\n".join(printed)])
    assert _visible("".join(result)) == _visible("".join(clean))
    assert len(result) == len(clean)  # paragraph boundaries kept
    assert not any("处理标记" in p for p in result)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=5))
def test_clean_paragraphs_is_idempotent(texts: list[str]) -> None:
    once = clean_paragraphs(texts)
    assert clean_paragraphs(once) == once
    assert all(p == normalize_whitespace(p) and p for p in once)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_normalize_whitespace_is_idempotent_and_keeps_non_space(text: str) -> None:
    once = normalize_whitespace(text)
    assert normalize_whitespace(once) == once
    assert _visible(once) == _visible(text)


# --- bylines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("byline", "expected"),
    [
        (
            "刘文思 通讯员 刘刚 周赤诚",
            [("刘文思", "记者"), ("刘刚", "通讯员"), ("周赤诚", "通讯员")],
        ),
        (
            "大众日报淄博融媒体中心记者 刘文思 通讯员 刘刚 周赤诚",
            [("刘文思", "记者"), ("刘刚", "通讯员"), ("周赤诚", "通讯员")],
        ),
        ("本报记者 张三 李四", [("张三", "记者"), ("李四", "记者")]),
        ("本报记者张三 通讯员李四", [("张三", "记者"), ("李四", "通讯员")]),
        ("记者 王芳 实习生 赵敏", [("王芳", "记者"), ("赵敏", "实习生")]),
        ("本报特约记者 孙八", [("孙八", "特约记者")]),
        ("（王五 摄）", [("王五", "摄影")]),
        ("(记者 王五 摄)", [("王五", "记者"), ("王五", "摄影")]),
        ("本报记者 张三 摄", [("张三", "记者"), ("张三", "摄影")]),
        ("某某报·某某网记者 张三", [("张三", "记者")]),
        (
            "（某某日报全媒记者 张三 通讯员 李四 王五 摄）",
            [
                ("张三", "记者"),
                ("李四", "通讯员"),
                ("王五", "通讯员"),
                ("张三", "摄影"),
                ("李四", "摄影"),
                ("王五", "摄影"),
            ],
        ),
        ("□ 某某日报评论员", [("某某日报评论员", "评论员")]),
        ("摄影 周九", [("周九", "摄影")]),
        ("责任编辑 吴十", [("吴十", "编辑")]),
        ("新华社记者 赵六", [("新华社", "通讯社"), ("赵六", "记者")]),
        ("中新社", [("中新社", "通讯社")]),
        ("文/张三 图/李四", [("张三", "作者"), ("李四", "摄影")]),
        ("本报记者 欧阳小明、司马光", [("欧阳小明", "记者"), ("司马光", "记者")]),
        ("记者 买买提·吐尔逊", [("买买提·吐尔逊", "记者")]),
        ("", []),
    ],
)
def test_parse_byline(byline: str, expected: list[tuple[str, str]]) -> None:
    assert [(a.name, a.role) for a in parse_byline(byline)] == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("本报记者 张三", True),
        ("（记者 王五 摄）", True),
        ("大众日报淄博融媒体中心记者 刘文思 通讯员 刘刚 周赤诚", True),
        ("编者按", False),
        ("文明城市", False),
        ("多种探索模式“各显神通”", False),
        ("记者感受到三大关键词。", False),
        ("张三 李四", False),
        ("□ 某某日报评论员", True),
        ("■ 某某报·某某网记者 张三", True),
        ("□ 加强监管", False),
        ("某某日报评论员认为，这是好事。", False),
    ],
)
def test_is_byline_line(line: str, expected: bool) -> None:
    assert is_byline_line(line) is expected


def test_split_byline_moves_a_leading_byline_into_an_absent_byline() -> None:
    assert split_byline(["本报记者 张三", "正文第一段。"]) == ("本报记者 张三", ("正文第一段。",))


def test_split_byline_takes_a_signature_paragraph_out_of_the_body() -> None:
    byline, body = split_byline(["正文。", "结尾。", "□ 某某日报评论员"])
    assert (byline, body) == ("某某日报评论员", ("正文。", "结尾。"))
    assert parse_byline(byline or "") == (Author("某某日报评论员", "评论员"),)


def test_split_byline_drops_a_trailing_repeat_of_the_printed_byline() -> None:
    byline, body = split_byline(
        ["正文。", "结尾。", "某报融媒体中心记者 刘文思 通讯员 刘刚"], "刘文思 通讯员 刘刚"
    )
    assert byline == "刘文思 通讯员 刘刚"
    assert body == ("正文。", "结尾。")


def test_split_byline_appends_a_photo_credit_with_new_people() -> None:
    byline, body = split_byline(["正文。", "（王五 摄）"], "本报记者 张三")
    assert body == ("正文。",)
    assert [(a.name, a.role) for a in parse_byline(byline or "")] == [
        ("张三", "记者"),
        ("王五", "摄影"),
    ]


@settings(max_examples=200, deadline=None)
@given(st.lists(_SENTENCE, min_size=1, max_size=5), st.sampled_from([None, "本报记者 张三"]))
def test_split_byline_never_takes_a_sentence(body: list[str], byline: str | None) -> None:
    kept_byline, kept = split_byline(body, byline)
    assert kept == tuple(body)
    assert kept_byline == byline


def test_split_byline_never_takes_a_subhead_or_sentence() -> None:
    body = ("编者按", "正文。", "淄博实现三个100%")
    assert split_byline(body, "记者 张三") == ("记者 张三", body)


# --- datelines, page labels, dates --------------------------------------------------------


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        ("淄博10月19日讯 老板换人了", Dateline("淄博10月19日", "淄博", 10, 19)),
        (
            "新华社北京10月19日电 （记者 张三）",
            Dateline("新华社北京10月19日", "北京", 10, 19, "新华社"),
        ),
        ("本报北京10月19日电（记者 张三）", Dateline("本报北京10月19日", "北京", 10, 19)),
        ("据新华社东京3月5日电 日本", Dateline("新华社东京3月5日", "东京", 3, 5, "新华社")),
        ("中新社上海1月2日电", Dateline("中新社上海1月2日", "上海", 1, 2, "中新社")),
        ("本报讯 （记者 张三）", None),
        ("在10月19日召开的会上", None),
        ("会上，淄博10月19日讯", None),
    ],
)
def test_parse_dateline(paragraph: str, expected: Dateline | None) -> None:
    assert parse_dateline(paragraph) == expected


def test_find_dateline_looks_past_a_lead_in() -> None:
    found = find_dateline(["会上点赞。", "\u3000\u3000淄博10月19日讯 老板换人了"])
    assert found == Dateline("淄博10月19日", "淄博", 10, 19)


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("第05版:淄博", ("05", "淄博")),
        ("第A01版：头版", ("A01", "头版")),
        ("05版", ("05", None)),
        ("第01版：今日要闻", ("01", "今日要闻")),
        ("第04版：综 合", ("04", "综 合")),
        ("第 3 版 : 要闻", ("3", "要闻")),
        ("b03版：体育", ("B03", "体育")),
        ("第1版\u3000\u3000要闻", ("1", "要闻")),
        ("A01： 头版", ("A01", "头版")),
        ("10：30", (None, None)),
        ("要闻", (None, None)),
    ],
)
def test_parse_page_label(label: str, expected: tuple[str | None, str | None]) -> None:
    assert parse_page_label(label) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021/10/20", dt.date(2021, 10, 20)),
        ("2021年10月20日 星期三", dt.date(2021, 10, 20)),
        ("2021-10-20", dt.date(2021, 10, 20)),
        ("2021-1-2", dt.date(2021, 1, 2)),
        ("鲁中晨报 2021年10月20日", dt.date(2021, 10, 20)),
        ("2021/02/30", None),
        ("第05版", None),
    ],
)
def test_parse_printed_date(text: str, expected: dt.date | None) -> None:
    assert parse_printed_date(text) == expected
