"""Recovery pieces without running workers: retries follow the settings, a call whose message the
broker lost is sent again (and one the broker still holds is not), a failed attempt's retry takes
its own claim back, the broker view reads kombu's Redis layout, duplicate ids race to 409, and a
processed call's upload is gone."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import update

from callcoach.services import jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, get_job, session_scope
from callcoach.storage.access_models import JobLeaseRow
from callcoach.storage.models import utcnow
from tests.workers.conftest import write_transcript


@pytest.fixture
def job_settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(update={"reconcile_unseen_after_s": 30.0, "reconcile_queued_after_s": 900.0})
    dispose_engines()


def _submit(settings: Settings, tmp_path: Path, call_id: str) -> str:
    source = write_transcript(tmp_path / "src", call_id)
    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_bytes(source.read_bytes())
    jobs.write_meta(directory, {"call_id": call_id})
    jobs.submit_call(settings, call_id=call_id, input_path=directory / "input.json")
    return call_id


def _age_send(settings: Settings, call_id: str, seconds: float) -> None:
    with session_scope(settings) as s:
        s.execute(
            update(JobLeaseRow)
            .where(JobLeaseRow.call_id == call_id)
            .values(sent_at=utcnow() - timedelta(seconds=seconds))
        )


def test_retry_backoff_follows_settings() -> None:
    from workers.tasks import backoff_s

    settings = Settings(task_retry_backoff_max_s=30.0)
    assert [backoff_s(n, settings) for n in range(6)] == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff_s(500, settings) == 30.0  # no overflow however long the outage


def test_retry_counts_transient_attempts_against_task_retry_max(monkeypatch: pytest.MonkeyPatch) -> None:
    """Celery's own limit (3) no longer cuts retries short: the 9th transient retry of a task is
    still scheduled when task_retry_max is 40, and the call is failed once the budget is spent."""
    from celery.exceptions import Retry

    import workers.tasks as tasks

    settings = Settings(task_retry_max=10, task_retry_backoff_max_s=30.0)
    monkeypatch.setattr(tasks, "get_settings", lambda: settings)

    def transient(*_a: object, **_k: object) -> jobs.StageResult:
        raise jobs.TransientError("database unreachable", token="tok-1")

    failed: list[str] = []
    monkeypatch.setattr(tasks.jobs, "run_stage", transient)
    monkeypatch.setattr(tasks.jobs, "fail_call", lambda _s, cid, reason: failed.append(reason))
    scheduled: list[dict[str, object]] = []

    class FakeTask:
        def __init__(self, done: int) -> None:
            self.request = SimpleNamespace(headers=None, **{tasks.TRANSIENT_HEADER: done})

        def retry(self, **kw: object) -> Retry:
            scheduled.append(kw)
            return Retry("retry")

    with pytest.raises(Retry):
        tasks._run(FakeTask(8), "analyze", "c1")  # type: ignore[arg-type]
    assert scheduled[-1]["headers"] == {tasks.TRANSIENT_HEADER: 9, tasks.TOKEN_HEADER: "tok-1"}
    assert scheduled[-1]["countdown"] == 30.0 and scheduled[-1]["max_retries"] is None
    assert tasks._run(FakeTask(10), "analyze", "c1") == "failed"  # type: ignore[arg-type]
    assert failed and "gave up after 10 retries" in failed[0]


def test_reconcile_resends_a_call_the_broker_lost_within_the_unseen_window(
    job_settings: Settings, tmp_path: Path
) -> None:
    lost = _submit(job_settings, tmp_path, "lost-1")
    held = _submit(job_settings, tmp_path, "held-1")
    fresh = _submit(job_settings, tmp_path, "fresh-1")
    for call_id in (lost, held):
        _age_send(job_settings, call_id, 45)  # past the 30 s window, far from the 900 s one
    sent: list[tuple[str, str]] = []

    def in_broker() -> set[tuple[str, str]]:
        return {("transcribe", held)}

    out = jobs.reconcile(job_settings, lambda stage, cid: sent.append((cid, stage)), in_broker=in_broker)
    # The lost one goes again; the one still queued in the broker and the one just sent do not.
    assert out == sent == [(lost, "transcribe")]
    # Its send time moved: the next round does not send it a second time.
    assert jobs.reconcile(job_settings, lambda *_: None, in_broker=in_broker) == []
    # Without a broker view (or an unreadable broker) only the long timeout applies.
    _age_send(job_settings, lost, 45)
    assert jobs.reconcile(job_settings, lambda *_: None) == []
    assert jobs.reconcile(job_settings, lambda *_: None, in_broker=lambda: None) == []
    assert fresh not in {c for c, _ in sent}


def test_retry_takes_its_own_unreleased_claim_back(job_settings: Settings, tmp_path: Path) -> None:
    """The database went away mid-stage: the claim could not be released. The retry with the
    failed attempt's token claims at once instead of waiting job_lease_s as "busy"."""
    call_id = _submit(job_settings, tmp_path, "resume-1")
    assert isinstance(jobs._claim(job_settings, "transcribe", call_id, "old-token"), jobs.Job)
    assert jobs.run_stage(job_settings, "transcribe", call_id).outcome == "busy"
    assert jobs.run_stage(job_settings, "transcribe", call_id, resume_token="other").outcome == "busy"
    result = jobs.run_stage(job_settings, "transcribe", call_id, resume_token="old-token")
    assert result.outcome == "done" and result.next_stage == "analyze"


