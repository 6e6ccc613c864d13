"""Fetch failures name the page that lists a failed article, so a re-check skips whole pages.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 04:59:30.494370
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("page_number", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("fetch_failures", schema=None) as batch_op:
        batch_op.drop_column("page_number")
