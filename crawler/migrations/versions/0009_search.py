"""Full-text search with LIKE's recall: one token per character, on SQLite and PostgreSQL.

The tables are created and filled by crawler.db.search, which also keeps them current;
on PostgreSQL the RUM extension is used when the server has it, GIN otherwise.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 04:10:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

from crawler.db import search

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    search.create_schema(op.get_bind())


def downgrade() -> None:
    search.drop_schema(op.get_bind())
