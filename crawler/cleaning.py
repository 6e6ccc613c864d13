"""Text cleaning for every family: whitespace, CMS garbage, navigation text, bylines, datelines,
page labels, printed dates.

Every function here is pure and works on text that has already been taken out of the HTML
(see :mod:`crawler.extract.dom` for the HTML side, e.g. Webdings glyphs).

Whitespace policy (:func:`normalize_whitespace`): every Unicode space (U+3000 ideographic
space, no-break space, tabs, ``\\r``, newlines, …) becomes an ASCII space, zero-width
characters are deleted, runs collapse to one space and the ends are stripped. A space
*between* two CJK characters is kept as one space: papers use it on purpose (the title
``投诉举报快速回应 淄博实现三个100%``, the byline ``刘文思 通讯员 刘刚 周赤诚``, the page name
``综 合``), so cleaning never guesses whether it is meaningful.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

from crawler.items import Author, Dateline

# ---------------------------------------------------------------------------------------
# Whitespace
# ---------------------------------------------------------------------------------------

#: Characters deleted outright: zero-width space/joiners, BOM, word joiner, soft hyphen.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_ZERO_WIDTH_TABLE = {ord(c): None for c in ZERO_WIDTH}
_HAS_ZERO_WIDTH = re.compile(f"[{ZERO_WIDTH}]").search


def normalize_whitespace(text: str) -> str:
    """One line of text with every kind of space made a single ASCII space, ends stripped.

    >>> normalize_whitespace("\\u3000\\u3000淄博10月19日讯\\u00a0 老板换人了\\r\\n")
    '淄博10月19日讯 老板换人了'
    >>> normalize_whitespace("刘文思  通讯员\\t刘刚\\u200b 周赤诚")
    '刘文思 通讯员 刘刚 周赤诚'
    >>> normalize_whitespace("综\\u3000合")
    '综 合'
    >>> normalize_whitespace(" \\u200b\\ufeff ")
    ''
    """
    # str.split() splits on exactly the characters regex \s matches (str.isspace), so this is
    # re.sub(r"\s+", " ", text).strip(); translating Chinese text is the slow part, done only
    # when there is something to delete (ten times faster a line: docs/benchmarks.md).
    if _HAS_ZERO_WIDTH(text):
        text = text.translate(_ZERO_WIDTH_TABLE)
    return " ".join(text.split())


# ---------------------------------------------------------------------------------------
# CMS template garbage
# ---------------------------------------------------------------------------------------

# The PaperIndex template prints ``****处理标记:[Article]时, 字段 [X] 在数据源中没有找到! ****``
# for an empty field and ``****处理标记:[Article]时,数据源为空。 ****`` for a missing link; both
# colons and commas come half- or full-width. The block is fenced by exactly four asterisks
# and holds none, so an asterisk of the text next to it is never taken.
_MARKER = re.compile(r"\*{4}[\s\u3000]*处理标记[\s\u3000]*[:：][^*]*\*{4}")
# What an emptied 参见第X版--NAME link leaves behind. (The Webdings arrow before it is
# dropped at the HTML level, or with its line by is_boilerplate.)
_EMPTY_SEE_PAGE = re.compile(r"参见第[\s\u3000]*版[\s\u3000]*(?:--|－－)?")


def strip_template_garbage(text: str) -> str:
    """Text without the CMS's ``****处理标记…****`` blocks and the empty ``参见第版--`` they leave.

    Whitespace is left alone (run :func:`normalize_whitespace` afterwards).

    >>> g = "****处理标记:[Article]时, 字段 [X] 在数据源中没有找到! ****"
    >>> strip_template_garbage(f"甲{g}乙")
    '甲乙'
    >>> strip_template_garbage("4下一篇:****处理标记：[Article]时，数据源为空。 ****")
    '4下一篇:'

    >>> strip_template_garbage(f"4参见第{g}版--{g}")
    '4'
    >>> strip_template_garbage("下转第3版")
    '下转第3版'
    """
    return _EMPTY_SEE_PAGE.sub("", _MARKER.sub("", text))


def has_template_garbage(text: str) -> bool:
    """Whether the text still holds a CMS marker (a quality check for extraction).

    >>> has_template_garbage("****处理标记:[Article]时,数据源为空。 ****")
    True
    >>> has_template_garbage("正文")
    False
    """
    return bool(_MARKER.search(text) or "处理标记" in text)


# ---------------------------------------------------------------------------------------
# Navigation and button text
# ---------------------------------------------------------------------------------------

#: Words that make up navigation and button lines; a line made only of these (and separators,
#: and Webdings arrow digits glued to them) is boilerplate.
NAV_WORDS = frozenset(
    {
        "朗读",
        "发表评论",
        "上一页",
        "下一页",
        "上一篇",
        "下一篇",
        "上一期",
        "下一期",
        "上一版",
        "下一版",
        "本版上一期",
        "本版下一期",
        "日历",
        "往期回顾",
        "按日期查阅",
        "返回主页",
        "返回首页",
        "返回目录",
        "返回",
        "版面导航",
        "标题导航",
        "版面概览",
        "PDF版",
        "PDF",
        "打印",
        "打印本页",
        "关闭",
        "关闭窗口",
        "收藏",
        "分享到",
        "相关文章",
        "放大",
        "缩小",
    }
)
_NAV_SEPARATORS = re.compile(r"[\s|｜/·•、:：>»«<\[\]【】()（）]+")
# 上一篇/下一篇 with the neighbour's title after a colon: "3上一篇:每天答对3道题就有机会赢大奖".
_PREV_NEXT_TITLE = re.compile(r"^[34]?\s*(?:上一篇|下一篇)\s*[:：]")
_NUMERIC_DATE = re.compile(r"(?:19|20)\d\d[/\-.]\d{1,2}[/\-.]\d{1,2}")
_WEBDINGS_EDGE = re.compile(r"^[34](?=\D)|(?<=\D)[34]$")


def is_boilerplate(line: str) -> bool:
    """Whether a line is button or navigation text rather than article text.

    >>> [is_boilerplate(s) for s in ("朗读", "发表评论   上一页 下一页", "相关文章:", "PDF 版")]
    [True, True, True, True]
    >>> is_boilerplate("返回主页 | 版面导航 | 标题导航")
    True
    >>> is_boilerplate("上一期 下一期 本版上一期 本版下一期 日历")
    True
    >>> is_boilerplate("3上一篇:每天答对3道题就有机会赢大奖")
    True
    >>> is_boilerplate("3上一篇   下一篇4")
    True
    >>> is_boilerplate("3    4"), is_boilerplate("3上一篇   下一篇4   2021/10/20")
    (True, True)
    >>> is_boilerplate("2021/10/20")
    False
    >>> is_boilerplate("上一篇文章说到，下一期再谈。")
    False
    >>> is_boilerplate("多种探索模式“各显神通”")
    False
    >>> is_boilerplate("")
    False
    """
    text = normalize_whitespace(line)
    if not text:
        return False
    if _PREV_NEXT_TITLE.match(text):
        return True
    # A date only counts next to navigation ("3上一篇 下一篇4 2021/10/20"); alone it may
    # be the signing date of a statement.
    undated = _NUMERIC_DATE.sub(" ", text).replace("PDF 版", "PDF版")
    words = [w for w in _NAV_SEPARATORS.split(undated) if w]
    if not words:
        return False
    nav = False
    for word in words:
        if word in NAV_WORDS or _WEBDINGS_EDGE.sub("", word) in NAV_WORDS:
            nav = True
        elif word not in {"3", "4"}:
            return False
    return nav or undated == text


def clean_paragraphs(texts: Iterable[str]) -> tuple[str, ...]:
    """Body paragraphs: garbage, whitespace and navigation lines removed, empty ones dropped.

    Each line of each input text is one paragraph (``\\n``, ``\\r\\n`` and ``\\r`` all end a
    line). Only whole lines are ever dropped, and only when they are navigation text
    (:func:`is_boilerplate`), so a sentence of body text always survives.

    >>> clean_paragraphs(["\\u3000\\u3000第一段。\\r\\n\\r\\n\\u3000\\u3000第二段。", "朗读", "  "])
    ('第一段。', '第二段。')
    >>> clean_paragraphs(["4下一篇:****处理标记:[Article]时,数据源为空。 ****", "正文"])
    ('正文',)
    """
    out: list[str] = []
    for text in texts:
        for raw in strip_template_garbage(text).splitlines():
            line = normalize_whitespace(raw)
            if line and not is_boilerplate(line):
                out.append(line)
    return tuple(out)


# ---------------------------------------------------------------------------------------
# Bylines
# ---------------------------------------------------------------------------------------

#: Role words as printed → role in :data:`crawler.items.ROLES`.
ROLE_WORDS: dict[str, str] = {
    "记者": "记者",
    "本报记者": "记者",
    "融媒体记者": "记者",
    "全媒体记者": "记者",
    "见习记者": "记者",
    "首席记者": "记者",
    "本报见习记者": "记者",
    "特约记者": "特约记者",
    "本报特约记者": "特约记者",
    "通讯员": "通讯员",
    "本报通讯员": "通讯员",
    "特约通讯员": "通讯员",
    "实习生": "实习生",
    "本报实习生": "实习生",
    "摄影": "摄影",
    "摄影记者": "摄影",
    "本报摄影记者": "摄影",
    "摄": "摄影",
    "图": "摄影",
    "编辑": "编辑",
    "责任编辑": "编辑",
    "责编": "编辑",
    "本版编辑": "编辑",
    "作者": "作者",
    "文": "作者",
    "评论员": "评论员",
    "本报评论员": "评论员",
    "特约评论员": "评论员",
    "本报特约评论员": "评论员",
}
#: News agencies: in a byline they are authors with role 通讯社; they also open datelines.
AGENCIES = ("新华社", "中新社", "中新网", "人民网", "央视网", "新华网", "中国新闻社")
#: Marks some papers print before a signature or byline paragraph (``□ 本报评论员``).
SIGNATURE_MARKS = "□■◇◆○●◎☆★△▲"

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_NAME = re.compile(rf"[{_HAN}]{{2,4}}|[{_HAN}]{{1,6}}[·•．][{_HAN}]{{1,8}}")
# A role glued to its name: "记者刘文思", "本报记者张三". One-character roles (摄, 图, 文) only
# count when separated, since they begin ordinary words (文明, 图书).
_ROLE_ALT = "|".join(
    sorted((re.escape(w) for w in ROLE_WORDS if len(w) > 1), key=len, reverse=True)
)
_ROLE_THEN_NAME = re.compile(rf"^({_ROLE_ALT})[/:：]?(.+)$")
# An organisation before the role: "大众日报淄博融媒体中心记者", "新华社记者", and two of them
# joined by a middle dot, "某某报·某某网记者" (a paper and its website: one person's employers).
_ORG_PART = rf"[{_HAN}A-Za-z0-9]{{2,30}}"
_ORG_ROLE = re.compile(
    rf"^(?:{_ORG_PART}[·•・．])?{_ORG_PART}?"
    r"(特约评论员|评论员|特约记者|摄影记者|记者|通讯员|实习生|编辑)$"
)
_PHOTO_SUFFIX = "摄"  # "（王五 摄）": comes after the names it applies to
_SIGNATURE_ROLE = "评论员"  # "本报评论员" alone signs a commentary: the signature is the author
_BYLINE_SPLIT = re.compile(r"[\s、，,；;/]+")
_OPEN_BRACKETS = "（(【["
_CLOSE_BRACKETS = "）)】]"
_BRACKET = re.compile(r"[（(【\[）)】\]]")
_PARENS = re.compile(r"^[（(【\[]\s*(.*?)\s*[）)】\]]$")
_LEADING_MARK = re.compile(rf"^[{SIGNATURE_MARKS}]+\s*")


def clean_byline(text: str) -> str:
    """A byline as stored: whitespace normalised, a leading signature mark (□, ■, …) dropped.

    >>> clean_byline("□ 某某日报评论员")
    '某某日报评论员'
    >>> clean_byline("■\\u3000本报记者  张三")
    '本报记者 张三'
    >>> clean_byline("（王五 摄）")
    '（王五 摄）'
    """
    return _LEADING_MARK.sub("", normalize_whitespace(text))


def _role_of_org(token: str) -> tuple[str | None, str | None]:
    """(agency, role) for a token such as 新华社记者 or 大众日报淄博融媒体中心记者.

    A prefix joined by a middle dot (某某报·某某网记者) names the person's employers, never
    an agency author; nor does a commentator's signature (新华社评论员 is one author).
    """
    match = _ORG_ROLE.match(token)
    if not match:
        return None, None
    role = ROLE_WORDS[match.group(1)]
    joined = any(dot in token for dot in "·•・．")
    if joined or role == _SIGNATURE_ROLE:
        return None, role
    return next((a for a in AGENCIES if token.startswith(a)), None), role


def parse_byline(text: str) -> tuple[Author, ...]:
    """(name, role) pairs of a byline, roles normalised to :data:`crawler.items.ROLES`.

    Names before any role word are reporters (记者); ``摄`` after names makes them 摄影.

    >>> def pairs(text): return [(a.name, a.role) for a in parse_byline(text)]
    >>> pairs("刘文思 通讯员 刘刚 周赤诚")
    [('刘文思', '记者'), ('刘刚', '通讯员'), ('周赤诚', '通讯员')]
    >>> pairs("大众日报淄博融媒体中心记者 刘文思 通讯员 刘刚")
    [('刘文思', '记者'), ('刘刚', '通讯员')]
    >>> pairs("本报记者 张三 实习生 李四")
    [('张三', '记者'), ('李四', '实习生')]
    >>> pairs("（王五 摄）")
    [('王五', '摄影')]
    >>> pairs("新华社记者 赵六 钱七")
    [('新华社', '通讯社'), ('赵六', '记者'), ('钱七', '记者')]
    >>> pairs("本报特约记者 孙八 摄影 周九 编辑 吴十")
    [('孙八', '特约记者'), ('周九', '摄影'), ('吴十', '编辑')]

    An organisation joined to another by a middle dot before the role is the person's
    employer, not an author; 新华社 so joined is no agency author either:

    >>> pairs("某某报·某某网记者 张三")
    [('张三', '记者')]
    >>> pairs("新华社·某某网记者 张三 通讯员 李四")
    [('张三', '记者'), ('李四', '通讯员')]

    A bracketed credit that ends in 摄 makes every name in it a photographer (摄影), and
    keeps each stated role too (one author per name and role: the roles as printed, then the
    photographers in the same order). A name without a stated role is a photographer only;
    outside brackets 摄 credits the names since the last role word:

    >>> pairs("（某某日报全媒记者 张三 通讯员 李四 王五 摄）")  # doctest: +NORMALIZE_WHITESPACE
    [('张三', '记者'), ('李四', '通讯员'), ('王五', '通讯员'),
     ('张三', '摄影'), ('李四', '摄影'), ('王五', '摄影')]
    >>> pairs("本报记者 张三 （通讯员 李四 王五摄）")
    [('张三', '记者'), ('李四', '通讯员'), ('王五', '通讯员'), ('李四', '摄影'), ('王五', '摄影')]
    >>> pairs("（张三 通讯员 李四 摄）")
    [('张三', '摄影'), ('李四', '通讯员'), ('李四', '摄影')]
    >>> pairs("本报记者 张三 通讯员 李四 摄")
    [('张三', '记者'), ('李四', '通讯员'), ('李四', '摄影')]
    >>> pairs("本报摄影记者 张三 摄")
    [('张三', '摄影')]

    A commentator's signature without a person's name is its own author, role 评论员:

    >>> pairs("□ 某某日报评论员")
    [('某某日报评论员', '评论员')]
    >>> pairs("本报评论员"), pairs("某某日报特约评论员 张三")
    ([('本报评论员', '评论员')], [('张三', '评论员')])
    >>> parse_byline("")
    ()
    """
    return tuple(_parse_byline_tokens(text)[0])


class _BylineParse:
    """The state of one byline being read token by token (see :func:`parse_byline`)."""

    def __init__(self, bracketed: bool) -> None:
        self.authors: list[Author] = []
        self.stated: list[bool] = []  # whether each author's role was printed before it
        self.role: str | None = None  # the role of the names that follow, if printed
        self.group_start = 0  # first author under the current role
        self.bracket_start: int | None = 0 if bracketed else None  # first author in brackets
        self.role_before_bracket: str | None = None
        self.signature: str | None = None  # a 评论员 role word still waiting for a name

    def add(self, name: str, role: str | None = None) -> None:
        self.authors.append(Author(name, role or self.role or "记者"))
        self.stated.append(role is not None or self.role is not None)
        self.signature = None

    def set_role(self, role: str, token: str) -> None:
        self.flush()
        self.role, self.group_start = role, len(self.authors)
        self.signature = token if role == _SIGNATURE_ROLE else None

    def flush(self) -> None:
        """A 评论员 signature that named nobody (本报评论员) is itself the author."""
        if self.signature is not None:
            self.authors.append(Author(self.signature, _SIGNATURE_ROLE))
            self.stated.append(True)
            self.signature = None

    def open_bracket(self) -> None:
        self.flush()
        self.role_before_bracket, self.role = self.role, None
        self.bracket_start = self.group_start = len(self.authors)

    def close_bracket(self) -> None:
        self.flush()
        self.role, self.bracket_start = self.role_before_bracket, None
        self.group_start = len(self.authors)

    def photo_credit(self) -> bool:
        """``摄`` after names: they are photographers. False when no name precedes it."""
        start = self.group_start if self.bracket_start is None else self.bracket_start
        if len(self.authors) <= start:
            return False
        credited = list(zip(self.authors[start:], self.stated[start:], strict=True))
        kept = [(a if stated else Author(a.name, "摄影"), stated) for a, stated in credited]
        extra = [(Author(a.name, "摄影"), True) for a, stated in credited if stated]
        self.authors[start:] = [a for a, _ in kept + extra]
        self.stated[start:] = [s for _, s in kept + extra]
        self.group_start = len(self.authors)
        if self.bracket_start is not None:
            self.bracket_start = len(self.authors)
        return True


def _parse_byline_tokens(text: str) -> tuple[list[Author], int]:
    """Authors of a byline and how many of its tokens were not understood."""
    text = clean_byline(text)
    inner = _PARENS.match(text)
    if inner:
        text = inner.group(1)
    state = _BylineParse(bracketed=bool(inner))
    unknown = 0
    for raw in _BYLINE_SPLIT.split(_BRACKET.sub(r" \g<0> ", text)):
        token = raw.strip("：:")
        if not token:
            continue
        if token in _OPEN_BRACKETS:
            # "本报记者 张三 （王五 摄）": a bracket starts a new credit for 摄.
            state.open_bracket()
            continue
        if token in _CLOSE_BRACKETS:
            state.close_bracket()
            continue
        if token in ROLE_WORDS:
            # "（王五 摄）", "本报记者 张三 摄": the names just given are the photographers.
            if not (token == _PHOTO_SUFFIX and state.photo_credit()):
                state.set_role(ROLE_WORDS[token], token)
            continue
        if token in AGENCIES:
            state.add(token, "通讯社")
            state.group_start = len(state.authors)
            continue
        agency, org_role = _role_of_org(token)
        if org_role is not None:
            if agency:
                state.add(agency, "通讯社")
            state.set_role(org_role, token)
            continue
        if token.endswith(_PHOTO_SUFFIX) and _NAME.fullmatch(token[:-1]):
            state.add(token[:-1])  # "王五摄": a name glued to its credit
            state.photo_credit()
            continue
        glued = _ROLE_THEN_NAME.match(token)
        if glued and _NAME.fullmatch(glued.group(2)):
            state.set_role(ROLE_WORDS[glued.group(1)], glued.group(1))
            state.add(glued.group(2))
            continue
        name = token.removesuffix("等")
        if _NAME.fullmatch(name):
            state.add(name)
            continue
        unknown += 1
    state.flush()
    return list(dict.fromkeys(state.authors)), unknown


def is_byline_line(line: str, known: Sequence[Author] = ()) -> bool:
    """Whether a body line is a byline rather than text.

    It must consist only of role words and names, and either contain a role word or name
    only people already in ``known``; a lone short line such as a subhead is not a byline.
    A signature mark (□, ■) before it changes nothing of this.

    >>> is_byline_line("大众日报淄博融媒体中心记者 刘文思 通讯员 刘刚 周赤诚")
    True
    >>> is_byline_line("（记者 王五 摄）")
    True
    >>> is_byline_line("编者按")
    False
    >>> is_byline_line("张三 李四", known=parse_byline("记者 张三 李四"))
    True
    >>> is_byline_line("淄博实现三个100%")
    False
    >>> is_byline_line("□ 某某日报评论员"), is_byline_line("■ 某某报·某某网记者 张三")
    (True, True)
    >>> is_byline_line("□ 加强监管"), is_byline_line("评论员认为，这是好事。")
    (False, False)
    """
    text = clean_byline(line)
    if not text or len(text) > 80:
        return False
    authors, unknown = _parse_byline_tokens(text)
    if unknown or not authors:
        return False
    names = {a.name for a in authors}
    if names <= {a.name for a in known}:
        return True
    tokens = [t.strip("：:") for t in _BYLINE_SPLIT.split(_BRACKET.sub(" ", text))]
    return any(t in ROLE_WORDS or _ORG_ROLE.match(t) or _is_glued(t) for t in tokens if t)


def _is_glued(token: str) -> bool:
    """Whether a token is a role glued to a name (记者刘文思) or a name glued to 摄 (王五摄)."""
    glued = _ROLE_THEN_NAME.match(token)
    if glued and _NAME.fullmatch(glued.group(2)):
        return True
    return token.endswith("摄") and bool(_NAME.fullmatch(token[:-1]))


def split_byline(
    paragraphs: Sequence[str], byline: str | None = None
) -> tuple[str | None, tuple[str, ...]]:
    """Move a byline line at the start or the end of the body into the byline.

    A line that only repeats the printed byline's people is dropped; a line that names
    others is appended to the byline (so its people get parsed); without a printed byline
    the line becomes the byline. Signature marks (□, ■) are not kept (:func:`clean_byline`).

    >>> split_byline(["记者 张三", "正文。"])
    ('记者 张三', ('正文。',))
    >>> split_byline(["正文。", "某某融媒体中心记者 刘文思 通讯员 刘刚"], "刘文思 通讯员 刘刚")
    ('刘文思 通讯员 刘刚', ('正文。',))
    >>> split_byline(["正文。", "（王五 摄）"], "本报记者 张三")
    ('本报记者 张三 （王五 摄）', ('正文。',))
    >>> split_byline(["编者按", "正文。"])
    (None, ('编者按', '正文。'))

    A signature paragraph at the end or the start of a commentary is its byline:

    >>> split_byline(["正文。", "结尾。", "□ 某某日报评论员"])
    ('某某日报评论员', ('正文。', '结尾。'))
    >>> split_byline(["■ 本报记者 张三", "正文。"])
    ('本报记者 张三', ('正文。',))
    """
    body = list(paragraphs)
    known = list(parse_byline(byline)) if byline else []
    result = clean_byline(byline) if byline else None
    for position in (0, -1):
        if not body or not is_byline_line(body[position], known):
            continue
        line = clean_byline(body.pop(position))
        found = parse_byline(line)
        if result is None:
            result = line
        elif not {a.name for a in found} <= {a.name for a in known}:
            result = f"{result} {line}"
        known.extend(a for a in found if a not in known)
    return result or None, tuple(body)


# ---------------------------------------------------------------------------------------
# Datelines
# ---------------------------------------------------------------------------------------

_AGENCY_ALT = "|".join(map(re.escape, sorted(AGENCIES, key=len, reverse=True)))
_DATELINE = re.compile(
    rf"^(?:据)?(?P<text>(?P<agency>{_AGENCY_ALT})?(?P<local>本报)?"
    rf"(?P<place>[{_HAN}·]{{1,12}}?)?"
    r"(?P<month>1[0-2]|0?[1-9])月(?P<day>3[01]|[12]\d|0?[1-9])日)"
    r"(?:专)?(?:讯|电)"
)


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline that opens a paragraph, if any.

    >>> parse_dateline("淄博10月19日讯 老板换人了")
    Dateline(text='淄博10月19日', place='淄博', month=10, day=19, agency=None)
    >>> parse_dateline("新华社北京10月19日电 （记者 张三）")
    Dateline(text='新华社北京10月19日', place='北京', month=10, day=19, agency='新华社')
    >>> parse_dateline("本报北京10月19日电（记者 张三）")
    Dateline(text='本报北京10月19日', place='北京', month=10, day=19, agency=None)
    >>> parse_dateline("10月19日讯 今天")
    Dateline(text='10月19日', place=None, month=10, day=19, agency=None)
    >>> parse_dateline("在10月19日召开的会上") is None
    True
    """
    match = _DATELINE.match(normalize_whitespace(paragraph))
    if not match:
        return None
    return Dateline(
        text=match.group("text"),
        place=match.group("place") or None,
        month=int(match.group("month")),
        day=int(match.group("day")),
        agency=match.group("agency"),
    )


