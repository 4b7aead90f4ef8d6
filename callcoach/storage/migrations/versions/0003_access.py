"""Access and worker tables: api_keys, team_members, call_access, job_leases, worker_marks.

Revision ID: 0003_access
Revises: 0002_coaching
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_access"
down_revision: str | Sequence[str] | None = "0002_coaching"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
_TS = sa.DateTime(timezone=True)
_ROLES = ("rep", "manager", "enablement", "admin")


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(11), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("label", sa.String(200), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
        sa.UniqueConstraint("key_hash", name="uq_api_keys_key_hash"),
        sa.CheckConstraint("role IN (" + ", ".join(f"'{r}'" for r in _ROLES) + ")", name="ck_api_keys_role"),
    )
    op.create_table(
        "team_members",
        sa.Column("rep", sa.String(200), primary_key=True),
        sa.Column("team", sa.String(200), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_team_members_team", "team_members", ["team"])
    op.create_table(
        "call_access",
        sa.Column("call_id", sa.String(200), primary_key=True),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("team", sa.String(200), nullable=True),
        sa.Column("submitted_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_call_access_rep", "call_access", ["rep"])
    op.create_index("ix_call_access_team", "call_access", ["team"])
    op.create_table(
        "job_leases",
        sa.Column("call_id", sa.String(200), primary_key=True),
        sa.Column("stage", sa.String(20), nullable=True),
        sa.Column("token", sa.String(40), nullable=True),
        sa.Column("lease_until", _TS, nullable=True),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("sent_at", _TS, nullable=False),
    )
    op.create_index("ix_job_leases_lease_until", "job_leases", ["lease_until"])
    op.create_index("ix_job_leases_sent_at", "job_leases", ["sent_at"])
    op.create_table(
        "worker_marks",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("worker_marks")
    op.drop_table("job_leases")
    op.drop_table("call_access")
    op.drop_table("team_members")
    op.drop_table("api_keys")
