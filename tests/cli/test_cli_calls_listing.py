"""`callcoach calls`: newest call first, paged, filtered by day and text, with scores; a --rep that
differs only in case gets a hint. Help shows no Python types. Calls are stored directly (no models)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from callcoach import storage
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
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
