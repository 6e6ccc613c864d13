"""Joining an article printed over several documents (``content_N.htm``, ``content_N_2.htm``)."""

from __future__ import annotations

from dataclasses import replace

from crawler.items import Article


def merge_parts(head: Article, part: Article) -> Article:
    """An article with a continuation part appended: its paragraphs and new images, and
    its byline when the head has none (a signature such as ``□ 本报评论员`` ends the text,
    so it is printed at the end of the last part).

    >>> a = merge_parts(Article(url="u", title="t", paragraphs=("一。",)),
    ...                 Article(url="u_2", title="t", paragraphs=("二。",)))
    >>> a.paragraphs, a.url
    (('一。', '二。'), 'u')
    >>> from crawler.items import Author
    >>> signed = Article(url="u_2", title="t", byline="本报评论员",
    ...                  authors=(Author("本报评论员", "评论员"),))
    >>> merge_parts(Article(url="u", title="t"), signed).byline
    '本报评论员'
    >>> merge_parts(Article(url="u", title="t", byline="记者 张三"), signed).byline
    '记者 张三'
    """
    seen = {image.url for image in head.images}
    # A 下转第X版 pointer is printed where the text ends: at the end of the last part.
    # Keep the truth's reading order: pointers to other pages first, then the parts.
    extra = tuple(
        c for c in part.continuations if c not in head.continuations and c.url != head.url
    )
    continuations = tuple(sorted(head.continuations + extra, key=lambda c: c.kind == "part"))
    byline, authors = head.byline, head.authors
    if byline is None and part.byline is not None:
        byline = part.byline
        authors += tuple(a for a in part.authors if a not in authors)
    return replace(
        head,
        byline=byline,
        authors=authors,
        paragraphs=head.paragraphs + part.paragraphs,
        images=head.images + tuple(i for i in part.images if i.url not in seen),
        continuations=continuations,
    )
