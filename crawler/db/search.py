"""Full-text search of articles with LIKE's recall, on SQLite (FTS5) and PostgreSQL (tsvector).

Chinese has no spaces between words, and the tokenizers both databases ship cut text into
words by spaces and punctuation; a dictionary segmenter misses the substrings it did not
cut at. So the index holds every character of a title and a body as its own token, in
order, and a search term is the phrase of its characters: a phrase of consecutive
characters matches exactly where the term is a substring, which is what ``LIKE '%term%'``
finds. ASCII letters are folded to lower case (as SQLite's LIKE does); every character
that is not an ASCII letter or digit or a common CJK ideograph (punctuation, spaces,
line breaks, other scripts) is indexed as an escape token ``u`` + its hex code point, which
no one-character token can equal, so punctuation and spaces in a term must match too.

Both: ``article_search_docs`` remembers a digest of the text each article was indexed with,
so indexing an unchanged article again costs one lookup. SQLite: a contentless FTS5 table
``article_search`` (rowid = article id); a contentless table can only forget a text it is
given again, and the old text of a changed article is its newest ``article_versions`` row
(or, once more, the article). PostgreSQL: ``article_search_chunks``, one
row per title and per body chunk, with a tsvector built here (no text-search parser
involved) under a RUM index, or GIN where RUM is not installed; a tsvector keeps at most
256 positions of a token and none past 16,383, so a body is cut into chunks that overlap
by ``MAX_TERM_CHARS - 1`` characters, and no term of up to ``MAX_TERM_CHARS`` is lost at a cut.

Query syntax (``parse``): terms separated by spaces must all occur (AND); ``OR`` between
terms; ``NOT term`` or ``-term`` excludes; ``"a quoted phrase"`` may hold spaces and
punctuation; parentheses group. ``AND``, ``OR`` and ``NOT`` are operators only in capitals.
docs/search.md describes it for users.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, text

from crawler.errors import EpaperError

#: The longest search term, in characters; PostgreSQL chunks overlap by one less.
MAX_TERM_CHARS = 100
#: The most terms in one query.
MAX_TERMS = 20
#: Rows a search returns unless told otherwise.
DEFAULT_LIMIT = 20
#: The marks put around a hit in a snippet.
HIT_START, HIT_END = "«", "»"
#: Characters of context shown before and after the first hit in a snippet.
SNIPPET_CONTEXT = 40

#: Tables this module owns (outside the SQLAlchemy models; migration 0009 creates them).
SQLITE_TABLES = ("article_search", "article_search_docs")
POSTGRES_TABLES = ("article_search_chunks", "article_search_docs")
#: PostgreSQL limits of a tsvector: positions per lexeme, and the highest position.
_PG_POSITIONS_PER_TOKEN = 256
_PG_MAX_POSITION = 16_383
#: bm25 weights of the title and body columns: a hit in a title counts more.
_BM25_WEIGHTS = (5.0, 1.0)


class SearchQueryError(EpaperError):
    """A search query that cannot be read; shown as one line, exit status 2."""

    exit_code = 2


def owns_table(name: str) -> bool:
    """Whether ``name`` is one of the search tables (or an FTS5 shadow table of one).

    >>> owns_table("article_search_idx"), owns_table("articles")
    (True, False)
    """
    return name.startswith("article_search")


# --- tokens ---------------------------------------------------------------------------


def _is_cjk(code: int) -> bool:
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


def token(char: str) -> str:
    """The index token of one character.

    >>> [token(c) for c in "A市3，\\n"]
    ['a', '市', '3', 'uff0c', 'ua']
    """
    found = _TOKENS.get(char)
    if found is None:
        found = _TOKENS[char] = _token(char)
    return found


#: Tokens of the characters seen so far: a text has few distinct characters.
_TOKENS: dict[str, str] = {}


def _token(char: str) -> str:
    code = ord(char)
    if 0x61 <= code <= 0x7A or 0x30 <= code <= 0x39 or _is_cjk(code):
        return char
    if 0x41 <= code <= 0x5A:
        return char.lower()
    return f"u{code:x}"


def tokens(value: str) -> list[str]:
    """The tokens of a text, one per character, in order.

    >>> tokens("Ab 市场")
    ['a', 'b', 'u20', '市', '场']
    """
    table = _TOKENS
    return [table.get(c) or token(c) for c in value]


def spaced(value: str) -> str:
    """A text as the FTS5 table indexes it: its tokens separated by spaces.

    >>> spaced("市场监管，2021")
    '市 场 监 管 uff0c 2 0 2 1'
    """
    return " ".join(tokens(value))


def text_digest(title: str, body: str) -> str:
    """A digest of the text an article is indexed with.

    >>> text_digest("a", "bc") == text_digest("ab", "c")
    False
    """
    return hashlib.sha256(f"{title}\x00{body}".encode()).hexdigest()


# --- queries --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Term:
    """A string that must occur in the title or the body."""

    value: str


@dataclass(frozen=True, slots=True)
class Not:
    """Articles of the enclosing AND that do not match ``node``."""

    node: Node


@dataclass(frozen=True, slots=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    nodes: tuple[Node, ...]


Node = Term | Not | And | Or

_LEXEME = re.compile(r'\s+|"[^"]*"|"|\(|\)|[^\s"()]+')


def _lex(query: str) -> list[tuple[str, str]]:
    """``(kind, value)`` pairs: ``op`` (AND OR NOT - ( )), ``term`` or ``phrase``."""
    out: list[tuple[str, str]] = []
    for match in _LEXEME.finditer(query):
        item = match.group()
        if item.isspace():
            continue
        if item == '"':
            msg = f"unbalanced quote in search query {query!r}"
            raise SearchQueryError(msg)
        if item.startswith('"'):
            out.append(("phrase", item[1:-1]))
        elif item in ("AND", "OR", "NOT", "(", ")"):
            out.append(("op", item))
        elif item.startswith("-") and len(item) > 1:
            out.append(("op", "-"))
            out.append(("term", item[1:]))
        else:
            out.append(("term", item))
    return out


class _Parser:
    def __init__(self, query: str) -> None:
        self.query = query
        self.items = _lex(query)
        self.at = 0

    def error(self, what: str) -> SearchQueryError:
        return SearchQueryError(f"{what} in search query {self.query!r}")

    def peek(self) -> tuple[str, str] | None:
        return self.items[self.at] if self.at < len(self.items) else None

    def take(self) -> tuple[str, str]:
        item = self.items[self.at]
        self.at += 1
        return item

    def parse(self) -> Node:
        if not self.items:
            raise self.error("nothing to search for")
        node = self.or_()
        if self.peek() is not None:
            raise self.error(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return node

    def or_(self) -> Node:
        nodes = [self.and_()]
        while self.peek() == ("op", "OR"):
            self.take()
            nodes.append(self.and_())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def and_(self) -> Node:
        nodes = [self.unary()]
        while (item := self.peek()) is not None and item not in (("op", "OR"), ("op", ")")):
            if item == ("op", "AND"):
                self.take()
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def unary(self) -> Node:
        item = self.peek()
        if item is None:
            raise self.error("a term is missing at the end")
        if item in (("op", "NOT"), ("op", "-")):
            self.take()
            return Not(self.unary())
        if item == ("op", "("):
            self.take()
            node = self.or_()
            if self.peek() != ("op", ")"):
                raise self.error("a closing parenthesis is missing")
            self.take()
            return node
        kind, value = self.take()
        if kind == "op":
            raise self.error(f"{value!r} needs a term before and after it")
        if not value:
            raise self.error("an empty phrase")
        if len(value) > MAX_TERM_CHARS:
            raise self.error(f"a term longer than {MAX_TERM_CHARS} characters")
        return Term(value)


def parse(query: str) -> Node:
    """The boolean structure of a search query; raises :class:`SearchQueryError`.

    >>> parse('市场 监管 OR "淄博，烧烤" -旅游')
    Or(nodes=(And(nodes=(Term(value='市场'), Term(value='监管'))), \
And(nodes=(Term(value='淄博，烧烤'), Not(node=Term(value='旅游'))))))
    """
    node = _Parser(query).parse()
    _check(node, query)
    if len(list(terms(node))) > MAX_TERMS:
        msg = f"more than {MAX_TERMS} terms in search query {query!r}"
        raise SearchQueryError(msg)
    return node


def _check(node: Node, query: str) -> None:
    """Every NOT must narrow an AND that finds something without it."""
    if isinstance(node, Not):
        msg = f"NOT needs something to find beside it (a NOT b) in search query {query!r}"
        raise SearchQueryError(msg)
    if isinstance(node, Term):
        return
    if isinstance(node, And):
        positives = [n for n in node.nodes if not isinstance(n, Not)]
        if not positives:
            msg = f"NOT needs something to find beside it (a NOT b) in search query {query!r}"
            raise SearchQueryError(msg)
        for child in node.nodes:
            _check(child.node if isinstance(child, Not) else child, query)
        return
    for child in node.nodes:
        _check(child, query)


def terms(node: Node, *, positive: bool = True) -> Iterator[str]:
    """The terms of a query that must be found (``positive``) or excluded.

    >>> list(terms(parse("a -b (c OR d)")))
    ['a', 'c', 'd']
    """
    if isinstance(node, Term):
        if positive:
            yield node.value
    elif isinstance(node, Not):
        yield from terms(node.node, positive=not positive)
    else:
        for child in node.nodes:
            yield from terms(child, positive=positive)


def _fts(node: Node) -> str:
    if isinstance(node, Term):
        return f'"{spaced(node.value)}"'
    if isinstance(node, Or):
        return "(" + " OR ".join(_fts(n) for n in node.nodes) + ")"
    if isinstance(node, Not):  # only inside an And, handled there
        raise AssertionError(node)
    positives = [n for n in node.nodes if not isinstance(n, Not)]
    negatives = [n.node for n in node.nodes if isinstance(n, Not)]
    out = "(" + " AND ".join(_fts(n) for n in positives) + ")"
    for negative in negatives:
        out = f"({out} NOT {_fts(negative)})"
    return out


def fts_query(query: str) -> str:
    """The FTS5 MATCH expression of a search query, for ``article_search MATCH ?``.

    >>> fts_query("市场监管")
    '"市 场 监 管"'
    >>> fts_query("淄博 OR COVID-19 -旅游")
    '("淄 博" OR (("c o v i d u2d 1 9") NOT "旅 游"))'
    """
    return _fts(parse(query))


def register_sqlite_functions(connection: Any) -> None:
    """Add ``epaper_fts_query(query)`` and ``epaper_spaced(text)`` to a ``sqlite3``
    connection, for SQL of one's own (a Datasette ``prepare_connection`` hook, a notebook):
    ``WHERE article_search MATCH epaper_fts_query('淄博 烧烤')``.

    >>> import sqlite3
    >>> db = sqlite3.connect(":memory:")
    >>> register_sqlite_functions(db)
    >>> db.execute("SELECT epaper_fts_query('市场监管')").fetchone()
    ('"市 场 监 管"',)
    """
    connection.create_function("epaper_fts_query", 1, fts_query, deterministic=True)
    connection.create_function("epaper_spaced", 1, spaced, deterministic=True)


def _tsquery(term: str) -> str:
    """A term as a PostgreSQL tsquery literal: its tokens as a phrase.

    >>> _tsquery("淄博")
    "'淄' <-> '博'"
    """
    return " <-> ".join(f"'{t}'" for t in tokens(term))


def _pg_set(node: Node, params: dict[str, Any]) -> str:
    """A SELECT of the ids of articles matching ``node`` on PostgreSQL."""
    if isinstance(node, Term):
        name = f"q{len(params)}"
        params[name] = _tsquery(node.value)
        return (
            "SELECT DISTINCT article_id FROM article_search_chunks "  # noqa: S608 - this module's fragments; values are bound
            f"WHERE document @@ CAST(:{name} AS tsquery)"
        )
    if isinstance(node, Or):
        return " UNION ".join(f"({_pg_set(n, params)})" for n in node.nodes)
    if isinstance(node, Not):
        raise AssertionError(node)
    positives = [n for n in node.nodes if not isinstance(n, Not)]
    negatives = [n.node for n in node.nodes if isinstance(n, Not)]
    out = " INTERSECT ".join(f"({_pg_set(n, params)})" for n in positives)
    for negative in negatives:
        out = f"({out}) EXCEPT ({_pg_set(negative, params)})"
    return out


# --- searching ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One article found by a search, with a snippet that marks the hit."""

    article_id: int
    paper: str  # the paper's slug
    paper_name: str
    date: dt.date
    page_number: str | None
    page_name: str | None
    title: str
    snippet: str
    url: str
    rank: float  # lower is better


