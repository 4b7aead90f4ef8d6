"""The Celery tasks: thin adapters over ``callcoach.services.jobs.run_stage``.

A task takes a call id, runs its stage (which re-reads everything from the database), and sends
the next stage's task only once the stage is committed. It never waits on another task.
Transient errors are retried with exponential backoff; bad input fails the call at once.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task

from callcoach.services import jobs
from callcoach.settings import get_settings
from workers.app import STAGE_QUEUE, TASK_NAMES, app

log = logging.getLogger("callcoach.workers")

# First retry after this many seconds, doubling each time (capped by settings).
RETRY_BACKOFF_BASE_S = 2.0
# Extra wait after another worker's claim runs out, so the retry does not race the heartbeat.
BUSY_SLACK_S = 1.0


def _backoff(retries: int, cap: float) -> float:
    return float(min(cap, RETRY_BACKOFF_BASE_S * (2**retries)))


def _run(task: Task, stage: jobs.Stage, call_id: str) -> str:
    from workers.dispatch import send_task

    settings = get_settings()
    try:
        result = jobs.run_stage(settings, stage, call_id)
    except jobs.TransientError as exc:
        if task.request.retries >= settings.task_retry_max:
            log.error(
                "call %s: %s: giving up after %d retries: %s", call_id, stage, task.request.retries, exc
            )
            jobs.fail_call(settings, call_id, f"{stage}: gave up after retries: {exc}")
            return "failed"
        countdown = _backoff(task.request.retries, settings.task_retry_backoff_max_s)
        log.warning("call %s: %s: %s; retrying in %.0f s", call_id, stage, exc, countdown)
        raise task.retry(exc=exc, countdown=countdown, max_retries=None) from exc
    if result.outcome == "busy":
        raise task.retry(countdown=result.retry_after_s + BUSY_SLACK_S, max_retries=None)
    if result.outcome == "done" and result.next_stage is not None:
        send_task(result.next_stage, call_id)
    log.info(
        "call %s: %s -> %s%s", call_id, stage, result.outcome, f" ({result.reason})" if result.reason else ""
    )
    return result.outcome


_OPTIONS: dict[str, Any] = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
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
    """Record the call's alerts and deliver them to webhooks."""
    return _run(self, "coach", call_id)
