"""The Celery tasks: thin adapters over ``callcoach.services.jobs.run_stage``.

A task takes a call id, runs its stage (which re-reads everything from the database), and sends
the next stage's task only once the stage is committed. It never waits on another task.

Retries follow the settings: a transient error (the database unreachable) is retried up to
``task_retry_max`` times, waiting 2, 4, 8 ... s capped at ``task_retry_backoff_max_s``; bad input
fails the call at once (``run_stage`` never raises for it). Celery's own retry limit is off
(``max_retries=None`` on the task): passing ``max_retries=None`` to ``retry()`` means "the task's
default", which is 3, and cut every outage longer than 2 + 4 + 8 s short.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task

from callcoach.services import jobs
from callcoach.settings import Settings, get_settings
from workers.app import STAGE_QUEUE, TASK_NAMES, app

log = logging.getLogger("callcoach.workers")

# First retry after this many seconds, doubling each time (capped by settings).
RETRY_BACKOFF_BASE_S = 2.0
# Extra wait after another worker's claim runs out, so the retry does not race the heartbeat.
BUSY_SLACK_S = 1.0
# Celery request header counting transient-error retries apart from "busy" ones: waiting for
# another worker's claim is not a failure and must not use up the outage budget.
TRANSIENT_HEADER = "callcoach_transient_retries"
# Request header carrying the claim a failed attempt held, so its retry can take it over.
TOKEN_HEADER = "callcoach_resume_token"


def backoff_s(retries: int, settings: Settings) -> float:
    """Wait before transient retry number `retries` + 1 (0-based): 2, 4, 8 ... capped."""
    return float(min(settings.task_retry_backoff_max_s, RETRY_BACKOFF_BASE_S * (2 ** min(retries, 30))))


def _header(task: Task, name: str) -> Any:
    # Celery puts custom message headers on the request itself (and, depending on the version,
    # in request.headers too).
    headers = getattr(task.request, "headers", None) or {}
    return headers.get(name, getattr(task.request, name, None))


def _transient_retries(task: Task) -> int:
    try:
        return int(_header(task, TRANSIENT_HEADER) or 0)
    except (TypeError, ValueError):
        return 0


def _send_next(stage: str, call_id: str) -> None:
    from workers.dispatch import send_task

    try:
        send_task(stage, call_id)
    except Exception as exc:  # noqa: BLE001 - the stage is committed; the reconciler sends it
        log.warning(
            "call %s: could not send %s (%s); the reconciler sends it once the broker is back",
            call_id,
            stage,
            exc,
        )


def _run(task: Task, stage: jobs.Stage, call_id: str) -> str:
    settings = get_settings()
    try:
        resume = _header(task, TOKEN_HEADER)
        result = jobs.run_stage(settings, stage, call_id, resume_token=str(resume) if resume else None)
    except jobs.TransientError as exc:
        done = _transient_retries(task)
        if done >= settings.task_retry_max:
            log.error("call %s: %s: giving up after %d retries: %s", call_id, stage, done, exc)
            try:
                jobs.fail_call(settings, call_id, f"{stage}: gave up after {done} retries: {exc}")
            except jobs.CallcoachError as fail_exc:
                # Still unreachable: the call stays unclaimed and the reconciler sends it again.
                log.error("call %s: could not record the failure: %s", call_id, fail_exc)
            return "failed"
        countdown = backoff_s(done, settings)
        log.warning("call %s: %s: %s; retry %d in %.0f s", call_id, stage, exc, done + 1, countdown)
        headers = {TRANSIENT_HEADER: done + 1, TOKEN_HEADER: exc.token}
        raise task.retry(exc=exc, countdown=countdown, max_retries=None, headers=headers) from exc
    if result.outcome == "busy":
        raise task.retry(
            countdown=result.retry_after_s + BUSY_SLACK_S,
            max_retries=None,
            headers={TRANSIENT_HEADER: _transient_retries(task)},
        )
    if result.outcome == "done":
        if result.next_stage is not None:
            _send_next(result.next_stage, call_id)
        elif result.deliver_alerts:
            _send_next("deliver", call_id)
    log.info(
        "call %s: %s -> %s%s", call_id, stage, result.outcome, f" ({result.reason})" if result.reason else ""
    )
    return result.outcome


_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    # No Celery-side limit: `_run` counts transient retries against settings.task_retry_max.
    "max_retries": None,
}


@app.task(name=TASK_NAMES["transcribe"], queue="transcribe", **_OPTIONS)
def transcribe(self: Task, call_id: str) -> str:
    """Read the uploaded recording or transcript into a stored, speaker-attributed transcript."""
    return _run(self, "transcribe", call_id)


@app.task(name=TASK_NAMES["analyze"], queue="analyze", **_OPTIONS)
def analyze(self: Task, call_id: str) -> str:
    """Signals and per-call coaching from the stored transcript, stored as the call's analysis."""
    return _run(self, "analyze", call_id)


@app.task(name=TASK_NAMES["coach"], queue=STAGE_QUEUE["coach"], **_OPTIONS)
def coach(self: Task, call_id: str) -> str:
    """Record the call's alerts; their delivery is a task of its own on the deliver queue."""
    return _run(self, "coach", call_id)


@app.task(name=TASK_NAMES["deliver"], queue=STAGE_QUEUE["deliver"], **_OPTIONS)
def deliver(self: Task, call_id: str) -> str:
    """POST open, undelivered alerts to the webhooks (each delivery recorded once, keyed)."""
    from callcoach.services import coaching as coaching_service

    settings = get_settings()
    try:
        delivered, failed = coaching_service.deliver_alerts(settings)
    except jobs.CallcoachError as exc:
        # The database blipped; the undelivered rows stay, and the next delivery run sends them.
        log.warning("call %s: alert delivery: %s", call_id, exc)
        return "failed"
    if delivered or failed:
        log.info("call %s: webhooks: %d delivered, %d failed", call_id, delivered, failed)
    return "done"