_WIRE_CREDIT = re.compile(r"^\s*[（(]([^（()）]{2,40})[）)]")


def dateline_authors(paragraph: str) -> tuple[Author, ...]:
    """Authors a wire dateline names: the agency, then the reporters in brackets after 电.

    >>> [(a.name, a.role) for a in dateline_authors("新华社北京10月19日电（记者 张三 李四）今天")]
    [('新华社', '通讯社'), ('张三', '记者'), ('李四', '记者')]
    >>> dateline_authors("淄博10月19日讯 老板换人了")
    ()
    """
    text = normalize_whitespace(paragraph)
    match = _DATELINE.match(text)
    if not match or not match.group("agency"):
        return ()
    authors = [Author(match.group("agency"), "通讯社")]
    credit = _WIRE_CREDIT.match(text[match.end() :])
    if credit and is_byline_line(credit.group(1)):
        authors.extend(a for a in parse_byline(credit.group(1)) if a not in authors)
    return tuple(authors)


def find_dateline(paragraphs: Sequence[str], limit: int = 3) -> Dateline | None:
    """The first dateline among the opening paragraphs (a lead-in 导语 may come before it).

    >>> find_dateline(["会上，淄博获得点赞。", "淄博10月19日讯 老板换人了"]).place
    '淄博'
    """
    for paragraph in paragraphs[:limit]:
        found = parse_dateline(paragraph)
        if found:
            return found
    return None


