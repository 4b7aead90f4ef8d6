"""call_access.deal_id: the deal a submission named, so a deal id stays with the team that created it.

Revision ID: 0004_call_deal
Revises: 0003_access
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_call_deal"
down_revision: str | Sequence[str] | None = "0003_access"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("call_access") as batch:
        batch.add_column(sa.Column("deal_id", sa.String(200), nullable=True))
    op.create_index("ix_call_access_deal_id", "call_access", ["deal_id"])
    # Calls submitted before this revision take the deal their stored transcript names.
    op.execute(
        "UPDATE call_access SET deal_id = (SELECT calls.deal_id FROM calls "
        "WHERE calls.call_id = call_access.call_id) WHERE deal_id IS NULL"
    )


def downgrade() -> None:
    op.drop_index("ix_call_access_deal_id", table_name="call_access")
    with op.batch_alter_table("call_access") as batch:
        batch.drop_column("deal_id")