def _filters(
    paper: str | None, since: dt.date | None, until: dt.date | None, page: str | None
) -> tuple[str, dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if paper is not None:
        clauses.append("p.slug = :f_paper")
        params["f_paper"] = paper
    if since is not None:
        clauses.append("a.date >= :f_since")
        params["f_since"] = since
    if until is not None:
        clauses.append("a.date <= :f_until")
        params["f_until"] = until
    if page is not None:
        clauses.append("g.number = :f_page")
        params["f_page"] = page
    return "".join(f" AND {c}" for c in clauses), params


_JOINS = " JOIN papers p ON p.id = a.paper_id LEFT JOIN pages g ON g.id = a.page_id"


def _ranked_sql(
    conn: Connection, node: Node, where: str, *, top: int | None = None
) -> tuple[str, dict[str, Any]]:
    """SQL of the matching articles, best first, with what a hit shows; ``top``: only the
    best ``top`` are needed."""
    params: dict[str, Any] = {}
    columns = "a.id, rank, p.slug, p.name, a.date, g.number, g.name, a.title, a.body, a.url"
    if conn.dialect.name == "sqlite":
        params["match"] = _fts(node)
        weights = ", ".join(str(w) for w in _BM25_WEIGHTS)
        # article_search_docs, a narrow table, drops what the index still holds of a deleted
        # article; without filters only the best rows go on to read their article.
        hits = (
            f"SELECT article_search.rowid AS id, bm25(article_search, {weights}) AS rank "  # noqa: S608 - this module's fragments; values are bound
            "FROM article_search JOIN article_search_docs d ON d.article_id = article_search.rowid"
            " WHERE article_search MATCH :match"
        )
        if top is not None and not where:
            hits += " ORDER BY rank LIMIT :top"
            params["top"] = top
    elif conn.dialect.name == "postgresql":
        matching = _pg_set(node, params)
        params["rankq"] = " | ".join(f"({_tsquery(t)})" for t in terms(node))
        # Rank by how well the best chunk matches the terms to be found (title chunks are
        # weighted A); computed only for the matching articles.
        hits = (
            "SELECT c.article_id AS id, -max(ts_rank(c.document, CAST(:rankq AS tsquery))) "  # noqa: S608 - this module's fragments; values are bound
            f"AS rank FROM article_search_chunks c WHERE c.article_id IN ({matching}) "
            "GROUP BY c.article_id"
        )
    else:  # pragma: no cover - the engine refuses other databases
        msg = f"search needs SQLite or PostgreSQL, not {conn.dialect.name}"
        raise NotImplementedError(msg)
    sql = (
        f"SELECT {columns} FROM ({hits}) h JOIN articles a ON a.id = h.id{_JOINS}"  # noqa: S608 - this module's fragments; values are bound
        f" WHERE 1 = 1{where} ORDER BY rank, a.date DESC, a.id"
    )
    return sql, params


def search(
    conn: Connection,
    query: str,
    *,
    paper: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: str | None = None,
    limit: int | None = DEFAULT_LIMIT,
    offset: int = 0,
) -> list[SearchHit]:
    """Articles matching ``query`` (see :func:`parse`), best first, with snippets.

    ``paper`` is a paper's slug, ``page`` a page number as printed (``01``, ``A03``);
    ``since`` and ``until`` bound the date of issue, both included. ``limit=None``: all.
    """
    node = parse(query)
    where, params = _filters(paper, since, until, page)
    top = None if limit is None else limit + offset
    sql, more = _ranked_sql(conn, node, where, top=top)
    params.update(more)
    if limit is not None:
        sql += " LIMIT :limit OFFSET :offset"
        params.update(limit=limit, offset=offset)
    found = list(terms(node))
    return [
        SearchHit(
            article_id=int(row[0]),
            rank=float(row[1]),
            paper=row[2],
            paper_name=row[3],
            date=row[4] if isinstance(row[4], dt.date) else dt.date.fromisoformat(row[4]),
            page_number=row[5],
            page_name=row[6],
            title=highlight(row[7], found),
            snippet=snippet(row[8], found),
            url=row[9],
        )
        for row in conn.execute(text(sql), params)
    ]


def matching_ids(
    conn: Connection,
    query: str,
    *,
    paper: str | None = None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    page: str | None = None,
) -> list[int]:
    """The ids of every article matching ``query``, unordered (no ranking, no snippets)."""
    node = parse(query)
    where, params = _filters(paper, since, until, page)
    if conn.dialect.name == "sqlite":
        params["match"] = _fts(node)
        # The contentless index may still hold an article deleted since; its row in the
        # narrow article_search_docs went with it.
        matching = (
            "SELECT article_search.rowid FROM article_search JOIN article_search_docs d "
            "ON d.article_id = article_search.rowid WHERE article_search MATCH :match"
        )
    else:
        matching = _pg_set(node, params)
    if not where:
        return [int(i) for i in conn.execute(text(matching), params).scalars()]
    sql = f"SELECT a.id FROM articles a{_JOINS} WHERE a.id IN ({matching}){where}"  # noqa: S608 - this module's fragments; values are bound
    return [int(i) for i in conn.execute(text(sql), params).scalars()]


def count(conn: Connection, query: str, **filters: Any) -> int:
    """How many articles match ``query`` with ``filters`` (as :func:`search` takes them)."""
    return len(matching_ids(conn, query, **filters))


# --- snippets -------------------------------------------------------------------------


def _find(haystack: str, needle: str, start: int = 0) -> int:
    """``str.find`` with ASCII letters matched regardless of case, as the index does."""
    return haystack.translate(_ASCII_LOWER).find(needle.translate(_ASCII_LOWER), start)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _spans(value: str, found: Sequence[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for term in found:
        at = _find(value, term)
        while at >= 0:
            spans.append((at, at + len(term)))
            at = _find(value, term, at + len(term))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _mark(value: str, spans: Iterable[tuple[int, int]], offset: int = 0) -> str:
    out, at = [], offset
    for start, end in spans:
        out += [value[at:start], HIT_START, value[start:end], HIT_END]
        at = end
    return "".join(out)


def highlight(value: str, found: Sequence[str]) -> str:
    """``value`` with every occurrence of the terms ``found`` marked.

    >>> highlight("淄博烧烤火了，淄博", ["淄博"])
    '«淄博»烧烤火了，«淄博»'
    """
    spans = _spans(value, found)
    return _mark(value, spans) + value[spans[-1][1] :] if spans else value


def snippet(body: str, found: Sequence[str], context: int = SNIPPET_CONTEXT) -> str:
    """A line of ``body`` around its first hit, hits marked, ``…`` where it is cut.

    >>> snippet("第一段。\\n本报讯 淄博烧烤火了。", ["烧烤"], context=4)
    '…讯 淄博«烧烤»火了。'
    """
    spans = _spans(body, found)
    if not spans:  # found in the title only
        start, end = 0, min(len(body), 2 * context)
    else:
        start = max(0, spans[0][0] - context)
        end = min(len(body), spans[0][1] + context)
    inside = [(s, min(e, end)) for s, e in spans if s >= start and s < end]
    line = _mark(body, inside, start) + body[inside[-1][1] if inside else start : end]
    if not inside:
        line = body[start:end]
    line = line.replace("\n", " ")
    return ("…" if start > 0 else "") + line + ("…" if end < len(body) else "")


# --- keeping the index current --------------------------------------------------------


def _pg_vector(items: Sequence[str], weight: str) -> str:
    """A tsvector literal of consecutive tokens from position 1, all of ``weight``."""
    positions: dict[str, list[str]] = {}
    for at, item in enumerate(items, 1):
        positions.setdefault(item, []).append(f"{at}{weight}")
    return " ".join(f"'{t}':{','.join(p)}" for t, p in positions.items())


def pg_chunks(value: str) -> list[list[str]]:
    """The tokens of ``value`` cut into runs a tsvector keeps whole: under 256 of any one
    token and 16,383 positions, overlapping by ``MAX_TERM_CHARS - 1`` tokens.

    >>> [len(c) for c in pg_chunks("的" * 600)]
    [255, 255, 255, 132]
    """
    items = tokens(value)
    overlap = MAX_TERM_CHARS - 1
    chunks: list[list[str]] = []
    start = 0
    while True:
        seen: Counter[str] = Counter()
        end = start
        while end < len(items) and end - start < _PG_MAX_POSITION:
            seen[items[end]] += 1
            if seen[items[end]] >= _PG_POSITIONS_PER_TOKEN:
                break
            end += 1
        chunks.append(items[start:end])
        if end >= len(items):
            return chunks
        start = max(end - overlap, start + 1)


def _pg_rows(article_id: int, title: str, body: str) -> list[dict[str, Any]]:
    rows = [{"a": article_id, "n": 0, "d": _pg_vector(c, "A")} for c in pg_chunks(title)[:1]]
    rows += [
        {"a": article_id, "n": n, "d": _pg_vector(c, "D")}
        for n, c in enumerate(pg_chunks(body), 1)
        if c
    ]
    return rows


_PG_INSERT = text(
    "INSERT INTO article_search_chunks (article_id, chunk, document) "
    "VALUES (:a, :n, CAST(:d AS tsvector))"
)


def index_article(conn: Connection, article_id: int, title: str, body: str) -> None:
    """Index (or re-index) an article's title and body, in the caller's transaction.

    Call it after writing the article, changed or not: an article already indexed with the
    same text is left alone (one primary-key lookup).
    """
    digest = text_digest(title, body)
    indexed = conn.execute(
        text("SELECT digest FROM article_search_docs WHERE article_id = :a"), {"a": article_id}
    ).scalar()
    if indexed == digest:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(
            text("DELETE FROM article_search_chunks WHERE article_id = :a"), {"a": article_id}
        )
        conn.execute(_PG_INSERT, _pg_rows(article_id, title, body))
    else:
        if indexed is not None:
            _sqlite_forget(conn, article_id, indexed)
        conn.execute(
            text("INSERT INTO article_search (rowid, title, body) VALUES (:a, :t, :b)"),
            {"a": article_id, "t": spaced(title), "b": spaced(body)},
        )
    conn.execute(
        text(
            "INSERT INTO article_search_docs (article_id, digest) VALUES (:a, :d) "
            "ON CONFLICT (article_id) DO UPDATE SET digest = excluded.digest"
        ),
        {"a": article_id, "d": digest},
    )


def _sqlite_forget(conn: Connection, article_id: int, digest: str) -> None:
    """Take an article's old text out of the contentless index, which needs that text."""
    candidates = conn.execute(
        text(
            "SELECT title, body FROM article_versions WHERE article_id = :a "
            "UNION ALL SELECT title, body FROM articles WHERE id = :a"
        ),
        {"a": article_id},
    ).all()
    for title, body in candidates:
        if text_digest(title, body) == digest:
            conn.execute(
                text(
                    "INSERT INTO article_search (article_search, rowid, title, body) "
                    "VALUES ('delete', :a, :t, :b)"
                ),
                {"a": article_id, "t": spaced(title), "b": spaced(body)},
            )
            return
    msg = (
        f"the search index lost the text article {article_id} was indexed with; "
        "run `epaper db reindex`"
    )
    raise EpaperError(msg)


def rebuild(conn: Connection, *, batch: int = 500) -> int:
    """Empty the search index and index every article again; returns how many."""
    method = None
    if conn.dialect.name == "postgresql":
        # Filling the table first and indexing it after is several times faster than
        # inserting under the index; the index method found is the one built again.
        method = pg_index_method(conn)
        conn.execute(text("TRUNCATE article_search_chunks, article_search_docs"))
        conn.execute(text(f"DROP INDEX IF EXISTS {_PG_INDEX}"))
    else:
        conn.execute(text("INSERT INTO article_search (article_search) VALUES ('delete-all')"))
        conn.execute(text("DELETE FROM article_search_docs"))
    done = 0
    last = 0
    while True:
        rows = conn.execute(
            text("SELECT id, title, body FROM articles WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": batch},
        ).all()
        if not rows:
            if method is not None:
                _pg_create_index(conn, method if method != "none" else _pg_best_method(conn))
            return done
        index_many(conn, rows)
        done += len(rows)
        last = int(rows[-1][0])


def index_many(conn: Connection, rows: Sequence[Any]) -> None:
    """Index new articles ``(id, title, body)`` that are not in the index yet, in bulk."""
    if conn.dialect.name == "postgresql":
        chunks = [r for a, t, b in rows for r in _pg_rows(int(a), t, b)]
        conn.execute(_PG_INSERT, chunks)
    else:
        conn.execute(
            text("INSERT INTO article_search (rowid, title, body) VALUES (:a, :t, :b)"),
            [{"a": a, "t": spaced(t), "b": spaced(b)} for a, t, b in rows],
        )
    conn.execute(
        text("INSERT INTO article_search_docs (article_id, digest) VALUES (:a, :d)"),
        [{"a": a, "d": text_digest(t, b)} for a, t, b in rows],
    )


def reindex(engine: Engine) -> int:
    """Rebuild the search index of the database in one transaction; returns the articles
    indexed. Readers see the old index until it commits."""
    with engine.begin() as conn:
        done = rebuild(conn)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO article_search (article_search) VALUES ('optimize')"))
    return done


# --- schema (migration 0009) ----------------------------------------------------------


def pg_index_method(conn: Connection) -> str:
    """The method of the PostgreSQL search index: ``rum``, ``gin``, or ``none`` (dropped)."""
    found = conn.execute(
        text(
            "SELECT am.amname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am am ON am.oid = c.relam WHERE c.relname = :name"
        ),
        {"name": _PG_INDEX},
    ).scalar()
    return str(found) if found else "none"


def create_schema(conn: Connection) -> None:
    """Create the search tables (and index what is already stored)."""
    if conn.dialect.name == "postgresql":
        conn.execute(
            text(
                "CREATE TABLE article_search_chunks ("
                " article_id INTEGER NOT NULL"
                " CONSTRAINT fk_article_search_chunks_article_id_articles"
                " REFERENCES articles (id) ON DELETE CASCADE,"
                " chunk INTEGER NOT NULL,"
                " document TSVECTOR NOT NULL,"
                " CONSTRAINT pk_article_search_chunks PRIMARY KEY (article_id, chunk))"
            )
        )
    else:
        conn.execute(
            text(
                "CREATE VIRTUAL TABLE article_search USING fts5("
                "title, body, content='', tokenize='unicode61 remove_diacritics 0')"
            )
        )
    conn.execute(
        text(
            "CREATE TABLE article_search_docs ("
            " article_id INTEGER NOT NULL"
            " CONSTRAINT pk_article_search_docs PRIMARY KEY"
            " CONSTRAINT fk_article_search_docs_article_id_articles"
            " REFERENCES articles (id) ON DELETE CASCADE,"
            " digest VARCHAR(64) NOT NULL)"
        )
    )
    rebuild(conn)


_PG_INDEX = "ix_article_search_chunks_document"


def _pg_best_method(conn: Connection) -> str:
    """``rum`` when the extension is or can be created in the database, else ``gin``."""
    if conn.execute(text("SELECT 1 FROM pg_extension WHERE extname = 'rum'")).scalar():
        return "rum"
    available = conn.execute(
        text("SELECT 1 FROM pg_available_extensions WHERE name = 'rum'")
    ).scalar()
    if not available:
        return "gin"
    try:
        with conn.begin_nested():
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS rum"))
    except Exception:  # noqa: BLE001 - no right to create it: GIN finds the same, slower
        return "gin"
    return "rum"


def _pg_create_index(conn: Connection, method: str) -> None:
    ops = " rum_tsvector_ops" if method == "rum" else ""
    conn.execute(
        text(f"CREATE INDEX {_PG_INDEX} ON article_search_chunks USING {method} (document{ops})")
    )


def drop_schema(conn: Connection) -> None:
    """Drop the search tables (the RUM extension stays: other databases may use it)."""
    conn.execute(text("DROP TABLE IF EXISTS article_search_docs"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TABLE IF EXISTS article_search_chunks"))
    else:
        conn.execute(text("DROP TABLE IF EXISTS article_search"))