def test_processed_call_upload_is_deleted_and_kept_when_asked(job_settings: Settings, tmp_path: Path) -> None:
    call_id = _submit(job_settings, tmp_path, "upl-1")
    with session_scope(job_settings) as s:
        upload = Path(get_job(s, call_id).input_path or "")
    assert upload.exists() and upload.parent.stat().st_mode & 0o077 == 0
    assert (upload.parent / jobs.META_FILE).stat().st_mode & 0o777 == 0o600
    for stage in jobs.STAGES:
        result = jobs.run_stage(job_settings, stage, call_id)
        assert result.outcome == "done"
    assert result.deliver_alerts  # the coach stage asks its door to queue delivery
    assert not upload.exists() and not upload.parent.parent.exists()

    keep = job_settings.model_copy(update={"keep_uploads": True})
    kept = _submit(keep, tmp_path, "upl-2")
    for stage in jobs.STAGES:
        assert jobs.run_stage(keep, stage, kept).outcome == "done"
    with session_scope(keep) as s:
        assert Path(get_job(s, kept).input_path or "").exists()


def test_broker_view_reads_kombu_queues_and_recent_unacked(redis_url: str) -> None:
    """A message queued, one delivered and unacknowledged recently, one delivered long ago (a dead
    worker's), as kombu's Redis transport stores them, under a namespace."""
    import base64
    import time

    import redis

    from workers.app import QUEUES, TASK_STAGE
    from workers.broker import messages_in_broker

    prefix = f"cc-test-{uuid.uuid4().hex[:8]}:"
    settings = Settings(broker_url=f"{redis_url}/0", broker_namespace=prefix)

    def message(task: str, call_id: str) -> dict[str, object]:
        body = base64.b64encode(json.dumps([[call_id], {}, {}]).encode()).decode()
        return {"body": body, "headers": {"task": task}, "properties": {"body_encoding": "base64"}}

    client = redis.Redis.from_url(settings.broker_url or "")
    try:
        client.lpush(f"{prefix}transcribe", json.dumps(message("callcoach.transcribe", "queued-1")))
        client.lpush(f"{prefix}analyze", "not json at all")
        live = message("callcoach.analyze", "live-1")
        dead = message("callcoach.coach", "dead-1")
        client.hset(f"{prefix}unacked", "t1", json.dumps([live, "", "analyze"]))
        client.hset(f"{prefix}unacked", "t2", json.dumps([dead, "", "analyze"]))
        client.zadd(f"{prefix}unacked_index", {"t1": time.time() - 5, "t2": time.time() - 3600})
        held = messages_in_broker(settings, QUEUES, TASK_STAGE, unacked_max_age_s=60)
    finally:
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()
    assert held == {("transcribe", "queued-1"), ("analyze", "live-1")}
    unreachable = Settings(broker_url="redis://127.0.0.1:1/0")
    assert messages_in_broker(unreachable, QUEUES, TASK_STAGE, unacked_max_age_s=60) is None


