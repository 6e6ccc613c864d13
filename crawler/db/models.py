"""The archive's relational schema as SQLAlchemy 2 typed models.

Natural keys make every re-crawl idempotent: a paper by its slug, an issue by
(paper, date, edition), a page by (issue, page number), an article by (paper,
canonical URL). Surrogate integer ids are what foreign keys point at. Times are
stored in UTC. ``docs/data-model.md`` explains every table and column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Constraint names are deterministic, so migrations can name what they alter or drop.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ISSUE_STATUSES = ("complete", "partial", "missing", "none")

#: How a date was known to have no issue (``issues.none_reason`` of a ``none`` row), or
#: why the site does not serve a ``missing`` one; besides these, a paper's gone status
#: (``"403"``, see :func:`known_reason`).
NONE_REASONS = ("calendar", "404", "soft-404", "outside window")


def known_reason(reason: str | None) -> bool:
    """Whether ``reason`` may be stored in ``issues.none_reason``.

    >>> known_reason("calendar"), known_reason("403"), known_reason("http 403"), known_reason(None)
    (True, True, False, False)
    """
    return reason in NONE_REASONS or (
        reason is not None and len(reason) == 3 and reason.isdigit() and reason[0] in "45"
    )


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite stores it naive).

    Naive datetimes are refused rather than guessed at.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            msg = f"naive datetime {value!r}: store timezone-aware datetimes"
            raise ValueError(msg)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


#: JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")


def utcnow() -> dt.datetime:
    """The current time, timezone-aware, in UTC."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSONType}  # noqa: RUF012


class Capture(Base):
    """One HTTP response as archived in a WARC file: where its bytes are, and what they were."""

    __tablename__ = "captures"
    __table_args__ = (
        Index("ix_captures_url_fetched_at", "url", "fetched_at"),
        Index("ix_captures_payload_digest", "payload_digest"),
        # A record is named by its place: storing the same capture twice (a re-parse into
        # the crawl's own database) finds the row instead of adding one.
        UniqueConstraint("warc_file", "warc_offset"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    fetched_at: Mapped[dt.datetime] = mapped_column()
    http_status: Mapped[int] = mapped_column(Integer)
    content_type: Mapped[str | None] = mapped_column(Text)
    payload_digest: Mapped[str] = mapped_column(String(100))  # "sha1:BASE32", as in WARC
    record_type: Mapped[str] = mapped_column(String(16))  # "response" or "revisit"
    warc_file: Mapped[str] = mapped_column(Text)  # relative to EPAPER_WARC_DIR
    warc_offset: Mapped[int] = mapped_column(BigInteger)
    warc_length: Mapped[int] = mapped_column(BigInteger)  # of the compressed record
    warc_record_id: Mapped[str | None] = mapped_column(String(100))  # WARC-Record-ID
    refers_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id", ondelete="SET NULL")
    )  # a revisit: the capture that holds the identical payload


class Paper(Base):
    """A newspaper (报), identified by its registry slug."""

    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    family: Mapped[str] = mapped_column(String(32))
    home_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    issues: Mapped[list[Issue]] = relationship(back_populates="paper")


class Issue(Base):
    """One day's issue (期) of a paper; ``edition`` is "" unless the paper prints several."""

    __tablename__ = "issues"
    __table_args__ = (
        UniqueConstraint("paper_id", "date", "edition"),
        CheckConstraint(
            "status IN ('complete', 'partial', 'missing', 'none')", name="status_known"
        ),
        Index("ix_issues_date", "date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    date: Mapped[dt.date] = mapped_column(Date)
    edition: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="partial")
    # For a date without an issue (status ``none``): how that was known; for a ``missing``
    # issue: what its index answered (NONE_REASONS, or the paper's gone status).
    none_reason: Mapped[str | None] = mapped_column(String(16))
    expected_page_count: Mapped[int | None] = mapped_column(Integer)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))
    first_crawled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_crawled_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    paper: Mapped[Paper] = relationship(back_populates="issues")
    pages: Mapped[list[Page]] = relationship(back_populates="issue", order_by="Page.order")


class Page(Base):
    """A page (版) of an issue, keyed by its number as printed (``05``, ``A01``)."""

    __tablename__ = "pages"
    __table_args__ = (UniqueConstraint("issue_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    order: Mapped[int] = mapped_column("order", Integer)
    number: Mapped[str] = mapped_column(Text)
    name: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    pdf_url: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(Text)
    expected_article_count: Mapped[int | None] = mapped_column(Integer)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))
    pdf_path: Mapped[str | None] = mapped_column(Text)  # in the file store, if kept
    pdf_capture_id: Mapped[int | None] = mapped_column(
        ForeignKey("captures.id", ondelete="SET NULL")
    )  # the archived PDF, when PDFs are downloaded

    issue: Mapped[Issue] = relationship(back_populates="pages")
    articles: Mapped[list[Article]] = relationship(back_populates="page", order_by="Article.order")


