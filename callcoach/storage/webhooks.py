"""Repository functions for alert delivery: the registered webhooks and one delivery row per
webhook, alert and event (unique idempotency key). Over a caller's ``Session``, never committing;
who gets what, and when to retry, is ``callcoach.services.coaching``'s.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from callcoach.storage.calls import translated
from callcoach.storage.coaching_models import WebhookDeliveryRow, WebhookRow
from callcoach.storage.models import utcnow


@dataclass(frozen=True, slots=True)
class Webhook:
    id: int
    url: str
    active: bool
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Delivery:
    """One (webhook, alert, event) delivery: pending, delivered or failed, with its last answer."""

    id: int
    webhook_id: int
    alert_id: int
    event: str
    idempotency_key: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None


def _to_webhook(row: WebhookRow) -> Webhook:
    return Webhook(row.id, row.url, row.active, row.created_at)


@translated("listing webhooks")
def webhooks(session: Session, *, active_only: bool = False) -> list[Webhook]:
    """Registered webhooks (only active ones with `active_only`), oldest first."""
    stmt = select(WebhookRow)
    if active_only:
        stmt = stmt.where(WebhookRow.active.is_(True))
    return [_to_webhook(r) for r in session.scalars(stmt.order_by(WebhookRow.id))]


@translated("reading the webhook")
def get_webhook(session: Session, *, webhook_id: int) -> Webhook | None:
    row = session.get(WebhookRow, webhook_id)
    return _to_webhook(row) if row is not None else None


@translated("registering webhooks")
def register_missing(session: Session, *, urls: Collection[str]) -> None:
    """Register every URL of `urls` not registered yet, active (a deactivated one stays so)."""
    have = set(session.scalars(select(WebhookRow.url)))
    for url in urls:
        if url not in have:
            session.add(WebhookRow(url=url, active=True))


@translated("registering the webhook")
def activate_webhook(session: Session, *, url: str) -> Webhook:
    """Register `url`, or re-activate it when it is registered already."""
    row = session.scalars(select(WebhookRow).where(WebhookRow.url == url)).one_or_none()
    if row is None:
        row = WebhookRow(url=url, active=True)
        session.add(row)
    row.active = True
    session.flush()
    return _to_webhook(row)


@translated("deactivating the webhook")
def deactivate_webhook(session: Session, *, webhook_id: int) -> bool:
    """Stop an active webhook (its row and history stay); False when there is no active one."""
    row = session.get(WebhookRow, webhook_id)
    if row is None or not row.active:
        return False
    row.active = False
    return True


@translated("deleting the webhook")
def delete_webhook(session: Session, *, webhook_id: int) -> None:
    """Delete a webhook and its delivery records."""
    session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.webhook_id == webhook_id))
    row = session.get(WebhookRow, webhook_id)
    if row is not None:
        session.delete(row)


@translated("reading deliveries")
def delivered_keys(session: Session) -> set[str]:
    """Idempotency keys of the deliveries that succeeded."""
    return set(
        session.scalars(
            select(WebhookDeliveryRow.idempotency_key).where(WebhookDeliveryRow.status == "delivered")
        )
    )


@translated("recording the delivery")
def add_delivery(session: Session, *, webhook_id: int, alert_id: int, event: str, key: str) -> bool:
    """A pending delivery under idempotency key `key`, unless one exists (False then)."""
    exists = session.scalars(
        select(WebhookDeliveryRow.id).where(WebhookDeliveryRow.idempotency_key == key)
    ).first()
    if exists is not None:
        return False
    session.add(
        WebhookDeliveryRow(
            webhook_id=webhook_id, alert_id=alert_id, event=event, idempotency_key=key, status="pending",
            attempts=0,
        )
    )
    return True


@translated("recording the delivery")
def record_attempts(
    session: Session, *, key: str, attempts: int, status_code: int | None, error: str | None, delivered: bool
) -> None:
    """Add `attempts` to the delivery of `key` with their last answer; delivered or failed."""
    row = session.scalars(select(WebhookDeliveryRow).where(WebhookDeliveryRow.idempotency_key == key)).one()
    row.attempts += attempts
    row.last_status_code = status_code
    row.last_error = error
    if delivered:
        row.status, row.delivered_at = "delivered", utcnow()
    else:
        row.status = "failed"


@translated("listing deliveries")
def deliveries(session: Session) -> list[Delivery]:
    """Every delivery, oldest first."""
    return [
        Delivery(r.id, r.webhook_id, r.alert_id, r.event, r.idempotency_key, r.status, r.attempts,
                 r.last_status_code, r.last_error, r.delivered_at)
        for r in session.scalars(select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.id))
    ]


@translated("counting deliveries")
def delivery_counts(session: Session) -> dict[tuple[int, str], int]:
    """(webhook id, status) -> how many deliveries."""
    return {
        (wid, status): int(n)
        for wid, status, n in session.execute(
            select(WebhookDeliveryRow.webhook_id, WebhookDeliveryRow.status, func.count()).group_by(
                WebhookDeliveryRow.webhook_id, WebhookDeliveryRow.status
            )
        )
    }
