"""Admin housekeeping behind the admin page: list keys, list, remove and test webhooks.

Creating and revoking keys is ``callcoach.services.access`` (``create_key``, ``revoke_key``);
adding a webhook is ``coaching_stage.add_webhook``; delivering alerts is the coaching service's.
"""

from __future__ import annotations

import uuid
from typing import Any

from callcoach.errors import NotFound
from callcoach.services.webhooks import DeliveryResult, post_with_retries
from callcoach.settings import Settings
from callcoach.storage import Session, session_scope
from callcoach.storage import access as access_store
from callcoach.storage import webhooks as hooks_store
from callcoach.storage.access import KeyListing

# A test message is one attempt: the admin is watching and wants the answer now, not after backoff.
TEST_ATTEMPTS = 1
TEST_MESSAGE = "callcoach test message: this webhook receives manager alerts."


def list_keys(session: Session) -> list[KeyListing]:
    """Every key (active first, newest first): its shown prefix and scope, never the key."""
    return access_store.key_listing(session)


def list_webhooks(settings: Settings) -> list[dict[str, Any]]:
    """Active webhooks with how their deliveries went."""
    with session_scope(settings) as session:
        hooks = hooks_store.webhooks(session, active_only=True)
        counts = hooks_store.delivery_counts(session)
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
        if not hooks_store.deactivate_webhook(session, webhook_id=webhook_id):
            raise NotFound(f"webhook {webhook_id} not found")


def test_webhook(settings: Settings, webhook_id: int) -> DeliveryResult:
    """POST a test message (Slack-compatible) to a webhook once and report how it went."""
    with session_scope(settings) as session:
        row = hooks_store.get_webhook(session, webhook_id=webhook_id)
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
