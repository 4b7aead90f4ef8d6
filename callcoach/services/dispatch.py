"""The port a door sends a call's next stage through, and its embedded implementation.

``Dispatcher`` is what the API and the job pipeline need: ``send(stage, call_id)`` after the state
the stage depends on is committed. Two implementations: ``InProcessDispatcher`` here (a thread pool
and a reconciler timer inside ``callcoach serve``: the embedded default, no Redis), and the Celery
one in ``workers.dispatch``, chosen by the door that composes the app (``callcoach serve``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Protocol

from callcoach.errors import CallcoachError
from callcoach.services import jobs
from callcoach.settings import Settings

log = logging.getLogger("callcoach.dispatch")

# In-process retries of a transient error: first wait, doubling, at most this many tries.
INPROCESS_RETRY_BASE_S = 1.0


class Dispatcher(Protocol):
    def send(self, stage: jobs.Stage, call_id: str) -> None: ...

    def close(self) -> None: ...


class InProcessDispatcher:
    """Runs stages on a thread pool, with the reconciler on a timer thread: `serve` without Redis."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._pool = ThreadPoolExecutor(
            max_workers=settings.inprocess_workers, thread_name_prefix="callcoach"
        )
        # Alert delivery waits on other people's endpoints: its own thread, never a stage's.
        self._deliveries = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callcoach-deliver")
        self._closed = threading.Event()
        # (stage, call id) sent and not finished: the reconciler's "broker view" in this process,
        # so after a restart of `serve` the calls it was holding are sent again within a minute.
        self._pending: set[tuple[str, str]] = set()
        self._pending_lock = threading.Lock()
        self._reconciler = threading.Thread(
            target=self._reconcile_loop, name="callcoach-reconciler", daemon=True
        )
        self._reconciler.start()

    def send(self, stage: jobs.Stage, call_id: str) -> None:
        if not self._closed.is_set():
            with self._pending_lock:
                self._pending.add((stage, call_id))
            self._pool.submit(self._run, stage, call_id)

    def held(self) -> set[tuple[str, str]]:
        with self._pending_lock:
            return set(self._pending)

    def _run(self, stage: jobs.Stage, call_id: str) -> None:
        try:
            self._run_stage(stage, call_id)
        finally:
            with self._pending_lock:
                self._pending.discard((stage, call_id))

    def _deliver(self, call_id: str) -> None:
        from callcoach.services import coaching as coaching_service

        try:
            delivered, failed = coaching_service.deliver_alerts(self.settings)
        except Exception:  # noqa: BLE001 - undelivered rows stay for the next delivery run
            log.exception("call %s: alert delivery failed", call_id)
            return
        if delivered or failed:
            log.info("call %s: webhooks: %d delivered, %d failed", call_id, delivered, failed)

    def _run_stage(self, stage: jobs.Stage, call_id: str) -> None:
        resume: str | None = None
        for attempt in range(self.settings.task_retry_max + 1):
            try:
                result = jobs.run_stage(self.settings, stage, call_id, resume_token=resume)
            except jobs.TransientError as exc:
                resume = exc.token
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
            elif result.outcome == "done" and result.deliver_alerts and not self._closed.is_set():
                self._deliveries.submit(self._deliver, call_id)
            return
        try:
            jobs.fail_call(self.settings, call_id, f"{stage}: gave up after retries")
        except Exception:  # noqa: BLE001
            log.exception("call %s: could not mark failed", call_id)

    def _reconcile_loop(self) -> None:
        while not self._closed.wait(self.settings.reconcile_interval_s):
            try:
                jobs.reconcile(self.settings, self.send, in_broker=self.held)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("reconciler round failed")

    def close(self) -> None:
        self._closed.set()
        self._pool.shutdown(wait=True, cancel_futures=False)
        self._deliveries.shutdown(wait=True, cancel_futures=False)


def embedded_dispatcher(settings: Settings) -> Dispatcher:
    """The in-process pool; a configured broker needs the Celery dispatcher, which only the door
    that starts the app can choose (``workers.dispatch.dispatcher_for``)."""
    if settings.broker_url:
        raise CallcoachError(
            "a broker is configured (CALLCOACH_BROKER_URL): pass the Celery dispatcher "
            "(workers.dispatch.dispatcher_for) to create_app, or start the API with `callcoach serve`"
        )
    return InProcessDispatcher(settings)