class Article(Base):
    """An article (篇), keyed by its paper and canonical URL."""

    __tablename__ = "articles"
    __table_args__ = (
        UniqueConstraint("paper_id", "url"),
        Index("ix_articles_paper_id_date", "paper_id", "date"),
        Index("ix_articles_page_id", "page_id"),
        Index("ix_articles_issue_id", "issue_id"),
        Index("ix_articles_content_hash", "content_hash"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"))
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    page_id: Mapped[int | None] = mapped_column(ForeignKey("pages.id", ondelete="SET NULL"))
    date: Mapped[dt.date] = mapped_column(Date)
    order: Mapped[int | None] = mapped_column("order", Integer)
    source_id: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str] = mapped_column(Text)
    kicker: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    dateline: Mapped[str | None] = mapped_column(Text)
    dateline_place: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text, default="")
    char_count: Mapped[int] = mapped_column(Integer, default=0)
    content_hash: Mapped[str] = mapped_column(String(64))
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    page: Mapped[Page | None] = relationship(back_populates="articles")
    authors: Mapped[list[ArticleAuthor]] = relationship(
        back_populates="article", order_by="ArticleAuthor.position", cascade="all, delete-orphan"
    )
    images: Mapped[list[ArticleImage]] = relationship(
        back_populates="article", order_by="ArticleImage.position", cascade="all, delete-orphan"
    )
    versions: Mapped[list[ArticleVersion]] = relationship(
        back_populates="article", order_by="ArticleVersion.version", cascade="all, delete-orphan"
    )
    duplicate_of: Mapped[Article | None] = relationship(remote_side=[id])


class ArticleAuthor(Base):
    """A person or agency in an article's byline, in printed order, with a role."""

    __tablename__ = "article_authors"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        Index("ix_article_authors_name", "name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(Text)

    article: Mapped[Article] = relationship(back_populates="authors")


class ArticleLink(Base):
    """A printed pointer from an article to the rest of its story: 下转第X版 / 参见第X版.

    ``target_id`` is the article the pointer leads to (the part on that page with the same
    title) and ``story_id`` the first part of the story, both resolved when the issue's
    crawl ends (:func:`crawler.db.writer.link_stories`); NULL while the part is not found.
    """

    __tablename__ = "article_links"
    __table_args__ = (
        UniqueConstraint("article_id", "position"),
        Index("ix_article_links_target_id", "target_id"),
        Index("ix_article_links_story_id", "story_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))  # "continued_on" (下转/参见第X版)
    page_number: Mapped[str | None] = mapped_column(String(16))  # as the note prints it
    url: Mapped[str | None] = mapped_column(String(500))  # the note's link, when it has one
    target_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))


class ArticleImage(Base):
    """An image of an article, in printed order, with its caption."""

    __tablename__ = "article_images"
    __table_args__ = (UniqueConstraint("article_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    url: Mapped[str] = mapped_column(Text)
    caption: Mapped[str | None] = mapped_column(Text)
    capture_id: Mapped[int | None] = mapped_column(ForeignKey("captures.id", ondelete="SET NULL"))
    file_path: Mapped[str | None] = mapped_column(Text)  # in the file store, if kept

    article: Mapped[Article] = relationship(back_populates="images")


class ArticleVersion(Base):
    """An earlier text of an article that changed after it was first stored."""

    __tablename__ = "article_versions"
    __table_args__ = (UniqueConstraint("article_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)  # 1 = the first text stored
    kicker: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    subtitle: Mapped[str | None] = mapped_column(Text)
    byline: Mapped[str | None] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    seen_from: Mapped[dt.datetime] = mapped_column()  # when this text was first stored
    replaced_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="versions")


class FetchFailure(Base):
    """A URL of a partial issue that could not be fetched or parsed; cleared when it succeeds."""

    __tablename__ = "fetch_failures"
    __table_args__ = (UniqueConstraint("issue_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issue_id: Mapped[int] = mapped_column(ForeignKey("issues.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))  # issue, page or article
    page_number: Mapped[str | None] = mapped_column(Text)  # the page listing an article
    reason: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    first_failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_failed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class CrawlRun(Base):
    """One run of the crawler: its mode, arguments, outcome and per-paper counters."""

    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    mode: Mapped[str] = mapped_column(String(16))
    arguments: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column()
    finish_reason: Mapped[str | None] = mapped_column(String(64))
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The process that runs it: a run left unfinished by a process that is gone was killed.
    pid: Mapped[int | None] = mapped_column(Integer)
    host: Mapped[str | None] = mapped_column(String(255))


class WriterLock(Base):
    """Who holds the archive's writer lock (PostgreSQL; SQLite's lock file says it itself).

    The lock is a PostgreSQL advisory lock (``crawler.db.lock``); this row only names its
    holder for the message a second run prints. ``backend_pid`` tells a stale row (of an
    earlier holder) from the current one.
    """

    __tablename__ = "writer_lock"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    backend_pid: Mapped[int] = mapped_column(Integer)  # pg_backend_pid() of the lock session
    pid: Mapped[int] = mapped_column(Integer)
    host: Mapped[str] = mapped_column(Text)
    command: Mapped[str] = mapped_column(Text)
    started_at: Mapped[dt.datetime] = mapped_column()
