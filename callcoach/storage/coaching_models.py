"""Coaching tables: prompts issued to reps, manager alerts, webhooks and webhook deliveries.

- ``coaching_prompts``: every practice prompt issued on a call (one per call and rule), the
  starting point of outcome tracking.
- ``coaching_alerts``: manager alerts, ``open`` until resolved. A partial unique index keeps one
  open alert per subject and kind (the deduplication key), on SQLite and PostgreSQL alike.
- ``webhooks`` / ``webhook_deliveries``: where alerts are POSTed, and one delivery row per
  webhook, alert and event, keyed by an idempotency key so a delivery is recorded exactly once.

Schema changes go through ``migrations/versions/0002_coaching.py``. Rows stay inside
``callcoach.services.coaching``, which maps them to plain dicts and coaching types.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Index, Integer, String, Text, text
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
