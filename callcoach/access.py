"""API keys, roles and the team roster: who may see which call.

A key is ``cc_`` + 43 url-safe characters (256 random bits from ``secrets``). Only its sha256 is
stored: with that much entropy a fast hash is enough (nothing to brute-force, unlike a password),
and a lookup by hash is one indexed read per request.

Roles:

- ``rep``: their own calls (``rep`` of the call equals the key's rep) and their own coaching.
- ``manager``: every call and rep of their team.
- ``enablement``: role-plays, outcomes and aggregates across teams; calls of their own team in full,
  other teams' calls only with transcript and quotes removed (``redacted``).
- ``admin``: everything, and webhooks.

Team membership: a call's team is the ``team`` field of its metadata when given, else the team the
roster gives its rep. The roster (``team_members``) maps a rep name to one team; it is written
when a key is created with both ``--rep`` and ``--team`` and when a call's metadata names both a
rep and a team (the latest wins). A manager's key carries the team it manages.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from callcoach.errors import InputError, NotFound
from callcoach.storage.access_models import ROLES, ApiKeyRow, CallAccessRow, TeamMemberRow

Role = Literal["rep", "manager", "enablement", "admin"]
Visibility = Literal["full", "redacted", "none"]

KEY_PREFIX = "cc_"
# 32 random bytes: 256 bits, the strength of the sha256 that stores it.
KEY_RANDOM_BYTES = 32
# Characters of the key kept in clear (``cc_`` + 8) so listings can tell keys apart.
SHOWN_PREFIX_LEN = 11


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An authenticated caller: the key's role and the rep or team it speaks for."""

    id: int
    role: Role
    rep: str | None = None
    team: str | None = None
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class CallScope:
    """Who a call belongs to, for access checks."""

    call_id: str
    rep: str | None
    team: str | None


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(KEY_RANDOM_BYTES)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _to_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(id=row.id, role=cast(Role, row.role), rep=row.rep, team=row.team, prefix=row.prefix)


def create_key(
    session: Session, *, role: str, rep: str | None = None, team: str | None = None, label: str | None = None
) -> tuple[str, ApiKey]:
    """Store a new key and return it in clear (the only time it exists in clear) with its record.

    A rep key needs the rep's name; a manager key needs the team it manages."""
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    rep = (rep or "").strip() or None
    team = (team or "").strip() or None
    if role == "rep" and rep is None:
        raise InputError("a rep key needs --rep NAME (the rep whose calls it may see)")
    if role == "manager" and team is None:
        raise InputError("a manager key needs --team TEAM (the team it manages)")
    key = generate_key()
    row = ApiKeyRow(
        key_hash=hash_key(key), prefix=key[:SHOWN_PREFIX_LEN], role=role, rep=rep, team=team, label=label
    )
    session.add(row)
    if rep is not None and team is not None:
        set_team(session, rep=rep, team=team)
    session.flush()
    return key, _to_key(row)


