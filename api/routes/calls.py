"""/v1/calls: submit a call (a recording or a transcript) and read calls back."""

from __future__ import annotations

import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from api.deps import CurrentKey, DispatcherDep, ReadCacheDep, SettingsDep, require_role
from api.schemas import CallListPublic, CallPublic, CallSubmittedPublic, CallSummaryPublic, ErrorPublic
from api.uploads import receive_upload
from callcoach.domain import Transcript
from callcoach.errors import InputError, MalformedMetadata, UnsupportedInput
from callcoach.services import access, jobs
from callcoach.services.access import ApiKey
from callcoach.storage import session_scope

log = logging.getLogger("callcoach.api")
router = APIRouter(prefix="/v1/calls", tags=["calls"])

# Page sizes: 50 by default, at most 200 (a page of summaries stays well under a megabyte).
DEFAULT_PAGE = 50
MAX_PAGE = 200
_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorPublic},
    403: {"model": ErrorPublic},
    404: {"model": ErrorPublic},
}
_UPLOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {
                            "type": "string",
                            "format": "binary",
                            "description": "A recording (.wav, .mp3, .m4a, .flac, .ogg, .mp4, .webm) or a "
                            "transcript (.json as in CONTRACT section 1, .vtt, .srt). The suffix decides.",
                        },
                        "meta": {
                            "type": "string",
                            "description": "Call metadata as a JSON object (CONTRACT section 1 without "
                            "utterances), plus an optional `team`.",
                            "example": '{"call_id": "acme-disco-01", "rep": "Dana Reyes", '
                            '"deal_id": "acme-2026", '
                            '"participants": [{"name": "Priya Shah", "side": "buyer"}]}',
                        },
                    },
                }
            }
        },
    }
}


def _check_format(filename: str, path: Path | None) -> None:
    from ingest.formats import transcript_suffixes
    from ingest.reader import AUDIO_SUFFIXES

    suffix = path.suffix.lower() if path is not None else ""
    if suffix not in AUDIO_SUFFIXES | transcript_suffixes():
        raise UnsupportedInput(
            f"upload {filename!r}: unsupported file type {suffix or '(none)'!r}; expected a "
            f"recording ({', '.join(sorted(AUDIO_SUFFIXES))}) or a transcript "
            f"({', '.join(sorted(transcript_suffixes()))})"
        )


def _submitted_owner(meta: dict[str, Any], path: Path) -> tuple[str | None, str | None, str | None]:
    """(rep, team, deal_id) the submission names: its meta, else what a transcript file says.

    A transcript file is read here (cheap, and the same validation the worker applies) so a bad one
    is refused at once, and a rep or deal named only inside the file is checked before anything is
    queued."""
    import ingest
    from ingest.formats import transcript_suffixes

    team = meta.get("team")
    if team is not None and not isinstance(team, str):
        raise MalformedMetadata("meta.team must be a string")
    call_meta = ingest.read_meta(path.parent / jobs.META_FILE)
    if path.suffix.lower() in transcript_suffixes():
        source = ingest.read_input(path, meta=call_meta)
        if isinstance(source, Transcript):
            call_meta = source.meta
    return call_meta.rep, team, call_meta.deal_id


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=CallSubmittedPublic,
    openapi_extra=_UPLOAD_BODY,
    summary="Submit a call",
    responses={
        **_ERRORS,
        409: {"model": ErrorPublic},
        413: {"model": ErrorPublic},
        415: {"model": ErrorPublic},
        422: {"model": ErrorPublic},
    },
)
async def submit_call(
    request: Request,
    settings: SettingsDep,
    dispatcher: DispatcherDep,
    key: Annotated[ApiKey, Depends(require_role("rep", "manager", "admin"))],
) -> CallSubmittedPublic:
    """Upload a recording or transcript with its metadata; processing continues in the background.

    The body is streamed to storage; beyond the upload limit the answer is 413 and nothing is kept.
    The owner is the server's decision (callcoach.services.access.decide_owner): a rep submits their own
    calls, a manager their team's reps' calls, and a deal id stays with the team that created it."""
    incoming = jobs.uploads_dir(settings) / ".incoming" / uuid.uuid4().hex
    incoming.mkdir(mode=jobs.UPLOAD_DIR_MODE, parents=True)
    final = None
    try:
        upload = await receive_upload(request, incoming, max_bytes=settings.upload_max_bytes)
        meta = dict(upload.meta)
        call_id = jobs.check_call_id(str(meta.get("call_id") or jobs.new_call_id()))
        meta["call_id"] = call_id
        _check_format(upload.filename or "", upload.path)
        assert upload.path is not None
        meta_path = jobs.write_meta(incoming, meta)
        try:
            # The same validation the worker applies, before anything is queued.
            rep, team, deal_id = await run_in_threadpool(_submitted_owner, meta, upload.path)
        except InputError as exc:
            # The message names our storage path; the client knows the fields as `meta` and `file`.
            message = str(exc).replace(str(meta_path), "meta").replace(str(upload.path), "file")
            raise type(exc)(message) from None
        final = jobs.uploads_dir(settings) / call_id / incoming.name
        final.parent.mkdir(mode=jobs.UPLOAD_DIR_MODE, parents=True, exist_ok=True)
        incoming.rename(final)
        job = await run_in_threadpool(
            jobs.submit_call,
            settings,
            call_id=call_id,
            input_path=final / upload.path.name,
            rep=rep,
            team=team,
            deal_id=deal_id,
            key=key,
            meta=meta,
        )
    except BaseException:
        jobs.discard_submission(final if final is not None and final.exists() else incoming)
        raise
    try:
        await run_in_threadpool(dispatcher.send, "transcribe", call_id)
    except Exception:  # noqa: BLE001 - the call is committed: the reconciler sends it again
        log.exception("call %s queued but its task could not be sent; the reconciler will", call_id)
    return CallSubmittedPublic(id=job.call_id, status=job.status)


