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

Ownership is decided by the server, never by submitted metadata (``decide_owner``):

- a rep key submits only its own calls, for the team the roster (or the key) gives that rep;
- a manager key submits only for reps of its team (a rep on no team yet joins it);
- a deal belongs to the team whose calls first used its id: another team's deal id is refused
  (409), so a deal's history, drift alerts and quotes never mix teams;
- the roster (``team_members``: rep -> team) is written by an admin (``keys create --rep --team``,
  an admin submission naming both) and by a manager enrolling a rep of no team, never by a rep.

A call's team is the team fixed at submission (``call_access``), else its rep's roster team.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from callcoach.errors import Conflict, Forbidden, InputError, NotFound
from callcoach.storage import Session
from callcoach.storage import access as repo
from callcoach.storage.access import ApiKey, CallOwner, Role, TeamDeals, reps_in_team, set_team, team_of
from callcoach.storage.access_models import ROLES

__all__ = ["ApiKey", "CallScope", "Owner", "ReadScope", "Role", "create_key", "decide_owner", "read_scope",
           "reps_in_team", "revoke_key", "set_team", "team_of", "verify_key", "visibility"]

Visibility = Literal["full", "redacted", "none"]

KEY_PREFIX = "cc_"
# 32 random bytes: 256 bits, the strength of the sha256 that stores it.
KEY_RANDOM_BYTES = 32
# Characters of the key kept in clear (``cc_`` + 8) so listings can tell keys apart.
SHOWN_PREFIX_LEN = 11


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
    record = repo.insert_key(
        session, key_hash=hash_key(key), prefix=key[:SHOWN_PREFIX_LEN], role=role, rep=rep, team=team,
        label=label,
    )
    if rep is not None and team is not None:
        set_team(session, rep=rep, team=team)
    return key, record


def verify_key(session: Session, key: str) -> ApiKey | None:
    """The record of a valid, unrevoked key; None for anything else."""
    if not key.startswith(KEY_PREFIX) or len(key) > 200:
        return None
    digest = hash_key(key)
    stored = repo.key_by_hash(session, digest)
    # The index lookup already matched; compare_digest keeps the final check constant-time anyway.
    if stored is None or stored.revoked or not hmac.compare_digest(stored.key_hash, digest):
        return None
    return stored.key


def revoke_key(session: Session, prefix: str) -> int:
    """Revoke every key whose shown prefix is `prefix`; returns how many were revoked."""
    revoked = repo.revoke_keys(session, prefix)
    if not revoked:
        raise NotFound(f"no active key with prefix {prefix!r}")
    return revoked


@dataclass(frozen=True, slots=True)
class Owner:
    """Who a submitted call belongs to, as the server decided; `enroll` writes rep -> team into the
    roster (an admin naming both, or a manager taking on a rep of no team)."""

    rep: str | None
    team: str | None
    enroll: bool = False


def decide_owner(
    session: Session, key: ApiKey | None, *, rep: str | None, team: str | None, deal_id: str | None
) -> Owner:
    """The rep and team a submission is recorded under, from the key and the roster.

    `key` None is the local operator (the CLI), trusted like an admin. Raises Forbidden when the key
    may not submit for that rep or team, Conflict when the deal id is another team's."""
    rep, team = (rep or None), (team or None)
    if key is None or key.role == "admin":
        owner = Owner(rep, team or team_of(session, rep), enroll=bool(rep and team))
    elif key.role == "rep":
        if rep not in (None, key.rep):
            raise Forbidden(f"a rep key may submit only {key.rep!r}'s calls")
        own_team = team_of(session, key.rep) or key.team
        if team not in (None, own_team):
            raise Forbidden(f"a rep key may not choose the team; {key.rep!r} is on {own_team or 'no team'}")
        owner = Owner(key.rep, own_team)
    elif key.role == "manager":
        if team not in (None, key.team):
            raise Forbidden(f"a manager key may submit only team {key.team!r}'s calls")
        rep_team = team_of(session, rep)
        if rep is not None and rep_team not in (None, key.team):
            raise Forbidden(f"rep {rep!r} is not in team {key.team!r}")
        owner = Owner(rep, key.team, enroll=rep is not None and rep_team is None)
    else:
        raise Forbidden(f"a {key.role} key may not submit calls")
    if deal_id and not (key is None or key.role == "admin"):
        check_deal(session, deal_id, owner.team)
    return owner


def deal_teams(session: Session, deal_id: str, *, exclude_call: str | None = None) -> set[str | None]:
    """The teams whose calls use `deal_id` (None for a call of no team)."""
    return {c.team for c in repo.call_teams(session, deal_id=deal_id) if c.call_id != exclude_call}


def check_deal(session: Session, deal_id: str, team: str | None, *, call_id: str | None = None) -> None:
    """Refuse a deal id that another team's calls use (a deal belongs to the team that created it)."""
    teams = deal_teams(session, deal_id, exclude_call=call_id)
    if teams and teams != {team}:
        raise Conflict(f"deal_id {deal_id!r} is in use by another team; use your own id for this deal")


def record_call_scope(
    session: Session,
    *,
    call_id: str,
    owner: Owner,
    deal_id: str | None = None,
    submitted_by: int | None = None,
) -> CallScope:
    """Fix who a call belongs to (at submission), as `decide_owner` decided."""
    if owner.enroll and owner.rep and owner.team:
        set_team(session, rep=owner.rep, team=owner.team)
    repo.save_call_owner(session, CallOwner(call_id, owner.rep, owner.team, deal_id, submitted_by))
    return CallScope(call_id, owner.rep, owner.team)


