"""The Celery application: Redis broker, one queue per stage, configured from ``Settings``.

    celery -A workers.app worker -Q transcribe --concurrency 1     # the heavy stage, scaled apart
    celery -A workers.app worker -Q analyze             # analysis and the coach stage

Delivery is at least once (``acks_late``, ``reject_on_worker_lost``): a worker lost mid-task has its
message delivered again, and the job service (``callcoach.services.jobs``) makes the repeat harmless.
"""

from __future__ import annotations

import logging

from celery import Celery, signals
from kombu import Queue

from callcoach.settings import Settings, get_settings

log = logging.getLogger("callcoach.workers")

QUEUES: tuple[str, ...] = ("transcribe", "analyze", "deliver")
# The coach stage is light (a few rows) and shares the analysis workers' queue. Alert delivery
# waits on other people's HTTP endpoints: it has a queue of its own, so a slow or silent endpoint
# never holds an analysis worker (``celery -A workers.app worker -Q deliver``).
STAGE_QUEUE: dict[str, str] = {
    "transcribe": "transcribe",
    "analyze": "analyze",
    "coach": "analyze",
    "deliver": "deliver",
}
TASK_NAMES: dict[str, str] = {stage: f"callcoach.{stage}" for stage in STAGE_QUEUE}
# The reconciler's view of the broker: which task names are a call's stage.
TASK_STAGE: dict[str, str] = {name: stage for stage, name in TASK_NAMES.items() if stage != "deliver"}
# Without a broker URL the app still imports (tests, the API in in-process mode); sending fails loudly.
NO_BROKER = "memory://"


def make_app(settings: Settings) -> Celery:
    app = Celery("callcoach", broker=settings.broker_url or NO_BROKER, include=["workers.tasks"])
    transport_options: dict[str, object] = {
        # Above the longest transcription, or Redis hands a running task to a second worker.
        "visibility_timeout": settings.broker_visibility_timeout_s,
    }
    if settings.broker_namespace:
        transport_options["global_keyprefix"] = settings.broker_namespace
    app.conf.update(
        task_queues=[Queue(q, routing_key=q) for q in QUEUES],
        task_default_queue="analyze",
        task_routes={TASK_NAMES[s]: {"queue": q, "routing_key": q} for s, q in STAGE_QUEUE.items()},
        # A task is acknowledged when it finished, and requeued when its worker process dies.
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        # One message at a time per process: a transcription is minutes long, and a prefetched
        # message would wait behind it instead of going to an idle worker.
        worker_prefetch_multiplier=1,
        # The job state lives in the database; nothing reads task results.
        task_ignore_result=True,
        result_backend=settings.result_backend_url,
        task_serializer="json",
        accept_content=["json"],
        broker_transport_options=transport_options,
        broker_connection_retry_on_startup=True,
        # Keep retrying the broker forever: a worker must survive a Redis restart.
        broker_connection_max_retries=None,
        worker_send_task_events=True,
        task_send_sent_event=True,
    )
    return app


app = make_app(get_settings())


@signals.worker_process_init.connect
def _fresh_connections(**_: object) -> None:
    # A forked pool process must not share the parent's pooled database connections.
    from callcoach.storage import dispose_engines

    dispose_engines()


@signals.worker_ready.connect
def _start_reconciler(sender: object = None, **_: object) -> None:
    from workers.reconciler import start_reconciler_thread

    start_reconciler_thread(get_settings(), send=_send, in_broker=held_by_broker)


@signals.worker_shutdown.connect
def _stop_reconciler(**_: object) -> None:
    from workers.reconciler import stop_reconciler_thread

    stop_reconciler_thread()


def _send(stage: str, call_id: str) -> None:
    from workers.dispatch import send_task

    send_task(stage, call_id)


def held_by_broker() -> set[tuple[str, str]] | None:
    """(stage, call id) of every task message the broker holds (the reconciler's broker view)."""
    from workers.broker import messages_in_broker

    settings = get_settings()
    # A delivered, unacknowledged message older than this belongs to a dead worker: a live one
    # claims within seconds, and holds a retry at most a lease or a backoff step.
    unacked_max_age_s = (
        settings.job_lease_s + settings.task_retry_backoff_max_s + settings.reconcile_unseen_after_s
    )
    return messages_in_broker(settings, QUEUES, TASK_STAGE, unacked_max_age_s=unacked_max_age_s)
