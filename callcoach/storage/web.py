"""Repository functions for the web pages' own tables: browser sessions, prompts marked as
practised, role-plays assigned, alerts acknowledged. Over a caller's ``Session``, never committing;
the rules (who may mark, assign or acknowledge) live in the services.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcoach.storage.access import ApiKey, _to_key
from callcoach.storage.access_models import ApiKeyRow
from callcoach.storage.calls import translated
from callcoach.storage.web_models import (
    AlertAcknowledgementRow,
    PromptPracticeRow,
    RoleplayAssignmentRow,
    WebSessionRow,
)

# ------------------------------------------------------------------------------------------
# Browser sessions


@dataclass(frozen=True, slots=True)
class StoredSession:
    """A browser session as stored, with the key it holds and whether that key was revoked."""

    key: ApiKey
    key_revoked: bool
    csrf: str
    expires_at: datetime


@translated("ending expired sessions")
def delete_expired_sessions(session: Session, *, now: datetime) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))


@translated("starting the session")
def add_web_session(
    session: Session, *, token_hash: str, key_id: int, csrf: str, created_at: datetime, expires_at: datetime
) -> None:
    session.add(
        WebSessionRow(
            token_hash=token_hash, key_id=key_id, csrf=csrf, created_at=created_at, expires_at=expires_at
        )
    )
    session.flush()


@translated("reading the session")
def web_session(session: Session, *, token_hash: str) -> StoredSession | None:
    row = session.execute(
        select(WebSessionRow, ApiKeyRow)
        .join(ApiKeyRow, ApiKeyRow.id == WebSessionRow.key_id)
        .where(WebSessionRow.token_hash == token_hash)
    ).first()
    if row is None:
        return None
    web, key = row
    return StoredSession(_to_key(key), key.revoked_at is not None, web.csrf, web.expires_at)


@translated("ending the session")
def delete_web_session(session: Session, *, token_hash: str) -> None:
    session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))


# ------------------------------------------------------------------------------------------
# Practice marks and role-play assignments


@translated("reading practice marks")
def practice_marks(
    session: Session, *, call_id: str | None = None, rep: str | None = None
) -> dict[tuple[str, str], datetime]:
    """(call id, rule) -> when it was marked practised, for one call's or one rep's marks."""
    stmt = select(PromptPracticeRow)
    if call_id is not None:
        stmt = stmt.where(PromptPracticeRow.call_id == call_id)
    if rep is not None:
        stmt = stmt.where(PromptPracticeRow.rep == rep)
    return {(r.call_id, r.rule): r.practiced_at for r in session.scalars(stmt)}


@translated("marking the prompt")
def set_practice_mark(
    session: Session, *, call_id: str, rule: str, rep: str | None, done: bool, at: datetime
) -> None:
    """Mark (at `at`) or unmark one prompt of a call; a prompt already marked keeps its first mark."""
    existing = session.scalars(
        select(PromptPracticeRow).where(PromptPracticeRow.call_id == call_id, PromptPracticeRow.rule == rule)
    ).first()
    if done and existing is None:
        session.add(PromptPracticeRow(call_id=call_id, rule=rule, rep=rep, practiced_at=at))
    elif not done and existing is not None:
        session.execute(delete(PromptPracticeRow).where(PromptPracticeRow.id == existing.id))


@translated("assigning the role-play")
def add_assignment(
    session: Session, *, rep: str, scenario_name: str, scenario: dict[str, Any], assigned_by: int
) -> int:
    row = RoleplayAssignmentRow(
        rep=rep, scenario_name=scenario_name, scenario=scenario, assigned_by=assigned_by
    )
    session.add(row)
    session.flush()
    return row.id


@translated("reading assignments")
def assignments(session: Session, *, rep: str, limit: int) -> list[dict[str, Any]]:
    """The latest `limit` role-plays assigned to `rep`, newest first."""
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


# ------------------------------------------------------------------------------------------
# Alert acknowledgements


@translated("reading acknowledgements")
def acknowledgements(session: Session, *, alert_ids: Collection[int]) -> dict[int, datetime]:
    """alert id -> when it was acknowledged, for those of `alert_ids` that were."""
    stmt = select(AlertAcknowledgementRow).where(AlertAcknowledgementRow.alert_id.in_(list(alert_ids)))
    return {a.alert_id: a.acknowledged_at for a in session.scalars(stmt)}


@translated("acknowledging the alert")
def acknowledge(session: Session, *, alert_id: int, key_id: int, at: datetime) -> None:
    """Record the first acknowledgement of an alert (a later one changes nothing)."""
    if session.get(AlertAcknowledgementRow, alert_id) is None:
        session.add(AlertAcknowledgementRow(alert_id=alert_id, key_id=key_id, acknowledged_at=at))
