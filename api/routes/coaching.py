"""/v1/alerts, /v1/reps/{rep}/coaching, /v1/roleplays, /v1/outcomes, /v1/webhooks: thin routes over
the coaching service, scoped by the key's role (see callcoach.access)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, status
from fastapi.concurrency import run_in_threadpool

from api.deps import CurrentKey, SessionDep, SettingsDep, require_role
from api.schemas import (
    AlertListPublic,
    AlertPublic,
    ErrorPublic,
    OutcomesPublic,
    RepCoachingPublic,
    RoleplayListPublic,
    WebhookCreate,
    WebhookPublic,
)
from callcoach import access, coaching_service, jobs
from callcoach.access import ApiKey
from callcoach.coaching_stage import add_webhook, roster_from_teams

router = APIRouter(prefix="/v1", tags=["coaching"])
_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}}
# Deals of a team looked at when scoping deal alerts to a manager.
TEAM_DEALS_LIMIT = 10_000


def _team_deals(session: Any, team: str) -> set[str]:
    views, _ = jobs.list_call_views(session, team=team, limit=TEAM_DEALS_LIMIT)
    return {v.deal_id for v in views if v.deal_id}


@router.get("/alerts", response_model=AlertListPublic, responses=_ERRORS, summary="Manager alerts")
def list_alerts(
    session: SessionDep,
    settings: SettingsDep,
    key: Annotated[ApiKey, Depends(require_role("rep", "manager", "admin"))],
    status_: Annotated[
        str | None,
        Query(
            alias="status", pattern="^(open|resolved|all)$", description="open (default), resolved or all."
        ),
    ] = "open",
) -> AlertListPublic:
    """Alerts on reps and deals: a rep's own (and their deals'), a manager's team's, all for admin."""
    wanted = None if status_ == "all" else status_
    roster = roster_from_teams(session) if key.role != "rep" else None
    deals = _team_deals(session, key.team or "") if key.role == "manager" else set()
    # Give the connection back before the coaching service opens its own: holding two per request
    # drains the pool under concurrent requests.
    session.commit()
    if key.role == "rep":
        rows = coaching_service.list_alerts(settings, status=wanted, rep=key.rep)
    else:
        rows = coaching_service.list_alerts(settings, status=wanted, roster=roster)
        if key.role == "manager":
            rows = [
                r
                for r in rows
                if (r["subject_type"] == "rep" and r.get("team") == key.team)
                or (r["subject_type"] == "deal" and r["subject"] in deals)
            ]
    return AlertListPublic(items=[AlertPublic.model_validate(r) for r in rows])


@router.get(
    "/reps/{rep}/coaching",
    response_model=RepCoachingPublic,
    responses={**_ERRORS, 404: {"model": ErrorPublic}},
    summary="A rep's coaching plan",
)
def rep_coaching(rep: str, session: SessionDep, settings: SettingsDep, key: CurrentKey) -> RepCoachingPublic:
    """The rep's coaching plan: prompts on the latest call, recurring focus, alerts, outcomes."""
    if not access.may_see_rep(session, key, rep):
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"rep {rep!r} not found")
    roster = roster_from_teams(session)
    session.commit()  # the coaching service opens its own transactions
    plan = coaching_service.coach_plan(settings, rep, roster=roster)
    return RepCoachingPublic.model_validate(plan)


@router.get("/roleplays", response_model=RoleplayListPublic, responses=_ERRORS, summary="Role-play scenarios")
async def list_roleplays(settings: SettingsDep, key: CurrentKey) -> RoleplayListPublic:
    """Practice scenarios mined from buyer objections and pains across calls (every role)."""
    return RoleplayListPublic(items=await run_in_threadpool(coaching_service.roleplays, settings))


def _team_outcomes(report: dict[str, Any], team: str | None, reps: set[str]) -> dict[str, Any]:
    out = dict(report)
    out["prompts"] = [p for p in report.get("prompts", []) if p.get("rep") in reps]
    out["per_rep"] = {r: v for r, v in (report.get("per_rep") or {}).items() if r in reps}
    out["per_team"] = {t: v for t, v in (report.get("per_team") or {}).items() if t == team}
    for k in ("per_manager", "per_band", "per_tenure", "per_segment", "per_cohort"):
        out.pop(k, None)
    return out


@router.get("/outcomes", response_model=OutcomesPublic, responses=_ERRORS, summary="Coaching outcomes")
def coaching_outcomes(
    session: SessionDep,
    settings: SettingsDep,
    key: Annotated[ApiKey, Depends(require_role("manager", "enablement", "admin"))],
) -> OutcomesPublic:
    """Did coaching work: before/after effect of issued prompts, per rep and team (a manager sees
    their team only)."""
    roster = roster_from_teams(session)
    reps = set(access.reps_in_team(session, key.team)) if key.role == "manager" and key.team else set()
    session.commit()
    report = coaching_service.outcomes(settings, roster=roster)
    if key.role == "manager":
        report = _team_outcomes(report, key.team, reps)
    return OutcomesPublic.model_validate(report)


@router.post(
    "/webhooks",
    response_model=WebhookPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**_ERRORS, 422: {"model": ErrorPublic}},
    summary="Register a webhook",
)
def create_webhook(
    body: WebhookCreate, settings: SettingsDep, key: Annotated[ApiKey, Depends(require_role("admin"))]
) -> WebhookPublic:
    """Alerts (every team's) are POSTed to this URL as they open: admin only."""
    return WebhookPublic.model_validate(add_webhook(settings, str(body.url)))
