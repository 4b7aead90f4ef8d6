"""The manager's alerts inbox: the alerts a key may read, acknowledged or not, and resolving one.

Reading and resolving go through the coaching service (``list_alerts``, ``resolve_alert``) and the
key's ``access.alert_scope`` (the subjects of ``access.read_scope``, which ``GET /v1/alerts`` reads):
an alert outside the scope is "not found", whether it exists or not.
"""

from __future__ import annotations

from typing import Any

from callcoach.errors import NotFound
from callcoach.services import access
from callcoach.services import coaching as coaching_service
from callcoach.services.access import ApiKey
from callcoach.services.coaching_stage import roster_from_teams
from callcoach.settings import Settings
from callcoach.storage import session_scope
from callcoach.storage import web as web_store
from callcoach.storage.models import utcnow


def alerts_for(
    settings: Settings,
    key: ApiKey,
    *,
    status: str | None = "open",
    rep: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Alerts `key` may read (open ones by default), newest first, each with ``acknowledged_at``;
    a page of `limit` from `offset` when given. The key's :func:`access.alert_scope` filters in the
    query, so a large team's inbox is neither read whole nor preceded by a list of all its deals."""
    with session_scope(settings) as session:
        scope = access.alert_scope(session, key)
    # The scope filters in the query (a team's deals as a rule probed per alert), so a page is a page.
    visible = coaching_service.list_alerts(
        settings, status=status, rep=rep, reps=scope.reps, deals=scope.deals, limit=limit, offset=offset
    )
    with session_scope(settings) as session:
        # Each rep alert names the rep's team: the roster rows of these alerts' reps only.
        reps = {r["subject"] for r in visible if r["subject_type"] == "rep"}
        roster = roster_from_teams(session, reps=reps)
        acks = web_store.acknowledgements(session, alert_ids=[r["id"] for r in visible])
    for r in visible:
        entry = roster.get(r["subject"]) if r["subject_type"] == "rep" else None
        r["manager"], r["team"] = (entry.manager, entry.team) if entry else (None, None)
        r["acknowledged_at"] = acks.get(r["id"])
    return visible


def _visible(settings: Settings, key: ApiKey, alert_id: int) -> dict[str, Any]:
    for alert in alerts_for(settings, key, status=None):
        if alert["id"] == alert_id:
            return alert
    raise NotFound(f"alert {alert_id} not found")


def acknowledge(settings: Settings, key: ApiKey, alert_id: int) -> None:
    """Mark an alert seen (it stays open); acknowledging twice keeps the first time."""
    _visible(settings, key, alert_id)
    with session_scope(settings) as session:
        web_store.acknowledge(session, alert_id=alert_id, key_id=key.id, at=utcnow())


def resolve(settings: Settings, key: ApiKey, alert_id: int, note: str | None = None) -> dict[str, Any]:
    """Resolve an alert the key may read, with the manager's note."""
    _visible(settings, key, alert_id)
    who = key.team and f"a manager of {key.team}" or key.role
    return coaching_service.resolve_alert(settings, alert_id, (note or "").strip() or f"resolved by {who}")
