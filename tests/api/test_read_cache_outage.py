"""The read cache and /healthz across a PostgreSQL outage (a proxy the test cuts): no kept answer is
sent while the database cannot say its version, the health probe says the database is down, and
both recover on their own when it is back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.services import access, jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope
from tests.workers.conftest import TcpProxy, proxied


@pytest.mark.services
def test_outage_sends_no_kept_answer_and_recovers(tmp_path: Path, postgres_url: str) -> None:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    settings = Settings(data_dir=tmp_path / "data", database_url=proxied(postgres_url, proxy),
                        broker_url=None, reconcile_interval_s=3600)
    try:
        with session_scope(settings) as session:
            key = access.create_key(session, role="admin")[0]
        directory = jobs.submission_dir(settings, "c-1")
        (directory / "input.json").write_text(json.dumps({"call_id": "c-1"}), encoding="utf-8")
        jobs.submit_call(settings, call_id="c-1", input_path=directory / "input.json", rep="Dana Reyes")
        h = {"Authorization": f"Bearer {key}"}
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            assert client.get("/healthz").json()["database"] is True
            kept = client.get("/v1/calls", headers=h)
            assert kept.status_code == 200 and client.get("/v1/calls", headers=h).content == kept.content
            proxy.cut()
            down = client.get("/healthz")
            assert down.status_code == 503 and down.json()["database"] is False
            # The key is still trusted (cached), the answer still kept: neither is sent blind.
            assert client.get("/v1/calls", headers=h).status_code == 503
            proxy.restore()
            assert client.get("/healthz").json()["database"] is True
            back = client.get("/v1/calls", headers=h)
            assert back.status_code == 200 and back.json()["total"] == 1
    finally:
        dispose_engines()
        proxy.close()
