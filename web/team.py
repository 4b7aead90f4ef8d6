"""/team (trend lines per rep and leading indicator, the alerts inbox), /team/reps/{rep} (a rep's
calls, prompts, practice and outcomes), and the inbox's acknowledge and resolve actions."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, HTTPException, Query, Request, status
from fastapi.responses import RedirectResponse, Response

from callcoach.errors import NotFound
from callcoach.services import access, inbox, practice
from callcoach.services import coaching as coaching_service
from callcoach.services.call_metrics import (
    CallFilters,
    Indicator,
    RepTrend,
    browse,
    team_trends,
    teams,
)
from callcoach.services.coaching_stage import roster_from_teams
from web.auth import DbDep, FormViewerDep, SettingsDep, Viewer, require
from web.charts import Chart, line_chart
from web.render import metric_value, page

router = APIRouter()

ManagerDep = Annotated[Viewer, Depends(require("manager", "admin", "enablement"))]
# Notices after an action: fixed texts chosen by a code (a query parameter never becomes page text).
NOTICES = {"acknowledged": "Alert acknowledged.", "resolved": "Alert resolved."}
# Calls of a rep listed on their page.
REP_PAGE_CALLS = 10
# Alerts per page of the inbox: a manager works through a screenful at a time, and a team with
# thousands of deal alerts does not render them all on every visit.
INBOX_PAGE = 25


def _team_of_viewer(viewer: Viewer, requested: str | None, known: list[str]) -> str | None:
    if viewer.role == "admin":
        return requested if requested in known else (known[0] if known else None)
    return viewer.key.team


def _sparkline(trend: RepTrend, ind: Indicator) -> Chart | None:
    points = trend.series.get(ind.name) or []
    if not points:
        return None
    refs: list[tuple[float, str, str]] = []
    if ind.team_median is not None:
        refs.append((ind.team_median, f"team median {metric_value(ind.team_median, ind.name)}", "median"))
    if ind.top_quartile is not None:
        refs.append(
            (ind.top_quartile, f"top quartile {metric_value(ind.top_quartile, ind.name)}", "quartile")
        )
    return line_chart(list(range(len(points))), [v for _, v in points], references=refs, band=ind.band)


def _verdict(trend: RepTrend, ind: Indicator) -> str:
    """Where the rep's average stands against the team, in words (not only a colour)."""
    mean = trend.mean(ind.name)
    if mean is None or ind.team_median is None:
        return "no data"
    better = (lambda a, b: a > b) if ind.higher_is_better else (lambda a, b: a < b)
    if ind.top_quartile is not None and (better(mean, ind.top_quartile) or mean == ind.top_quartile):
        return "top quartile"
    if better(ind.team_median, mean):
        return "below median"
    return "above median"


def _band_text(ind: Indicator) -> str | None:
    if ind.band is None:
        return None
    lo, hi = ind.band
    if lo == hi:
        return f"reference {metric_value(lo, ind.name)}"
    return f"reference band {metric_value(lo, ind.name)}–{metric_value(hi, ind.name)}"


