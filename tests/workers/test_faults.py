"""Fault tests: real Celery workers, with a Redis of the test's own and a TCP proxy the test controls
in front of PostgreSQL (the machine's shared Redis and PostgreSQL are never stopped).

    broker restarted (no persistence) with 20 calls in flight   -> all done within 120 s of its return
    database away 60 s (every connection dropped, new ones refused) -> all done within 120 s of its return
    a worker SIGKILLed mid-stage, a second worker running       -> all done within 180 s of the kill

Each asserts on the database: every call done, exactly one call row, one analysis and one
transcript (utterance indexes 0..n-1) per call, nothing lost and nothing twice. The recovery
settings are the shipped defaults (reconcile every 15 s, a call with no message noticed after
30 s, retries at most 30 s apart, 120 s claims), so the figures are what a deployment gets.
Each prints its figure (run with -s); docs/workers_api.md has them.
"""

from __future__ import annotations

import re
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from callcoach.settings import Settings
from callcoach.storage import session_scope
from callcoach.storage.access_models import JobLeaseRow
from callcoach.storage.models import AnalysisRow, CallRow, JobRow, UtteranceRow, utcnow
from tests.workers.conftest import (
    RedisServer,
    TcpProxy,
    Worker,
    proxied,
    statuses,
    submit,
    wait_for,
    write_transcript,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

CALLS = 20
# The bounds: from the dependency's return (or the kill) to the last call done.
RECOVERY_BUDGET_S = 120.0
KILLED_WORKER_BUDGET_S = 180.0
# A fresh worker loads its models (spaCy, embeddings, sentiment) before the first analysis: up to
# a few minutes on a busy 2-core machine. Not part of any recovery figure.
WARM_UP_S = 420.0
OUTAGE_DB_S = 60.0
# Long enough for every queued message and unacknowledged delivery to be gone for good.
OUTAGE_BROKER_S = 5.0
UTTERANCES = 4  # write_transcript's dialogue


def _fault_settings(service_settings: Settings, redis_server: RedisServer) -> Settings:
    defaults = Settings()
    return service_settings.model_copy(
        update={
            "broker_url": redis_server.url,
            "broker_namespace": "",
            "job_lease_s": defaults.job_lease_s,
            "reconcile_interval_s": defaults.reconcile_interval_s,
            "reconcile_queued_after_s": defaults.reconcile_queued_after_s,
        }
    )


def _submit_all(settings: Settings, tmp_path: Path, prefix: str) -> list[str]:
    return [
        submit(
            settings,
            write_transcript(tmp_path / "src", f"{prefix}-{i:02d}", rep=f"Rep {i % 4}", deal_id=f"d-{i}"),
            f"{prefix}-{i:02d}",
        )
        for i in range(CALLS)
    ]


def _wait_under_way(settings: Settings, ids: list[str], workers: list[Worker]) -> dict[str, str]:
    """Until two calls are done (models loaded, the pipeline running); returns the statuses."""
    deadline = time.monotonic() + WARM_UP_S
    while True:
        current = statuses(settings, ids)
        if sum(s == "done" for s in current.values()) >= 2:
            return current
        for w in workers:
            assert w.proc.poll() is None, f"worker exited early:\n{w.log()}"
        assert time.monotonic() < deadline, workers[0].log()
        time.sleep(0.2)


def _recovered_in(
    settings: Settings, ids: list[str], since: float, budget: float, workers: list[Worker]
) -> float:
    """Seconds from `since` until every call is done (asserting it is within `budget`)."""
    final = wait_for(settings, ids, timeout_s=budget + 5 - (time.monotonic() - since), workers=workers)
    took = time.monotonic() - since
    assert set(final.values()) == {"done"}, (
        {s: list(final.values()).count(s) for s in set(final.values())},
        workers[-1].log(),
    )
    assert took <= budget, f"recovered in {took:.0f} s, over the {budget:.0f} s budget"
    return took


def _assert_each_once(settings: Settings, ids: list[str]) -> None:
    with session_scope(settings) as s:
        assert s.scalar(select(func.count()).select_from(JobRow)) == len(ids)
        assert s.scalar(select(func.count()).select_from(CallRow)) == len(ids)
        assert s.scalar(select(func.count()).select_from(AnalysisRow)) == len(ids)
        rows = s.execute(
            select(CallRow.call_id, UtteranceRow.idx)
            .join(UtteranceRow, UtteranceRow.call_pk == CallRow.id)
            .order_by(CallRow.call_id, UtteranceRow.idx)
        ).all()
    per_call: dict[str, list[int]] = {}
    for call_id, idx in rows:
        per_call.setdefault(call_id, []).append(idx)
    assert sorted(per_call) == sorted(ids)
    assert all(v == list(range(UTTERANCES)) for v in per_call.values()), per_call


@pytest.mark.timeout(900)
def test_faults_broker_restarted_with_calls_in_flight(
    service_settings: Settings,
    own_redis: RedisServer,
    start_worker,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    settings = _fault_settings(service_settings, own_redis)
    workers = [start_worker("transcribe,analyze", concurrency=1, settings=settings)]
    ids = _submit_all(settings, tmp_path, "brk")
    before = _wait_under_way(settings, ids, workers)
    own_redis.stop()  # every queued message and unacknowledged delivery is gone
    time.sleep(OUTAGE_BROKER_S)
    own_redis.start()
    back = time.monotonic()
    assert sum(s != "done" for s in before.values()) >= CALLS // 2  # really in flight
    took = _recovered_in(settings, ids, back, RECOVERY_BUDGET_S, workers)
    _assert_each_once(settings, ids)
    print(f"\nFIGURE broker restart: {CALLS - sum(s == 'done' for s in before.values())} calls in flight, "
          f"all done {took:.0f} s after Redis was back")


@pytest.mark.timeout(900)
def test_faults_database_away_60s(
    service_settings: Settings,
    own_redis: RedisServer,
    pg_proxy: TcpProxy,
    start_worker,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    settings = _fault_settings(service_settings, own_redis)
    # The workers reach PostgreSQL through the proxy; the test reads it directly.
    workers = [
        start_worker(
            "transcribe,analyze",
            concurrency=1,
            settings=settings,
            database_url=proxied(settings.database_url, pg_proxy),
        )
    ]
    ids = _submit_all(settings, tmp_path, "db")
    before = _wait_under_way(settings, ids, workers)
    pg_proxy.cut()
    time.sleep(OUTAGE_DB_S)
    pg_proxy.restore()
    back = time.monotonic()
    assert sum(s != "done" for s in before.values()) >= CALLS // 2
    took = _recovered_in(settings, ids, back, RECOVERY_BUDGET_S, workers)
    _assert_each_once(settings, ids)
    print(f"\nFIGURE database away {OUTAGE_DB_S:.0f} s: all done {took:.0f} s after it was back")


_CLAIM_LINE = re.compile(r"call (\S+): (?:transcribing|analyzing|coaching) \(claim ([0-9a-f]{8})\)")


def _held_by(settings: Settings, worker: Worker) -> str | None:
    """A call the worker holds a live claim on right now (its log names the claim; the database
    says it is still that claim's)."""
    claims = dict(_CLAIM_LINE.findall(worker.full_log()))
    if not claims:
        return None
    with session_scope(settings) as s:
        leases = s.scalars(select(JobLeaseRow).where(JobLeaseRow.call_id.in_(list(claims)))).all()
    now = utcnow()
    for lease in leases:
        live = lease.lease_until is not None and lease.lease_until > now
        if live and lease.token and lease.token.startswith(claims[lease.call_id]):
            return lease.call_id
    return None


@pytest.mark.timeout(900)
def test_faults_worker_killed_mid_stage(
    service_settings: Settings,
    own_redis: RedisServer,
    start_worker,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    settings = _fault_settings(service_settings, own_redis)
    doomed = start_worker("transcribe,analyze", concurrency=1, settings=settings)
    survivor = start_worker("transcribe,analyze", concurrency=1, settings=settings)
    ids = _submit_all(settings, tmp_path, "kill")
    _wait_under_way(settings, ids, [doomed, survivor])
    deadline = time.monotonic() + WARM_UP_S
    while (victim := _held_by(settings, doomed)) is None:
        assert time.monotonic() < deadline, doomed.log()
        time.sleep(0.05)
    doomed.kill(signal.SIGKILL)  # main process and pool child, mid-stage, claim held
    killed = time.monotonic()
    assert statuses(settings, [victim])[victim] in ("transcribing", "analyzing", "coaching")
    took = _recovered_in(settings, ids, killed, KILLED_WORKER_BUDGET_S, [survivor])
    _assert_each_once(settings, ids)
    print(f"\nFIGURE worker SIGKILLed holding {victim}: all done {took:.0f} s after the kill")
