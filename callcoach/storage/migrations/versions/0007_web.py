"""Web pages: web_sessions, call_metrics, prompt_practice, roleplay_assignments, alert_acknowledgements.

Revision ID: 0007_web
Revises: 0006_coaching_scale
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_web"
down_revision: str | Sequence[str] | None = "0006_coaching_scale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column(
            "key_id",
            sa.Integer(),
            sa.ForeignKey("api_keys.id", ondelete="CASCADE", name="fk_web_sessions_key_id_api_keys"),
            nullable=False,
        ),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("expires_at", _TS, nullable=False),
        sa.UniqueConstraint("token_hash", name="uq_web_sessions_token_hash"),
    )
    op.create_index("ix_web_sessions_key_id", "web_sessions", ["key_id"])
    op.create_index("ix_web_sessions_expires_at", "web_sessions", ["expires_at"])
    op.create_table(
        "call_metrics",
        sa.Column(
            "call_pk",
            sa.Integer(),
            sa.ForeignKey("calls.id", ondelete="CASCADE", name="fk_call_metrics_call_pk_calls"),
            primary_key=True,
        ),
        sa.Column("source_updated_at", _TS, nullable=False),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("started_at", _TS, nullable=True),
        *(
            sa.Column(name, sa.Float(), nullable=True)
            for name in (
                "discovery_score",
                "questions",
                "talk_ratio",
                "next_step_clarity",
                "buyer_sentiment",
                "stakeholders",
                "objections",
            )
        ),
    )
    op.create_index("ix_call_metrics_rep_started", "call_metrics", ["rep", "started_at"])
    op.create_table(
        "prompt_practice",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column("rule", sa.String(64), nullable=False),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("practiced_at", _TS, nullable=False),
    )
    op.create_index("uq_prompt_practice_call_rule", "prompt_practice", ["call_id", "rule"], unique=True)
    op.create_index("ix_prompt_practice_call_id", "prompt_practice", ["call_id"])
    op.create_index("ix_prompt_practice_rep", "prompt_practice", ["rep"])
    op.create_table(
        "roleplay_assignments",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("rep", sa.String(200), nullable=False),
        sa.Column("scenario_name", sa.Text(), nullable=False),
        sa.Column("scenario", sa.JSON(), nullable=False),
        sa.Column("assigned_by", sa.Integer(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index("ix_roleplay_assignments_rep", "roleplay_assignments", ["rep"])
    op.create_table(
        "alert_acknowledgements",
        sa.Column(
            "alert_id",
            sa.Integer(),
            sa.ForeignKey(
                "coaching_alerts.id",
                ondelete="CASCADE",
                name="fk_alert_acknowledgements_alert_id_coaching_alerts",
            ),
            primary_key=True,
        ),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("acknowledged_at", _TS, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("alert_acknowledgements")
    op.drop_index("ix_roleplay_assignments_rep", table_name="roleplay_assignments")
    op.drop_table("roleplay_assignments")
    op.drop_index("ix_prompt_practice_rep", table_name="prompt_practice")
    op.drop_index("ix_prompt_practice_call_id", table_name="prompt_practice")
    op.drop_index("uq_prompt_practice_call_rule", table_name="prompt_practice")
    op.drop_table("prompt_practice")
    op.drop_index("ix_call_metrics_rep_started", table_name="call_metrics")
    op.drop_table("call_metrics")
    op.drop_index("ix_web_sessions_expires_at", table_name="web_sessions")
    op.drop_index("ix_web_sessions_key_id", table_name="web_sessions")
    op.drop_table("web_sessions")
