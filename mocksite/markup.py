"""Small HTML helpers shared by the mock site's family templates, and the template garbage."""

from __future__ import annotations

import datetime as dt
import functools
import html
import posixpath
import re

#: What the PaperIndex template prints when an article has no 转版 page (seed page, DOMAIN.md).
GARBAGE_OTHER_PAGE = (
    "参见第****处理标记:[Article]时, 字段 [URLOtherPageNo] 在数据源中没有找到! ****版--"
    "****处理标记:[Article]时, 字段 [URLOtherPageName] 在数据源中没有找到! ****"
)
#: What the PaperIndex template prints for a missing 上一篇/下一篇.
GARBAGE_EMPTY = "****处理标记:[Article]时,数据源为空。 ****"

#: Two full-width spaces: the paragraph indent of printed Chinese text.
INDENT = "\u3000\u3000"

_SPACE = re.compile(r"[\s\u3000\xa0]+")

#: Path parts that :func:`relative` leaves to ``posixpath.relpath``.
_UNCLEAN = frozenset(("", ".", ".."))

#: The characters html.escape replaces.
_ESCAPED = re.compile("[&<>\"']")

WEEKDAYS = "一二三四五六日"


def squash(text: str) -> str:
    """Whitespace as the ground truth keeps it: runs (incl. U+3000, nbsp) → one space, trimmed.

    >>> squash("\\u3000\\u3000淄博10月19日讯\\u3000老板 \\xa0换人了 ")
    '淄博10月19日讯 老板 换人了'
    """
    return _SPACE.sub(" ", text).strip()


def esc(text: str) -> str:
    """Escape text for HTML element content and attribute values.

    >>> esc('a<b & "c"'), esc("它's"), esc("新闻")
    ('a&lt;b &amp; &quot;c&quot;', '它&#x27;s', '新闻')
    """
    # Generated text seldom holds one of the five characters: one scan instead of five.
    if _ESCAPED.search(text) is None:
        return text
    return html.escape(text, quote=True)


@functools.lru_cache(maxsize=4096)
def date_format(date: dt.date, pattern: str) -> str:
    """``date.strftime(pattern)``, remembered (strftime costs microseconds; paths repeat it).

    >>> date_format(dt.date(2021, 10, 20), "%Y%m%d")
    '20211020'
    """
    return date.strftime(pattern)


def folder(path: str) -> str:
    """The folder of a site path: :func:`relative` links from one folder are all the same.

    >>> folder("content/20211020/Page05SS.htm"), folder("index.htm")
    ('content/20211020', '')
    """
    return path.rpartition("/")[0]


def relative(from_path: str, to_path: str) -> str:
    """The relative link from the document at ``from_path`` to ``to_path`` (both site paths).

    >>> relative("html/2023-02/10/node_2.htm", "images/2023-02/10/01/a.pdf")
    '../../../images/2023-02/10/01/a.pdf'
    >>> relative("html/2023-02/10/node_2.htm", "html/2023-02/10/content_5.htm")
    'content_5.htm'
    """
    if from_path.startswith("/"):
        return posixpath.relpath(to_path, posixpath.dirname(from_path))
    return _relative_from(folder(from_path), to_path)


@functools.lru_cache(maxsize=8192)
def _relative_from(start: str, to_path: str) -> str:
    """``posixpath.relpath(to_path, start)`` without its two ``os.getcwd()`` calls.

    Site paths are relative and clean (no empty, ``.`` or ``..`` parts), so both share the
    current directory as a prefix and only their own parts matter; anything else takes
    ``relpath`` itself. Documents of one folder link the same targets: hence the cache.

    >>> _relative_from("a/b", "a/c/d.htm"), _relative_from("", "x.htm"), _relative_from("a/b", "a")
    ('../c/d.htm', 'x.htm', '..')
    >>> _relative_from("a/./b", "a/c") == posixpath.relpath("a/c", "a/./b")
    True
    """
    start_parts = start.split("/") if start else []
    to_parts = to_path.split("/")
    if _UNCLEAN.intersection(start_parts) or _UNCLEAN.intersection(to_parts):
        return posixpath.relpath(to_path, start or ".")
    common = 0
    for a, b in zip(start_parts, to_parts, strict=False):
        if a != b:
            break
        common += 1
    parts = [".."] * (len(start_parts) - common) + to_parts[common:]
    return "/".join(parts) if parts else "."


def js_string(text: str) -> str:
    """Text inside a double-quoted JavaScript string in a ``<script>``.

    >>> js_string('他说"好"</')
    '他说\\\\"好\\\\"<\\\\/'
    """
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("</", "<\\/")


def block_coords(count: int, width: int, height: int, *, fractional: bool = False) -> list[str]:
    """Polygon coordinates of ``count`` article blocks on a page image, two columns.

    >>> block_coords(3, 400, 600)
    ['2,2,198,2,198,298,2,298', '202,2,398,2,398,298,202,298', '2,302,198,302,198,598,2,598']
    """
    rows = max(1, (count + 1) // 2)
    coords: list[str] = []
    for i in range(count):
        row, col = divmod(i, 2)
        x1, x2 = col * width / 2 + 2, (col + 1) * width / 2 - 2
        y1, y2 = row * height / rows + 2, (row + 1) * height / rows - 2
        if fractional:
            x1, x2, y1, y2 = x1 * 0.93, x2 * 0.93 + 0.72, y1 * 0.935 + 1.3, y2 * 0.935 + 0.8725
            numbers = [f"{v:.4f}".rstrip("0").rstrip(".") for v in (x1, y1, x2, y1, x2, y2, x1, y2)]
        else:
            numbers = [str(round(v)) for v in (x1, y1, x2, y1, x2, y2, x1, y2)]
        coords.append(",".join(numbers))
    return coords


def parse_compact_date(text: str) -> dt.date | None:
    """A date written YYYYMMDD, or None.

    >>> parse_compact_date("20211020"), parse_compact_date("20211320")
    (datetime.date(2021, 10, 20), None)
    """
    if len(text) != 8 or not text.isdigit():
        return None
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        return None