# ---------------------------------------------------------------------------------------
# Jump notes (转版)
# ---------------------------------------------------------------------------------------

# （下转第3版） / （参见第A02版） point forward; （上接第1版） says where a part came from.
# Both are printed notes, not body text.
_JUMP_PAGE = r"(?P<number>[A-Za-z]?\d{1,3}|[一二三四五六七八九十]{1,3})"
_TRAILING_JUMP = re.compile(rf"\s*[（(]\s*(?:下转|参见|转)\s*第\s*{_JUMP_PAGE}\s*版\s*[)）]\s*$")
_LEADING_JUMP = re.compile(rf"^\s*[（(]\s*(?:上接|接)\s*第\s*{_JUMP_PAGE}\s*版\s*[)）]\s*")
_CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九", start=1)}


def page_number_of(text: str) -> str:
    """A page number from a jump note, Chinese numerals as digits, letters upper-case.

    >>> [page_number_of(t) for t in ("05", "a02", "三", "十", "十二", "二十", "二十四")]
    ['05', 'A02', '3', '10', '12', '20', '24']
    """
    if not text or text[0] not in "一二三四五六七八九十":
        return text.upper()
    if "十" not in text:
        return str(_CN_DIGITS[text])
    tens, _, ones = text.rpartition("十")
    return str(_CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0))