@router.get("/team")
def team_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    viewer: ManagerDep,
    team: str | None = None,
    notice: str | None = None,
    alerts_page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    known = teams(db)
    chosen = _team_of_viewer(viewer, team, known)
    trends = team_trends(db, chosen) if chosen else None
    db.commit()  # the coaching service opens its own transactions
    alerts: list[dict[str, Any]] = []
    if viewer.role != "enablement":
        # One more than a page: whether an older page exists, without counting the whole inbox.
        alerts = inbox.alerts_for(
            settings, viewer.key, limit=INBOX_PAGE + 1, offset=(alerts_page - 1) * INBOX_PAGE
        )
    older = len(alerts) > INBOX_PAGE
    alerts = alerts[:INBOX_PAGE]

    def inbox_link(n: int) -> str:
        query = {"team": chosen} if viewer.role == "admin" and chosen else {}
        return "/team?" + urlencode({**query, "alerts_page": n}) + "#alerts"

    grid: list[dict[str, Any]] = []
    if trends is not None:
        for t in trends.reps:
            grid.append(
                {
                    "rep": t.rep,
                    "calls": t.calls,
                    "cells": [
                        {
                            "indicator": ind,
                            "chart": _sparkline(t, ind),
                            "latest": t.latest(ind.name),
                            "mean": t.mean(ind.name),
                            "verdict": _verdict(t, ind),
                            "points": len(t.series.get(ind.name) or []),
                        }
                        for ind in trends.indicators
                    ],
                }
            )
    return page(
        request,
        "team.html",
        {
            "viewer": viewer,
            "team": chosen,
            "teams": known,
            "trends": trends,
            "grid": grid,
            "band_text": {ind.name: _band_text(ind) for ind in (trends.indicators if trends else [])},
            "alerts": alerts,
            "alerts_page": alerts_page,
            "alerts_first": (alerts_page - 1) * INBOX_PAGE + 1,
            "newer_alerts": inbox_link(alerts_page - 1) if alerts_page > 1 else None,
            "older_alerts": inbox_link(alerts_page + 1) if older else None,
            "notice": NOTICES.get(notice or ""),
        },
    )


def _outcome_words(summary: dict[str, Any]) -> str:
    s = summary.get("all") or {}
    if not s.get("prompts"):
        return "No coaching prompts with later calls to judge yet."
    parts = [f"{s['prompts']} prompt(s) issued"]
    for key, words in (
        ("improved", "improved"),
        ("worsened", "got worse"),
        ("no_clear_change", "showed no clear change"),
        ("too_early", "are too recent to judge"),
    ):
        if s.get(key):
            parts.append(f"{s[key]} {words}")
    return "; ".join(parts) + "."


@router.get("/team/reps/{rep}")
def rep_page(request: Request, rep: str, db: DbDep, settings: SettingsDep, viewer: ManagerDep) -> Response:
    if not access.may_see_rep(db, viewer.key, rep):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"rep {rep!r} not found")
    calls = browse(db, viewer.key, CallFilters(rep=rep), limit=REP_PAGE_CALLS, offset=0)
    marks = practice.practiced_by_rep(db, rep)
    assigned = practice.assignments(db, rep)
    roster = roster_from_teams(db)
    scope = access.read_scope(db, viewer.key, sources=False)
    db.commit()  # the coaching service opens its own transactions
    try:
        plan = coaching_service.coach_plan(settings, rep, roster=roster)
    except NotFound:
        plan = None
    alerts = [
        a for a in (plan or {}).get("alerts", []) if scope.allows_alert(a["subject_type"], a["subject"])
    ]
    latest = (plan or {}).get("latest_call") or {}
    return page(
        request,
        "rep.html",
        {
            "viewer": viewer,
            "rep": rep,
            "calls": calls,
            "plan": plan,
            "alerts": alerts,
            "latest_call": latest,
            "practiced": {rule for (call_id, rule) in marks if call_id == latest.get("call_id")},
            "practiced_total": len(marks),
            "assigned": assigned,
            "outcomes": _outcome_words((plan or {}).get("outcomes") or {}),
        },
    )


AlertActorDep = Annotated[Viewer, Depends(require("manager", "admin"))]


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    alert_id: int,
    settings: SettingsDep,
    viewer: FormViewerDep,
    _: AlertActorDep,
    alerts_page: Annotated[int, Form(ge=1, le=100_000)] = 1,
) -> Response:
    inbox.acknowledge(settings, viewer.key, alert_id)
    # Back to the inbox page the alert was on (it stays open, so it stays there).
    back = urlencode({"notice": "acknowledged", "alerts_page": alerts_page})
    return RedirectResponse(f"/team?{back}#alert-{alert_id}", status.HTTP_303_SEE_OTHER)


@router.post("/alerts/{alert_id}/resolve")
def resolve(
    alert_id: int,
    settings: SettingsDep,
    viewer: FormViewerDep,
    _: AlertActorDep,
    note: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    inbox.resolve(settings, viewer.key, alert_id, note)
    return RedirectResponse("/team?notice=resolved#alerts", status.HTTP_303_SEE_OTHER)
