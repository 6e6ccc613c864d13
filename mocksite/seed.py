"""The seed page (鲁中晨报 2021-10-20 第05版): loaded at run time from EPAPER_MOCKSITE_SEED_FILE.

The seed text is third-party; it is never copied into the repository. When the file is
absent the mock site generates that page like any other.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import crawler
from crawler.items import Author, Dateline
from mocksite.markup import squash

logger = logging.getLogger(__name__)

#: The repository root: relative seed paths are resolved against it.
REPO_ROOT = Path(crawler.__file__).resolve().parents[1]

_PAGE_LABEL = re.compile(r"^第(\w+)版[:：](.+)$")
_DATE = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_DATELINE = re.compile(r"^(新华社|本报)?(\D{2,8}?)(\d{1,2})月(\d{1,2})日(讯|电)")
_ROLE_WORDS = {
    "本报记者": "记者",
    "记者": "记者",
    "特约记者": "特约记者",
    "本报特约记者": "特约记者",
    "通讯员": "通讯员",
    "本报通讯员": "通讯员",
    "实习生": "实习生",
}
_SENTENCE_END = ("。", "！", "？", "”", "…", "?", "!")


@dataclass(frozen=True, slots=True)
class SeedBlock:
    """A stretch of the seed body: paragraph lines printed together, or one subhead."""

    lines: tuple[str, ...]
    subhead: bool = False


@dataclass(frozen=True, slots=True)
class SeedPage:
    """What the seed text says about its page and its one full article (all cleaned)."""

    page_number: str
    page_name: str
    date: dt.date
    titles: tuple[str, ...]  # the page's title list, in order
    kicker: str | None
    title: str
    subtitle: str | None
    byline: str
    blocks: tuple[SeedBlock, ...]  # body (lede/summary first), trailing byline removed
    trailing_byline: str | None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """Body paragraphs as the ground truth lists them (subheads as their own)."""
        return tuple(line for block in self.blocks for line in block.lines)

    @property
    def authors(self) -> tuple[Author, ...]:
        """Authors from the byline, roles completed from the trailing byline."""
        return parse_byline(self.byline, self.trailing_byline)

    @property
    def dateline(self) -> Dateline | None:
        """The dateline of the first paragraph that opens with one."""
        for paragraph in self.paragraphs:
            found = parse_dateline(paragraph)
            if found is not None:
                return found
        return None


def parse_dateline(paragraph: str) -> Dateline | None:
    """The dateline opening ``paragraph``, if any.

    >>> parse_dateline("淄博10月19日讯 老板换人了")
    Dateline(text='淄博10月19日', place='淄博', month=10, day=19, agency=None)
    >>> parse_dateline("新华社北京3月2日电（记者 王五）").agency
    '新华社'
    >>> parse_dateline("在山东省投诉举报快速回应机制现场经验交流会上") is None
    True
    """
    match = _DATELINE.match(paragraph)
    if match is None:
        return None
    prefix, place, month, day, _ = match.groups()
    text = match.group(0)[:-1]
    return Dateline(text, place, int(month), int(day), "新华社" if prefix == "新华社" else None)


def parse_byline(byline: str, trailing: str | None = None) -> tuple[Author, ...]:
    """Authors of a byline; leading names without a role take the trailing line's role.

    >>> parse_byline("刘文思 通讯员 刘刚 周赤诚", "大众日报淄博融媒体中心记者 刘文思 通讯员 刘刚")
    (Author(name='刘文思', role='记者'), Author(name='刘刚', role='通讯员'), \
Author(name='周赤诚', role='通讯员'))
    >>> parse_byline("本报记者 张三 实习生 李四")
    (Author(name='张三', role='记者'), Author(name='李四', role='实习生'))
    """
    trailing_roles: dict[str, str] = {}
    if trailing:
        role = "记者"
        for token in trailing.split():
            if token.endswith("记者"):
                role = "记者"
            elif token in _ROLE_WORDS:
                role = _ROLE_WORDS[token]
            else:
                trailing_roles[token] = role
    authors: list[Author] = []
    role_now: str | None = None
    for token in byline.split():
        if token in _ROLE_WORDS:
            role_now = _ROLE_WORDS[token]
            continue
        authors.append(Author(token, role_now or trailing_roles.get(token, "记者")))
    return tuple(authors)


def parse_seed(text: str) -> SeedPage:
    """Parse the visible text of the seed page; raise ValueError when it does not fit."""
    lines = text.splitlines()
    label = next((m for m in map(_PAGE_LABEL.match, lines) if m), None)
    if label is None:
        raise ValueError("no page label (第NN版:名称)")
    date_match = next((m for m in (_DATE.match(squash(x)) for x in lines) if m), None)
    if date_match is None:
        raise ValueError("no date line (YYYY/MM/DD)")
    stripped = [squash(line) for line in lines]
    nav = next(i for i, line in enumerate(stripped) if line.startswith("返回主页"))
    titles = tuple(line[1:].strip() for line in stripped[:nav] if line.startswith("·"))
    start = stripped.index("朗读")
    kicker, title, subtitle, byline = stripped[start + 1 : start + 5]
    end = next(i for i, line in enumerate(stripped) if line.startswith("发表评论"))
    blocks: list[SeedBlock] = []
    current: list[str] = []
    for raw in lines[start + 5 : end]:
        line = squash(raw)
        indented = raw[:1].isspace()
        if not line or not indented:
            if current:
                blocks.append(SeedBlock(tuple(current)))
                current = []
            if line:
                blocks.append(SeedBlock((line,), subhead=True))
            continue
        current.append(line)
    if current:
        blocks.append(SeedBlock(tuple(current)))
    trailing = None
    last = blocks[-1] if blocks else None
    # The last line repeats the byline when it names a 记者 and is no sentence.
    if last and not last.subhead and _is_byline_line(last.lines[-1]):
        trailing = last.lines[-1]
        rest = last.lines[:-1]
        blocks[-1:] = [SeedBlock(rest)] if rest else []
    if not title or not blocks:
        raise ValueError("no article title or body")
    year, month, day = (int(x) for x in date_match.groups())
    return SeedPage(
        page_number=label.group(1),
        page_name=label.group(2).strip(),
        date=dt.date(year, month, day),
        titles=titles,
        kicker=kicker or None,
        title=title,
        subtitle=subtitle or None,
        byline=byline,
        blocks=tuple(blocks),
        trailing_byline=trailing,
    )


def _is_byline_line(line: str) -> bool:
    """Whether a body line is a byline rather than a sentence.

    >>> _is_byline_line("大众日报淄博融媒体中心记者 刘文思"), _is_byline_line("记者看到了。")
    (True, False)
    """
    return "记者" in line and not line.endswith(_SENTENCE_END)


def resolve_seed_path(setting: str) -> Path:
    """The seed file a setting names; relative paths start at the repository root.

    >>> resolve_seed_path("/tmp/x.txt")
    PosixPath('/tmp/x.txt')
    >>> resolve_seed_path("../shared/seed/a.txt") == REPO_ROOT / "../shared/seed/a.txt"
    True
    """
    path = Path(setting).expanduser()
    return path if path.is_absolute() else REPO_ROOT / path


@functools.lru_cache(maxsize=8)
def load_seed(path: Path) -> SeedPage | None:
    """The parsed seed page, or None when the file is absent or does not parse."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        logger.info("mock site: no seed file at %s; the seed page is generated", path)
        return None
    try:
        return parse_seed(text)
    except (ValueError, StopIteration) as exc:
        logger.warning("mock site: cannot parse seed file %s (%s); generating", path, exc)
        return None
