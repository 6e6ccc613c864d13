"""Captures named by their WARC place (unique), with record ids; pages point at their PDF.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 04:58:33.321205
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("warc_record_id", sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f("uq_captures_warc_file_warc_offset"), ["warc_file", "warc_offset"]
        )

    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pdf_capture_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_pages_pdf_capture_id_captures"),
            "captures",
            ["pdf_capture_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("pages", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_pages_pdf_capture_id_captures"), type_="foreignkey")
        batch_op.drop_column("pdf_capture_id")

    with op.batch_alter_table("captures", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_captures_warc_file_warc_offset"), type_="unique")
        batch_op.drop_column("warc_record_id")
