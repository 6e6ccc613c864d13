"""Text the site decides is unbounded: a long title or URL is stored in full, not a lost batch.

The lengths guarded nothing (SQLite ignores them; on PostgreSQL a 10,000-character title
made the whole batch fail). The index on ``articles.title`` goes with them: a PostgreSQL
B-tree cannot hold a title of more than about 2,700 bytes, and no query looks titles up.
``writer_lock`` names the holder of the PostgreSQL writer lock (``crawler.db.lock``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 03:50:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: (table, column, the bounded type it had, nullable)
COLUMNS: tuple[tuple[str, str, sa.types.TypeEngine[str], bool], ...] = (
    ("captures", "url", sa.String(2000), False),
    ("captures", "content_type", sa.String(200), True),
    ("captures", "warc_file", sa.String(500), False),
    ("issues", "edition", sa.String(32), False),
    ("issues", "url", sa.String(500), False),
    ("pages", "number", sa.String(16), False),
    ("pages", "name", sa.String(100), True),
    ("pages", "url", sa.String(500), False),
    ("pages", "pdf_url", sa.String(500), True),
    ("pages", "image_url", sa.String(500), True),
    ("pages", "pdf_path", sa.String(500), True),
    ("articles", "source_id", sa.String(64), True),
    ("articles", "url", sa.String(500), False),
    ("articles", "title", sa.String(500), False),
    ("articles", "byline", sa.String(500), True),
    ("articles", "dateline", sa.String(100), True),
    ("articles", "dateline_place", sa.String(50), True),
    ("article_authors", "name", sa.String(100), False),
    ("article_authors", "role", sa.String(16), False),
    ("article_images", "url", sa.String(500), False),
    ("article_images", "file_path", sa.String(500), True),
    ("article_versions", "title", sa.String(500), False),
    ("article_versions", "byline", sa.String(500), True),
    ("fetch_failures", "url", sa.String(500), False),
    ("fetch_failures", "page_number", sa.String(16), True),
    ("fetch_failures", "reason", sa.String(200), False),
)


def _tables() -> list[str]:
    return list(dict.fromkeys(table for table, _, _, _ in COLUMNS))


def upgrade() -> None:
    op.drop_index("ix_articles_title", table_name="articles")
    for table in _tables():
        # SQLite copies each table once with every change (crawler.db.migrate turns foreign
        # keys off around it, so the copy cascades nothing); PostgreSQL only relabels.
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, bounded, nullable in COLUMNS:
                if name == table:
                    batch_op.alter_column(
                        column, existing_type=bounded, type_=sa.Text(), existing_nullable=nullable
                    )
    op.create_table(
        "writer_lock",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("backend_pid", sa.Integer(), nullable=False),
        sa.Column("pid", sa.Integer(), nullable=False),
        sa.Column("host", sa.Text(), nullable=False),
        sa.Column("command", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_writer_lock")),
    )


def downgrade() -> None:
    op.drop_table("writer_lock")
    for table in reversed(_tables()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, column, bounded, nullable in COLUMNS:
                if name == table:
                    batch_op.alter_column(
                        column, existing_type=sa.Text(), type_=bounded, existing_nullable=nullable
                    )
    op.create_index("ix_articles_title", "articles", ["title"], unique=False)
