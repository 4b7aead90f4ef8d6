"""Bad submissions answer 422 at once with one clear line (nothing queued, nothing kept);
DELETE /v1/calls/{id} removes a call's rows, files and the alerts that quote it, for an admin or
the call's manager only; `callcoach delete` does the same from the shell; /metrics is off, or
behind its token, and counts made-up methods as "other"."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from callcoach.services import access, jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope
from callcoach.storage.access_models import CallAccessRow, JobLeaseRow
from callcoach.storage.coaching_models import CoachingAlertRow
from callcoach.storage.models import CallRow, JobRow, UtteranceRow
from tests.api.conftest import transcript_doc

REP = "Dana Reyes"


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"reconcile_interval_s": 3600.0})


@pytest.fixture
def keys(app_settings: Settings) -> dict[str, dict[str, str]]:
    with session_scope(app_settings) as session:
        made = {
            "admin": access.create_key(session, role="admin")[0],
            "rep": access.create_key(session, role="rep", rep=REP, team="east")[0],
            "manager": access.create_key(session, role="manager", team="east")[0],
            "other_manager": access.create_key(session, role="manager", team="west")[0],
        }
    return {role: {"Authorization": f"Bearer {key}"} for role, key in made.items()}


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as c:
        yield c
    dispose_engines()


def _post(client: TestClient, headers: dict[str, str], doc: dict[str, object], meta: dict[str, object]):  # noqa: ANN202
    return client.post(
        "/v1/calls",
        headers=headers,
        data={"meta": json.dumps(meta)},
        files={"file": ("call.json", json.dumps(doc), "application/json")},
    )


def _with_text(doc: dict[str, object], text: str) -> dict[str, object]:
    utterances = [dict(u) for u in doc["utterances"]]  # type: ignore[union-attr]
    utterances[1]["text"] = text
    return {**doc, "utterances": utterances}


BAD = {
    "rep over 200": ({"rep": "r" * 201}, None, "rep"),
    "team over 200": ({"team": "t" * 201}, None, "team"),
    "NUL in rep": ({"rep": "Dana\x00Reyes"}, None, "NUL"),
    "deal id of 5000": ({"deal_id": "d" * 5000}, None, "deal_id"),
    "call id path": ({"call_id": "../../etc/passwd"}, None, "call_id"),
    "NUL in text": ({}, "price\x00 is fine", "NUL"),
    "NUL in an extra field": ({"notes": {"crm": ["a\x00b"]}}, None, "notes.crm[0]"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_calls_bad_input_is_422_at_once_and_keeps_nothing(
    client: TestClient, keys: dict[str, dict[str, str]], app_settings: Settings, case: str
) -> None:
    meta, text, word = BAD[case]
    doc = transcript_doc("bad-01", REP, "Priya Shah", deal_id="acme")
    if text is not None:
        doc = _with_text(doc, text)
    r = _post(client, keys["admin"], doc, {"call_id": "bad-01", **meta})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert word in detail and "\n" not in detail and "postgres" not in detail and len(detail) < 300
    with session_scope(app_settings) as s:
        assert s.scalar(select(func.count()).select_from(JobRow)) == 0
    uploads = jobs.uploads_dir(app_settings)
    assert not [p for p in uploads.rglob("*") if p.is_file()]


def _processed_call(settings: Settings, call_id: str) -> Path:
    """A call submitted for REP of team east and transcribed (the part of the pipeline that stores
    rows and files; analysis is not needed to test deletion), with an alert quoting it and one
    alert that does not."""
    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_text(
        json.dumps(transcript_doc(call_id, REP, "Priya Shah", deal_id="acme")), encoding="utf-8"
    )
    jobs.write_meta(directory, {"call_id": call_id, "team": "east"})
    jobs.submit_call(settings, call_id=call_id, input_path=directory / "input.json", rep=REP, team="east")
    assert jobs.run_stage(settings, "transcribe", call_id).outcome == "done"
    with session_scope(settings) as s:
        for kind, ref in (("talk_ratio", call_id), ("filler", "some-other-call")):
            s.add(
                CoachingAlertRow(
                    kind=kind,
                    subject_type="rep",
                    subject=REP,
                    severity="medium",
                    message="m",
                    window=[{"call_id": ref}],
                    evidence=[],
                )
            )
    return directory


def _rows(settings: Settings, call_id: str) -> dict[str, int]:
    with session_scope(settings) as s:
        def count(model: type, col: object) -> int:
            return int(s.scalar(select(func.count()).select_from(model).where(col == call_id)) or 0)

        return {
            "jobs": count(JobRow, JobRow.call_id),
            "calls": count(CallRow, CallRow.call_id),
            "leases": count(JobLeaseRow, JobLeaseRow.call_id),
            "access": count(CallAccessRow, CallAccessRow.call_id),
            "utterances": int(s.scalar(select(func.count()).select_from(UtteranceRow)) or 0),
            "alerts": int(s.scalar(select(func.count()).select_from(CoachingAlertRow)) or 0),
        }


def test_calls_delete_removes_rows_files_and_quoting_alerts_for_the_right_keys(
    client: TestClient, keys: dict[str, dict[str, str]], app_settings: Settings
) -> None:
    directory = _processed_call(app_settings, "del-01")
    assert _rows(app_settings, "del-01") == {
        "jobs": 1, "calls": 1, "leases": 1, "access": 1, "utterances": 4, "alerts": 2
    }
    # Another team's manager cannot see it (404, as for a read); its own rep sees it but may not delete.
    assert client.delete("/v1/calls/del-01", headers=keys["other_manager"]).status_code == 404
    assert client.delete("/v1/calls/del-01", headers=keys["rep"]).status_code == 403
    assert client.delete("/v1/calls/del-01", headers={}).status_code == 401
    assert directory.exists()
    r = client.delete("/v1/calls/del-01", headers=keys["manager"])
    assert r.status_code == 204, r.text
    assert _rows(app_settings, "del-01") == {
        "jobs": 0, "calls": 0, "leases": 0, "access": 0, "utterances": 0, "alerts": 1
    }
    assert not directory.exists() and not directory.parent.exists()
    assert client.get("/v1/calls/del-01", headers=keys["admin"]).status_code == 404
    assert client.delete("/v1/calls/del-01", headers=keys["admin"]).status_code == 404


def test_cli_delete_removes_a_call_and_refuses_a_bad_id(
    app_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from callcoach.cli import app

    _processed_call(app_settings, "del-02")
    monkeypatch.setenv("CALLCOACH_DATA_DIR", str(app_settings.data_dir))
    monkeypatch.setenv("CALLCOACH_DATABASE_URL", app_settings.database_url)
    from callcoach.settings import get_settings

    get_settings.cache_clear()
    try:
        runner = CliRunner()
        bad = runner.invoke(app, ["delete", "../../etc/passwd"])
        assert bad.exit_code == 2 and "call_id" in bad.output
        ok = runner.invoke(app, ["delete", "del-02"])
        assert ok.exit_code == 0, ok.output
        assert _rows(app_settings, "del-02")["calls"] == 0
        assert runner.invoke(app, ["delete", "del-02"]).exit_code == 1  # not found
    finally:
        get_settings.cache_clear()


def test_metrics_off_by_default_token_when_set_and_known_methods_only(app_settings: Settings) -> None:
    with TestClient(create_app(app_settings)) as c:
        assert c.get("/metrics").status_code == 404
    token_settings = app_settings.model_copy(update={"metrics": "token", "metrics_token": "s3cret"})
    with TestClient(create_app(token_settings)) as c:
        assert c.get("/metrics").status_code == 401
        assert c.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        for i in range(20):
            c.request(f"MADEUP{i}", "/healthz")
        body = c.get("/metrics", headers={"Authorization": "Bearer s3cret"}).text
    assert "MADEUP" not in body
    assert 'method="other"' in body


def test_access_log_lines_carry_no_names() -> None:
    from api.logs import scrub_path

    assert scrub_path("/v1/calls?rep=Dana%20Reyes&limit=5") == "/v1/calls?rep=-&limit=-"
    assert scrub_path("/v1/reps/Dana%20Reyes/coaching") == "/v1/reps/-/coaching"
    assert scrub_path("/v1/calls/call-1") == "/v1/calls/call-1"
