"""Repository functions for access: API keys, the team roster, each call's owner and deal.

Keyword-light functions over a caller's ``Session`` (never committing) that return plain records,
never rows; the rules (who may see what) live in ``callcoach.services.access``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal, cast

from sqlalchemy import and_, case, func, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from callcoach.storage.access_models import ApiKeyRow, CallAccessRow, TeamMemberRow
from callcoach.storage.calls import translated
from callcoach.storage.models import CallRow

Role = Literal["rep", "manager", "enablement", "admin"]


@dataclass(frozen=True, slots=True)
class ApiKey:
    """An authenticated caller: the key's role and the rep or team it speaks for."""

    id: int
    role: Role
    rep: str | None = None
    team: str | None = None
    prefix: str = ""


@dataclass(frozen=True, slots=True)
class StoredKey:
    key: ApiKey
    key_hash: str
    revoked: bool


@dataclass(frozen=True, slots=True)
class CallOwner:
    """A call's recorded owner: its rep, team and deal, and the key that submitted it."""

    call_id: str
    rep: str | None
    team: str | None
    deal_id: str | None
    submitted_by: int | None


@dataclass(frozen=True, slots=True)
class CallTeam:
    """One call's rep, deal and team (its recorded team, else its rep's roster team)."""

    call_id: str
    rep: str | None
    deal_id: str | None
    team: str | None


@dataclass(frozen=True, slots=True)
class KeyListing:
    """A key as the admin page lists it: its shown prefix and scope, never the key."""

    id: int
    prefix: str
    role: str
    rep: str | None
    team: str | None
    label: str | None
    created_at: datetime
    revoked_at: datetime | None


def _to_key(row: ApiKeyRow) -> ApiKey:
    return ApiKey(id=row.id, role=cast(Role, row.role), rep=row.rep, team=row.team, prefix=row.prefix)


@translated("storing the key")
def insert_key(session: Session, *, key_hash: str, prefix: str, role: str, rep: str | None,
               team: str | None, label: str | None) -> ApiKey:
    row = ApiKeyRow(key_hash=key_hash, prefix=prefix, role=role, rep=rep, team=team, label=label)
    session.add(row)
    session.flush()
    return _to_key(row)


@translated("reading the key")
def key_by_hash(session: Session, key_hash: str) -> StoredKey | None:
    row = session.scalars(select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash)).first()
    if row is None:
        return None
    return StoredKey(_to_key(row), row.key_hash, row.revoked_at is not None)


@translated("reading the key")
def key_by_id(session: Session, key_id: int) -> ApiKey | None:
    row = session.get(ApiKeyRow, key_id)
    return _to_key(row) if row is not None else None


@translated("listing keys")
def key_listing(session: Session) -> list[KeyListing]:
    """Every key, active first, newest first."""
    rows = session.scalars(
        select(ApiKeyRow).order_by(
            ApiKeyRow.revoked_at.is_not(None), ApiKeyRow.created_at.desc(), ApiKeyRow.id.desc()
        )
    )
    return [
        KeyListing(r.id, r.prefix, r.role, r.rep, r.team, r.label, r.created_at, r.revoked_at) for r in rows
    ]


@translated("revoking keys")
def revoke_keys(session: Session, prefix: str) -> int:
    """Revoke every active key whose shown prefix is `prefix`; how many were revoked."""
    rows = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.prefix == prefix, ApiKeyRow.revoked_at.is_(None))
    ).all()
    for row in rows:
        row.revoked_at = datetime.now(UTC)
    return len(rows)


@translated("updating the roster")
def set_team(session: Session, *, rep: str, team: str) -> None:
    row = session.get(TeamMemberRow, rep)
    if row is None:
        session.add(TeamMemberRow(rep=rep, team=team))
    elif row.team != team:
        row.team = team


@translated("reading the roster")
def team_of(session: Session, rep: str | None) -> str | None:
    if not rep:
        return None
    row = session.get(TeamMemberRow, rep)
    return row.team if row is not None else None


@translated("reading the roster")
def reps_in_team(session: Session, team: str) -> list[str]:
    return list(session.scalars(
        select(TeamMemberRow.rep).where(TeamMemberRow.team == team).order_by(TeamMemberRow.rep)))


