"""/v1/alerts, /v1/reps/{rep}/coaching, /v1/roleplays, /v1/outcomes, /v1/webhooks: thin routes over
the coaching service, scoped by the key's role (see callcoach.services.access)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status

from api.deps import CurrentKey, ReadCacheDep, SettingsDep, TTLCache, get_scope_cache, require_role
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
from callcoach.services import access
from callcoach.services import coaching as coaching_service
from callcoach.services.access import ApiKey
from callcoach.services.coaching_stage import add_webhook, delete_webhook, list_webhooks, roster_from_teams
from callcoach.storage import session_scope

router = APIRouter(prefix="/v1", tags=["coaching"])
# Largest page of alerts or scenarios one request may ask for.
MAX_PAGE = 200
# Scenarios per page by default: as many as the unpaged list used to show in all.
ROLEPLAY_PAGE = 12
# Row ids are 32-bit integers in every database we run on: a larger id is a 422, not a driver error.
MAX_ROW_ID = 2**31 - 1
_ERRORS: dict[int | str, dict[str, Any]] = {401: {"model": ErrorPublic}, 403: {"model": ErrorPublic}}
ScopeCache = Annotated[TTLCache[Any, access.ReadScope], Depends(get_scope_cache)]


def _scope(
    session: Any, key: ApiKey, cache: TTLCache[Any, access.ReadScope], *, identified: bool = False
) -> Any:
    """access.read_scope, kept per key (see api.deps.get_scope_cache): for a manager it reads every
    call's team, the same answer for every request of a dashboard."""
    return cache.get_or_compute(
        (key.id, identified), lambda: access.read_scope(session, key, enablement_identified=identified)
    )


@router.get("/alerts", response_model=AlertListPublic, responses=_ERRORS, summary="Manager alerts")
def list_alerts(
    request: Request,
    settings: SettingsDep,
    scopes: ScopeCache,
    reads: ReadCacheDep,
    key: Annotated[ApiKey, Depends(require_role("rep", "manager", "admin"))],
    status_: Annotated[
        str | None,
        Query(
            alias="status", pattern="^(open|resolved|all)$", description="open (default), resolved or all."
        ),
    ] = "open",
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Alerts per page, newest first.")] = (
        coaching_service.ALERT_PAGE
    ),
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Alerts on reps and deals: a rep's own (and their deals'), a manager's team's, all for admin.
    A deal's alerts show only to a team that owns every call of that deal. Paged, newest first."""
    wanted = None if status_ == "all" else status_

    def compute() -> AlertListPublic:
        # Each transaction gives its connection back before the coaching service opens its own:
        # holding two per request drains the pool under concurrent requests.
        with session_scope(settings) as session:
            scope = _scope(session, key, scopes)
        # The scope filters in the query (the same rule as scope.allows_alert), so a page is a page.
        rows = coaching_service.list_alerts(
            settings, status=wanted, reps=scope.reps, deals=scope.deals, limit=limit, offset=offset
        )
        # Each rep alert names the rep's team: the roster rows of the page's reps only.
        with session_scope(settings) as session:
            page_reps = {r["subject"] for r in rows if r["subject_type"] == "rep"}
            roster = roster_from_teams(session, reps=page_reps)
        for r in rows:
            entry = roster.get(r["subject"]) if r["subject_type"] == "rep" else None
            r["manager"], r["team"] = (entry.manager, entry.team) if entry else (None, None)
        visible = [r for r in rows if scope.allows_alert(r["subject_type"], r["subject"])]
        return AlertListPublic(
            items=[AlertPublic.model_validate(r) for r in visible], limit=limit, offset=offset
        )

    return reads.answer(request, key, compute)


