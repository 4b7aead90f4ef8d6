"""Coaching tables: coaching_prompts, coaching_alerts, webhooks, webhook_deliveries.

Revision ID: 0002_coaching
Revises: 0001_core
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_coaching"
down_revision: str | Sequence[str] | None = "0001_core"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
_JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
_TS = sa.DateTime(timezone=True)
_OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "coaching_prompts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("rule_id", sa.String(64), nullable=False),
        sa.Column("signal", sa.String(64), nullable=False),
        sa.Column("metric", sa.String(64), nullable=False),
        sa.Column("value", sa.Float(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("payload", _JSON, nullable=False),
        sa.Column("issued_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_coaching_prompts_call_id", "coaching_prompts", ["call_id"])
    op.create_index("ix_coaching_prompts_rep", "coaching_prompts", ["rep"])
    op.create_index("uq_coaching_prompts_call_rule", "coaching_prompts", ["call_id", "rule_id"], unique=True)

    op.create_table(
        "coaching_alerts",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("subject_type", sa.String(10), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("severity", sa.String(10), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("window", _JSON, nullable=False),
        sa.Column("evidence", _JSON, nullable=False),
        sa.Column("details", _JSON, nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("resolved_at", _TS, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('open', 'resolved')", name="ck_coaching_alerts_status"),
    )
    op.create_index("ix_coaching_alerts_subject", "coaching_alerts", ["subject"])
    op.create_index("ix_coaching_alerts_status", "coaching_alerts", ["status"])
    op.create_index(
        "uq_coaching_alerts_open",
        "coaching_alerts",
        ["subject_type", "subject", "kind"],
        unique=True,
        sqlite_where=_OPEN,
        postgresql_where=_OPEN,
    )

    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("url", name="uq_webhooks_url"),
    )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "webhook_id",
            sa.Integer(),
            sa.ForeignKey(
                "webhooks.id", ondelete="CASCADE", name="fk_webhook_deliveries_webhook_id_webhooks"
            ),
            nullable=False,
        ),
        sa.Column(
            "alert_id",
            sa.Integer(),
            sa.ForeignKey(
                "coaching_alerts.id",
                ondelete="CASCADE",
                name="fk_webhook_deliveries_alert_id_coaching_alerts",
            ),
            nullable=False,
        ),
        sa.Column("event", sa.String(20), nullable=False),
        sa.Column("idempotency_key", sa.String(64), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("delivered_at", _TS, nullable=True),
        sa.UniqueConstraint("idempotency_key", name="uq_webhook_deliveries_idempotency_key"),
        sa.CheckConstraint(
            "status IN ('pending', 'delivered', 'failed')", name="ck_webhook_deliveries_status"
        ),
    )
    op.create_index("ix_webhook_deliveries_webhook_id", "webhook_deliveries", ["webhook_id"])
    op.create_index("ix_webhook_deliveries_alert_id", "webhook_deliveries", ["alert_id"])


def downgrade() -> None:
    op.drop_table("webhook_deliveries")
    op.drop_table("webhooks")
    op.drop_table("coaching_alerts")
    op.drop_table("coaching_prompts")