@translated("reading the roster")
def roster(session: Session, *, reps: Collection[str] | None = None) -> dict[str, str]:
    """Every rep with their team (only `reps`' when given)."""
    stmt = select(TeamMemberRow.rep, TeamMemberRow.team)
    if reps is not None:
        if not reps:
            return {}
        stmt = stmt.where(TeamMemberRow.rep.in_(sorted(reps)))
    return {rep: team for rep, team in session.execute(stmt)}


@translated("reading the roster")
def teams(session: Session) -> list[str]:
    """Every team of the roster, by name."""
    return list(session.scalars(select(TeamMemberRow.team).distinct().order_by(TeamMemberRow.team)))


@translated("reading the call's owner")
def call_owner(session: Session, call_id: str) -> CallOwner | None:
    row = session.get(CallAccessRow, call_id)
    if row is None:
        return None
    return CallOwner(call_id, row.rep, row.team, row.deal_id, row.submitted_by)


@translated("recording the call's owner")
def save_call_owner(session: Session, owner: CallOwner) -> None:
    """Insert or replace a call's owner record."""
    row = session.get(CallAccessRow, owner.call_id)
    if row is None:
        row = CallAccessRow(call_id=owner.call_id)
        session.add(row)
    row.rep, row.team, row.deal_id = owner.rep, owner.team, owner.deal_id
    row.submitted_by = owner.submitted_by


def call_team_column() -> Any:
    """A call's team as a SQL expression, the rule of :func:`call_teams`: the team recorded at
    submission, else (a call stored by another door) its rep's roster team. For queries that
    outer-join ``call_access`` on the call id and ``team_members`` on the call's rep."""
    return case((CallAccessRow.call_id.is_not(None), CallAccessRow.team), else_=TeamMemberRow.team)


def call_team_is(team: str) -> Any:
    """SQL: the call's team (:func:`call_team_column`) is `team`, for the same outer joins. Spelled
    as an OR of plain column tests rather than a CASE: PostgreSQL estimates those from the column
    statistics (a CASE gets a fixed 0.5%), so a rep's latest calls of a team stay an index walk."""
    return or_(
        CallAccessRow.team == team,
        and_(CallAccessRow.call_id.is_(None), TeamMemberRow.team == team),
    )


# "No team" in comparisons: team names are never empty (keys and submissions strip them and turn
# "" into None), so "" cannot collide with a real team.
_NO_TEAM = ""
# A filter left out (None is a filter of its own: calls of no team, or of no rep).
_ANY: Any = object()
_CALL_TEAM_COLUMNS = ("call_id", "rep", "deal_id", "team")


def _call_teams_query(  # type: ignore[no-untyped-def]
    *,
    team: Any = _ANY,
    rep: Any = _ANY,
    deal_id: str | None = None,
    columns: tuple[str, ...] = _CALL_TEAM_COLUMNS,
):
    """The rule of :func:`call_teams` as one UNION ALL of two disjoint branches, each filtered before
    the union so that a team's, a rep's or a deal's calls are index lookups (``call_access.team``,
    ``.rep``, ``.deal_id``; ``team_members.team``, ``calls.rep``, ``calls.deal_id``), not a pass over
    every call. Only `columns` are selected: a team's deals come from the ``(team, deal_id)`` index
    alone. Submitted calls carry their recorded scope; calls stored by another door only a rep,
    whose roster team stands in."""
    of_submitted = {
        "call_id": CallAccessRow.call_id,
        "rep": CallAccessRow.rep,
        "deal_id": CallAccessRow.deal_id,
        "team": CallAccessRow.team,
    }
    of_stored = {
        "call_id": CallRow.call_id,
        "rep": CallRow.rep,
        "deal_id": CallRow.deal_id,
        "team": TeamMemberRow.team,
    }
    submitted = select(*(of_submitted[c] for c in columns))
    stored = (
        select(*(of_stored[c] for c in columns))
        .select_from(CallRow)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
        .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
        .where(CallAccessRow.call_id.is_(None))
    )
    if team is not _ANY:
        submitted = submitted.where(_equals(CallAccessRow.team, team))
        stored = stored.where(_equals(TeamMemberRow.team, team))
    if rep is not _ANY:
        submitted = submitted.where(_equals(CallAccessRow.rep, rep))
        stored = stored.where(_equals(CallRow.rep, rep))
    if deal_id is not None:
        submitted = submitted.where(CallAccessRow.deal_id == deal_id)
        stored = stored.where(CallRow.deal_id == deal_id)
    return union_all(submitted, stored).subquery()


