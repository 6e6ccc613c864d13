"""Captures: every archived HTTP response (WARC file, offset, digest), linked from every row.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 04:49:18.096678
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "captures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=True),
        sa.Column("payload_digest", sa.String(length=100), nullable=False),
        sa.Column("record_type", sa.String(length=16), nullable=False),
        sa.Column("warc_file", sa.String(length=500), nullable=False),
        sa.Column("warc_offset", sa.BigInteger(), nullable=False),
        sa.Column("warc_length", sa.BigInteger(), nullable=False),
        sa.Column("refers_to_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["refers_to_id"],
            ["captures.id"],
            name=op.f("fk_captures_refers_to_id_captures"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_captures")),
    )
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.create_index("ix_captures_payload_digest", ["payload_digest"], unique=False)
        batch_op.create_index("ix_captures_url_fetched_at", ["url", "fetched_at"], unique=False)

    with op.batch_alter_table("article_images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capture_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("file_path", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_article_images_capture_id_captures"),
            "captures",
            ["capture_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capture_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_articles_capture_id_captures"),
            "captures",
            ["capture_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capture_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_issues_capture_id_captures"),
            "captures",
            ["capture_id"],
            ["id"],
            ondelete="SET NULL",
        )

    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("capture_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("pdf_path", sa.String(length=500), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pages_capture_id_captures"),
            "captures",
            ["capture_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pages_capture_id_captures"), type_="foreignkey")
        batch_op.drop_column("pdf_path")
        batch_op.drop_column("capture_id")

    with op.batch_alter_table("issues", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_issues_capture_id_captures"), type_="foreignkey")
        batch_op.drop_column("capture_id")

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_articles_capture_id_captures"), type_="foreignkey")
        batch_op.drop_column("capture_id")

    with op.batch_alter_table("article_images", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_article_images_capture_id_captures"), type_="foreignkey"
        )
        batch_op.drop_column("file_path")
        batch_op.drop_column("capture_id")

    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_index("ix_captures_url_fetched_at")
        batch_op.drop_index("ix_captures_payload_digest")

    op.drop_table("captures")
