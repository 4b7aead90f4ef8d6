"""The team page's reads as index walks: a rep's latest coached calls, a team's deals.

- ``call_metrics (rep, started_at, call_id)``: a rep's latest calls in the order the trend line
  reads them, so each rep's line is a short walk that stops after TREND_CALLS rows (with ``rep``
  alone every call of the rep was read and sorted).
- ``call_access (team, deal_id)`` and ``(deal_id, team)``: a team's deals, and whether a deal has a
  call of another team, answered from the index alone (``storage.access.team_pure_deals``).

Revision ID: 0008_team_indexes
Revises: 0007_web
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0008_team_indexes"
down_revision: str | Sequence[str] | None = "0007_web"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_call_metrics_rep_started", "call_metrics", ["rep", "started_at", "call_id"])
    op.create_index("ix_call_access_team_deal", "call_access", ["team", "deal_id"])
    op.create_index("ix_call_access_deal_team", "call_access", ["deal_id", "team"])


def downgrade() -> None:
    op.drop_index("ix_call_access_deal_team", table_name="call_access")
    op.drop_index("ix_call_access_team_deal", table_name="call_access")
    op.drop_index("ix_call_metrics_rep_started", table_name="call_metrics")
