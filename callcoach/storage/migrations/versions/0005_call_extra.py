"""calls.extra and calls.rep_channel: the call's metadata beyond the named columns, stored once.

Revision ID: 0005_call_extra
Revises: 0004_call_deal
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_call_extra"
down_revision: str | Sequence[str] | None = "0004_call_deal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.add_column(sa.Column("extra", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("rep_channel", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("calls") as batch:
        batch.drop_column("rep_channel")
        batch.drop_column("extra")
