"""Views for analysts (article_full, stories, issue_coverage), dates without an issue, and
the 下转第X版 links that tie the parts of a story together.

Issues get the status ``none`` (a date without an issue, with ``none_reason`` saying how it
was known), so coverage is a fact of the database; ``article_links`` keeps the printed
pointers from an article to the rest of its story.

A later migration that recreates ``papers``, ``issues``, ``pages``, ``articles``,
``article_authors``, ``article_links`` or ``fetch_failures`` on SQLite (a batch
``ALTER``) must drop these views first and create them again after: SQLite refuses to
rename a table that a view names.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 04:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = "status IN ('complete', 'partial', 'missing')"
NEW_STATUSES = "status IN ('complete', 'partial', 'missing', 'none')"

# The first part of a story is an article no link leads to; its parts are itself and the
# targets of the links whose story it is.
_STORY_ID = """COALESCE(
        (SELECT min(l.story_id) FROM article_links l WHERE l.target_id = a.id), a.id)"""

_ARTICLE_FULL = """
CREATE VIEW article_full AS
SELECT
    a.id AS article_id,
    pa.slug AS paper,
    pa.name AS paper_name,
    a.date AS date,
    i.edition AS edition,
    pg."order" AS page_order,
    pg.number AS page_number,
    pg.name AS page_name,
    a."order" AS article_order,
    a.kicker AS kicker,
    a.title AS title,
    a.subtitle AS subtitle,
    a.byline AS byline,
    {authors} AS authors,
    a.dateline AS dateline,
    a.dateline_place AS dateline_place,
    a.body AS body,
    a.char_count AS characters,
    a.url AS url,
    a.duplicate_of_id AS duplicate_of_id,
    dup.url AS duplicate_of_url,
    {story_id} AS story_id,
    a.first_seen_at AS first_seen_at,
    a.last_changed_at AS last_changed_at
FROM articles a
JOIN papers pa ON pa.id = a.paper_id
JOIN issues i ON i.id = a.issue_id
LEFT JOIN pages pg ON pg.id = a.page_id
LEFT JOIN articles dup ON dup.id = a.duplicate_of_id
"""

_AUTHORS = {
    "sqlite": """(SELECT group_concat(x, '、') FROM (
        SELECT au.name || '（' || au.role || '）' AS x FROM article_authors au
        WHERE au.article_id = a.id ORDER BY au.position))""",
    "postgresql": """(SELECT string_agg(au.name || '（' || au.role || '）', '、'
        ORDER BY au.position) FROM article_authors au WHERE au.article_id = a.id)""",
}

# The parts after the first, in page order: "story parts" below.
_PARTS = """FROM article_links l JOIN articles t ON t.id = l.target_id
        LEFT JOIN pages tp ON tp.id = t.page_id WHERE l.story_id = a.id"""

_STORIES = {
    "sqlite": """
CREATE VIEW stories AS
SELECT
    a.id AS story_id,
    pa.slug AS paper,
    pa.name AS paper_name,
    a.date AS date,
    pg.number AS page_number,
    pg.name AS page_name,
    a.kicker AS kicker,
    a.title AS title,
    a.subtitle AS subtitle,
    a.byline AS byline,
    1 + (SELECT count(*) {parts}) AS part_count,
    COALESCE(pg.number, '?') || COALESCE((SELECT group_concat(n, '') FROM (
        SELECT ',' || COALESCE(tp.number, '?') AS n {parts} ORDER BY tp."order", t."order")), '')
        AS pages,
    a.char_count + COALESCE((SELECT sum(t.char_count) {parts}), 0) AS characters,
    a.body || COALESCE((SELECT group_concat(b, '') FROM (
        SELECT char(10) || t.body AS b {parts} ORDER BY tp."order", t."order")), '') AS body,
    a.url AS url,
    a.duplicate_of_id AS duplicate_of_id
FROM articles a
JOIN papers pa ON pa.id = a.paper_id
LEFT JOIN pages pg ON pg.id = a.page_id
WHERE NOT EXISTS (SELECT 1 FROM article_links l WHERE l.target_id = a.id)
""",
    "postgresql": """
CREATE VIEW stories AS
SELECT
    a.id AS story_id,
    pa.slug AS paper,
    pa.name AS paper_name,
    a.date AS date,
    pg.number AS page_number,
    pg.name AS page_name,
    a.kicker AS kicker,
    a.title AS title,
    a.subtitle AS subtitle,
    a.byline AS byline,
    1 + (SELECT count(*) {parts})::integer AS part_count,
    COALESCE(pg.number, '?') || COALESCE((SELECT string_agg(',' || COALESCE(tp.number, '?'),
        '' ORDER BY tp."order", t."order") {parts}), '') AS pages,
    a.char_count + COALESCE((SELECT sum(t.char_count) {parts}), 0)::integer AS characters,
    a.body || COALESCE((SELECT string_agg(chr(10) || t.body, ''
        ORDER BY tp."order", t."order") {parts}), '') AS body,
    a.url AS url,
    a.duplicate_of_id AS duplicate_of_id
