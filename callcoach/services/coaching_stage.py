"""The coach stage of the job pipeline, and the few coaching reads the API needs that the coaching
service does not offer (a thin adapter over ``callcoach.services.coaching``).

The per-call prompts and alerts are already in the analysis (``pipeline.analyze_transcript``). The
coach stage runs the coaching service's ``refresh`` (records the prompts issued on the call,
recomputes and deduplicates manager alerts; one refresh started after a call was ready covers it)
and, once the stage is committed, the door queues ``deliver_alerts`` apart (one delivery per webhook,
alert and event, keyed for idempotency): running the stage twice opens no second alert and sends no
second delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from callcoach.settings import Settings
from callcoach.storage import session_scope
from callcoach.storage.access_models import TeamMemberRow, WorkerMarkRow
from callcoach.storage.coaching_models import WebhookRow
from callcoach.storage.models import utcnow

log = logging.getLogger("callcoach.services.jobs")

REFRESH_MARK = "coaching_refresh_started"
# A refresh counts as covering a call only if it started this much after the call was ready:
# worker machines' clocks may differ by up to this (NTP keeps them far closer).
CLOCK_SKEW_MARGIN_S = 2.0


def _claim_refresh(settings: Settings, ready_at: datetime) -> bool:
    """Whether this call needs a refresh of its own: False when one started after it was ready.

    The mark row is locked (a write first) so two workers never both decide to refresh for the
    same calls; the margin absorbs clock skew between worker machines."""
    with session_scope(settings) as session:
        session.execute(
            update(WorkerMarkRow).where(WorkerMarkRow.name == REFRESH_MARK).values(at=WorkerMarkRow.at)
        )
        mark = session.get(WorkerMarkRow, REFRESH_MARK, populate_existing=True)
        if mark is not None and mark.at > ready_at + timedelta(seconds=CLOCK_SKEW_MARGIN_S):
            return False
        now = utcnow()
        if mark is None:
            session.add(WorkerMarkRow(name=REFRESH_MARK, at=now))
        else:
            mark.at = now
    return True


def coach_call_stage(
    settings: Settings, call_id: str, *, ready_at: datetime
) -> tuple[Callable[[Session], None], Callable[[], None] | None]:
    """(store, after_commit) for the coach stage of one call ready for coaching at `ready_at`.

    The coaching service's refresh recomputes alerts over every call, so one refresh started after
    a call was ready covers it: under a backlog, calls share refreshes instead of each running one
    (the cost per call would otherwise grow with the number of stored calls)."""
    from callcoach.services import coaching as coaching_service

    if _claim_refresh(settings, ready_at):
        report = coaching_service.refresh(settings, deliver=False)
        log.info(
            "call %s: coaching refreshed (%d prompts recorded, %d alerts opened, %d resolved)",
            call_id,
            report.prompts_recorded,
            len(report.opened),
            len(report.resolved),
        )
    else:
        log.info("call %s: covered by a coaching refresh started after it was ready", call_id)

    # The coaching service commits its own rows; the stage's own transaction only moves the status.
    # Delivery is not done here: the door queues it (``StageResult.deliver_alerts``) on its own
    # queue, so a webhook endpoint that never answers holds no pipeline worker.
    return (lambda session: None), None


def roster_from_teams(session: Session) -> dict[str, Any]:
    """The coaching service's Roster (rep -> entry) built from the access roster (rep -> team)."""
    from coaching.roster import RosterEntry

    rows = session.scalars(select(TeamMemberRow))
    return {r.rep: RosterEntry.model_validate({"rep": r.rep, "team": r.team}) for r in rows}


def add_webhook(settings: Settings, url: str) -> dict[str, Any]:
    """Register (or re-activate) a webhook that receives alerts; returns it. A target that is not
    public http(s) is refused (``webhooks.check_target``) unless the admin allowed its host."""
    from callcoach.services.webhooks import check_target

    check_target(url, settings.webhook_allowed_hosts)
    with session_scope(settings) as session:
        row = session.scalars(select(WebhookRow).where(WebhookRow.url == url)).one_or_none()
        if row is None:
            row = WebhookRow(url=url, active=True)
            session.add(row)
        row.active = True
        session.flush()
        return {"id": row.id, "url": row.url, "active": row.active}


def list_webhooks(settings: Settings) -> list[dict[str, Any]]:
    """Every registered webhook, oldest first, and whether it comes from the settings."""
    configured = set(settings.webhook_urls)
    with session_scope(settings) as session:
        return [
            {"id": r.id, "url": r.url, "active": r.active, "configured": r.url in configured}
            for r in session.scalars(select(WebhookRow).order_by(WebhookRow.id))
        ]


def delete_webhook(settings: Settings, webhook_id: int) -> None:
    """Remove a webhook and its delivery records. NotFound for an unknown id; Conflict for one that
    CALLCOACH_WEBHOOK_URLS names (it would be registered again at the next delivery)."""
    from callcoach.errors import Conflict, NotFound
    from callcoach.storage.coaching_models import WebhookDeliveryRow

    with session_scope(settings) as session:
        row = session.get(WebhookRow, webhook_id)
        if row is None:
            raise NotFound(f"webhook {webhook_id} not found")
        if row.url in settings.webhook_urls:
            raise Conflict(
                f"webhook {webhook_id} comes from CALLCOACH_WEBHOOK_URLS; remove it there and restart"
            )
        session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.webhook_id == webhook_id))
        session.delete(row)
