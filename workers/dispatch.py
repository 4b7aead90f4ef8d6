"""The Celery implementation of the dispatch port (``callcoach.services.dispatch``), and
``dispatcher_for``: Celery when a broker is configured, else the in-process pool. Both run
``jobs.run_stage``."""

from __future__ import annotations

import logging
from functools import lru_cache

from celery import Celery

from callcoach.services import jobs
from callcoach.services.dispatch import Dispatcher, InProcessDispatcher
from callcoach.settings import Settings, get_settings

log = logging.getLogger("callcoach.workers")

# Publishing rides out a broker restart of a few seconds (0.5 + 1 + 1.5 + 2 + 2 s of waits); past
# that the caller logs and the reconciler sends the task once the broker is back (the call's
# state is committed before any send, and a call with no message is noticed within a minute).
SEND_RETRY_POLICY: dict[str, float] = {
    "max_retries": 5,
    "interval_start": 0.5,
    "interval_step": 0.5,
    "interval_max": 2.0,
}

__all__ = ["CeleryDispatcher", "Dispatcher", "InProcessDispatcher", "dispatcher_for", "send_task"]


@lru_cache(maxsize=8)
def _producer(broker_url: str, namespace: str, visibility_timeout_s: float) -> Celery:
    from workers.app import make_app

    settings = get_settings().model_copy(
        update={
            "broker_url": broker_url,
            "broker_namespace": namespace,
            "broker_visibility_timeout_s": visibility_timeout_s,
        }
    )
    return make_app(settings)


def send_task(stage: str, call_id: str, settings: Settings | None = None) -> None:
    """Publish a stage's task for a call (after the state it depends on is committed)."""
    from workers.app import STAGE_QUEUE, TASK_NAMES

    settings = settings or get_settings()
    if not settings.broker_url:
        raise RuntimeError("no broker configured (CALLCOACH_BROKER_URL) to send a task to")
    producer = _producer(settings.broker_url, settings.broker_namespace, settings.broker_visibility_timeout_s)
    producer.send_task(
        TASK_NAMES[stage],
        args=[call_id],
        queue=STAGE_QUEUE[stage],
        routing_key=STAGE_QUEUE[stage],
        retry=True,
        retry_policy=SEND_RETRY_POLICY,
    )


class CeleryDispatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, stage: jobs.Stage, call_id: str) -> None:
        send_task(stage, call_id, self.settings)

    def close(self) -> None:
        return None


def dispatcher_for(settings: Settings) -> Dispatcher:
    """Celery when a broker is configured, else the in-process pool."""
    if settings.broker_url:
        return CeleryDispatcher(settings)
    return InProcessDispatcher(settings)
