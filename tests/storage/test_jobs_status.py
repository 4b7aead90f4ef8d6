"""Job status rows: created, moved through the stages, attempts counted, errors kept."""

from __future__ import annotations

import pytest

from callcoach import storage
from callcoach.errors import StorageError
from callcoach.settings import Settings


def test_jobs_status_walk_and_attempts(db_settings: Settings) -> None:
    with storage.session_scope(db_settings) as session:
        queued = storage.upsert_job(session, "acme-1", status="queued", input_path="/uploads/acme-1.wav")
        assert (queued.status, queued.attempts, queued.input_path) == ("queued", 0, "/uploads/acme-1.wav")
        storage.upsert_job(session, "acme-1", status="transcribing")
        storage.upsert_job(session, "acme-1", status="analyzing")
        failed = storage.upsert_job(session, "acme-1", status="failed", error="worker ran out of memory")
    assert (failed.status, failed.attempts, failed.error) == ("failed", 1, "worker ran out of memory")
    assert failed.input_path == "/uploads/acme-1.wav", "input_path is kept when not given"

    with storage.session_scope(db_settings) as session:
        storage.upsert_job(session, "acme-1", status="transcribing")
        done = storage.upsert_job(session, "acme-1", status="done")
    assert (done.status, done.attempts, done.error) == ("done", 2, None)

    with storage.session_scope(db_settings) as session:
        job = storage.get_job(session, "acme-1")
        assert job is not None and job.status == "done" and job.updated_at >= job.created_at
        assert storage.get_job(session, "nobody") is None
        assert [j.call_id for j in storage.list_jobs(session, status="done")] == ["acme-1"]
        assert storage.list_jobs(session, status="queued") == []


def test_jobs_unknown_status_is_refused(db_settings: Settings) -> None:
    with pytest.raises(StorageError, match="unknown status 'paused'"), \
            storage.session_scope(db_settings) as session:
        storage.upsert_job(session, "acme-2", status="paused")  # type: ignore[arg-type]