@pytest.mark.services
def test_duplicate_call_id_race_answers_conflict_never_storage_error(
    postgres_url: str, tmp_path: Path
) -> None:
    """Twelve submissions of one id at once on PostgreSQL: one wins, every other one is CallExists
    (the API's 409), none a StorageError (503)."""
    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)
    outcomes: list[str] = []
    barrier = threading.Barrier(12)

    def one() -> None:
        directory = jobs.submission_dir(settings, "race-1")
        (directory / "input.json").write_text("{}")
        barrier.wait()
        try:
            jobs.submit_call(settings, call_id="race-1", input_path=directory / "input.json")
            outcomes.append("ok")
        except jobs.CallExists:
            outcomes.append("409")
        except Exception as exc:  # noqa: BLE001 - the test reports what it was
            outcomes.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=one) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    dispose_engines()
    assert sorted(outcomes) == ["409"] * 11 + ["ok"], outcomes


def test_coach_task_queues_delivery_apart_and_a_failed_send_is_left_to_the_reconciler(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import workers.dispatch as dispatch
    import workers.tasks as tasks

    sent: list[tuple[str, str]] = []
    monkeypatch.setattr(dispatch, "send_task", lambda stage, cid, settings=None: sent.append((stage, cid)))
    task = SimpleNamespace(request=SimpleNamespace(headers=None))

    coached = jobs.StageResult("c1", "coach", "done", deliver_alerts=True)
    monkeypatch.setattr(tasks.jobs, "run_stage", lambda *a, **k: coached)
    assert tasks._run(task, "coach", "c1") == "done"  # type: ignore[arg-type]
    assert sent == [("deliver", "c1")]  # on the deliver queue, not run in this worker

    def broker_down(stage: str, cid: str, settings: object = None) -> None:
        raise ConnectionError("redis unreachable")

    monkeypatch.setattr(dispatch, "send_task", broker_down)
    analyzed = jobs.StageResult("c1", "analyze", "done", next_stage="coach")
    monkeypatch.setattr(tasks.jobs, "run_stage", lambda *a, **k: analyzed)
    # The stage is committed: the task succeeds, and the call (waiting, with no message) is the
    # reconciler's to send within reconcile_unseen_after_s.
    assert tasks._run(task, "analyze", "c1") == "done"  # type: ignore[arg-type]


def test_storage_errors_name_no_database_and_hide_parameters(tmp_path: Path) -> None:
    from sqlalchemy import text

    from callcoach.errors import StorageError

    settings = Settings(
        data_dir=tmp_path, database_url="postgresql://secret_user:pw@127.0.0.1:1/secret_db"
    )
    with pytest.raises(StorageError) as caught, session_scope(settings) as s:
        s.execute(text("SELECT 1"))
    message = str(caught.value)
    assert "secret_user" not in message and "secret_db" not in message and "postgresql" not in message
    sqlite = Settings(data_dir=tmp_path / "d", database_url="")
    with pytest.raises(StorageError) as caught, session_scope(sqlite) as s:
        s.execute(text("INSERT INTO no_such_table VALUES (:v)"), {"v": "utterance text"})
    assert "utterance text" not in str(caught.value) and "utterance text" not in repr(caught.value.__cause__)
    dispose_engines()
