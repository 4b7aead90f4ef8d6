"""The call list and the team trends: analysed calls read through a compact metrics table.

``call_metrics`` holds each analysed call's leading indicators as columns (read with the coaching
package's metric registry, so a number here means what it means in coaching). :func:`sync` brings
it up to date before a read: one anti-join finds calls analysed since their row was written, so
the team page reads 10,000 calls' numbers without parsing 10,000 analysis documents.

Who sees what is ``callcoach.services.access``'s rule (``listing_scope``, ``visibility``; a call's
team is ``callcoach.storage.access.call_team_column``); nothing here decides access on its own.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcoach.services import access
from callcoach.services.access import ApiKey
from callcoach.storage.access import call_team_column
from callcoach.storage.access_models import CallAccessRow, TeamMemberRow
from callcoach.storage.models import AnalysisRow, CallRow, JobRow, UtteranceRow
from callcoach.storage.web_models import CallMetricsRow
from coaching.calls import CallView
from coaching.metrics import METRICS

# The indicators stored per call: name in call_metrics = name in coaching.metrics.METRICS.
STORED_METRICS: tuple[str, ...] = (
    "discovery_score",
    "questions",
    "talk_ratio",
    "next_step_clarity",
    "buyer_sentiment",
    "stakeholders",
    "objections",
)
# Score bands of the call list, on the discovery score (0..100). 50 is the default playbook's
# line under which the discovery-depth prompt fires; 75 and above is a call to learn from.
SCORE_BANDS: dict[str, tuple[float, float]] = {
    "low": (0.0, 50.0),
    "mid": (50.0, 75.0),
    "high": (75.0, 100.01),
}
# A rep's trend line shows their latest calls: enough to see a direction, few enough to read.
TREND_CALLS = 20
# Leading indicators on the team page, in reading order.
TEAM_INDICATORS: tuple[str, ...] = (
    "discovery_score",
    "questions",
    "next_step_clarity",
    "buyer_sentiment",
    "stakeholders",
    "talk_ratio",
)
# Gong Labs' reference bands (published analyses of won B2B calls): reps of won deals talk about
# 43% of the time (43:57), and 11-14 questions per discovery call correlate with success.
REFERENCE_BANDS: dict[str, tuple[float, float]] = {
    "talk_ratio": (0.43, 0.43),
    "questions": (11.0, 14.0),
}
# Rows written per sync transaction (bounded memory when 10,000 calls are new at once).
SYNC_BATCH = 500

_INSERTS: dict[str, Callable[..., Any]] = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def metric_values(analysis: dict[str, Any]) -> dict[str, float | None]:
    """The stored indicators of one analysis, read by the coaching metric registry."""
    view = CallView(
        call_id="", rep=None, deal_id=None, started_at=None, signals=analysis.get("signals") or {}
    )
    return {name: METRICS[name].read(view) for name in STORED_METRICS}


def sync(session: Session) -> int:
    """Write the metrics of every call analysed since its metrics row was written; returns how many."""
    stale = (
        select(CallRow.id, CallRow.updated_at, CallRow.rep, CallRow.started_at, AnalysisRow.analysis)
        .join(AnalysisRow, AnalysisRow.call_pk == CallRow.id)
        .outerjoin(CallMetricsRow, CallMetricsRow.call_pk == CallRow.id)
        .where(or_(CallMetricsRow.call_pk.is_(None), CallMetricsRow.source_updated_at < CallRow.updated_at))
        .limit(SYNC_BATCH)
    )
    written = 0
    insert = _INSERTS.get(session.get_bind().dialect.name)
    while rows := session.execute(stale).all():
        values = [
            {
                "call_pk": pk,
                "source_updated_at": updated,
                "rep": rep,
                "started_at": started,
                **metric_values(analysis or {}),
            }
            for pk, updated, rep, started, analysis in rows
        ]
        if insert is not None:
            stmt = insert(CallMetricsRow).values(values)
            # Two pages syncing at once write the same rows: the later one wins, both are equal.
            stmt = stmt.on_conflict_do_update(
                index_elements=["call_pk"],
                set_={c: getattr(stmt.excluded, c) for c in values[0] if c != "call_pk"},
            )
            session.execute(stmt)
        else:  # another database: no upsert, merge row by row
            for v in values:
                session.merge(CallMetricsRow(**v))
        session.flush()
        written += len(values)
        if len(rows) < SYNC_BATCH:
            break
    return written


# --------------------------------------------------------------------------------------------
# The call list


@dataclass(frozen=True, slots=True)
class CallFilters:
    """What the call list is narrowed to; every field optional."""

    search: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    deal_id: str | None = None
    band: str | None = None
    rep: str | None = None


@dataclass(frozen=True, slots=True)
class CallRowView:
    call_id: str
    title: str | None
    rep: str | None
    team: str | None
    deal_id: str | None
    started_at: datetime | None
    duration_s: float
    metrics: dict[str, float | None]
    visibility: access.Visibility


@dataclass
class CallPage:
    items: list[CallRowView]
    total: int
    limit: int
    offset: int
    deals: list[str] = field(default_factory=list)


def _scoped(key: ApiKey, stmt: Select[Any], team: Any, rep: Any) -> Select[Any]:
    scope_rep, scope_team = access.listing_scope(key)
    if scope_rep is not None:
        stmt = stmt.where(rep == scope_rep)
    if scope_team is not None:
        stmt = stmt.where(team == scope_team)
    return stmt


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def browse(session: Session, key: ApiKey, filters: CallFilters, *, limit: int, offset: int) -> CallPage:
    """The analysed calls `key` may list, newest call first, with their indicators."""
    sync(session)
    team = call_team_column()
    rep = func.coalesce(CallRow.rep, CallAccessRow.rep)
    # Calls with a job row: the ones the call page opens (jobs.read_call), whichever door stored them.
    base = (
        select(CallRow.id)
        .join(JobRow, JobRow.call_id == CallRow.call_id)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
        .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
        .outerjoin(CallMetricsRow, CallMetricsRow.call_pk == CallRow.id)
    )
    base = _scoped(key, base, team, rep)
    deals_stmt = base.with_only_columns(CallRow.deal_id).where(CallRow.deal_id.is_not(None)).distinct()
    if filters.search:
        pattern = _like(filters.search.strip())
        said = exists().where(
            UtteranceRow.call_pk == CallRow.id, UtteranceRow.text.ilike(pattern, escape="\\")
        )
        if key.role == "enablement":
            # Transcript text of another team's call is not enablement's to read, nor to search.
            said = and_(said, team == (key.team or ""))
        base = base.where(or_(CallRow.title.ilike(pattern, escape="\\"), said))
    if filters.since is not None:
        base = base.where(CallRow.started_at >= filters.since)
    if filters.until is not None:
        base = base.where(CallRow.started_at < filters.until)
    if filters.deal_id:
        base = base.where(CallRow.deal_id == filters.deal_id)
    if filters.rep:
        base = base.where(rep == filters.rep)
    if filters.band in SCORE_BANDS:
        low, high = SCORE_BANDS[filters.band]
        base = base.where(CallMetricsRow.discovery_score >= low, CallMetricsRow.discovery_score < high)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    page = base.with_only_columns(
        CallRow.call_id,
        CallRow.title,
        rep,
        team,
        CallRow.deal_id,
        CallRow.started_at,
        CallRow.duration_s,
        *(getattr(CallMetricsRow, m) for m in STORED_METRICS),
    ).order_by(CallRow.started_at.desc().nulls_last(), CallRow.id.desc())
    items = []
    for row in session.execute(page.limit(limit).offset(offset)):
        call_id, title, rep_, team_, deal, started, duration = row[:7]
        scope = access.CallScope(call_id, rep_, team_)
        items.append(
            CallRowView(
                call_id=call_id,
                title=title,
                rep=rep_,
                team=team_,
                deal_id=deal,
                started_at=started,
                duration_s=duration,
                metrics=dict(zip(STORED_METRICS, row[7:], strict=True)),
                visibility=access.visibility(key, scope),
            )
        )
    deals = sorted(d for (d,) in session.execute(deals_stmt.order_by(CallRow.deal_id).limit(500)))
    return CallPage(items=items, total=total, limit=limit, offset=offset, deals=deals)


# --------------------------------------------------------------------------------------------
# Team trends


@dataclass
class Indicator:
    name: str
    label: str
    unit: str
    higher_is_better: bool
    team_median: float | None
    top_quartile: float | None
    band: tuple[float, float] | None


@dataclass
class RepTrend:
    rep: str
    calls: int
    # name -> [(started_at, value)], oldest first, at most TREND_CALLS points.
    series: dict[str, list[tuple[datetime | None, float]]]

    def latest(self, name: str) -> float | None:
        points = self.series.get(name) or []
        return points[-1][1] if points else None

    def mean(self, name: str) -> float | None:
        points = self.series.get(name) or []
        return statistics.fmean(v for _, v in points) if points else None


@dataclass
class TeamTrends:
    team: str
    reps: list[RepTrend]
    indicators: list[Indicator]


def _quartile(values: Sequence[float], higher_is_better: bool) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    q1, _, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q3 if higher_is_better else q1


def team_trends(session: Session, team: str) -> TeamTrends:
    """Each rep of `team` with their latest TREND_CALLS calls' indicators, and the team's median and
    top quartile of the reps' averages over those calls (the reference lines of the team page)."""
    sync(session)
    call_team = call_team_column()
    rank = (
        func.row_number()
        .over(partition_by=CallMetricsRow.rep, order_by=(CallMetricsRow.started_at.desc(), CallRow.id.desc()))
        .label("rank")
    )
    per_rep = (
        select(
            CallMetricsRow.rep,
            CallMetricsRow.started_at,
            *(getattr(CallMetricsRow, m) for m in TEAM_INDICATORS),
            rank,
        )
        .join(CallRow, CallRow.id == CallMetricsRow.call_pk)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
        .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
        .where(call_team == team, CallMetricsRow.rep.is_not(None))
        .subquery()
    )
    counts = dict(
        session.execute(
            select(CallMetricsRow.rep, func.count())
            .join(CallRow, CallRow.id == CallMetricsRow.call_pk)
            .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
            .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
            .where(call_team == team)
            .group_by(CallMetricsRow.rep)
        ).all()
    )
    rows = session.execute(
        select(per_rep).where(per_rep.c.rank <= TREND_CALLS).order_by(per_rep.c.rep, per_rep.c.started_at)
    ).all()
    reps: dict[str, RepTrend] = {
        r: RepTrend(rep=r, calls=int(counts.get(r, 0)), series={}) for r in access.reps_in_team(session, team)
    }
    for row in rows:
        trend = reps.setdefault(row.rep, RepTrend(rep=row.rep, calls=int(counts.get(row.rep, 0)), series={}))
        for name in TEAM_INDICATORS:
            value = getattr(row, name)
            if value is not None:
                trend.series.setdefault(name, []).append((row.started_at, float(value)))
    indicators = []
    for name in TEAM_INDICATORS:
        m = METRICS[name]
        means = [v for t in reps.values() if (v := t.mean(name)) is not None]
        higher = m.direction == "higher_is_better"
        indicators.append(
            Indicator(
                name=name,
                label=m.label,
                unit=m.unit,
                higher_is_better=higher,
                team_median=statistics.median(means) if means else None,
                top_quartile=_quartile(means, higher),
                band=REFERENCE_BANDS.get(name),
            )
        )
    return TeamTrends(team=team, reps=sorted(reps.values(), key=lambda t: t.rep), indicators=indicators)


def teams(session: Session) -> list[str]:
    """Every team of the roster (an admin picks one on the team page)."""
    return list(session.scalars(select(TeamMemberRow.team).distinct().order_by(TeamMemberRow.team)))
