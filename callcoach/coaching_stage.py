"""The coach stage of the job pipeline, and the few coaching reads the API needs that the coaching
service does not offer (a thin adapter over ``callcoach.coaching_service``).

The per-call prompts and alerts are already in the analysis (``pipeline.analyze_transcript``). The
coach stage runs the coaching service's ``refresh`` (records the prompts issued on the call,
recomputes and deduplicates manager alerts) and, once the stage is committed, its
``deliver_alerts`` (one delivery per webhook, alert and event, keyed for idempotency): running the
stage twice opens no second alert and sends no second delivery.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcoach.settings import Settings
from callcoach.storage import session_scope
from callcoach.storage.access_models import TeamMemberRow
from callcoach.storage.coaching_models import WebhookRow

log = logging.getLogger("callcoach.jobs")


def coach_call_stage(settings: Settings, call_id: str) -> tuple[Callable[[Session], None],
                                                                Callable[[], None] | None]:
    """(store, after_commit) for the coach stage of one call."""
    from callcoach import coaching_service

    report = coaching_service.refresh(settings, deliver=False)
    log.info("call %s: coaching refreshed (%d prompts recorded, %d alerts opened, %d resolved)", call_id,
             report.prompts_recorded, len(report.opened), len(report.resolved))

    def deliver() -> None:
        delivered, failed = coaching_service.deliver_alerts(settings)
        if delivered or failed:
            log.info("call %s: webhooks: %d delivered, %d failed", call_id, delivered, failed)

    # The coaching service commits its own rows; the stage's own transaction only moves the status.
    return (lambda session: None), deliver


def roster_from_teams(session: Session) -> dict[str, Any]:
    """The coaching service's Roster (rep -> entry) built from the access roster (rep -> team)."""
    from coaching.roster import RosterEntry

    return {r.rep: RosterEntry(rep=r.rep, team=r.team) for r in session.scalars(select(TeamMemberRow))}


def add_webhook(settings: Settings, url: str) -> dict[str, Any]:
    """Register (or re-activate) a webhook that receives alerts; returns it."""
    with session_scope(settings) as session:
        row = session.scalars(select(WebhookRow).where(WebhookRow.url == url)).one_or_none()
        if row is None:
            row = WebhookRow(url=url, active=True)
            session.add(row)
        row.active = True
        session.flush()
        return {"id": row.id, "url": row.url, "active": row.active}
