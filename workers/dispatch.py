"""Send a stage of a call to be run: to Celery when a broker is configured, else to a thread pool
inside this process (the embedded default of ``callcoach serve``). Both run ``jobs.run_stage``."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import Protocol

from celery import Celery

from callcoach import jobs
from callcoach.settings import Settings, get_settings

log = logging.getLogger("callcoach.workers")

# In-process retries of a transient error: first wait, doubling, at most this many tries.
INPROCESS_RETRY_BASE_S = 1.0


class Dispatcher(Protocol):
    def send(self, stage: jobs.Stage, call_id: str) -> None: ...

    def close(self) -> None: ...


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
        TASK_NAMES[stage], args=[call_id], queue=STAGE_QUEUE[stage], routing_key=STAGE_QUEUE[stage]
    )


class CeleryDispatcher:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def send(self, stage: jobs.Stage, call_id: str) -> None:
        send_task(stage, call_id, self.settings)

    def close(self) -> None:
        return None


class InProcessDispatcher:
    """Runs stages on a thread pool, with the reconciler on a timer thread: `serve` without Redis."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool = ThreadPoolExecutor(
            max_workers=settings.inprocess_workers, thread_name_prefix="callcoach"
        )
        self._closed = threading.Event()
        self._reconciler = threading.Thread(
            target=self._reconcile_loop, name="callcoach-reconciler", daemon=True
        )
        self._reconciler.start()

    def send(self, stage: jobs.Stage, call_id: str) -> None:
        if not self._closed.is_set():
            self._pool.submit(self._run, stage, call_id)

    def _run(self, stage: jobs.Stage, call_id: str) -> None:
        for attempt in range(self.settings.task_retry_max + 1):
            try:
                result = jobs.run_stage(self.settings, stage, call_id)
            except jobs.TransientError as exc:
                wait = min(self.settings.task_retry_backoff_max_s, INPROCESS_RETRY_BASE_S * 2**attempt)
                log.warning("call %s: %s: %s; retrying in %.0f s", call_id, stage, exc, wait)
                if self._closed.wait(wait):
                    return
                continue
            except Exception:  # noqa: BLE001 - a thread must not die silently
                log.exception("call %s: %s crashed", call_id, stage)
                return
            if result.outcome == "busy":
                timer = threading.Timer(result.retry_after_s + 0.5, self.send, args=(stage, call_id))
                timer.daemon = True
                timer.start()
            elif result.outcome == "done" and result.next_stage is not None:
                self.send(result.next_stage, call_id)
            return
        try:
            jobs.fail_call(self.settings, call_id, f"{stage}: gave up after retries")
        except Exception:  # noqa: BLE001
            log.exception("call %s: could not mark failed", call_id)

    def _reconcile_loop(self) -> None:
        while not self._closed.wait(self.settings.reconcile_interval_s):
            try:
                jobs.reconcile(self.settings, self.send)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("reconciler round failed")

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=True, cancel_futures=False)


def dispatcher_for(settings: Settings) -> Dispatcher:
    """Celery when a broker is configured, else the in-process pool."""
    if settings.broker_url:
        return CeleryDispatcher(settings)
    return InProcessDispatcher(settings)
