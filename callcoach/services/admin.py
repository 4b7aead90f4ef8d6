"""Admin housekeeping behind the admin page: list keys, list, remove and test webhooks.

Creating and revoking keys is ``callcoach.services.access`` (``create_key``, ``revoke_key``);
adding a webhook is ``coaching_stage.add_webhook``; delivering alerts is the coaching service's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcoach.errors import NotFound
from callcoach.services.webhooks import DeliveryResult, post_with_retries
from callcoach.settings import Settings
from callcoach.storage import session_scope
from callcoach.storage.access_models import ApiKeyRow
from callcoach.storage.coaching_models import WebhookDeliveryRow, WebhookRow

# A test message is one attempt: the admin is watching and wants the answer now, not after backoff.
TEST_ATTEMPTS = 1
TEST_MESSAGE = "callcoach test message: this webhook receives manager alerts."


@dataclass(frozen=True, slots=True)
class KeyListing:
    id: int
    prefix: str
    role: str
    rep: str | None
    team: str | None
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


def list_keys(session: Session) -> list[KeyListing]:
    """Every key (active first, newest first): its shown prefix and scope, never the key."""
    rows = session.scalars(
        select(ApiKeyRow).order_by(
            ApiKeyRow.revoked_at.is_not(None), ApiKeyRow.created_at.desc(), ApiKeyRow.id.desc()
        )
    )
    return [
        KeyListing(r.id, r.prefix, r.role, r.rep, r.team, r.label, r.created_at, r.revoked_at) for r in rows
    ]


def list_webhooks(settings: Settings) -> list[dict[str, Any]]:
    """Active webhooks with how their deliveries went."""
    from sqlalchemy import func

    with session_scope(settings) as session:
        hooks = session.scalars(
            select(WebhookRow).where(WebhookRow.active.is_(True)).order_by(WebhookRow.id)
        ).all()
        counts: dict[tuple[int, str], int] = {
            (wid, status): int(n)
            for wid, status, n in session.execute(
                select(WebhookDeliveryRow.webhook_id, WebhookDeliveryRow.status, func.count()).group_by(
                    WebhookDeliveryRow.webhook_id, WebhookDeliveryRow.status
                )
            )
        }
        return [
            {
                "id": h.id,
                "url": h.url,
                "created_at": h.created_at,
                "delivered": counts.get((h.id, "delivered"), 0),
                "failed": counts.get((h.id, "failed"), 0),
                "from_settings": h.url in settings.webhook_urls,
            }
            for h in hooks
        ]


def remove_webhook(settings: Settings, webhook_id: int) -> None:
    """Stop delivering to a webhook. The row stays inactive (its delivery history with it), so a URL
    also listed in settings.webhook_urls is not brought back by the next refresh."""
    with session_scope(settings) as session:
        row = session.get(WebhookRow, webhook_id)
        if row is None or not row.active:
            raise NotFound(f"webhook {webhook_id} not found")
        row.active = False


def test_webhook(settings: Settings, webhook_id: int) -> DeliveryResult:
    """POST a test message (Slack-compatible) to a webhook once and report how it went."""
    with session_scope(settings) as session:
        row = session.get(WebhookRow, webhook_id)
        if row is None or not row.active:
            raise NotFound(f"webhook {webhook_id} not found")
        url = row.url
    return post_with_retries(
        url,
        {"text": TEST_MESSAGE},
        idempotency_key=f"test-{uuid.uuid4().hex}",
        attempts=TEST_ATTEMPTS,
        backoff_s=settings.webhook_backoff_s,
        backoff_max_s=settings.webhook_backoff_max_s,
        timeout_s=settings.webhook_timeout_s,
    )
