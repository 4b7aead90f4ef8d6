"""`callcoach calls`: newest call first, paged, filtered by day and text, with scores; a --rep that
differs only in case gets a hint. Help shows no Python types. Calls are stored directly (no models),
each with its job row as `callcoach ingest` records it. The CLI lists the calls `GET /v1/calls`
lists, queued and failed ones included, in the same order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from callcoach import storage
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.services import access, jobs
from callcoach.settings import Settings

from .conftest import Run

T0 = datetime(2026, 3, 2, 15, tzinfo=UTC)


def _store(data_dir: Path, n: int) -> None:
    settings = Settings(data_dir=data_dir, database_url="", broker_url=None)
    with storage.session_scope(settings) as session:
        # Stored in an order unrelated to the calls' dates.
        for i in [3, 0, 4, 1, 2, *range(5, n)]:
            rep = "Dana Reyes" if i % 2 == 0 else "Sam Lee"
            meta = CallMeta(
                call_id=f"call-{i:02d}",
                title=f"Acme {i} / discovery" if i < 3 else f"Globex {i}",
                started_at=T0 + timedelta(days=i),
                deal_id="acme",
                rep=rep,
                participants=(Participant(rep, "rep"), Participant("Priya Shah", "buyer")),
            )
            tr = Transcript(meta, (Utterance(rep, 0.0, 2.0, "Hello there.", "rep"),), 60.0)
            analysis = {
                "call_id": meta.call_id,
                "title": meta.title,
                "duration_s": 60.0,
                "signals": {
                    "discovery": {"score": 40.0 + i},
                    "talk_ratio": {"rep": 0.5},
                    "next_step": {"clarity": 2},
                },
                "coaching": {"prompts": [{"rule": "x"}], "alerts": []},
            }
            storage.save_call(session, tr, analysis)
            storage.upsert_job(session, meta.call_id, status="done")
    storage.dispose_engines()


def test_cli_calls_newest_first_paged_with_scores(run_cli: Run, tmp_path: Path) -> None:
    _store(tmp_path / "data", 7)
    res = run_cli("calls", "--limit", "3", "--json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert [r["call_id"] for r in rows] == ["call-06", "call-05", "call-04"]
    assert rows[0]["scores"]["discovery"] == 46.0 and rows[0]["scores"]["rep_talk_share"] == 0.5
    page2 = json.loads(run_cli("calls", "--limit", "3", "--page", "2", "--json").stdout)
    assert [r["call_id"] for r in page2] == ["call-03", "call-02", "call-01"]
    offset = json.loads(run_cli("calls", "--limit", "3", "--offset", "6", "--json").stdout)
    assert [r["call_id"] for r in offset] == ["call-00"]
    table = run_cli("calls", "--limit", "3", extra_env={"COLUMNS": "200"}).stdout
    assert "calls 1-3 of 7 (newest first; next: --page 2)" in table and "46/100" in table


def test_cli_calls_filters_by_day_and_text(run_cli: Run, tmp_path: Path) -> None:
    _store(tmp_path / "data", 7)
    since = json.loads(run_cli("calls", "--since", "2026-03-05", "--until", "2026-03-07", "--json").stdout)
    assert [r["call_id"] for r in since] == ["call-04", "call-03"]
    found = json.loads(run_cli("calls", "--search", "ACME", "--json").stdout)
    assert [r["call_id"] for r in found] == [f"call-{i:02d}" for i in range(6, -1, -1)]  # the deal matches
    titled = json.loads(run_cli("calls", "--search", "globex", "--json").stdout)
    assert {r["call_id"] for r in titled} == {"call-03", "call-04", "call-05", "call-06"}


def test_cli_calls_rep_in_the_wrong_case_gets_a_hint(run_cli: Run, tmp_path: Path) -> None:
    _store(tmp_path / "data", 3)
    res = run_cli("calls", "--rep", "dana reyes")
    assert res.returncode == 0
    assert "calls are stored under 'Dana Reyes'" in res.stderr
    assert "No stored calls match" in res.stdout


def test_cli_help_shows_no_python_types(run_cli: Run) -> None:
    for command in ("ingest", "calls", "analyze", "roleplays"):
        res = run_cli(command, "--help", extra_env={"COLUMNS": "160"})
        assert res.returncode == 0
        assert "<bool>" not in res.stdout and "<list[" not in res.stdout, command


def _submit(settings: Settings, call_id: str, rep: str) -> None:
    directory = jobs.submission_dir(settings, call_id)
    (directory / "call.wav").write_bytes(b"RIFF")
    jobs.submit_call(settings, call_id=call_id, input_path=directory / "call.wav", rep=rep)


def test_cli_calls_and_the_api_list_the_same_calls(run_cli: Run, tmp_path: Path) -> None:
    data = tmp_path / "data"
    _store(data, 5)
    settings = Settings(data_dir=data, database_url="", broker_url=None, reconcile_interval_s=3600)
    _submit(settings, "call-queued", "Sam Lee")
    _submit(settings, "call-failed", "Dana Reyes")
    jobs.fail_call(settings, "call-failed", "transcribe failed: the recording has no samples")
    with storage.session_scope(settings) as session:
        admin = access.create_key(session, role="admin")[0]
    storage.dispose_engines()

    def cli(*args: str) -> list[tuple[str, str]]:
        res = run_cli("calls", "--json", "--limit", "100", *args)
        assert res.returncode == 0, res.stderr
        return [(r["call_id"], r["status"]) for r in json.loads(res.stdout)]

    with TestClient(create_app(settings)) as client:

        def api(**params: str) -> list[tuple[str, str]]:
            res = client.get("/v1/calls", params={"limit": "100", **params},
                             headers={"Authorization": f"Bearer {admin}"})
            assert res.status_code == 200, res.text
            return [(c["id"], c["status"]) for c in res.json()["items"]]

        everything = api()
        assert cli() == everything
        # Analysed calls newest first by their date; the two not analysed (no date) after them.
        assert [c for c, _ in everything] == [
            "call-04", "call-03", "call-02", "call-01", "call-00", "call-failed", "call-queued"]
        assert dict(everything)["call-queued"] == "queued" and dict(everything)["call-failed"] == "failed"
        assert cli("--status", "failed") == api(status="failed") == [("call-failed", "failed")]
        assert cli("--rep", "Sam Lee") == api(rep="Sam Lee") == [
            ("call-03", "done"), ("call-01", "done"), ("call-queued", "queued")]
        assert cli("--deal", "acme", "--since", "2026-03-05") == api(
            deal_id="acme", since="2026-03-05T00:00:00+00:00") == [("call-04", "done"), ("call-03", "done")]
