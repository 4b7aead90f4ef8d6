"""Repository functions for the call list and the team trends: reads over the coach stage's
per-call metrics (``call_metrics``) joined to the calls, their owners and the roster.

Who may see what is decided by ``callcoach.services.access``; callers pass the scope in. A
call's team is :func:`callcoach.storage.access.call_team_column`'s rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, union_all
from sqlalchemy.orm import Session

from callcoach.storage.access import call_team_column, call_team_is
from callcoach.storage.access_models import CallAccessRow, TeamMemberRow
from callcoach.storage.calls import translated
from callcoach.storage.coaching_models import CallMetricsRow
from callcoach.storage.models import CallRow, JobRow, UtteranceRow

# Deals offered in the call list's filter: the first ones by name.
LISTED_DEALS = 500


@dataclass(frozen=True, slots=True)
class ListedCall:
    """One call of the call list, with its stored metrics."""

    call_id: str
    title: str | None
    rep: str | None
    team: str | None
    deal_id: str | None
    started_at: datetime | None
    duration_s: float
    metrics: dict[str, float | None]


def _metric(name: str) -> Any:
    """One metric of the stored ``values`` document as a SQL float (json_extract / ->>)."""
    return CallMetricsRow.values[name].as_float()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


@translated("listing calls")
def listed_calls(
    session: Session,
    *,
    metrics: Sequence[str],
    scope_rep: str | None = None,
    scope_team: str | None = None,
    search: str | None = None,
    search_words_of_team: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    deal_id: str | None = None,
    rep: str | None = None,
    score_range: tuple[str, float, float] | None = None,
    limit: int,
    offset: int,
) -> tuple[list[ListedCall], int, list[str]]:
    """(a page of the analysed calls with a job, newest call first, with `metrics`; how many match;
    the deals of the calls in scope, by name, at most LISTED_DEALS).

    `scope_rep` / `scope_team`: only that rep's / team's calls. `search`: a case-insensitive
    substring of the title or of the transcript text; `search_words_of_team` (not None) limits the
    transcript-text match to that team's calls. `score_range`: (metric, low, high), low <= value < high."""
    team = call_team_column()
    rep_col = func.coalesce(CallRow.rep, CallAccessRow.rep)
    # Calls with a job row: the ones the call page opens (jobs.read_call), whichever door stored them.
    base = (
        select(CallRow.id)
        .join(JobRow, JobRow.call_id == CallRow.call_id)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
        .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
        .outerjoin(CallMetricsRow, CallMetricsRow.call_id == CallRow.call_id)
    )
    if scope_rep is not None:
        base = base.where(rep_col == scope_rep)
    if scope_team is not None:
        base = base.where(call_team_is(scope_team))
    deals_stmt = base.with_only_columns(CallRow.deal_id).where(CallRow.deal_id.is_not(None)).distinct()
    if search:
        pattern = _like(search.strip())
        said: Any = exists().where(
            UtteranceRow.call_pk == CallRow.id, UtteranceRow.text.ilike(pattern, escape="\\")
        )
        if search_words_of_team is not None:
            said = and_(said, team == search_words_of_team)
        base = base.where(or_(CallRow.title.ilike(pattern, escape="\\"), said))
    if since is not None:
        base = base.where(CallRow.started_at >= since)
    if until is not None:
        base = base.where(CallRow.started_at < until)
    if deal_id:
        base = base.where(CallRow.deal_id == deal_id)
    if rep:
        base = base.where(rep_col == rep)
    if score_range is not None:
        name, low, high = score_range
        score = _metric(name)
        base = base.where(score >= low, score < high)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    order = (CallRow.started_at.desc().nulls_last(), CallRow.id.desc())
    # The page's calls first, by cheap columns; their metrics after: PostgreSQL would otherwise read
    # every listed call's metrics document (a `json` parse per metric and call) before the LIMIT.
    page_ids = base.with_only_columns(CallRow.id).order_by(*order).limit(limit).offset(offset)
    page = base.with_only_columns(
        CallRow.call_id,
        CallRow.title,
        rep_col,
        team,
        CallRow.deal_id,
        CallRow.started_at,
        CallRow.duration_s,
        *(_metric(m) for m in metrics),
    ).where(CallRow.id.in_(page_ids.scalar_subquery())).order_by(*order)
    items = []
    for row in session.execute(page):
        call_id, title, rep_, team_, deal, started, duration = row[:7]
        items.append(ListedCall(call_id, title, rep_, team_, deal, started, duration,
                                metrics=dict(zip(metrics, row[7:], strict=True))))
    deals_page = deals_stmt.order_by(CallRow.deal_id).limit(LISTED_DEALS)
    deals = sorted(str(d) for (d,) in session.execute(deals_page))
    return items, total, deals


@translated("reading team trends")
def coached_call_counts(session: Session, *, reps: Sequence[str]) -> dict[str, int]:
    """rep -> how many of their calls were coached (have stored metrics)."""
    return {
        str(rep): int(n)
        for rep, n in session.connection().execute(
            select(CallMetricsRow.rep, func.count())
            .where(CallMetricsRow.rep.in_(reps))
            .group_by(CallMetricsRow.rep)
        ).all()
    }


@translated("reading team trends")
def latest_team_metrics(
    session: Session, *, team: str, reps: Sequence[str], limit: int
) -> dict[str, list[tuple[datetime | None, dict[str, Any]]]]:
    """rep -> (started_at, stored metrics) of each of `reps`' `limit` latest coached calls of
    `team`, oldest first. One statement (a round trip per rep costs more than its query on a busy
    server): a UNION ALL of one walk of the ``(rep, started_at, call_id)`` index per rep, each
    stopping after `limit` rows."""
    if not reps:
        return {}
    m = CallMetricsRow
    branches = [
        select(
            select(m.rep, m.started_at, m.call_id, m.values)
            .join(CallRow, CallRow.call_id == m.call_id)
            .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
            .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
            .where(m.rep == rep, call_team_is(team))
            .order_by(m.started_at.desc(), m.call_id.desc())
            .limit(limit)
            .subquery()
        )
        for rep in reps
    ]
    out: dict[str, list[tuple[datetime | None, dict[str, Any]]]] = {rep: [] for rep in reps}
    rows = session.connection().execute(union_all(*branches)).all()
    # UNION ALL keeps no order: each rep's rows back into call order.
    for rep, started_at, _, values in sorted(rows, key=lambda r: (r[0], _call_order(r[1]), r[2])):
        out[rep].append((started_at, dict(values or {})))
    return out


def _call_order(started_at: datetime | None) -> tuple[int, datetime]:
    return (0, datetime.min.replace(tzinfo=UTC)) if started_at is None else (1, started_at)