FROM articles a
JOIN papers pa ON pa.id = a.paper_id
LEFT JOIN pages pg ON pg.id = a.page_id
WHERE NOT EXISTS (SELECT 1 FROM article_links l WHERE l.target_id = a.id)
""",
}

# Every date from a paper's first stored date to its last, whether a row says anything
# of it or not: a date without a row was never crawled.
_DAYS = {
    "sqlite": """WITH RECURSIVE bounds AS (
        SELECT paper_id, min(date) AS lo, max(date) AS hi FROM issues GROUP BY paper_id
    ), days(paper_id, day, hi) AS (
        SELECT paper_id, lo, hi FROM bounds
        UNION ALL
        SELECT paper_id, date(day, '+1 day'), hi FROM days WHERE day < hi
    )""",
    "postgresql": """WITH bounds AS (
        SELECT paper_id, min(date) AS lo, max(date) AS hi FROM issues GROUP BY paper_id
    ), days AS (
        SELECT b.paper_id, g.day::date AS day FROM bounds b,
        generate_series(b.lo, b.hi, interval '1 day') AS g(day)
    )""",
}

_FAILURE_REASONS = {
    "sqlite": """(SELECT group_concat(r, '; ') FROM (
            SELECT f.reason || ' ×' || count(*) AS r FROM fetch_failures f
            WHERE f.issue_id = i.id GROUP BY f.reason ORDER BY count(*) DESC, f.reason))""",
    "postgresql": """(SELECT string_agg(r, '; ' ORDER BY n DESC, reason) FROM (
            SELECT f.reason, f.reason || ' ×' || count(*) AS r, count(*) AS n
            FROM fetch_failures f WHERE f.issue_id = i.id GROUP BY f.reason) AS fr)""",
}

_ISSUE_COVERAGE = """
CREATE VIEW issue_coverage AS
{days}
SELECT
    pa.slug AS paper,
    pa.name AS paper_name,
    d.day AS date,
    CASE
        WHEN i.id IS NULL THEN 'not crawled'
        WHEN i.status = 'none' THEN 'no issue'
        ELSE i.status
    END AS coverage,
    CASE
        WHEN i.id IS NULL THEN NULL
        WHEN i.status = 'none' THEN 0
        ELSE 1
    END AS published,
    CASE
        WHEN i.status = 'none' THEN i.none_reason
        ELSE {failure_reasons}
    END AS reason,
    i.expected_page_count AS expected_pages,
    (SELECT count(*) FROM pages p WHERE p.issue_id = i.id) AS pages,
    (SELECT count(*) FROM articles a WHERE a.issue_id = i.id) AS articles,
    (SELECT count(*) FROM fetch_failures f WHERE f.issue_id = i.id) AS failures,
    i.url AS url,
    i.last_crawled_at AS last_crawled_at
FROM days d
JOIN papers pa ON pa.id = d.paper_id
LEFT JOIN issues i ON i.paper_id = d.paper_id AND i.date = d.day AND i.edition = ''
"""

VIEWS = ("issue_coverage", "stories", "article_full")


def upgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    # Plain ALTER TABLE on both backends: a batch copy of issues is what _sqlite_check avoids.
    op.add_column("issues", sa.Column("none_reason", sa.String(length=16), nullable=True))
    if dialect == "sqlite":
        _sqlite_check(OLD_STATUSES, NEW_STATUSES)
    else:
        op.drop_constraint(op.f("ck_issues_status_known"), "issues", type_="check")
        op.create_check_constraint(op.f("ck_issues_status_known"), "issues", NEW_STATUSES)
    op.create_table(
        "article_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("page_number", sa.String(length=16), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("target_id", sa.Integer(), nullable=True),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_links_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["target_id"],
            ["articles.id"],
            name=op.f("fk_article_links_target_id_articles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["story_id"],
            ["articles.id"],
            name=op.f("fk_article_links_story_id_articles"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article_links")),
        sa.UniqueConstraint(
            "article_id", "position", name=op.f("uq_article_links_article_id_position")
        ),
    )
    with op.batch_alter_table("article_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_links_target_id"), ["target_id"])
        batch_op.create_index(batch_op.f("ix_article_links_story_id"), ["story_id"])
    op.execute(_ARTICLE_FULL.format(authors=_AUTHORS[dialect], story_id=_STORY_ID))
    op.execute(_STORIES[dialect].replace("{parts}", _PARTS))
    op.execute(
        _ISSUE_COVERAGE.format(days=_DAYS[dialect], failure_reasons=_FAILURE_REASONS[dialect])
    )


def downgrade() -> None:
    bind = op.get_bind()
    for view in VIEWS:
        op.execute(f"DROP VIEW IF EXISTS {view}")
    op.drop_table("article_links")
    op.execute("DELETE FROM issues WHERE status = 'none'")
    if bind.dialect.name == "sqlite":
        _sqlite_check(NEW_STATUSES, OLD_STATUSES)
    else:
        op.drop_constraint(op.f("ck_issues_status_known"), "issues", type_="check")
        op.create_check_constraint(op.f("ck_issues_status_known"), "issues", OLD_STATUSES)
    op.execute("ALTER TABLE issues DROP COLUMN none_reason")


def _sqlite_check(old: str, new: str) -> None:
    """Change the CHECK of ``issues.status`` in place, as SQLite documents for CHECKs.

    A batch migration would copy ``issues`` and drop the original, and with foreign keys
    on (as every connection of the crawler has them) dropping it deletes every page and
    article through ON DELETE CASCADE. The new list only adds a value, so every stored
    row satisfies it.
    """
    bind = op.get_bind()
    sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'issues'"
    ).scalar_one()
    if old not in sql:
        msg = f"issues has an unexpected CHECK on status: {sql}"
        raise RuntimeError(msg)
    version = int(bind.exec_driver_sql("PRAGMA schema_version").scalar_one())
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        bind.exec_driver_sql(
            "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'issues'",
            (sql.replace(old, new),),
        )
        bind.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
    finally:
        bind.exec_driver_sql("PRAGMA writable_schema = OFF")
