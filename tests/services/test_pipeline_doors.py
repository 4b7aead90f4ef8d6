"""One call library, one answer: the CLI door and the HTTP door store the same call the same way."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach import storage
from callcoach.services import access, jobs
from callcoach.services.pipeline import ingest_path
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope
from callcoach.storage.coaching_models import CoachingPromptRow

pytestmark = pytest.mark.slow  # runs the analysis models

REP, BUYER = "Jordan Vale", "Mira Holt"


def _transcript(call_id: str) -> dict[str, Any]:
    return {
        "call_id": call_id,
        "title": "Freightline / discovery",
        "started_at": "2026-05-04T16:00:00Z",
        "deal_id": "freightline-26",
        "rep": REP,
        "industry": "logistics",
        "segment": "mid-market",
        "participants": [{"name": REP, "side": "rep"}, {"name": BUYER, "side": "buyer", "title": "COO"}],
        "utterances": [
            {"speaker": REP, "start": 0.0, "end": 5.0, "text": "How do you plan dock schedules today?"},
            {
                "speaker": BUYER,
                "start": 5.5,
                "end": 14.0,
                "text": "By hand in a spreadsheet, and we pay about 3,000 dollars a week in detention fees.",
            },
            {"speaker": REP, "start": 14.5, "end": 18.0, "text": "Is the spreadsheet shared with carriers?"},
            {"speaker": BUYER, "start": 18.5, "end": 23.0, "text": "No, and honestly the budget is tight."},
            {
                "speaker": REP,
                "start": 23.5,
                "end": 29.0,
                "text": "I will send you a proposal by Friday and we meet Monday at 10 with your CFO.",
            },
        ],
    }


def _ingest_by_cli(settings: Settings, path: Path) -> dict[str, Any]:
    stored = ingest_path(path, settings=settings)
    return stored.analysis


def _submit_by_http(settings: Settings, path: Path) -> dict[str, Any]:
    with session_scope(settings) as session:
        key, _ = access.create_key(session, role="admin")
    headers = {"Authorization": f"Bearer {key}"}
    with TestClient(create_app(settings)) as client:
        r = client.post(
            "/v1/calls",
            headers=headers,
            data={"meta": json.dumps({"call_id": "doors-01"})},
            files={"file": (path.name, path.read_bytes(), "application/json")},
        )
        assert r.status_code == 202, r.text
        deadline = time.monotonic() + 240
        while (body := client.get("/v1/calls/doors-01", headers=headers).json())["status"] not in (
            "done",
            "failed",
        ):
            assert time.monotonic() < deadline, body
            time.sleep(0.3)
    assert body["status"] == "done", body
    return dict(body["analysis"])


def _prompt_rules(settings: Settings) -> list[tuple[str, str]]:
    from sqlalchemy import select

    with session_scope(settings) as session:
        return sorted(session.execute(select(CoachingPromptRow.call_id, CoachingPromptRow.rule_id)).all())


@pytest.mark.timeout(600)
def test_pipeline_doors_cli_and_http_store_the_same_call(tmp_path: Path) -> None:
    source = tmp_path / "freightline.json"
    source.write_text(json.dumps(_transcript("doors-01")), encoding="utf-8")
    cli = Settings(data_dir=tmp_path / "cli", database_url="", broker_url=None)
    http = Settings(data_dir=tmp_path / "http", database_url="", broker_url=None)
    try:
        by_cli = _ingest_by_cli(cli, source)
        by_http = _submit_by_http(http, source)
        assert by_cli["coaching"]["account"] == {"industry": "logistics", "segment": "mid-market"}
        assert by_http == by_cli
        assert _prompt_rules(cli) == _prompt_rules(http) != []
        # The CLI's call is in the same library the API reads: listed with its status, owner and deal.
        with session_scope(cli) as session:
            views, total = jobs.list_call_views(session)
            stored = storage.get_transcript(session, "doors-01")
        assert total == 1 and views[0].call_id == "doors-01" and views[0].status == "done"
        assert views[0].rep == REP and views[0].deal_id == "freightline-26"
        assert stored is not None and stored.meta.extra["industry"] == "logistics"
        with session_scope(http) as session:
            calls = storage.list_calls(session)
        assert [c.call_id for c in calls] == ["doors-01"]
    finally:
        dispose_engines()