def take_jump_notes(paragraphs: Sequence[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Paragraphs without their ``（下转第X版）`` / ``（上接第X版）`` notes, and the pages the
    forward notes name, in order. A paragraph that was only a note disappears.

    >>> take_jump_notes(["甲。（下转第三版）", "（上接第01版）", "（上接第1版）乙", "（转第5版）"])
    (('甲。', '乙'), ('3', '5'))
    """
    kept: list[str] = []
    pages: list[str] = []
    for paragraph in paragraphs:
        text = _LEADING_JUMP.sub("", paragraph)
        match = _TRAILING_JUMP.search(text)
        if match:
            pages.append(page_number_of(match["number"]))
            text = text[: match.start()]
        if text.strip():
            kept.append(text.strip())
    return tuple(kept), tuple(pages)


# ---------------------------------------------------------------------------------------
# Page labels and printed dates
# ---------------------------------------------------------------------------------------

_PAGE_LABEL = re.compile(
    r"(?:第\s*)?(?P<number>[A-Za-z]?\d{1,3})\s*版(?:\s*[:：]\s*|\s+)?(?P<name>.*?)\s*$"
)
# A pop-up page list without 第/版: "A01： 头版" (江西日报).
_BARE_PAGE_LABEL = re.compile(r"^(?P<number>[A-Za-z]?\d{1,3})\s*[:：]\s*(?P<name>\D.*?)\s*$")


def parse_page_label(text: str) -> tuple[str | None, str | None]:
    """(page number, page name) of a label; the number as printed, the name whitespace-normalised.

    An inner space of a name (``综 合``) is kept, as printed.

    >>> parse_page_label("第05版:淄博")
    ('05', '淄博')
    >>> parse_page_label("第A01版：头版")
    ('A01', '头版')
    >>> parse_page_label("05版")
    ('05', None)
    >>> parse_page_label(" 第01版：今日要闻 ")
    ('01', '今日要闻')
    >>> parse_page_label("第04版：综\\u3000合")
    ('04', '综 合')
    >>> parse_page_label("第1版\u3000\u3000要闻"), parse_page_label("A01： 头版")
    (('1', '要闻'), ('A01', '头版'))
    >>> parse_page_label("今日要闻")
    (None, None)
    """
    text = normalize_whitespace(text)
    match = _PAGE_LABEL.search(text) or _BARE_PAGE_LABEL.match(text)
    if not match:
        return None, None
    name = normalize_whitespace(match.group("name") or "")
    return match.group("number").upper(), name or None


_DATE_PATTERNS = (
    re.compile(r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日"),
    re.compile(r"(?P<y>(?:19|20)\d\d)[/\-.](?P<m>\d{1,2})[/\-.](?P<d>\d{1,2})(?!\d)"),
)


def parse_printed_date(text: str) -> dt.date | None:
    """The first calendar date printed in a text, or None.

    >>> parse_printed_date("2021/10/20")
    datetime.date(2021, 10, 20)
    >>> parse_printed_date("2021年10月20日 星期三")
    datetime.date(2021, 10, 20)
    >>> parse_printed_date("鲁中晨报 2021-10-20")
    datetime.date(2021, 10, 20)
    >>> parse_printed_date("2021-02-30") is None
    True
    """
    for pattern in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            try:
                return dt.date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                continue
    return None