def _equals(column: Any, value: str | None) -> Any:
    return column.is_(None) if value is None else column == value


def _other_team(column: Any, team: str | None) -> Any:
    return func.coalesce(column, _NO_TEAM) != (team if team is not None else _NO_TEAM)


@translated("reading call teams")
def call_teams(session: Session, *, deal_id: str | None = None) -> list[CallTeam]:
    """Every call's rep, deal and team (only `deal_id`'s calls when given)."""
    q = _call_teams_query(deal_id=deal_id)
    stmt = select(q.c.call_id, q.c.rep, q.c.deal_id, q.c.team)
    # Core execution on the session's connection: plain tuples for every call, without the ORM's
    # per-row processing (several times the query's own cost at 10,000 calls).
    return [CallTeam(*r) for r in session.connection().execute(stmt).all()]


@dataclass(frozen=True, slots=True)
class TeamDeals:
    """The deals every call of which is `team`'s (None: of no team) and, with `rep`, one of them the
    rep's: a deal scope as a rule, for a query to apply per row (:meth:`condition`) instead of
    reading every deal of the team out first (:func:`team_pure_deals` lists them)."""

    team: str | None
    rep: str | None = None

    def condition(self, deal: Any) -> Any:
        """SQL, true where `deal` (a column of the caller's query, such as an alert's subject) is
        one of these deals: a few index probes per row."""
        return and_(_has_call_of(deal, self.team, self.rep), ~_has_call_of_another_team(deal, self.team))


def _has_call_of(deal: Any, team: str | None, rep: str | None) -> Any:
    return _deal_has_call(deal, lambda t: _equals(t, team), rep)


def _has_call_of_another_team(deal: Any, team: str | None) -> Any:
    return _deal_has_call(deal, lambda t: _other_team(t, team), None)


def _deal_has_call(deal: Any, team_test: Callable[[Any], Any], rep: str | None) -> Any:
    """SQL: `deal` has a call whose team (by the rule of :func:`call_teams`) passes `team_test`, and
    of `rep` when given. EXISTS selects the indexed deal id: a submitted call's check reads the
    ``(deal_id, team)`` index alone."""
    access, call, member = aliased(CallAccessRow), aliased(CallRow), aliased(TeamMemberRow)
    stored_access = aliased(CallAccessRow)
    submitted = select(access.deal_id).where(access.deal_id == deal, team_test(access.team))
    stored = (
        select(call.deal_id)
        .outerjoin(stored_access, stored_access.call_id == call.call_id)
        .outerjoin(member, member.rep == call.rep)
        .where(call.deal_id == deal, stored_access.call_id.is_(None), team_test(member.team))
    )
    if rep is not None:
        submitted = submitted.where(access.rep == rep)
        stored = stored.where(call.rep == rep)
    return or_(submitted.exists(), stored.exists())


@translated("reading a team's deals")
def team_pure_deals(session: Session, team: str | None, *, rep: str | None = None) -> list[str]:
    """Deals every call of which is `team`'s (`None`: of no team); only deals with a call of `rep`
    when given (:class:`TeamDeals`). The deals of the team's (or the rep's) calls, less those with a
    call of another team: index lookups per deal, not a GROUP BY over every call."""
    mine = _call_teams_query(team=team, rep=_ANY if rep is None else rep, columns=("deal_id",))
    candidates = select(mine.c.deal_id).where(mine.c.deal_id.is_not(None)).distinct().subquery()
    stmt = select(candidates.c.deal_id).where(~_has_call_of_another_team(candidates.c.deal_id, team))
    return [str(d) for d in session.connection().execute(stmt).scalars()]


@translated("reading a team's calls")
def call_ids_of(session: Session, *, team: str | None = None, rep: str | None = None) -> list[str]:
    """Ids of the calls of `team` (by the rule of :func:`call_teams`), or of `rep` when no team."""
    q = (
        _call_teams_query(team=team, columns=("call_id",))
        if team is not None
        else _call_teams_query(rep=rep, columns=("call_id",))
    )
    return [str(c) for c in session.connection().execute(select(q.c.call_id)).scalars()]
