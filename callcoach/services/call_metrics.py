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

from callcoach.services import access
from callcoach.services.access import ApiKey
from callcoach.storage import Session
from callcoach.storage import access as access_store
from callcoach.storage import call_metrics as store
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


def browse(session: Session, key: ApiKey, filters: CallFilters, *, limit: int, offset: int) -> CallPage:
    """The analysed calls `key` may list, newest call first, with their indicators."""
    scope_rep, scope_team = access.listing_scope(key)
    band = SCORE_BANDS.get(filters.band) if filters.band else None
    items, total, deals = store.listed_calls(
        session,
        metrics=STORED_METRICS,
        scope_rep=scope_rep,
        scope_team=scope_team,
        search=filters.search,
        # Transcript text of another team's call is not enablement's to read, nor to search.
        search_words_of_team=(key.team or "") if key.role == "enablement" else None,
        since=filters.since,
        until=filters.until,
        deal_id=filters.deal_id,
        rep=filters.rep,
        score_range=("discovery_score", *band) if band is not None else None,
        limit=limit,
        offset=offset,
    )
    rows = [
        CallRowView(
            call_id=c.call_id,
            title=c.title,
            rep=c.rep,
            team=c.team,
            deal_id=c.deal_id,
            started_at=c.started_at,
            duration_s=c.duration_s,
            metrics=c.metrics,
            visibility=access.visibility(key, access.CallScope(c.call_id, c.rep, c.team)),
        )
        for c in items
    ]
    return CallPage(items=rows, total=total, limit=limit, offset=offset, deals=deals)


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
    counts = store.coached_call_counts(session, reps=roster)
    latest = store.latest_team_metrics(session, team=team, reps=roster, limit=TREND_CALLS)
    reps: dict[str, RepTrend] = {}
    for rep in roster:
        trend = reps[rep] = RepTrend(rep=rep, calls=counts.get(rep, 0), series={})
        for started_at, values in latest[rep]:
            for name in TEAM_INDICATORS:
                value = values.get(name)
                if isinstance(value, int | float):
                    trend.series.setdefault(name, []).append((started_at, float(value)))
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
    return access_store.teams(session)