@router.get(
    "/reps/{rep}/coaching",
    response_model=RepCoachingPublic,
    responses={**_ERRORS, 404: {"model": ErrorPublic}},
    summary="A rep's coaching plan",
)
def rep_coaching(
    rep: str,
    request: Request,
    settings: SettingsDep,
    key: CurrentKey,
    scopes: ScopeCache,
    reads: ReadCacheDep,
) -> Response:
    """The rep's coaching plan: prompts on the latest call, recurring focus, alerts, outcomes."""

    def compute() -> RepCoachingPublic:
        with session_scope(settings) as session:
            if not access.may_see_rep(session, key, rep):
                raise HTTPException(status.HTTP_404_NOT_FOUND, f"rep {rep!r} not found")
            # The rep's team is all the plan needs of the roster (team percentiles).
            team = access.team_of(session, rep)
            members = {rep, *(access.reps_in_team(session, team) if team else ())}
            roster = roster_from_teams(session, reps=members)
            scope = _scope(session, key, scopes)
        plan = coaching_service.coach_plan(settings, rep, roster=roster)  # opens its own transactions
        plan["alerts"] = [a for a in plan["alerts"] if scope.allows_alert(a["subject_type"], a["subject"])]
        return RepCoachingPublic.model_validate(plan)

    return reads.answer(request, key, compute)


@router.get("/roleplays", response_model=RoleplayListPublic, responses=_ERRORS, summary="Role-play scenarios")
def list_roleplays(
    request: Request,
    settings: SettingsDep,
    key: CurrentKey,
    scopes: ScopeCache,
    reads: ReadCacheDep,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE, description="Scenarios per page, biggest first.")] = (
        ROLEPLAY_PAGE
    ),
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Practice scenarios mined from buyer objections and pains: a rep's and a manager's from their
    team's calls (a rep of no team: their own), enablement's from every team's calls with names, reps,
    deals and calls removed (unless settings.roleplays_identified_for_enablement), admin's from all.
    Read from the catalogue the coach stage maintains, a page at a time, biggest scenario first."""

    def compute() -> RoleplayListPublic:
        with session_scope(settings) as session:
            scope = _scope(session, key, scopes, identified=settings.roleplays_identified_for_enablement)
        items, total = coaching_service.roleplay_page(
            settings, call_ids=scope.call_ids, deidentify=scope.deidentify, limit=limit, offset=offset
        )
        return RoleplayListPublic(items=items, total=total, limit=limit, offset=offset)

    return reads.answer(request, key, compute)


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
    request: Request,
    settings: SettingsDep,
    reads: ReadCacheDep,
    key: Annotated[ApiKey, Depends(require_role("manager", "enablement", "admin"))],
) -> Response:
    """Did coaching work: before/after effect of issued prompts, per rep and team (a manager sees
    their team only)."""

    def compute() -> OutcomesPublic:
        with session_scope(settings) as session:
            roster = roster_from_teams(session)
            managed = key.role == "manager" and key.team
            reps = set(access.reps_in_team(session, key.team)) if managed else set()
        report = coaching_service.outcomes(settings, roster=roster)
        if key.role == "manager":
            report = _team_outcomes(report, key.team, reps)
        return OutcomesPublic.model_validate(report)

    return reads.answer(request, key, compute)


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


@router.get("/webhooks", response_model=list[WebhookPublic], responses=_ERRORS, summary="List webhooks")
def get_webhooks(
    settings: SettingsDep, key: Annotated[ApiKey, Depends(require_role("admin"))]
) -> list[WebhookPublic]:
    """Every registered webhook (admin only); `configured` ones come from CALLCOACH_WEBHOOK_URLS."""
    return [WebhookPublic.model_validate(w) for w in list_webhooks(settings)]


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_ERRORS, 404: {"model": ErrorPublic}, 409: {"model": ErrorPublic}},
    summary="Delete a webhook",
)
def remove_webhook(
    webhook_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)],
    settings: SettingsDep, key: Annotated[ApiKey, Depends(require_role("admin"))]
) -> Response:
    """Stop POSTing alerts to this webhook and forget its deliveries (admin only)."""
    delete_webhook(settings, webhook_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
