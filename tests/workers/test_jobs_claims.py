"""The job-state service's claims, on SQLite: one stage runs at a time per call, a lost worker's
claim runs out and is taken over, a stale worker cannot overwrite, the reconciler finds stuck calls."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from callcoach.services import jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, get_call, get_job, session_scope
from callcoach.storage.access_models import JobLeaseRow
from callcoach.storage.models import utcnow
from tests.workers.conftest import write_transcript


@pytest.fixture
def job_settings(settings: Settings) -> Iterator[Settings]:
    yield settings.model_copy(
        update={"job_lease_s": 60.0, "job_max_attempts": 2, "reconcile_queued_after_s": 30.0}
    )
    dispose_engines()


def _submit(settings: Settings, tmp_path: Path, call_id: str) -> str:
    source = write_transcript(tmp_path / "src", call_id)
    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_bytes(source.read_bytes())
    jobs.write_meta(directory, {"call_id": call_id})
    jobs.submit_call(settings, call_id=call_id, input_path=directory / "input.json")
    return call_id


def _expire_lease(settings: Settings, call_id: str) -> None:
    with session_scope(settings) as s:
        s.execute(
            update(JobLeaseRow)
            .where(JobLeaseRow.call_id == call_id)
            .values(lease_until=utcnow() - timedelta(seconds=1))
        )


def _age_send(settings: Settings, call_id: str, seconds: float) -> None:
    with session_scope(settings) as s:
        s.execute(
            update(JobLeaseRow)
            .where(JobLeaseRow.call_id == call_id)
            .values(sent_at=utcnow() - timedelta(seconds=seconds))
        )


def test_jobs_claims_second_delivery_is_busy_while_the_first_holds_the_claim(
    job_settings: Settings, tmp_path: Path
) -> None:
    call_id = _submit(job_settings, tmp_path, "c1")
    assert isinstance(jobs._claim(job_settings, "transcribe", call_id, "worker-a"), jobs.Job)
    result = jobs.run_stage(job_settings, "transcribe", call_id)
    assert result.outcome == "busy"
    assert 55 < result.retry_after_s <= 60
    with session_scope(job_settings) as s:
        assert get_job(s, call_id).status == "transcribing"
        assert get_call(s, call_id) is None  # the second delivery stored nothing


def test_jobs_claims_lost_worker_is_taken_over_and_cannot_write_late(
    job_settings: Settings, tmp_path: Path
) -> None:
    call_id = _submit(job_settings, tmp_path, "c2")
    jobs._claim(job_settings, "transcribe", call_id, "worker-a")
    _expire_lease(job_settings, call_id)  # worker a was killed: its heartbeat stopped
    assert jobs.find_stuck(job_settings) == [(call_id, "transcribe")]
    result = jobs.run_stage(job_settings, "transcribe", call_id)
    assert (result.outcome, result.next_stage) == ("done", "analyze")
    # Worker a wakes up and tries to complete: its claim is gone, nothing is written.
    written = []
    assert not jobs._complete(job_settings, "transcribe", call_id, "worker-a", written.append, "analyzing")
    assert written == []
    with session_scope(job_settings) as s:
        assert get_job(s, call_id).status == "analyzing"
    # A duplicate transcribe message for a call that moved on is a no-op.
    assert jobs.run_stage(job_settings, "transcribe", call_id).outcome == "skipped"


def test_jobs_claims_a_stage_that_kills_every_worker_fails_the_call(
    job_settings: Settings, tmp_path: Path
) -> None:
    call_id = _submit(job_settings, tmp_path, "c3")
    for token in ("a", "b"):  # job_max_attempts = 2 claims, each worker lost
        assert isinstance(jobs._claim(job_settings, "transcribe", call_id, token), jobs.Job)
        _expire_lease(job_settings, call_id)
    result = jobs.run_stage(job_settings, "transcribe", call_id)
    assert result.outcome == "failed"
    with session_scope(job_settings) as s:
        job = get_job(s, call_id)
    assert job.status == "failed" and "after 2 attempts" in (job.error or "")


def test_jobs_claims_reconciler_resends_unclaimed_calls_once_per_timeout(
    job_settings: Settings, tmp_path: Path
) -> None:
    fresh = _submit(job_settings, tmp_path, "c4")
    lost = _submit(job_settings, tmp_path, "c5")
    _age_send(job_settings, lost, 120)  # its message was lost long ago (Redis restarted)
    sent: list[tuple[str, str]] = []
    assert jobs.reconcile(job_settings, lambda stage, cid: sent.append((cid, stage))) == [
        (lost, "transcribe")
    ]
    assert sent == [(lost, "transcribe")]
    assert (
        jobs.reconcile(job_settings, lambda stage, cid: sent.append((cid, stage))) == []
    )  # not again at once
    assert fresh not in {c for c, _ in sent}


def test_jobs_claims_stages_run_to_done_and_rerun_replaces(job_settings: Settings, tmp_path: Path) -> None:
    call_id = _submit(job_settings, tmp_path, "c6")
    assert jobs.run_stage(job_settings, "transcribe", call_id).next_stage == "analyze"
    with session_scope(job_settings) as s:
        stored = get_call(s, call_id)
        view = jobs.read_call(s, call_id)
    assert stored is not None and stored.analysis == {}  # the transcript is stored; no analysis yet
    assert view.status == "analyzing" and view.analysis is None
