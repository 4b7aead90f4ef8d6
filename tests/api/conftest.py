"""API fixtures: one SQLite database per module with an east-team and a west-team call already
processed (in-process, through the same job service the workers use), a key per role, and an app
running the pipeline in-process."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.services import access, jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope

EAST_REP, WEST_REP = "Dana Reyes", "Sam Lee"
EAST_CALL, WEST_CALL = "east-disco-01", "west-disco-01"
# The roles a test walks through: two of each scoped role, so "not yours" is tested too.
ROLE_KEYS = ("rep", "other_rep", "manager", "other_manager", "enablement", "admin", "anonymous")


def transcript_doc(call_id: str, rep: str, buyer: str, *, deal_id: str) -> dict[str, object]:
    return {
        "call_id": call_id,
        "rep": rep,
        "deal_id": deal_id,
        "started_at": "2026-03-02T15:00:00Z",
        "participants": [{"name": rep, "side": "rep"}, {"name": buyer, "side": "buyer", "title": "CFO"}],
        "utterances": [
            {"speaker": rep, "start": 0.0, "end": 4.0, "text": "Walk me through how renewals work today?"},
            {
                "speaker": buyer,
                "start": 4.5,
                "end": 11.0,
                "text": "Honestly the price is too high, and we lose about 20% of renewals to churn.",
            },
            {"speaker": rep, "start": 11.5, "end": 15.0, "text": "I'll send the numbers by Friday at noon."},
            {"speaker": buyer, "start": 15.5, "end": 17.0, "text": "Great, thanks."},
        ],
    }


@dataclass
class ApiWorld:
    settings: Settings
    keys: dict[str, str]
    data: Path

    def headers(self, role: str) -> dict[str, str]:
        key = self.keys.get(role)
        return {"Authorization": f"Bearer {key}"} if key else {}


def _process(settings: Settings, doc: dict[str, object], team: str) -> None:
    call_id = str(doc["call_id"])
    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_text(json.dumps(doc), encoding="utf-8")
    jobs.write_meta(directory, {"call_id": call_id, "team": team})
    jobs.submit_call(
        settings, call_id=call_id, input_path=directory / "input.json", rep=str(doc["rep"]), team=team
    )
    for stage in jobs.STAGES:
        result = jobs.run_stage(settings, stage, call_id)
        assert result.outcome == "done", result


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ApiWorld]:
    root = tmp_path_factory.mktemp("api")
    settings = Settings(data_dir=root / "data", database_url="", broker_url=None, reconcile_interval_s=3600)
    with session_scope(settings) as session:
        keys = {
            "rep": access.create_key(session, role="rep", rep=EAST_REP, team="east")[0],
            "other_rep": access.create_key(session, role="rep", rep=WEST_REP, team="west")[0],
            "manager": access.create_key(session, role="manager", team="east")[0],
            "other_manager": access.create_key(session, role="manager", team="west")[0],
            "enablement": access.create_key(session, role="enablement", team="enablement")[0],
            "admin": access.create_key(session, role="admin")[0],
        }
    _process(settings, transcript_doc(EAST_CALL, EAST_REP, "Priya Shah", deal_id="acme"), "east")
    _process(settings, transcript_doc(WEST_CALL, WEST_REP, "Omar Haddad", deal_id="globex"), "west")
    yield ApiWorld(settings=settings, keys=keys, data=root)
    dispose_engines()


@pytest.fixture(scope="module")
def client(world: ApiWorld) -> Iterator[TestClient]:
    with TestClient(create_app(world.settings)) as c:
        yield c
