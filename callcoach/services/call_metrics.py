"""The call list and the team trends, read through the coach stage's per-call metrics.

``call_metrics`` (``callcoach.storage.coaching_models.CallMetricsRow``) holds every coached call's
coaching metrics (``coaching.metrics.METRICS``, written by the coach stage): the team page reads
10,000 calls' numbers without parsing 10,000 analysis documents, and a number here means what it
means in coaching.

Who sees what is ``callcoach.services.access``'s rule (``listing_scope``, ``visibility``; a call's
team is ``callcoach.storage.access.call_team_column``); nothing here decides access on its own.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import Session

from callcoach.services import access
from callcoach.services.access import ApiKey
from callcoach.storage.access import call_team_column
from callcoach.storage.access_models import CallAccessRow, TeamMemberRow
from callcoach.storage.coaching_models import CallMetricsRow
from callcoach.storage.models import CallRow, JobRow, UtteranceRow
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


def _metric(name: str) -> Any:
    """One metric of the stored ``values`` document as a SQL float (json_extract / ->>)."""
    return CallMetricsRow.values[name].as_float()


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def browse(session: Session, key: ApiKey, filters: CallFilters, *, limit: int, offset: int) -> CallPage:
    """The analysed calls `key` may list, newest call first, with their indicators."""
    team = call_team_column()
    rep = func.coalesce(CallRow.rep, CallAccessRow.rep)
    # Calls with a job row: the ones the call page opens (jobs.read_call), whichever door stored them.
    base = (
        select(CallRow.id)
        .join(JobRow, JobRow.call_id == CallRow.call_id)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
        .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
        .outerjoin(CallMetricsRow, CallMetricsRow.call_id == CallRow.call_id)
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
        score = _metric("discovery_score")
        base = base.where(score >= low, score < high)
    total = int(session.scalar(select(func.count()).select_from(base.subquery())) or 0)
    page = base.with_only_columns(
        CallRow.call_id,
        CallRow.title,
        rep,
        team,
        CallRow.deal_id,
        CallRow.started_at,
        CallRow.duration_s,
        *(_metric(m) for m in STORED_METRICS),
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
    """Each rep of `team` (the roster) with their latest TREND_CALLS calls of the team and those calls'
    indicators, and the team's median and top quartile of the reps' averages over those calls (the
    reference lines of the team page). ``calls`` is the rep's count of analysed calls."""
    roster = access.reps_in_team(session, team)
    call_team = call_team_column()
    conn = session.connection()
    latest = (
        select(CallMetricsRow.started_at, CallMetricsRow.values)
        .join(CallRow, CallRow.call_id == CallMetricsRow.call_id)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == CallRow.call_id)
        .outerjoin(TeamMemberRow, TeamMemberRow.rep == CallRow.rep)
        .order_by(CallMetricsRow.started_at.desc(), CallMetricsRow.call_id.desc())
        .limit(TREND_CALLS)
    )
    counts = dict(
        conn.execute(
            select(CallMetricsRow.rep, func.count())
            .where(CallMetricsRow.rep.in_(roster))
            .group_by(CallMetricsRow.rep)
        ).all()
    )
    reps: dict[str, RepTrend] = {}
    for rep in roster:
        trend = reps[rep] = RepTrend(rep=rep, calls=int(counts.get(rep, 0)), series={})
        # One short walk of the (rep, started_at) index per rep: the latest calls of this team.
        for row in reversed(conn.execute(latest.where(CallMetricsRow.rep == rep, call_team == team)).all()):
            for name in TEAM_INDICATORS:
                value = (row.values or {}).get(name)
                if isinstance(value, int | float):
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