@router.get(
    "/{call_id}", response_model=CallPublic, responses=_ERRORS, summary="A call's status and analysis"
)
def read_call(
    call_id: str, request: Request, settings: SettingsDep, key: CurrentKey, reads: ReadCacheDep
) -> Response:
    """Status, error, and the analysis in the CONTRACT shape once the call is done."""

    def compute() -> CallPublic:
        with session_scope(settings) as session:
            view = jobs.read_call(session, call_id)
        scope = access.CallScope(call_id, view.rep, view.team) if view is not None else None
        visibility = access.visibility(key, scope) if scope is not None else "none"
        if view is None or visibility == "none":
            # Not found and not yours look the same: a key learns nothing about other teams' calls.
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"call {call_id!r} not found")
        analysis = view.analysis
        if analysis is not None and visibility == "redacted":
            analysis = access.redact_analysis(analysis)
        return CallPublic(
            id=view.call_id,
            status=view.status,  # type: ignore[arg-type]
            error=view.error,
            rep=view.rep,
            team=view.team,
            created_at=view.created_at,
            updated_at=view.updated_at,
            redacted=visibility == "redacted",
            analysis=analysis,
        )

    return reads.answer(request, key, compute)


@router.delete(
    "/{call_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={**_ERRORS, 422: {"model": ErrorPublic}},
    summary="Delete a call",
)
def delete_call(
    call_id: str,
    settings: SettingsDep,
    key: Annotated[ApiKey, Depends(require_role("manager", "admin", "rep", "enablement"))],
) -> Response:
    """Remove a call everywhere: its job, transcript, analysis, uploaded files, the coaching prompts
    issued on it and the alerts that quote it. An admin, or the manager of the call's team; 404 for
    a call the key cannot see, 403 for one it can see but not delete."""
    from callcoach.services import retention

    retention.delete_call(settings, call_id, key=key)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("", response_model=CallListPublic, responses=_ERRORS, summary="List calls")
def list_calls(
    request: Request,
    settings: SettingsDep,
    key: CurrentKey,
    reads: ReadCacheDep,
    rep: Annotated[str | None, Query(description="Only this rep's calls.")] = None,
    deal_id: Annotated[str | None, Query(description="Only this deal's calls.")] = None,
    since: Annotated[datetime | None, Query(description="Calls started at or after.")] = None,
    until: Annotated[datetime | None, Query(description="Calls started before.")] = None,
    status_: Annotated[jobs.JobStatusName | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = DEFAULT_PAGE,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    """Calls the key may see, newest first: a rep's own, a manager's team's, everyone's for
    enablement (summaries only) and admin."""

    def compute() -> CallListPublic:
        wanted_rep = rep
        scope_rep, team = access.listing_scope(key)
        if scope_rep is not None:
            if rep not in (None, scope_rep):
                return CallListPublic(items=[], total=0, limit=limit, offset=offset)
            wanted_rep = scope_rep
        with session_scope(settings) as session:
            views, total = jobs.list_call_views(
                session,
                rep=wanted_rep,
                team=team,
                deal_id=deal_id,
                since=since,
                until=until,
                status=status_,
                limit=limit,
                offset=offset,
            )
        items = [
            CallSummaryPublic(
                id=v.call_id,
                status=v.status,  # type: ignore[arg-type]
                title=v.title,
                rep=v.rep,
                team=v.team,
                deal_id=v.deal_id,
                started_at=v.started_at,
                duration_s=v.duration_s,
            )
            for v in views
        ]
        return CallListPublic(items=items, total=total, limit=limit, offset=offset)

    return reads.answer(request, key, compute)
