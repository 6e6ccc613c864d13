"""``issues.none_reason`` also says why a ``missing`` issue is not served (404, the paper's
gone status such as 403, a soft-404 page), and ``issue_coverage.reason`` shows it.

The column is the one of 0008: only the view changes, built from 0008's own SQL so that
the two definitions cannot drift apart.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 05:30:00
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_NONE_ONLY = "WHEN i.status = 'none' THEN i.none_reason"
_ANY_REASON = "WHEN i.none_reason IS NOT NULL THEN i.none_reason"


def _views() -> ModuleType:
    """Revision 0008, whose module name starts with a digit and cannot be imported."""
    path = Path(__file__).with_name("0008_views.py")
    spec = importlib.util.spec_from_file_location("epaper_migration_0008", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _coverage(reason_rule: str) -> str:
    views = _views()
    dialect = op.get_bind().dialect.name
    sql: str = views._ISSUE_COVERAGE.replace(_NONE_ONLY, reason_rule)
    if reason_rule not in sql:
        msg = "revision 0008's issue_coverage no longer has the expected reason rule"
        raise RuntimeError(msg)
    return sql.format(days=views._DAYS[dialect], failure_reasons=views._FAILURE_REASONS[dialect])


def upgrade() -> None:
    op.execute("DROP VIEW IF EXISTS issue_coverage")
    op.execute(_coverage(_ANY_REASON))


def downgrade() -> None:
    op.execute("DROP VIEW IF EXISTS issue_coverage")
    op.execute(_coverage(_NONE_ONLY))
