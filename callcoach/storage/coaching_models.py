"""Coaching tables: prompts issued to reps, manager alerts, webhooks and webhook deliveries.

- ``coaching_prompts``: every practice prompt issued on a call (one per call and rule), the
  starting point of outcome tracking.
- ``coaching_alerts``: manager alerts, ``open`` until resolved. A partial unique index keeps one
  open alert per subject and kind (the deduplication key), on SQLite and PostgreSQL alike.
- ``webhooks`` / ``webhook_deliveries``: where alerts are POSTed, and one delivery row per
  webhook, alert and event, keyed by an idempotency key so a delivery is recorded exactly once.

What the write path maintains so reads stay cheap at any library size (``0006_coaching_scale``):

- ``call_metrics``: every coaching metric of one call (``coaching.metrics.METRICS``), written when
  the call is coached: team distributions and plans read these numbers instead of analyses.
- ``roleplay_clusters`` / ``roleplay_statements``: the role-play catalogue. Each buyer objection or
  pain of a coached call is stored with its sentence embedding and everything a scenario shows
  (reply, context), and joins the nearest cluster of its kind and category (average linkage, kept
  as a vector sum per cluster), so a call adds to the catalogue at a cost bounded by the number
  of clusters, and a page of scenarios is read, never recomputed.

Schema changes go through ``migrations/versions/0002_coaching.py`` and ``0006_coaching_scale.py``.
Rows stay inside ``callcoach.storage.coaching`` and ``callcoach.services.coaching``, which map them
to plain dicts and coaching types.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from callcoach.storage.models import ID_LEN, NAME_LEN, Base, JSONDoc, utcnow

ALERT_STATUSES: tuple[str, ...] = ("open", "resolved")
DELIVERY_STATUSES: tuple[str, ...] = ("pending", "delivered", "failed")
# Alert kinds and rule ids are short registry names ("discovery_drift", "deal_single_threaded").
KIND_LEN = 64
# sha256 hex digest.
KEY_LEN = 64
URL_LEN = 2000


class CoachingPromptRow(Base):
    __tablename__ = "coaching_prompts"
    __table_args__ = (Index("uq_coaching_prompts_call_rule", "call_id", "rule_id", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    rep: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)
    rule_id: Mapped[str] = mapped_column(String(KIND_LEN))
    signal: Mapped[str] = mapped_column(String(KIND_LEN))
    metric: Mapped[str] = mapped_column(String(KIND_LEN))
    value: Mapped[float | None] = mapped_column(Float)
    priority: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc)  # the prompt as in analysis["coaching"]
    issued_at: Mapped[datetime | None] = mapped_column()  # the call's start time
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CoachingAlertRow(Base):
    __tablename__ = "coaching_alerts"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in ALERT_STATUSES)})", name="ck_coaching_alerts_status"
        ),
        # One open alert per subject and kind; resolved ones accumulate as history.
        Index(
            "uq_coaching_alerts_open",
            "subject_type",
            "subject",
            "kind",
            unique=True,
            sqlite_where=text("status = 'open'"),
            postgresql_where=text("status = 'open'"),
        ),
        # The alert feed: newest first within a status, paged (0005).
        Index("ix_coaching_alerts_status_opened", "status", "opened_at", "id"),
        Index("ix_coaching_alerts_subject_type_subject", "subject_type", "subject"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(KIND_LEN))
    subject_type: Mapped[str] = mapped_column(String(10))  # "rep" or "deal"
    subject: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default="open", index=True)
    message: Mapped[str] = mapped_column(Text)
    window: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    evidence: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)
    resolution: Mapped[str | None] = mapped_column(Text)  # "condition cleared" or a manager's note


class WebhookRow(Base):
    __tablename__ = "webhooks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    url: Mapped[str] = mapped_column(String(URL_LEN), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class WebhookDeliveryRow(Base):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint(
            f"status IN ({', '.join(repr(s) for s in DELIVERY_STATUSES)})",
            name="ck_webhook_deliveries_status",
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    webhook_id: Mapped[int] = mapped_column(ForeignKey("webhooks.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("coaching_alerts.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(20))  # "opened" or "resolved"
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LEN), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status_code: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class CallMetricsRow(Base):
    """Every coaching metric of one coached call, keyed by call id (re-coaching replaces it)."""

    __tablename__ = "call_metrics"
    __table_args__ = (
        # A team's (or everyone's) most recent calls: the distribution a plan reads.
        Index("ix_call_metrics_started_at", "started_at"),
        # A rep's latest calls, newest first: each line of the team page (0008).
        Index("ix_call_metrics_rep_started", "rep", "started_at", "call_id"),
    )

    call_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    rep: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)
    deal_id: Mapped[str | None] = mapped_column(String(ID_LEN), index=True)
    started_at: Mapped[datetime | None] = mapped_column()
    # {metric name: value or null}, as coaching.metrics reads them off the call.
    values: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoleplayClusterRow(Base):
    """One role-play scenario in the making: buyer statements of one kind and category that say
    the same thing. `vec_sum` (float32 bytes) over `size` members gives the average-linkage
    distance of a new statement to the cluster in one dot product."""

    __tablename__ = "roleplay_clusters"
    __table_args__ = (
        Index("ix_roleplay_clusters_group", "kind", "category"),
        # The unscoped catalogue page: biggest scenarios first.
        Index("ix_roleplay_clusters_rank", "n_calls", "size", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(KIND_LEN))
    category: Mapped[str | None] = mapped_column(String(KIND_LEN))
    vec_sum: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer, default=0)
    n_calls: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class RoleplayStatementRow(Base):
    """A buyer objection or pain from one coached call, with what a scenario shows of it."""

    __tablename__ = "roleplay_statements"
    __table_args__ = (Index("ix_roleplay_statements_cluster_order", "cluster_id", "call_started_at", "id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    cluster_id: Mapped[int] = mapped_column(ForeignKey("roleplay_clusters.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(KIND_LEN))
    category: Mapped[str | None] = mapped_column(String(KIND_LEN))
    call_started_at: Mapped[datetime | None] = mapped_column()
    embedding: Mapped[bytes] = mapped_column(LargeBinary)  # float32, unit norm
    # coaching.catalogue.statement_records: text, speaker, reply and context as shown in a scenario.
    record: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