def _trusted_submitter(session: Session, submitted_by: int | None) -> bool:
    if submitted_by is None:  # the CLI, run by the operator
        return True
    key = repo.key_by_id(session, submitted_by)
    return key is not None and key.role == "admin"


def complete_call_scope(
    session: Session, *, call_id: str, rep: str | None, deal_id: str | None = None
) -> CallScope:
    """Once the transcript is read: a call submitted without a rep or deal takes the transcript's.

    The rules of submission hold here too: a rep of another team, or another team's deal id, fails
    the call (InputError) instead of joining that rep's coaching or that deal's history."""
    current = repo.call_owner(session, call_id)
    if current is None:
        owner = Owner(rep, team_of(session, rep))
        return record_call_scope(session, call_id=call_id, owner=owner, deal_id=deal_id)
    trusted = _trusted_submitter(session, current.submitted_by)
    new_rep, team, new_deal = current.rep, current.team, current.deal_id
    if new_rep is None and rep:
        rep_team = team_of(session, rep)
        if not trusted and team is not None and rep_team not in (None, team):
            raise InputError(f"the transcript's rep {rep!r} is not in team {team!r}")
        new_rep = rep
    if team is None and new_rep:
        team = team_of(session, new_rep)
    if deal_id and new_deal is None:
        if not trusted:
            try:
                check_deal(session, deal_id, team, call_id=call_id)
            except Conflict as exc:
                raise InputError(str(exc)) from None
        new_deal = deal_id
    repo.save_call_owner(session, CallOwner(call_id, new_rep, team, new_deal, current.submitted_by))
    return CallScope(call_id, new_rep, team)



def call_scope(session: Session, call_id: str) -> CallScope | None:
    owner = repo.call_owner(session, call_id)
    return CallScope(call_id, owner.rep, owner.team) if owner is not None else None


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


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What a key may read beyond single calls: alerts by subject, role-play sources by call.
    None means no limit (admin; enablement for role-plays, which it sees de-identified)."""

    reps: frozenset[str] | None
    deals: frozenset[str] | None
    call_ids: frozenset[str] | None
    deidentify: bool = False

    def allows_alert(self, subject_type: str, subject: str) -> bool:
        if subject_type == "rep":
            return self.reps is None or subject in self.reps
        if subject_type == "deal":
            return self.deals is None or subject in self.deals
        return self.reps is None and self.deals is None


@dataclass(frozen=True, slots=True)
class AlertScope:
    """The subjects of the alerts a key may read, for the alert query to apply: reps (None: any)
    and deals, as a set or as the rule :class:`TeamDeals` (None: any)."""

    reps: frozenset[str] | None
    deals: frozenset[str] | TeamDeals | None


def alert_scope(session: Session, key: ApiKey) -> AlertScope:
    """The alerts `key` may read: a rep their own and their team's deals that have a call of theirs,
    a manager their team's reps and deals; a deal only when every call of it is of that team. The
    deals stay a rule the alert query probes per alert (an inbox page reads a page, not every deal
    of a 10,000-call team); :func:`read_scope` lists them."""
    if key.role == "admin":
        return AlertScope(None, None)
    if key.role == "enablement":
        return AlertScope(frozenset(), frozenset())
    if key.role == "rep":
        team = team_of(session, key.rep) or key.team
        return AlertScope(frozenset({key.rep or ""}), TeamDeals(team, rep=key.rep or ""))
    if key.team is None:
        return AlertScope(frozenset(), frozenset())
    return AlertScope(frozenset(reps_in_team(session, key.team)), TeamDeals(key.team))


def read_scope(
    session: Session, key: ApiKey, *, enablement_identified: bool = False, sources: bool = True
) -> ReadScope:
    """The alerts and role-play sources `key` may read: the subjects of :func:`alert_scope`, its
    deals listed; a rep's role-play sources are their team's calls, a manager's their team's.

    ``sources=False`` for a reader of alerts only: the role-play sources of a rep or a manager (every
    call id of the team) are not read and left empty, which allows no source."""
    if key.role == "admin":
        return ReadScope(None, None, None)
    if key.role == "enablement":
        return ReadScope(frozenset(), frozenset(), None, deidentify=not enablement_identified)
    alerts = alert_scope(session, key)
    deals = alerts.deals
    if isinstance(deals, TeamDeals):
        deals = frozenset(repo.team_pure_deals(session, deals.team, rep=deals.rep))
    ids: list[str] = []
    if sources and key.role == "rep":
        team = team_of(session, key.rep) or key.team
        ids = repo.call_ids_of(session, team=team) if team else repo.call_ids_of(session, rep=key.rep)
    elif sources and key.team is not None:
        ids = repo.call_ids_of(session, team=key.team)
    return ReadScope(alerts.reps, deals, frozenset(ids))


def listing_scope(key: ApiKey) -> tuple[str | None, str | None]:
    """The (rep, team) a call listing is limited to for `key` (None: no limit on that field).

    A rep lists their own calls, a manager their team's; enablement lists every team's calls
    (other teams' only as summaries, see :func:`visibility`), admin everything."""
    if key.role == "rep":
        return key.rep or "", None
    if key.role == "manager":
        return None, key.team or ""
    return None, None

