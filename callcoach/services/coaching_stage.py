"""The coach stage of the job pipeline, and the few coaching reads the API needs that the coaching
service does not offer (a thin adapter over ``callcoach.services.coaching``).

The per-call prompts and alerts are already in the analysis (``pipeline.analyze_transcript``). The
coach stage runs the coaching service's incremental ``refresh(call_id=...)``: it records the call's
metrics, prompts and role-play statements and recomputes the alerts of that call's rep and deal
only, so its cost does not grow with the library. Once the stage is committed, ``deliver_alerts``
sends new alerts (one delivery per webhook, alert and event, keyed for idempotency): running the
stage twice opens no second alert and sends no second delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from callcoach.settings import Settings
from callcoach.storage import Session, session_scope
from callcoach.storage import access as access_store
from callcoach.storage import webhooks as hooks_store

log = logging.getLogger("callcoach.services.jobs")


def coach_call_stage(
    settings: Settings, call_id: str, *, ready_at: datetime | None = None
) -> tuple[Callable[[Session], None], Callable[[], None] | None]:
    """(store, after_commit) for the coach stage of one call.

    `ready_at` (when the call was ready for coaching) is no longer needed: each call's refresh is
    its own and bounded (it used to decide whether a full refresh started later covered the call)."""
    from callcoach.services import coaching as coaching_service

    del ready_at
    report = coaching_service.refresh(settings, deliver=False, call_id=call_id)
    log.info(
        "call %s: coaching recorded (%d prompts, %d alerts opened, %d resolved)",
        call_id,
        report.prompts_recorded,
        len(report.opened),
        len(report.resolved),
    )

    # The coaching service commits its own rows; the stage's own transaction only moves the status.
    # Delivery is not done here: the door queues it (``StageResult.deliver_alerts``) on its own
    # queue, so a webhook endpoint that never answers holds no pipeline worker.
    return (lambda session: None), None


def roster_from_teams(session: Session, *, reps: Collection[str] | None = None) -> dict[str, Any]:
    """The coaching service's Roster (rep -> entry) built from the access roster (rep -> team);
    only `reps`' entries when given (a page of alerts needs a few, not the whole roster)."""
    from coaching.roster import RosterEntry

    teams = access_store.roster(session, reps=reps)
    return {rep: RosterEntry.model_validate({"rep": rep, "team": team}) for rep, team in teams.items()}


def add_webhook(settings: Settings, url: str) -> dict[str, Any]:
    """Register (or re-activate) a webhook that receives alerts; returns it. A target that is not
    public http(s) is refused (``webhooks.check_target``) unless the admin allowed its host."""
    from callcoach.services.webhooks import check_target

    check_target(url, settings.webhook_allowed_hosts)
    with session_scope(settings) as session:
        hook = hooks_store.activate_webhook(session, url=url)
    return {"id": hook.id, "url": hook.url, "active": hook.active}


def list_webhooks(settings: Settings) -> list[dict[str, Any]]:
    """Every registered webhook, oldest first, and whether it comes from the settings."""
    configured = set(settings.webhook_urls)
    with session_scope(settings) as session:
        return [
            {"id": r.id, "url": r.url, "active": r.active, "configured": r.url in configured}
            for r in hooks_store.webhooks(session)
        ]


def delete_webhook(settings: Settings, webhook_id: int) -> None:
    """Remove a webhook and its delivery records. NotFound for an unknown id; Conflict for one that
    CALLCOACH_WEBHOOK_URLS names (it would be registered again at the next delivery)."""
    from callcoach.errors import Conflict, NotFound

    with session_scope(settings) as session:
        row = hooks_store.get_webhook(session, webhook_id=webhook_id)
        if row is None:
            raise NotFound(f"webhook {webhook_id} not found")
        if row.url in settings.webhook_urls:
            raise Conflict(
                f"webhook {webhook_id} comes from CALLCOACH_WEBHOOK_URLS; remove it there and restart"
            )
        hooks_store.delete_webhook(session, webhook_id=webhook_id)
