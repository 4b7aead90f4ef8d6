"""The reconciler: calls stuck in a stage have their task sent again, so a message lost (Redis
restarted without persistence, a worker machine gone, a next-stage send that failed) never loses a
call. A call waiting with no message in the broker (``workers.broker``) is sent again after
``reconcile_unseen_after_s``; a claim that ran out, at the next round.

It runs on a timer thread in every worker process (a repeat from two workers is harmless:
``jobs.resend`` re-checks under a lock) and once via ``callcoach reconcile``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from callcoach.services import jobs
from callcoach.settings import Settings

log = logging.getLogger("callcoach.workers")

_stop = threading.Event()
_thread: threading.Thread | None = None


def reconcile_once(
    settings: Settings, send: Callable[[str, str], None], in_broker: jobs.BrokerView | None = None
) -> list[tuple[str, str]]:
    return [(c, s) for c, s in jobs.reconcile(settings, send, in_broker=in_broker)]


def _loop(settings: Settings, send: Callable[[str, str], None], in_broker: jobs.BrokerView | None) -> None:
    while not _stop.wait(settings.reconcile_interval_s):
        try:
            reconcile_once(settings, send, in_broker)
        except Exception:  # noqa: BLE001 - a database or broker outage: the next round tries again
            log.exception("reconciler round failed")


def start_reconciler_thread(
    settings: Settings, send: Callable[[str, str], None], in_broker: jobs.BrokerView | None = None
) -> None:
    global _thread
    if _thread is not None and _thread.is_alive():
        return
    _stop.clear()
    _thread = threading.Thread(
        target=_loop, args=(settings, send, in_broker), name="callcoach-reconciler", daemon=True
    )
    _thread.start()


def stop_reconciler_thread() -> None:
    _stop.set()
