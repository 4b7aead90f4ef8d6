"""Core tables: calls, participants, utterances, analyses, jobs.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001_core"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen copies of the model's types: a migration must not change when the models do.
_JSON = sa.JSON()
_TS = sa.DateTime(timezone=True)
_STATUSES = ("queued", "transcribing", "analyzing", "coaching", "done", "failed")


def _call_fk(table: str) -> sa.Column[int]:
    return sa.Column("call_pk", sa.Integer(), sa.ForeignKey("calls.id", ondelete="CASCADE",
                                                            name=f"fk_{table}_call_pk_calls"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("rep", sa.String(200), nullable=True),
        sa.Column("deal_id", sa.String(200), nullable=True),
        sa.Column("started_at", _TS, nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("call_id", name="uq_calls_call_id"),
    )
    op.create_index("ix_calls_rep", "calls", ["rep"])
    op.create_index("ix_calls_deal_id", "calls", ["deal_id"])
    op.create_index("ix_calls_started_at", "calls", ["started_at"])

    op.create_table(
        "participants",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _call_fk("participants"),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("title", sa.Text(), nullable=True),
        sa.UniqueConstraint("call_pk", "name", name="uq_participants_call_pk_name"),
    )
    op.create_index("ix_participants_call_pk", "participants", ["call_pk"])

    op.create_table(
        "utterances",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _call_fk("utterances"),
        sa.Column("idx", sa.Integer(), nullable=False),
        sa.Column("speaker", sa.String(200), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=False),
        sa.Column("end_s", sa.Float(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("words", _JSON, nullable=False),
        sa.UniqueConstraint("call_pk", "idx", name="uq_utterances_call_pk_idx"),
    )
    op.create_index("ix_utterances_call_pk", "utterances", ["call_pk"])

    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        _call_fk("analyses"),
        sa.Column("analysis", _JSON, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.UniqueConstraint("call_pk", name="uq_analyses_call_pk"),
    )

    op.create_table(
        "jobs",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("call_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("input_path", sa.Text(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.UniqueConstraint("call_id", name="uq_jobs_call_id"),
        sa.CheckConstraint("status IN (" + ", ".join(f"'{s}'" for s in _STATUSES) + ")",
                           name="ck_jobs_status"),
    )
    op.create_index("ix_jobs_status", "jobs", ["status"])


def downgrade() -> None:
    op.drop_table("jobs")
    op.drop_table("analyses")
    op.drop_table("utterances")
    op.drop_table("participants")
    op.drop_table("calls")
