"""What the coach stage maintains so reads stay cheap at any library size: per-call coaching
metrics, the role-play catalogue (clusters and statements), and the alert feed's indexes.

Revision ID: 0006_coaching_scale
Revises: 0005_call_extra
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_coaching_scale"
down_revision: str | Sequence[str] | None = "0005_call_extra"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
_JSON = sa.JSON()
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_index("ix_coaching_alerts_status_opened", "coaching_alerts", ["status", "opened_at", "id"])
    op.create_index("ix_coaching_alerts_subject_type_subject", "coaching_alerts", ["subject_type", "subject"])

    op.create_table(
        "call_metrics",
        sa.Column("call_id", sa.String(200), primary_key=True),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("deal_id", sa.String(200), nullable=True),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("values", _JSON, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_call_metrics_rep", "call_metrics", ["rep"])
    op.create_index("ix_call_metrics_deal_id", "call_metrics", ["deal_id"])
    op.create_index("ix_call_metrics_started_at", "call_metrics", ["started_at"])

    op.create_table(
        "roleplay_clusters",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("vec_sum", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("n_calls", sa.Integer(), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_roleplay_clusters_group", "roleplay_clusters", ["kind", "category"])
    op.create_index("ix_roleplay_clusters_rank", "roleplay_clusters", ["n_calls", "size", "id"])

    op.create_table(
        "roleplay_statements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column(
            "cluster_id",
            sa.Integer(),
            sa.ForeignKey(
                "roleplay_clusters.id",
                ondelete="CASCADE",
                name="fk_roleplay_statements_cluster_id_roleplay_clusters",
            ),
            nullable=False,
        ),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("call_started_at", _TS, nullable=True),
        sa.Column("embedding", sa.LargeBinary(), nullable=False),
        sa.Column("record", _JSON, nullable=False),
    )
    op.create_index("ix_roleplay_statements_call_id", "roleplay_statements", ["call_id"])
    op.create_index(
        "ix_roleplay_statements_cluster_order", "roleplay_statements", ["cluster_id", "call_started_at", "id"]
    )


def downgrade() -> None:
    op.drop_table("roleplay_statements")
    op.drop_table("roleplay_clusters")
    op.drop_table("call_metrics")
    op.drop_index("ix_coaching_alerts_subject_type_subject", table_name="coaching_alerts")
    op.drop_index("ix_coaching_alerts_status_opened", table_name="coaching_alerts")