def verify_key(session: Session, key: str) -> ApiKey | None:
    """The record of a valid, unrevoked key; None for anything else."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == digest)).first()
    # The index lookup already matched; compare_digest keeps the final check constant-time anyway.
    if row is None or row.revoked_at is not None or not hmac.compare_digest(row.key_hash, digest):
        return None
    return _to_key(row)


def revoke_key(session: Session, prefix: str) -> int:
    """Revoke every key whose shown prefix is `prefix`; returns how many were revoked."""
    rows = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
    ).all()
    if not rows:
        raise NotFound(f"no active key with prefix {prefix!r}")
    for row in rows:
        row.revoked_at = datetime.now(UTC)
    return len(rows)


def set_team(session: Session, *, rep: str, team: str) -> None:
    row = session.get(TeamMemberRow, rep)
    if row is None:
        session.add(TeamMemberRow(rep=rep, team=team))
    elif row.team != team:
        row.team = team


def team_of(session: Session, rep: str | None) -> str | None:
    if not rep:
        return None
    row = session.get(TeamMemberRow, rep)
    return row.team if row is not None else None


def reps_in_team(session: Session, team: str) -> list[str]:
    return list(
        session.scalars(
            select(TeamMemberRow.rep).where(TeamMemberRow.team == team).order_by(TeamMemberRow.rep)
        )
    )


def record_call_scope(
    session: Session, *, call_id: str, rep: str | None, team: str | None, submitted_by: int | None = None
) -> CallScope:
    """Fix who a call belongs to (at submission); a team in the metadata also updates the roster."""
    if rep and team:
        set_team(session, rep=rep, team=team)
    elif rep and not team:
        team = team_of(session, rep)
    row = session.get(CallAccessRow, call_id)
    if row is None:
        row = CallAccessRow(call_id=call_id, rep=rep, team=team, submitted_by=submitted_by)
        session.add(row)
    else:
        row.rep, row.team, row.submitted_by = rep, team, submitted_by
    return CallScope(call_id, rep, team)


def complete_call_scope(session: Session, *, call_id: str, rep: str | None) -> CallScope:
    """Once the transcript is read: a call submitted without a rep takes the transcript's rep (and
    that rep's team from the roster when it had none)."""
    row = session.get(CallAccessRow, call_id)
    if row is None:
        return record_call_scope(session, call_id=call_id, rep=rep, team=None)
    if row.rep is None and rep:
        row.rep = rep
    if row.team is None and row.rep:
        row.team = team_of(session, row.rep)
    return CallScope(call_id, row.rep, row.team)


def call_scope(session: Session, call_id: str) -> CallScope | None:
    row = session.get(CallAccessRow, call_id)
    return CallScope(call_id, row.rep, row.team) if row is not None else None


def visibility(key: ApiKey, scope: CallScope) -> Visibility:
    """How much of a call a key may see."""
    if key.role == "admin":
        return "full"
    if key.role == "rep":
        return "full" if key.rep is not None and scope.rep == key.rep else "none"
    same_team = key.team is not None and scope.team == key.team
    if key.role == "manager":
        return "full" if same_team else "none"
    return "full" if same_team else "redacted"  # enablement


def may_see_rep(session: Session, key: ApiKey, rep: str) -> bool:
    """Whether a key may read a rep's coaching (their own, or a rep of a manager's team)."""
    if key.role == "admin":
        return True
    if key.role == "rep":
        return key.rep == rep
    if key.role in ("manager", "enablement"):
        return key.team is not None and team_of(session, rep) == key.team
    return False


# Strings that are labels, not words from the call: kept in a redacted analysis.
REDACTION_KEEP_STRINGS = frozenset(
    {
        "call_id",
        "version",
        "started_at",
        "deal_id",
        "rep",
        "name",
        "side",
        "title",
        "category",
        "direction",
        "kind",
        "severity",
        "signal",
        "metric",
        "rule",
        "behavior",
        "priority",
        "label",
        "status",
    }
)


def redact_analysis(analysis: dict[str, object]) -> dict[str, object]:
    """The analysis without what was said: no transcript, no evidence, no free text.

    Numbers, flags and label strings (categories, sides, kinds: ``REDACTION_KEEP_STRINGS``) stay,
    which is what enablement needs to compare teams; every other string becomes null, because
    quotes turn up in many places (evidence, objections, next steps, coaching messages)."""

    def strip(value: object, key: str | None) -> object:
        if isinstance(value, dict):
            return {
                k: ([] if k == "evidence" else strip(v, k)) for k, v in value.items() if k != "transcript"
            }
        if isinstance(value, list):
            return [strip(v, key) for v in value]
        if isinstance(value, str) and key not in REDACTION_KEEP_STRINGS:
            return None
        return value

    result = strip(analysis, None)
    assert isinstance(result, dict)
    return result
