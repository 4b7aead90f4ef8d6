"""What a rep practises: coaching prompts marked as practised, role-plays assigned to them.

A prompt is named by its call and rule (``analysis["coaching"]["prompts"][].rule``); marking it
twice keeps the first mark. An assignment stores the scenario as it was shown, because scenario
ids are positions in one clustering run and change as calls arrive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from callcoach.errors import Forbidden, InputError
from callcoach.services import access
from callcoach.services.access import ApiKey
from callcoach.storage import Session
from callcoach.storage import web as web_store
from callcoach.storage.models import utcnow

# Assignments shown on a rep's call list: the latest few are the ones still being worked on.
SHOWN_ASSIGNMENTS = 10


def practiced(session: Session, call_id: str) -> dict[str, datetime]:
    """rule -> when the rep marked that prompt of the call as practised."""
    return {rule: at for (_, rule), at in web_store.practice_marks(session, call_id=call_id).items()}


def practiced_by_rep(session: Session, rep: str) -> dict[tuple[str, str], datetime]:
    """(call_id, rule) -> when, for every prompt `rep` marked."""
    return web_store.practice_marks(session, rep=rep)


def mark_practiced(
    session: Session, key: ApiKey, *, call_id: str, rep: str | None, rule: str, done: bool
) -> None:
    """Set (or clear) the practised mark of one prompt. Only the call's own rep (or admin) marks it."""
    if key.role not in ("rep", "admin") or (key.role == "rep" and key.rep != rep):
        raise Forbidden("only the call's rep marks a prompt as practised")
    rule = rule.strip()
    if not rule:
        raise InputError("which prompt? the form lacks its rule")
    web_store.set_practice_mark(session, call_id=call_id, rule=rule, rep=rep, done=done, at=utcnow())


def may_assign(session: Session, key: ApiKey, rep: str) -> bool:
    """Enablement and admin assign to any rep of the roster; a manager to the reps of their team."""
    if key.role in ("enablement", "admin"):
        return access.team_of(session, rep) is not None
    return key.role == "manager" and access.may_see_rep(session, key, rep)


def assign(session: Session, key: ApiKey, *, rep: str, scenario: dict[str, Any]) -> int:
    """Assign a role-play scenario (as shown to `key`) to `rep`; returns the assignment id."""
    rep = rep.strip()
    if not rep or not may_assign(session, key, rep):
        raise Forbidden(f"{rep or 'that rep'!r} is not a rep you may assign practice to")
    return web_store.add_assignment(
        session, rep=rep, scenario_name=str(scenario.get("name") or "role-play"), scenario=scenario,
        assigned_by=key.id,
    )


def assignments(session: Session, rep: str, *, limit: int = SHOWN_ASSIGNMENTS) -> list[dict[str, Any]]:
    """The latest role-plays assigned to `rep`, newest first."""
    return web_store.assignments(session, rep=rep, limit=limit)
