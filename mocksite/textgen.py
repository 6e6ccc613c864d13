"""Deterministic Chinese news text for the mock site: names, titles, bylines, datelines, bodies."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import floor as _floor

from crawler.items import Author, Dateline
from mocksite import words
from mocksite.papers import MockPaper

# The word lists and their lengths, bound once for the hot path (make_sentence). A pick is
# ``words[_floor(rand() * n)]``: for a draw in [0, 1) floor is int, and the cheaper call.
_GIVEN, _N_GIVEN = words.GIVEN_CHARS, len(words.GIVEN_CHARS)
_SURNAMES, _N_SURNAMES = words.SURNAMES, len(words.SURNAMES)
_TIMES, _N_TIMES = words.TIMES, len(words.TIMES)
_ORGS, _N_ORGS = words.ORGS, len(words.ORGS)
_ADVERBS, _N_ADVERBS = words.ADVERBS, len(words.ADVERBS)
_VERBS, _N_VERBS = words.VERBS, len(words.VERBS)
_RESULTS, _N_RESULTS = words.RESULTS, len(words.RESULTS)
_UNITS, _N_UNITS = words.UNITS, len(words.UNITS)
_ROLE_TITLES, _N_ROLE_TITLES = words.ROLE_TITLES, len(words.ROLE_TITLES)
_SITES, _N_SITES = words.SITES, len(words.SITES)
_PEOPLE, _N_PEOPLE = words.PEOPLE, len(words.PEOPLE)
_ACTIVITIES, _N_ACTIVITIES = words.ACTIVITIES, len(words.ACTIVITIES)
_CONNECTORS, _N_CONNECTORS = words.CONNECTORS, len(words.CONNECTORS)
_GOALS, _N_GOALS = words.GOALS, len(words.GOALS)
_ADJECTIVES, _N_ADJECTIVES = words.ADJECTIVES, len(words.ADJECTIVES)


def stable_int(*parts: object) -> int:
    """A 64-bit integer from ``parts``, the same in every process (unlike ``hash``).

    >>> stable_int(0, "lzcb", "2021-10-20") == stable_int(0, "lzcb", "2021-10-20")
    True
    >>> stable_int(0, "a") != stable_int(1, "a")
    True
    """
    text = "\x1f".join(map(str, parts))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def unit(*parts: object) -> float:
    """A number in [0, 1) drawn from ``parts``: a cheap stable coin for quirk rates.

    >>> 0.0 <= unit("x") < 1.0
    True
    """
    return stable_int(*parts) / 2.0**64


def make_rng(*parts: object) -> random.Random:
    """A ``random.Random`` seeded from ``parts``."""
    return random.Random(stable_int(*parts))


# ---------------------------------------------------------------------------------------
# People and bylines
# ---------------------------------------------------------------------------------------


def person_name(rng: random.Random) -> str:
    """A two- or three-character Chinese name."""
    rand = rng.random
    given = _GIVEN[_floor(rand() * _N_GIVEN)]
    if rand() < 0.6:
        given += _GIVEN[_floor(rand() * _N_GIVEN)]
    return _SURNAMES[_floor(rand() * _N_SURNAMES)] + given


def person_names(rng: random.Random, count: int) -> list[str]:
    """``count`` different names."""
    names: list[str] = []
    while len(names) < count:
        name = person_name(rng)
        if name not in names:
            names.append(name)
    return names


@dataclass(frozen=True, slots=True)
class Byline:
    """A byline as printed, its authors, and the line some papers repeat after the body."""

    text: str | None
    authors: tuple[Author, ...]
    trailing: str | None = None
    signature: str | None = None  # the byline a signature in ``trailing`` gives (本报评论员)


def _segments_text(segments: list[tuple[str, list[str]]]) -> str:
    parts: list[str] = []
    for prefix, names in segments:
        if prefix:
            parts.append(prefix)
        parts.extend(names)
    return " ".join(parts)


def make_byline(rng: random.Random, paper: MockPaper, *, photo: bool = False) -> Byline:
    """A byline in one of the forms the paper prints (``本报记者 张三 通讯员 李四`` …)."""
    if photo:
        name = person_name(rng)
        prefix = "湖北日报全媒记者" if paper.byline_style == "hubei" else "本报记者"
        # A credited photographer keeps the role the byline states (记者) as well.
        return Byline(f"{prefix} {name} 摄", (Author(name, "记者"), Author(name, "摄影")))
    n = person_names(rng, 4)
    roll = rng.random()
    segments: list[tuple[str, list[str]]]
    roles: list[tuple[str, str]]
    if paper.byline_style == "hubei":
        if roll < 0.5:
            segments = [("湖北日报全媒记者", n[:1])]
        elif roll < 0.85:
            segments = [("湖北日报全媒记者", n[:1]), ("通讯员", n[1:3])]
        else:
            segments = [("通讯员", n[:2])]
        roles = [("记者" if p != "通讯员" else "通讯员", name) for p, ns in segments for name in ns]
        return Byline(_segments_text(segments), tuple(Author(nm, r) for r, nm in roles))
    if paper.byline_style == "dazhong" and roll < 0.5:
        # The 大众报业 form of the seed page: reporters without a role word, the role
        # stated in the line repeated after the body.
        reporters, others = n[:1], n[1 : 1 + rng.randint(1, 2)]
        text = _segments_text([("", reporters), ("通讯员", others)])
        place = rng.choice(paper.places)
        media = rng.choice((f"大众日报{place}融媒体中心记者", f"{paper.name}记者"))
        trailing = _segments_text([(media, reporters), ("通讯员", others)])
        authors = tuple(Author(x, "记者") for x in reporters) + tuple(
            Author(x, "通讯员") for x in others
        )
        return Byline(text, authors, trailing)
    forms: tuple[tuple[tuple[str, str, int], ...], ...] = (
        (("本报记者", "记者", 2),),
        (("本报记者", "记者", 1),),
        (("本报记者", "记者", 1), ("通讯员", "通讯员", 2)),
        (("记者", "记者", 1), ("通讯员", "通讯员", 1)),
        (("本报通讯员", "通讯员", 1),),
        (("本报特约记者", "特约记者", 1),),
        (("本报记者", "记者", 1), ("实习生", "实习生", 1)),
    )
    form = forms[int(roll * len(forms))]
    authors_list: list[Author] = []
    segments, used = [], 0
    for prefix, role, count in form:
        names = n[used : used + count]
        used += count
        segments.append((prefix, names))
        authors_list.extend(Author(x, role) for x in names)
    text = _segments_text(segments)
    repeat = f"（{text}）" if paper.byline_style == "dazhong" and rng.random() < 0.3 else None
    return Byline(text, tuple(authors_list), repeat)


def make_rare_byline(rng: random.Random, paper: MockPaper, form: str) -> Byline:
    """A byline in a rarer real form (the names and organisations are made up):

    - ``dot``: an organisation joined by a middle dot before the role, ``某某日报·某地网记者
      张三`` (one person, 记者; the organisation is no author);
    - ``credit``: a bracketed credit ending in 摄, ``（某某日报全媒记者 张三 通讯员 李四 王五
      摄）`` (each name with its stated role, then each as 摄影);
    - ``signature``: no byline, but a signature paragraph after the body, ``□ 本报评论员``
      (the signature is the author, role 评论员).

    >>> from mocksite.papers import PAPERS_BY_SLUG
    >>> b = make_rare_byline(make_rng(1), PAPERS_BY_SLUG["hbrb"], "signature")
    >>> b.text, b.trailing[0] in "□■", b.authors == (Author(b.signature, "评论员"),)
    (None, True, True)
    >>> make_rare_byline(make_rng(1), PAPERS_BY_SLUG["hbrb"], "dot").text.split("·")[0]
    '湖北日报'
    """
    n = person_names(rng, 3)
    if form == "dot":
        text = f"{paper.name}·{rng.choice(paper.places)}网记者 {n[0]}"
        authors = [Author(n[0], "记者")]
        if rng.random() < 0.5:
            text += f" 通讯员 {n[1]}"
            authors.append(Author(n[1], "通讯员"))
        return Byline(text, tuple(authors))
    if form == "credit":
        others = n[1 : 1 + rng.randint(1, 2)]
        text = f"（{paper.name}全媒记者 {n[0]} 通讯员 {' '.join(others)} 摄）"
        stated = [Author(n[0], "记者"), *(Author(x, "通讯员") for x in others)]
        return Byline(text, (*stated, *(Author(a.name, "摄影") for a in stated)))
    who = rng.choice(("本报评论员", f"{paper.name}评论员"))
    mark = rng.choice(("□", "■"))
    return Byline(None, (Author(who, "评论员"),), trailing=f"{mark} {who}", signature=who)


# ---------------------------------------------------------------------------------------
# Datelines
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PrintedDateline:
    """A dateline as printed at the start of the lede, and what it means."""

    printed: str  # "淄博10月19日讯", "新华社北京10月19日电（记者 张三）"
    dateline: Dateline
    authors: tuple[Author, ...] = ()  # wire copy: the agency and its reporters


def make_dateline(rng: random.Random, paper: MockPaper, date: dt.date) -> PrintedDateline:
    """A dateline of the day before (讯) or the day itself (电)."""
    roll = rng.random()
    if roll < 0.55:
        day = date - dt.timedelta(days=1)
        place = rng.choice(paper.places)
        text = f"{place}{day.month}月{day.day}日"
        return PrintedDateline(f"{text}讯", Dateline(text, place, day.month, day.day))
    day = date - dt.timedelta(days=1) if rng.random() < 0.5 else date
    if roll < 0.8:
        place = rng.choice(paper.places)
        text = f"本报{place}{day.month}月{day.day}日"
        return PrintedDateline(f"{text}电", Dateline(text, place, day.month, day.day))
    place = rng.choice(words.PLACES_NATIONAL)
    text = f"新华社{place}{day.month}月{day.day}日"
    authors: tuple[Author, ...] = (Author("新华社", "通讯社"),)
    printed = f"{text}电"
    if rng.random() < 0.5:
        reporters = person_names(rng, rng.randint(1, 2))
        printed += "（记者 " + " ".join(reporters) + "）"
        authors += tuple(Author(x, "记者") for x in reporters)
    return PrintedDateline(printed, Dateline(text, place, day.month, day.day, "新华社"), authors)


# ---------------------------------------------------------------------------------------
# Titles and body text
# ---------------------------------------------------------------------------------------


def below(rng: random.Random, n: int) -> int:
    """A number in [0, n), drawn exactly as ``rng.choice`` and ``rng.randint`` draw theirs
    (``Random._randbelow``: ``getrandbits`` of n's bit length until one is below n), so that
    ``seq[below(rng, len(seq))]`` is ``rng.choice(seq)`` and ``a + below(rng, b - a + 1)`` is
    ``rng.randint(a, b)``, at a fraction of the cost (text generation is the hot path).

    >>> a, b = make_rng(3), make_rng(3)
    >>> [below(a, 9) for _ in range(50)] == [b.choice(range(9)) for _ in range(50)]
    True
    >>> [2 + below(a, 998) for _ in range(50)] == [b.randint(2, 999) for _ in range(50)]
    True
    """
    k = n.bit_length()
    bits = rng.getrandbits
    r = bits(k)
    while r >= n:
        r = bits(k)
    return r


def _number(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return str(2 + below(rng, 998))  # rng.randint(2, 999)
    return f"{1 + below(rng, 99)}.{1 + below(rng, 9)}万"  # randint(1, 99), randint(1, 9)


def picker(rng: random.Random) -> Callable[[Sequence[str]], str]:
    """``rng.choice`` for strings, several times faster (text generation is the hot path).

    >>> pick = picker(make_rng(1))
    >>> pick(("甲", "乙")) in ("甲", "乙")
    True
    """
    rand = rng.random

    def pick(options: Sequence[str]) -> str:
        return options[_floor(rand() * len(options))]

    return pick


def _topic(rng: random.Random, paper: MockPaper) -> str:
    topics = paper.topics
    return topics[int(rng.random() * len(topics))]


def _two(rng: random.Random, paper: MockPaper) -> str:
    """Two parallel phrases: 完善河湖治理 培育小微企业."""
    first, second = rng.sample(paper.topics, 2)
    verbs = rng.sample(words.VERBS, 2)
    return f"{verbs[0]}{first} {verbs[1]}{second}"


def make_title(rng: random.Random, paper: MockPaper) -> str:
    """An article title, 6 to about 26 characters."""
    c = picker(rng)
    forms = (
        lambda: f"{c(paper.places)}{c(words.VERBS)}{_topic(rng, paper)}",
        lambda: _two(rng, paper),
        lambda: f"{_topic(rng, paper)}{c(words.RESULTS_SHORT)}",
        lambda: f"{c(paper.places)}：{_topic(rng, paper)}{c(words.RESULTS_SHORT)}",
        lambda: f"让{_topic(rng, paper)}更{c(words.ADJECTIVES)}",
        lambda: (
            f"{c(paper.places)}{c(words.ORGS)}{c(words.ADVERBS)}{c(words.VERBS)}"
            f"{_topic(rng, paper)}"
        ),
        lambda: f"{_number(rng)}{c(words.UNITS)}{_topic(rng, paper)}项目{c(words.RESULTS_SHORT)}",
    )
    return rng.choice(forms)()


def make_kicker(rng: random.Random, paper: MockPaper) -> str:
    """An 引题 (kicker) printed above the title."""
    c = picker(rng)
    forms = (
        lambda: _two(rng, paper),
        lambda: f"{c(paper.places)}{_topic(rng, paper)}观察",
        lambda: f"{c(words.ADVERBS)}{c(words.VERBS)}{_topic(rng, paper)}",
    )
    return rng.choice(forms)()


def make_subtitle(rng: random.Random, paper: MockPaper) -> str:
    """A 副题 (subtitle), printed with its leading dash."""
    c = picker(rng)
    forms = (
        lambda: f"——{c(paper.places)}{c(words.VERBS)}{_topic(rng, paper)}纪实",
        lambda: f"——{c(paper.places)}{c(words.ORGS)}{c(words.VERBS)}{_topic(rng, paper)}见闻",
        lambda: f"——来自{c(paper.places)}{c(words.SITES)}的报道",
    )
    return rng.choice(forms)()


def make_subhead(rng: random.Random, paper: MockPaper) -> str:
    """An in-body subhead: short, no final punctuation."""
    c = picker(rng)
    forms = (
        lambda: f"多措并举{c(words.VERBS)}{_topic(rng, paper)}",
        lambda: f"{_topic(rng, paper)}{c(words.RESULTS_SHORT)}",
        lambda: f"{c(words.ADVERBS)}{c(words.VERBS)}{_topic(rng, paper)}",
    )
    return rng.choice(forms)()


def make_sentence(rng: random.Random, paper: MockPaper) -> str:
    """One sentence of news prose, in one of nine forms.

    Written out branch by branch with the word lists' lengths looked up once: the draws,
    their order and their outcome are those of ``rng.choice(forms)()`` over nine lambdas
    of ``rng.choice``-like picks, which this replaced (the same seed gives the same text).
    """
    rand = rng.random
    bits = rng.getrandbits
    form = bits(4)  # rng.choice of nine forms
    while form >= 9:
        form = bits(4)
    places = paper.places
    n_places = len(places)
    topics = paper.topics
    n_topics = len(topics)
    if form == 0:
        return (
            f"{_TIMES[_floor(rand() * _N_TIMES)]}，{places[_floor(rand() * n_places)]}"
            f"{_ORGS[_floor(rand() * _N_ORGS)]}{_ADVERBS[_floor(rand() * _N_ADVERBS)]}"
            f"{_VERBS[_floor(rand() * _N_VERBS)]}{topics[_floor(rand() * n_topics)]}，"
            f"{_RESULTS[_floor(rand() * _N_RESULTS)]}。"
        )
    if form == 1:
        return (
            f"{places[_floor(rand() * n_places)]}{_VERBS[_floor(rand() * _N_VERBS)]}"
            f"{topics[_floor(rand() * n_topics)]}，{_RESULTS[_floor(rand() * _N_RESULTS)]}。"
        )
    if form == 2:
        return (
            f"截至目前，{places[_floor(rand() * n_places)]}已{_VERBS[_floor(rand() * _N_VERBS)]}"
            f"{topics[_floor(rand() * n_topics)]}项目{_number(rng)}"
            f"{_UNITS[_floor(rand() * _N_UNITS)]}，{_RESULTS[_floor(rand() * _N_RESULTS)]}。"
        )
    if form == 3:
        return (
            f"“{_VERBS[_floor(rand() * _N_VERBS)]}{topics[_floor(rand() * n_topics)]}，关键在于"
            f"{_ADVERBS[_floor(rand() * _N_ADVERBS)]}{_VERBS[_floor(rand() * _N_VERBS)]}"
            f"{topics[_floor(rand() * n_topics)]}。”{places[_floor(rand() * n_places)]}"
            f"{_ORGS[_floor(rand() * _N_ORGS)]}{_ROLE_TITLES[_floor(rand() * _N_ROLE_TITLES)]}"
            f"{person_name(rng)}说。"
        )
    if form == 4:
        return (
            f"{topics[_floor(rand() * n_topics)]}是{_VERBS[_floor(rand() * _N_VERBS)]}"
            f"{topics[_floor(rand() * n_topics)]}的重要抓手。"
        )
    if form == 5:
        return (
            f"在{places[_floor(rand() * n_places)]}一处{_SITES[_floor(rand() * _N_SITES)]}，"
            f"{_PEOPLE[_floor(rand() * _N_PEOPLE)]}正在"
            f"{_ACTIVITIES[_floor(rand() * _N_ACTIVITIES)]}。"
        )
    if form == 6:
        return (
            f"{_CONNECTORS[_floor(rand() * _N_CONNECTORS)]}，{places[_floor(rand() * n_places)]}"
            f"{_ORGS[_floor(rand() * _N_ORGS)]}将{_ADVERBS[_floor(rand() * _N_ADVERBS)]}"
            f"{_VERBS[_floor(rand() * _N_VERBS)]}{topics[_floor(rand() * n_topics)]}，"
            f"{_GOALS[_floor(rand() * _N_GOALS)]}。"
        )
    if form == 7:
        return (
            f"{_TIMES[_floor(rand() * _N_TIMES)]}，全市累计{_VERBS[_floor(rand() * _N_VERBS)]}"
            f"{topics[_floor(rand() * n_topics)]}{_number(rng)}"
            f"{_UNITS[_floor(rand() * _N_UNITS)]}，"
            f"同比增长{2 + below(rng, 39)}.{below(rng, 10)}%。"  # randint(2, 40), randint(0, 9)
        )
    return (
        f"{_CONNECTORS[_floor(rand() * _N_CONNECTORS)]}，{_PEOPLE[_floor(rand() * _N_PEOPLE)]}"
        f"{person_name(rng)}告诉记者，现在{topics[_floor(rand() * n_topics)]}越来越"
        f"{_ADJECTIVES[_floor(rand() * _N_ADJECTIVES)]}了。"
    )


def make_paragraph(rng: random.Random, paper: MockPaper, target: int) -> str:
    """A paragraph of at least ``target`` characters (at least one sentence)."""
    sentence = make_sentence(rng, paper)
    size = len(sentence)
    if size >= target:
        return sentence
    sentences = [sentence]
    while size < target:
        sentence = make_sentence(rng, paper)
        sentences.append(sentence)
        size += len(sentence)
    return "".join(sentences)


def make_caption(rng: random.Random, paper: MockPaper, date: dt.date) -> str:
    """A photo caption with a credit such as ``（王五 摄）``."""
    day = date - dt.timedelta(days=rng.randint(0, 3))
    name = person_name(rng)
    credit = rng.choice((f"（{name} 摄）", f"（本报记者 {name} 摄）", f"新华社记者 {name} 摄"))
    return (
        f"{day.month}月{day.day}日，{rng.choice(paper.places)}一处{rng.choice(words.SITES)}，"
        f"{rng.choice(words.PEOPLE)}在{rng.choice(words.ACTIVITIES)}。{credit}"
    )


def body_length(rng: random.Random) -> int:
    """A body length to aim at, 100 to 4,800 characters, most near 800 (the last sentence
    and the dateline may add up to about 150, so bodies stay under 5,000).

    >>> all(100 <= body_length(make_rng(i)) <= 4800 for i in range(200))
    True
    """
    return max(100, min(4800, int(rng.lognormvariate(6.7, 0.6))))
