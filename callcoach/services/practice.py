"""What a rep practises: coaching prompts marked as practised, role-plays assigned to them.

A prompt is named by its call and rule (``analysis["coaching"]["prompts"][].rule``); marking it
twice keeps the first mark. An assignment stores the scenario as it was shown, because scenario
ids are positions in one clustering run and change as calls arrive.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcoach.errors import Forbidden, InputError
from callcoach.services import access
from callcoach.services.access import ApiKey
from callcoach.storage.models import utcnow
from callcoach.storage.web_models import PromptPracticeRow, RoleplayAssignmentRow

# Assignments shown on a rep's call list: the latest few are the ones still being worked on.
SHOWN_ASSIGNMENTS = 10


def practiced(session: Session, call_id: str) -> dict[str, datetime]:
    """rule -> when the rep marked that prompt of the call as practised."""
    rows = session.scalars(select(PromptPracticeRow).where(PromptPracticeRow.call_id == call_id))
    return {r.rule: r.practiced_at for r in rows}


def practiced_by_rep(session: Session, rep: str) -> dict[tuple[str, str], datetime]:
    """(call_id, rule) -> when, for every prompt `rep` marked."""
    rows = session.scalars(select(PromptPracticeRow).where(PromptPracticeRow.rep == rep))
    return {(r.call_id, r.rule): r.practiced_at for r in rows}


def mark_practiced(
    session: Session, key: ApiKey, *, call_id: str, rep: str | None, rule: str, done: bool
) -> None:
    """Set (or clear) the practised mark of one prompt. Only the call's own rep (or admin) marks it."""
    if key.role not in ("rep", "admin") or (key.role == "rep" and key.rep != rep):
        raise Forbidden("only the call's rep marks a prompt as practised")
    rule = rule.strip()
    if not rule:
        raise InputError("which prompt? the form lacks its rule")
    existing = session.scalars(
        select(PromptPracticeRow).where(PromptPracticeRow.call_id == call_id, PromptPracticeRow.rule == rule)
    ).first()
    if done and existing is None:
        session.add(PromptPracticeRow(call_id=call_id, rule=rule, rep=rep, practiced_at=utcnow()))
    elif not done and existing is not None:
        session.execute(delete(PromptPracticeRow).where(PromptPracticeRow.id == existing.id))


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
    row = RoleplayAssignmentRow(
        rep=rep, scenario_name=str(scenario.get("name") or "role-play"), scenario=scenario, assigned_by=key.id
    )
    session.add(row)
    session.flush()
    return row.id


def assignments(session: Session, rep: str, *, limit: int = SHOWN_ASSIGNMENTS) -> list[dict[str, Any]]:
    """The latest role-plays assigned to `rep`, newest first."""
    rows = session.scalars(
        select(RoleplayAssignmentRow)
        .where(RoleplayAssignmentRow.rep == rep)
        .order_by(RoleplayAssignmentRow.created_at.desc(), RoleplayAssignmentRow.id.desc())
        .limit(limit)
    )
    return [
        {"id": r.id, "name": r.scenario_name, "scenario": r.scenario, "assigned_at": r.created_at}
        for r in rows
    ]
