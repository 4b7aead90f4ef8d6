"""The job-state service: submit a call, and run its stages one at a time, exactly once in effect.

    queued -> transcribing -> analyzing -> coaching -> done        (or failed, with the reason)

Both doors that run the pipeline (Celery tasks in ``workers/`` and the in-process thread pool of
``callcoach serve``) call :func:`run_stage`; neither holds business logic. A stage:

1. **claims** the call in one short transaction: the status must be the stage's, and no live claim
   may exist (``job_leases``). The claim is a lease, renewed by a heartbeat thread while the stage
   works; a killed worker's lease runs out and the call can be claimed again.
2. **works** outside any transaction (transcription can take many minutes).
3. **completes** in one transaction, only if it still holds the claim: it stores its result
   (replacing any earlier one: every stage is idempotent), moves the status on and releases the
   claim. The caller sends the next stage's task only after that commit.

Bad input (``InputError``) fails the call with its message; transient errors (the database
unreachable) release the claim and are retried by the caller. :func:`find_stuck` and
:func:`resend` are the reconciler's halves: a call whose claim ran out, or that waited unclaimed
too long (its message lost), has its stage's task sent again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from callcoach.domain import CallMeta, Transcript
from callcoach.errors import CallcoachError, Conflict, InputError, StorageError
from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import (
    Job,
    Session,
    get_job,
    get_transcript,
    history_for,
    is_duplicate,
    leases,
    save_analysis,
    save_call,
    session_scope,
    upsert_job,
)
from callcoach.storage import jobs as job_store
from callcoach.storage.models import utcnow

log = logging.getLogger("callcoach.services.jobs")

Stage = Literal["transcribe", "analyze", "coach"]
JobStatusName = Literal["queued", "transcribing", "analyzing", "coaching", "done", "failed"]
STAGES: tuple[Stage, ...] = ("transcribe", "analyze", "coach")
STAGE_STATUS: dict[Stage, str] = {"transcribe": "transcribing", "analyze": "analyzing", "coach": "coaching"}
# The status a call waits in before each stage is claimed ("queued" only before the first).
WAITING_STATUS: dict[Stage, str] = {"transcribe": "queued", "analyze": "analyzing", "coach": "coaching"}
NEXT_STAGE: dict[Stage, Stage | None] = {"transcribe": "analyze", "analyze": "coach", "coach": None}
STATUS_STAGE: dict[str, Stage] = {
    "queued": "transcribe",
    "transcribing": "transcribe",
    "analyzing": "analyze",
    "coaching": "coach",
}
FINAL_STATUSES = frozenset({"done", "failed"})
# The heartbeat renews a claim this many times per lease: one missed beat does not lose it.
HEARTBEATS_PER_LEASE = 3
META_FILE = "meta.json"
# The recording as it may be played back, PII silenced; lossless, so the rest is the original.
REDACTED_AUDIO = "redacted.flac"
# Uploads hold customer conversations: readable by the service's user only.
UPLOAD_FILE_MODE = 0o600
UPLOAD_DIR_MODE = 0o700
# Client-supplied call ids become directory names: keep them to a safe alphabet.
_SAFE_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")


class CallExists(Conflict):
    """A call with this id was already submitted (by anyone: ids are one namespace, and the answer
    is the same whoever owns the call, so it tells nothing about other teams' calls)."""


@dataclass(frozen=True, slots=True)
class StageResult:
    """What running a stage did, for the door that runs it.

    outcome: "done" (stage completed; send `next_stage` if any), "skipped" (nothing to do: the call
    is past this stage, finished or unknown), "busy" (another worker holds a live claim: try again
    after `retry_after_s`), "failed" (the call is failed), "lost" (our claim ran out and another
    worker took the stage over; our result was dropped)."""

    call_id: str
    stage: Stage
    outcome: Literal["done", "skipped", "busy", "failed", "lost"]
    next_stage: Stage | None = None
    retry_after_s: float = 0.0
    reason: str | None = None
    # The coach stage recorded alerts: the door queues their delivery (never run inline: a slow
    # webhook endpoint must not hold a pipeline worker).
    deliver_alerts: bool = False


@dataclass(frozen=True, slots=True)
class StageOutput:
    """A stage's work, done: `store` writes it inside the completing transaction; `after_commit`
    runs once that committed (side effects outside the database, such as webhooks)."""

    store: Callable[[Session], None]
    after_commit: Callable[[], None] | None = None


class TransientError(CallcoachError):
    """A stage hit an error that a retry may cure (database or broker unreachable).

    `token` is the claim the stage held, when it had one: the retry passes it back
    (``run_stage(resume_token=...)``) to take its own claim over at once. The release may not have
    reached the database, and waiting for the lease to run out would cost up to ``job_lease_s``
    after the database is back."""

    def __init__(self, message: str, *, token: str | None = None) -> None:
        super().__init__(message)
        self.token = token


# --------------------------------------------------------------------------------------------
# Submission


def uploads_dir(settings: Settings) -> Path:
    """Where uploaded recordings and transcripts are kept (a volume shared by API and workers)."""
    return settings.data_dir / "uploads"


def new_call_id() -> str:
    return f"call-{uuid.uuid4().hex[:16]}"


def check_call_id(call_id: str) -> str:
    if not call_id or len(call_id) > 200 or not set(call_id) <= _SAFE_ID_CHARS or call_id.startswith("."):
        raise InputError(
            f"call_id {call_id[:60]!r} must be 1-200 characters of letters, digits, '-', '_', "
            "'.', ':' and not start with '.'"
        )
    return call_id


def submission_dir(settings: Settings, call_id: str) -> Path:
    """A fresh directory for one submission of a call (never shared, so cleanup is safe)."""
    path = uploads_dir(settings) / check_call_id(call_id) / uuid.uuid4().hex[:12]
    path.mkdir(mode=UPLOAD_DIR_MODE, parents=True, exist_ok=False)
    path.chmod(UPLOAD_DIR_MODE)
    return path


def write_meta(directory: Path, meta: dict[str, Any]) -> Path:
    path = directory / META_FILE
    path.write_text(json.dumps(meta, ensure_ascii=False, default=str), encoding="utf-8")
    path.chmod(UPLOAD_FILE_MODE)
    return path


def submit_call(
    settings: Settings,
    *,
    call_id: str,
    input_path: Path,
    rep: str | None = None,
    team: str | None = None,
    deal_id: str | None = None,
    key: access.ApiKey | None = None,
    meta: dict[str, Any] | None = None,
) -> Job:
    """Record a new call as queued (its job, its owner, an unclaimed lease) and commit.

    The owner is decided here, in the same transaction that records it (``access.decide_owner``:
    `key` None is the local operator). The caller sends the first stage's task after this returns
    (``dispatch``). Raises CallExists when the id is taken, Forbidden/Conflict for a rep, team or
    deal the key may not use. `meta`, when given, is written beside the input with the decided rep
    and team before the commit, so the stages read the owner the server chose."""
    try:
        with session_scope(settings) as session:
            if get_job(session, call_id) is not None:
                raise CallExists(_taken(call_id))
            owner = access.decide_owner(session, key, rep=rep, team=team, deal_id=deal_id)
            if meta is not None:
                pinned = {k: v for k, v in (("rep", owner.rep), ("team", owner.team)) if v is not None}
                write_meta(input_path.parent, {**meta, **pinned, "call_id": call_id})
            job = upsert_job(session, call_id, status="queued", input_path=str(input_path))
            access.record_call_scope(
                session, call_id=call_id, owner=owner, deal_id=deal_id, submitted_by=key.id if key else None
            )
            leases.add_lease(session, call_id=call_id, stage="transcribe", sent_at=utcnow())
    except StorageError as exc:
        # Two submissions of one id both passed the check above; the unique key let one commit.
        # The loser is told what a sequential loser is told (409), not "database failed" (503).
        if is_duplicate(exc) and _job_exists(settings, call_id):
            raise CallExists(_taken(call_id)) from None
        raise
    log.info("call %s queued (%s)", call_id, input_path.name)
    return job


def _taken(call_id: str) -> str:
    return f"call_id {call_id!r} is already in use; choose another call_id"


def _job_exists(settings: Settings, call_id: str) -> bool:
    with session_scope(settings) as session:
        return get_job(session, call_id) is not None


def discard_submission(directory: Path) -> None:
    """Remove a submission's files (a rejected upload leaves nothing behind)."""
    shutil.rmtree(directory, ignore_errors=True)
    parent = directory.parent
    if parent.exists() and not any(parent.iterdir()):
        parent.rmdir()


# --------------------------------------------------------------------------------------------
# Claims


def _claim(
    settings: Settings, stage: Stage, call_id: str, token: str, resume_token: str | None = None
) -> StageResult | Job:
    now = utcnow()
    with session_scope(settings) as session:
        lease = leases.lock_lease(session, call_id=call_id)
        job = get_job(session, call_id)
        if job is None:
            return StageResult(call_id, stage, "skipped", reason="no such call")
        if job.status not in (WAITING_STATUS[stage], STAGE_STATUS[stage]):
            return StageResult(call_id, stage, "skipped", reason=f"call is {job.status}")
        if lease is None:  # a job recorded by another door (CLI): give it a lease row now
            lease = leases.add_lease(session, call_id=call_id, stage=stage, sent_at=now)
        ours = resume_token is not None and lease.token == resume_token
        if lease.lease_until is not None and lease.lease_until > now and not ours:
            return StageResult(
                call_id,
                stage,
                "busy",
                retry_after_s=(lease.lease_until - now).total_seconds(),
                reason="another worker holds the claim",
            )
        claims = (lease.claims if lease.stage == stage else 0) + 1
        if claims > settings.job_max_attempts:
            reason = (
                f"gave up on stage {stage} after {settings.job_max_attempts} attempts "
                "(the worker was lost each time)"
            )
            upsert_job(session, call_id, status="failed", error=reason)
            leases.drop_claim(session, call_id=call_id)
            return StageResult(call_id, stage, "failed", reason=reason)
        leases.hold_lease(session, call_id=call_id, stage=stage, token=token, claims=claims,
                          until=now + timedelta(seconds=settings.job_lease_s))
        return upsert_job(session, call_id, status=STAGE_STATUS[stage])  # type: ignore[arg-type]


def _renew(settings: Settings, call_id: str, token: str) -> bool:
    with session_scope(settings) as session:
        return leases.renew_lease(
            session, call_id=call_id, token=token, until=utcnow() + timedelta(seconds=settings.job_lease_s)
        )


@contextmanager
def _heartbeat(settings: Settings, call_id: str, token: str) -> Iterator[None]:
    """Renew the claim in the background while the stage works."""
    stop = threading.Event()

    def beat() -> None:
        while not stop.wait(settings.job_lease_s / HEARTBEATS_PER_LEASE):
            try:
                if not _renew(settings, call_id, token):
                    log.warning("call %s: claim %s was taken over", call_id, token)
                    return
            except CallcoachError as exc:  # the database blipped: the next beat tries again
                log.warning("call %s: heartbeat failed: %s", call_id, exc)

    thread = threading.Thread(target=beat, name=f"heartbeat-{call_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _complete(
    settings: Settings, stage: Stage, call_id: str, token: str, store: Callable[[Session], None], status: str
) -> bool:
    """Store a stage's result and move the call on, if we still hold the claim. One transaction."""
    with session_scope(settings) as session:
        lease = leases.lock_lease(session, call_id=call_id)
        if lease is None or lease.token != token:
            return False
        store(session)
        upsert_job(session, call_id, status=status)  # type: ignore[arg-type]
        leases.pass_lease(session, call_id=call_id, stage=NEXT_STAGE[stage], sent_at=utcnow())
    return True


def _fail(settings: Settings, call_id: str, token: str | None, reason: str) -> None:
    with session_scope(settings) as session:
        lease = leases.lock_lease(session, call_id=call_id)
        if token is not None and (lease is None or lease.token != token):
            return
        upsert_job(session, call_id, status="failed", error=reason)
        if lease is not None:
            leases.drop_claim(session, call_id=call_id)


def _release(settings: Settings, call_id: str, token: str) -> None:
    """Give a claim back after a transient error, so the retry can claim at once."""
    with session_scope(settings) as session:
        leases.release_lease(session, call_id=call_id, token=token)


# --------------------------------------------------------------------------------------------
# Stages


def _read_meta(input_path: Path, call_id: str) -> CallMeta:
    import ingest

    meta_path = input_path.parent / META_FILE
    meta = ingest.read_meta(meta_path) if meta_path.exists() else CallMeta()
    return dataclasses.replace(meta, call_id=call_id)


def _transcribe(settings: Settings, job: Job) -> StageOutput:
    from callcoach.services.pipeline import load_transcript

    if not job.input_path:
        raise InputError(f"call {job.call_id!r} has no uploaded file")
    input_path = Path(job.input_path)
    transcript = load_transcript(input_path, meta=_read_meta(input_path, job.call_id), settings=settings)
    if transcript.meta.call_id != job.call_id:
        transcript = dataclasses.replace(
            transcript, meta=dataclasses.replace(transcript.meta, call_id=job.call_id)
        )

    playback = _redacted_recording(settings, input_path, transcript)

    def store(session: Session) -> None:
        # The transcript is stored with an empty analysis: the next stage, on any machine, reads it
        # back from the database. Re-running this stage replaces it.
        save_call(session, transcript, {})
        access.complete_call_scope(
            session, call_id=job.call_id, rep=transcript.meta.rep, deal_id=transcript.meta.deal_id
        )

    def drop_original() -> None:
        input_path.unlink(missing_ok=True)

    keep = playback is None or settings.redact_keep_original_audio
    return StageOutput(store, None if keep else drop_original)


def _redacted_recording(settings: Settings, input_path: Path, transcript: Transcript) -> Path | None:
    """The playback copy of an uploaded recording with its PII spans silenced (issue 12), beside the
    upload; None for transcript files or with redaction off. The original goes once the transcript
    is committed, unless settings.redact_keep_original_audio."""
    from callcoach.services.pipeline import write_redacted_recording

    return write_redacted_recording(settings, input_path, transcript, input_path.with_name(REDACTED_AUDIO))


def _analyze(settings: Settings, job: Job) -> StageOutput:
    from callcoach.services.pipeline import analyze_transcript

    transcript, history = _load_for_analysis(settings, job.call_id)
    analysis = analyze_transcript(transcript, history=history, settings=settings)

    def store(session: Session) -> None:
        # The transcript rows the transcribe stage stored stay as they are: only the analysis is new.
        save_analysis(session, job.call_id, analysis)

    return StageOutput(store)


def _load_for_analysis(settings: Settings, call_id: str) -> tuple[Transcript, list[Any]]:
    with session_scope(settings) as session:
        transcript = get_transcript(session, call_id)
        if transcript is None:
            raise InputError(f"call {call_id!r}: no stored transcript to analyze")
        # Calls still in progress are stored with an empty analysis; they are not history yet.
        history = [c for c in history_for(session, transcript.meta) if c.analysis]
    return transcript, history


def _coach(settings: Settings, job: Job) -> StageOutput:
    from callcoach.services import coaching_stage

    # The claim time is after the analysis was committed: a refresh started later covers this call.
    store, after_commit = coaching_stage.coach_call_stage(settings, job.call_id, ready_at=job.updated_at)
    return StageOutput(store, after_commit)


_WORK: dict[Stage, Callable[[Settings, Job], StageOutput]] = {
    "transcribe": _transcribe,
    "analyze": _analyze,
    "coach": _coach,
}


def run_stage(
    settings: Settings, stage: Stage, call_id: str, *, resume_token: str | None = None
) -> StageResult:
    """Claim, run and complete one stage of one call. Never raises for bad input (the call is failed
    and the result says so); raises TransientError when a retry may help (pass its `token` back as
    `resume_token`: the retry may take over the claim the failed attempt could not release)."""
    token = uuid.uuid4().hex
    try:
        claimed = _claim(settings, stage, call_id, token, resume_token)
    except StorageError as exc:
        raise TransientError(f"call {call_id}: claiming {stage}: {exc}", token=resume_token) from exc
    if isinstance(claimed, StageResult):
        return claimed
    job = claimed
    log.info("call %s: %s (claim %s)", call_id, STAGE_STATUS[stage], token[:8])
    try:
        with _heartbeat(settings, call_id, token):
            output = _WORK[stage](settings, job)
        nxt = NEXT_STAGE[stage]
        status = STAGE_STATUS[nxt] if nxt is not None else "done"
        if not _complete(settings, stage, call_id, token, output.store, status):
            return StageResult(call_id, stage, "lost", reason="claim taken over by another worker")
        if output.after_commit is not None:
            _after_commit(call_id, stage, output.after_commit)
    except InputError as exc:
        # The message names the file; a client knows it by its name, not by our storage path.
        reason = (
            str(exc).replace(str(Path(job.input_path or "").parent) + "/", "") if job.input_path else str(exc)
        )
        _fail(settings, call_id, token, reason)
        _discard_upload(settings, job)
        log.info("call %s failed: %s", call_id, reason)
        return StageResult(call_id, stage, "failed", reason=reason)
    except StorageError as exc:
        # If the database is still away, the claim runs out on its own.
        with contextlib.suppress(StorageError):
            _release(settings, call_id, token)
        raise TransientError(f"call {call_id}: {stage}: {exc}", token=token) from exc
    except Exception as exc:  # noqa: BLE001 - any other error fails the call with its reason, not a loop
        reason = f"{stage} failed: {type(exc).__name__}: {exc}"
        log.exception("call %s: %s", call_id, reason)
        _fail(settings, call_id, token, reason)
        _discard_upload(settings, job)
        return StageResult(call_id, stage, "failed", reason=reason)
    if stage == "coach":
        _discard_upload(settings, job)
    return StageResult(call_id, stage, "done", next_stage=NEXT_STAGE[stage], deliver_alerts=stage == "coach")


def _after_commit(call_id: str, stage: Stage, effect: Callable[[], None]) -> None:
    # The stage is committed: a failing side effect (a webhook endpoint down) is logged, and must
    # not fail or re-run the stage.
    try:
        effect()
    except Exception:  # noqa: BLE001
        log.exception("call %s: %s: side effect after commit failed", call_id, stage)


def _discard_upload(settings: Settings, job: Job) -> None:
    """Delete a processed call's upload (unless settings.keep_uploads): the transcript and analysis
    are in the database, and a recording of a customer must not outlive its use. The redacted
    playback copy (PII silenced, issue 12) is kept for the call page until the call is deleted."""
    if settings.keep_uploads or not job.input_path:
        return
    directory = Path(job.input_path).parent
    uploads = uploads_dir(settings).resolve()
    # Only ever a submission directory under the uploads volume (a CLI-recorded job may name a
    # user's own file, which is not ours to delete).
    if directory.resolve().parent.parent != uploads:
        return
    playback = directory / REDACTED_AUDIO
    if not playback.is_file():
        discard_submission(directory)
        return
    # The PII-silenced playback copy stays (the call page plays it) until the call is deleted.
    for path in directory.iterdir():
        if path != playback:
            shutil.rmtree(path) if path.is_dir() else path.unlink()


def fail_call(settings: Settings, call_id: str, reason: str) -> None:
    """Mark a call failed whatever claim it holds (retries exhausted)."""
    _fail(settings, call_id, None, reason)


# --------------------------------------------------------------------------------------------
# Reconciliation


def find_stuck(
    settings: Settings, *, now: datetime | None = None, waited_s: float | None = None
) -> list[tuple[str, Stage]]:
    """Calls not finished whose claim ran out, or that waited unclaimed longer than `waited_s`
    (default ``reconcile_queued_after_s``)."""
    now = now or utcnow()
    waited = now - timedelta(
        seconds=settings.reconcile_queued_after_s if waited_s is None else waited_s
    )
    with session_scope(settings) as session:
        rows = leases.stuck_calls(
            session, not_in=FINAL_STATUSES, expired_before=now, unclaimed_since=waited
        )
    return [(cid, STATUS_STAGE[status]) for cid, status in rows]


def resend(
    settings: Settings, call_id: str, *, now: datetime | None = None, waited_s: float | None = None
) -> Stage | None:
    """Mark a stuck call's task as sent again (returns the stage to send), re-checking under the
    lock that it is still stuck (claim run out, or unclaimed for `waited_s`); None when it moved
    on meanwhile."""
    now = now or utcnow()
    waited = now - timedelta(
        seconds=settings.reconcile_queued_after_s if waited_s is None else waited_s
    )
    with session_scope(settings) as session:
        lease = leases.lock_lease(session, call_id=call_id)
        job = get_job(session, call_id)
        if lease is None or job is None or job.status in FINAL_STATUSES:
            return None
        expired = lease.lease_until is not None and lease.lease_until < now
        unclaimed_too_long = lease.lease_until is None and lease.sent_at < waited
        if not (expired or unclaimed_too_long):
            return None
        leases.mark_sent(session, call_id=call_id, sent_at=now)
        return STATUS_STAGE[job.status]


# What the broker holds: (stage, call id) of every task waiting or being worked on, or None when
# it cannot be read (the reconciler then only trusts the long timeout).
BrokerView = Callable[[], "set[tuple[str, str]] | None"]


def find_lost(settings: Settings, in_broker: BrokerView) -> list[tuple[str, Stage]]:
    """Calls waiting unclaimed for ``reconcile_unseen_after_s`` whose task the broker does not
    hold: their message is lost (Redis restarted without persistence, a send that failed).

    The database is read before the broker: a message sent after that read belongs to a call
    whose `sent_at` moved, which `resend` re-checks under the lock, so it is not sent twice."""
    waiting = find_stuck(settings, waited_s=settings.reconcile_unseen_after_s)
    if not waiting:
        return []
    held = in_broker()
    if held is None:
        return []
    return [(cid, stage) for cid, stage in waiting if (stage, cid) not in held]


def reconcile(
    settings: Settings, send: Callable[[Stage, str], None], *, in_broker: BrokerView | None = None
) -> list[tuple[str, Stage]]:
    """Send again the task of every stuck call; returns what was sent.

    Stuck: its claim ran out (a worker died), it waited past ``reconcile_queued_after_s``, or
    (with `in_broker`) it waited past ``reconcile_unseen_after_s`` with no message in the broker.
    A repeat is harmless: a stage claims the call before working (``run_stage``)."""
    sent: list[tuple[str, Stage]] = []
    candidates: list[tuple[str, float | None]] = [(cid, None) for cid, _ in find_stuck(settings)]
    if in_broker is not None:
        seen = {cid for cid, _ in candidates}
        candidates += [
            (cid, settings.reconcile_unseen_after_s)
            for cid, _ in find_lost(settings, in_broker)
            if cid not in seen
        ]
    for call_id, waited_s in candidates:
        stage = resend(settings, call_id, waited_s=waited_s)
        if stage is None:
            continue
        try:
            send(stage, call_id)
        except Exception as exc:  # noqa: BLE001 - the broker is away: the next round sends again
            log.warning("reconciler could not send %s of call %s: %s", stage, call_id, exc)
            break
        sent.append((call_id, stage))
    if sent:
        log.warning(
            "reconciler sent %d stuck call(s) again: %s",
            len(sent),
            ", ".join(f"{c}:{s}" for c, s in sent[:20]),
        )
    return sent


def status_counts(settings: Settings) -> dict[str, int]:
    """How many calls are in each status (for /metrics)."""
    with session_scope(settings) as session:
        return job_store.status_counts(session)


# --------------------------------------------------------------------------------------------
# Reading calls with their status (the API's, the web pages' and the CLI's view)

# A call as the library lists it (``callcoach.storage.jobs.CallEntry``), under its older name.
CallView = job_store.CallEntry


def read_call(session: Session, call_id: str) -> CallView | None:
    """One call's status, owner and analysis (the analysis only once the call is done)."""
    return job_store.call_entry(session, call_id=call_id)


def list_call_views(
    session: Session,
    *,
    rep: str | None = None,
    team: str | None = None,
    deal_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
    search: str | None = None,
    newest_first: bool = True,
    with_analysis: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CallView], int]:
    """The call library, as ``GET /v1/calls`` and ``callcoach calls`` both list it: every call with a
    job (queued, in progress, failed or done), whichever door stored it, matching every given
    filter, newest call date first (calls not analysed yet after those), and how many match in all.

    `since`/`until` bound the call's start time; `team` is the call's team (see
    callcoach.services.access); `search` a case-insensitive substring of the call id, title, rep or
    deal. `with_analysis` adds the analyses of the page's done calls (the CLI's scores)."""
    return job_store.call_entries(
        session, rep=rep, team=team, deal_id=deal_id, since=since, until=until, status=status,
        search=search, newest_first=newest_first, with_analysis=with_analysis, limit=limit, offset=offset,
    )
