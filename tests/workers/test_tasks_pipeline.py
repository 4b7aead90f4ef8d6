"""The pipeline on real Celery worker processes, Redis and PostgreSQL: upload to done, a worker
killed mid-transcription, 200 calls at once (a Redis restart and a database outage: test_faults)."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import session_scope
from callcoach.storage.models import AnalysisRow, CallRow, JobRow, UtteranceRow
from tests.workers.conftest import ROOT, statuses, submit, wait_for, write_transcript
from workers.dispatch import dispatcher_for

pytestmark = [pytest.mark.services, pytest.mark.slow]

AUDIO = ROOT / "tests" / "data" / "audio" / "stereo_two_speakers.wav"
AUDIO_REF = ROOT / "tests" / "data" / "audio" / "stereo_two_speakers.ref.json"
# Model loading in a fresh worker process takes up to a minute on a busy 2-core machine.
PIPELINE_TIMEOUT_S = 240


def _row_counts(settings: Settings, call_id: str) -> dict[str, int]:
    with session_scope(settings) as s:
        pk = s.scalar(select(CallRow.id).where(CallRow.call_id == call_id))
        return {
            "calls": int(
                s.scalar(select(func.count()).select_from(CallRow).where(CallRow.call_id == call_id)) or 0
            ),
            "jobs": int(
                s.scalar(select(func.count()).select_from(JobRow).where(JobRow.call_id == call_id)) or 0
            ),
            "analyses": int(
                s.scalar(select(func.count()).select_from(AnalysisRow).where(AnalysisRow.call_pk == pk)) or 0
            ),
            "utterances": int(
                s.scalar(select(func.count()).select_from(UtteranceRow).where(UtteranceRow.call_pk == pk))
                or 0
            ),
        }


@pytest.mark.timeout(400)
def test_tasks_upload_to_done(service_settings: Settings, start_worker, tmp_path: Path) -> None:  # noqa: ANN001
    worker = start_worker("transcribe,analyze", concurrency=1)
    with session_scope(service_settings) as session:
        key, _ = access.create_key(session, role="rep", rep="Dana Reyes", team="east")
    source = write_transcript(tmp_path / "src", "upload-01")
    with TestClient(create_app(service_settings, dispatcher_for(service_settings))) as client:
        headers = {"Authorization": f"Bearer {key}"}
        r = client.post(
            "/v1/calls",
            headers=headers,
            data={"meta": json.dumps({"deal_id": "acme-2026"})},
            files={"file": ("upload-01.json", source.read_bytes(), "application/json")},
        )
        assert r.status_code == 202, r.text
        call_id = r.json()["id"]
        assert r.json()["status"] == "queued"
        final = wait_for(service_settings, [call_id], timeout_s=PIPELINE_TIMEOUT_S, workers=[worker])
        assert final[call_id] == "done", worker.log()
        body = client.get(f"/v1/calls/{call_id}", headers=headers).json()
    assert body["status"] == "done" and body["error"] is None
    analysis = body["analysis"]
    assert analysis["call_id"] == call_id
    assert [u["speaker"] for u in analysis["transcript"]] == [
        "Dana Reyes",
        "Priya Shah",
        "Dana Reyes",
        "Priya Shah",
    ]
    assert "signals" in analysis and "coaching" in analysis
    assert _row_counts(service_settings, call_id) == {"calls": 1, "jobs": 1, "analyses": 1, "utterances": 4}


@pytest.mark.timeout(400)
def test_tasks_bad_input_fails_with_reason_without_retry(
    service_settings: Settings,
    start_worker,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    worker = start_worker("transcribe,analyze")
    bad = tmp_path / "bad.json"
    bad.write_text('{"call_id": "bad", "utterances": [{"speaker": "A", "start": 3, "end": 1, "text": "x"}]}')
    call_id = submit(service_settings, bad, "bad-input-01")
    final = wait_for(service_settings, [call_id], timeout_s=PIPELINE_TIMEOUT_S, workers=[worker])
    assert final[call_id] == "failed"
    with session_scope(service_settings) as s:
        job = s.scalars(select(JobRow).where(JobRow.call_id == call_id)).one()
    assert job.error == "input.json: utterances[0]: end 1.0 is before start 3.0"
    assert job.attempts == 1  # failed on the first try: bad input is not retried


@pytest.mark.timeout(500)
def test_tasks_worker_killed_mid_transcription_completes_once(
    service_settings: Settings,
    start_worker,  # noqa: ANN001
    tmp_path: Path,
) -> None:
    start_worker("analyze", concurrency=1)
    doomed = start_worker("transcribe", concurrency=1)
    ref = json.loads(AUDIO_REF.read_text())
    meta = {"rep": ref["rep"], "participants": ref["participants"]}
    call_id = submit(service_settings, AUDIO, "killed-01", meta)
    deadline = time.monotonic() + PIPELINE_TIMEOUT_S
    while statuses(service_settings, [call_id])[call_id] == "queued":
        assert time.monotonic() < deadline, doomed.log()
        time.sleep(0.05)
    assert statuses(service_settings, [call_id])[call_id] == "transcribing"
    doomed.kill(signal.SIGKILL)  # the whole worker (main process and pool child), mid-transcription
    assert statuses(service_settings, [call_id])[call_id] == "transcribing"
    survivor = start_worker("transcribe", concurrency=1)
    final = wait_for(service_settings, [call_id], timeout_s=PIPELINE_TIMEOUT_S, workers=[survivor])
    assert final[call_id] == "done", survivor.log()
    assert "killed-01" in survivor.log()  # the survivor, not the dead worker, transcribed it
    counts = _row_counts(service_settings, call_id)
    assert counts["calls"] == 1 and counts["jobs"] == 1 and counts["analyses"] == 1
    with session_scope(service_settings) as s:
        pk = s.scalar(select(CallRow.id).where(CallRow.call_id == call_id))
        idx = list(
            s.scalars(select(UtteranceRow.idx).where(UtteranceRow.call_pk == pk).order_by(UtteranceRow.idx))
        )
    assert idx == list(range(len(idx))) and len(idx) >= 2  # one transcript, not two interleaved


# Bounded, but generous: the dev machine has 2 cores shared with other test runs.
@pytest.mark.timeout(1800)
def test_tasks_200_concurrent_calls_all_done(
    service_settings: Settings, start_worker, tmp_path: Path
) -> None:  # noqa: ANN001
    import httpx

    # Two worker processes; the reconciler's wait is raised above the backlog so it does not re-send
    # calls that are merely queued (that would be harmless, only wasted work).
    workers = [start_worker("transcribe,analyze", concurrency=2, reconcile_queued_after_s=3600)]
    with session_scope(service_settings) as session:
        key, _ = access.create_key(session, role="admin")
    n = 200
    docs = {
        f"bulk-{i:03d}": write_transcript(
            tmp_path / "src", f"bulk-{i:03d}", rep=f"Rep {i:03d}", deal_id=f"deal-{i:03d}"
        ).read_bytes()
        for i in range(n)
    }
    app = create_app(service_settings, dispatcher_for(service_settings))

    async def post_all() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(
                transport=transport, base_url="http://api", headers={"Authorization": f"Bearer {key}"}
            ) as client,
        ):

            async def post(call_id: str, body: bytes) -> int:
                r = await client.post(
                    "/v1/calls",
                    files={"file": (f"{call_id}.json", body, "application/json")},
                    data={"meta": json.dumps({"call_id": call_id})},
                )
                return r.status_code

            return list(await asyncio.gather(*(post(c, b) for c, b in docs.items())))

    codes = asyncio.run(post_all())
    assert codes == [202] * n
    final = wait_for(service_settings, list(docs), timeout_s=1700, workers=workers)
    assert sum(s == "done" for s in final.values()) == n, {
        s: list(final.values()).count(s) for s in set(final.values())
    }
    with session_scope(service_settings) as s:
        assert s.scalar(select(func.count()).select_from(JobRow)) == n
        assert s.scalar(select(func.count()).select_from(CallRow)) == n
        assert s.scalar(select(func.count()).select_from(AnalysisRow)) == n
