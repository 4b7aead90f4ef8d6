"""/calls (the call list), /calls/{id} (a call with its player, transcript, signals and prompts),
/calls/{id}/audio (the recording, with range requests) and the "practised" mark of a prompt."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request, status
from fastapi.responses import FileResponse, RedirectResponse, Response

from callcoach.services import access, jobs, practice, recordings
from callcoach.services.call_metrics import SCORE_BANDS, STORED_METRICS, CallFilters, browse
from web import call_view
from web.auth import DbDep, FormViewerDep, SettingsDep, Viewer, ViewerDep
from web.render import page

router = APIRouter()

# Calls per page of the list: a screenful at 1280 px.
PAGE_SIZE = 25
# Columns of the list, one per signal (names from call_metrics.STORED_METRICS).
LIST_COLUMNS: tuple[tuple[str, str], ...] = (
    ("discovery_score", "Discovery"),
    ("questions", "Questions"),
    ("talk_ratio", "Rep talk"),
    ("next_step_clarity", "Next step"),
    ("buyer_sentiment", "Sentiment"),
    ("stakeholders", "Stakeholders"),
    ("objections", "Objections"),
)
assert {c for c, _ in LIST_COLUMNS} <= set(STORED_METRICS)


def _day(value: str | None, *, end: bool = False) -> datetime | None:
    if not value:
        return None
    try:
        d = date.fromisoformat(value)
    except ValueError:
        return None
    start = datetime.combine(d, time.min, tzinfo=UTC)
    return start + timedelta(days=1) if end else start


@router.get("/calls")
def list_calls(
    request: Request,
    db: DbDep,
    viewer: ViewerDep,
    q: Annotated[str | None, Query(max_length=200)] = None,
    since: str | None = None,
    until: str | None = None,
    deal: Annotated[str | None, Query(max_length=200)] = None,
    band: str | None = None,
    rep: Annotated[str | None, Query(max_length=200)] = None,
    page_no: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    filters = CallFilters(
        search=q or None,
        since=_day(since),
        until=_day(until, end=True),
        deal_id=deal or None,
        band=band if band in SCORE_BANDS else None,
        rep=rep or None,
    )
    result = browse(db, viewer.key, filters, limit=PAGE_SIZE, offset=(page_no - 1) * PAGE_SIZE)
    assigned = practice.assignments(db, viewer.key.rep) if viewer.role == "rep" and viewer.key.rep else []
    params = {
        k: v
        for k, v in {"q": q, "since": since, "until": until, "deal": deal, "band": band, "rep": rep}.items()
        if v
    }
    pages = max(1, -(-result.total // PAGE_SIZE))

    def page_link(n: int) -> str:
        return "/calls?" + urlencode({**params, "page": n})

    return page(
        request,
        "calls.html",
        {
            "viewer": viewer,
            "result": result,
            "columns": LIST_COLUMNS,
            "filters": {
                "q": q or "",
                "since": since or "",
                "until": until or "",
                "deal": deal or "",
                "band": band or "",
                "rep": rep or "",
            },
            "bands": SCORE_BANDS,
            "assigned": assigned,
            "page_no": page_no,
            "pages": pages,
            "prev_link": page_link(page_no - 1) if page_no > 1 else None,
            "next_link": page_link(page_no + 1) if page_no < pages else None,
        },
    )


def _visible_call(db: DbDep, viewer: Viewer, call_id: str) -> tuple[jobs.CallView, access.Visibility]:
    view = jobs.read_call(db, call_id)
    scope = access.CallScope(call_id, view.rep, view.team) if view is not None else None
    visibility = access.visibility(viewer.key, scope) if scope is not None else "none"
    if view is None or visibility == "none":
        # Not found and not yours look the same, as in the API.
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"call {call_id!r} not found")
    return view, visibility


@router.get("/calls/{call_id}")
def show_call(
    request: Request, call_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep
) -> Response:
    view, visibility = _visible_call(db, viewer, call_id)
    analysis = view.analysis or {}
    if visibility == "redacted":
        analysis = access.redact_analysis(analysis)
    full = visibility == "full"
    marks = practice.practiced(db, call_id)
    return page(
        request,
        "call.html",
        {
            "viewer": viewer,
            "call": view,
            "analysis": analysis,
            "redacted": not full,
            "buyers": call_view.buyers(analysis),
            "lines": call_view.transcript(analysis) if full else [],
            "cards": call_view.cards(analysis),
            "prompts": call_view.prompts(analysis, marks) if full else [],
            "has_audio": full and recordings.recording_path(db, settings, call_id) is not None,
            "may_mark": viewer.role == "admin" or (viewer.role == "rep" and viewer.key.rep == view.rep),
        },
    )


@router.get("/calls/{call_id}/audio")
def call_audio(call_id: str, db: DbDep, settings: SettingsDep, viewer: ViewerDep) -> Response:
    """The recording; Starlette's FileResponse answers Range requests (206) so the player seeks."""
    _, visibility = _visible_call(db, viewer, call_id)
    path = recordings.recording_path(db, settings, call_id) if visibility == "full" else None
    if path is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"call {call_id!r} has no recording")
    return FileResponse(path, headers={"Cache-Control": "private, max-age=3600"})


@router.post("/calls/{call_id}/practice")
def mark_practiced(
    call_id: str,
    db: DbDep,
    viewer: FormViewerDep,
    rule: Annotated[str, Form(max_length=64)],
    done: Annotated[str, Form()] = "1",
) -> Response:
    view, visibility = _visible_call(db, viewer, call_id)
    if visibility != "full":
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"call {call_id!r} not found")
    practice.mark_practiced(db, viewer.key, call_id=call_id, rep=view.rep, rule=rule, done=done == "1")
    return RedirectResponse(f"/calls/{quote(call_id)}#prompt-{quote(rule)}", status.HTTP_303_SEE_OTHER)
