"""Without a broker, the API runs the same pipeline on a thread pool in its own process."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope
from tests.api.conftest import transcript_doc

pytestmark = pytest.mark.slow


@pytest.mark.timeout(300)
def test_calls_inprocess_upload_to_done(settings: Settings) -> None:
    assert settings.broker_url is None
    with session_scope(settings) as session:
        key, _ = access.create_key(session, role="manager", team="east")
    headers = {"Authorization": f"Bearer {key}"}
    doc = transcript_doc("inproc-01", "Dana Reyes", "Priya Shah", deal_id="acme")
    settings = settings.model_copy(update={"metrics": "token", "metrics_token": "scrape-token"})
    with TestClient(create_app(settings)) as client:
        r = client.post(
            "/v1/calls",
            headers=headers,
            data={"meta": "{}"},
            files={"file": ("inproc.json", json.dumps(doc), "application/json")},
        )
        # The id is meta.call_id when given; the file's own call_id is only read later, by the worker.
        assert r.status_code == 202 and r.json()["status"] == "queued"
        call_id = r.json()["id"]
        assert call_id.startswith("call-")
        deadline = time.monotonic() + 240
        while (body := client.get(f"/v1/calls/{call_id}", headers=headers).json())["status"] not in (
            "done",
            "failed",
        ):
            assert time.monotonic() < deadline, body
            time.sleep(0.5)
        health = client.get("/healthz").json()
        assert client.get("/metrics").status_code == 401  # the scrape token is required
        metrics = client.get("/metrics", headers={"Authorization": "Bearer scrape-token"}).text
    assert body["status"] == "done" and body["team"] == "east"
    assert body["analysis"]["call_id"] == call_id and len(body["analysis"]["transcript"]) == 4
    assert health == {"status": "ok", "database": True, "broker": None, "mode": "in-process"}
    assert 'callcoach_calls{status="done"} 1.0' in metrics
    dispose_engines()
