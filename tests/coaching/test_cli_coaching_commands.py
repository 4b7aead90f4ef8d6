"""The coaching CLI commands on a private database of generated calls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from callcoach.cli import app
from callcoach.settings import Settings, get_settings
from callcoach.storage import dispose_engines

from .histories import declining_discovery_rep, make_call
from .test_webhooks_delivery import _store


@pytest.fixture
def cli_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("CALLCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CALLCOACH_DATABASE_URL", "")
    monkeypatch.setenv("CALLCOACH_WEBHOOK_URLS", "[]")
    get_settings.cache_clear()
    settings = get_settings()
    _store(settings, declining_discovery_rep())
    yield settings
    get_settings.cache_clear()
    dispose_engines()


@pytest.mark.slow  # the catch-up embeds the calls' buyer statements with MiniLM
def test_cli_alerts_lists_the_drift_alert_once(cli_settings: Settings) -> None:
    runner = CliRunner()
    first = runner.invoke(app, ["alerts", "--json"])
    assert first.exit_code == 0, first.output
    alerts = json.loads(first.stdout)["alerts"]
    assert [(a["kind"], a["subject"]) for a in alerts if a["subject_type"] == "rep"] == [
        ("discovery_drift", "Dana Reyes")
    ]
    again = json.loads(runner.invoke(app, ["alerts", "--json"]).stdout)
    assert [a["id"] for a in again["alerts"]] == [a["id"] for a in alerts]
    assert again["refresh"]["opened"] == []
    text = runner.invoke(app, ["alerts"])
    assert "discovery_drift" in text.stdout and "Dana Reyes" in text.stdout


@pytest.mark.slow  # the catch-up embeds the calls' buyer statements with MiniLM
def test_cli_coach_plan_for_a_rep(cli_settings: Settings, tmp_path: Path) -> None:
    roster = tmp_path / "reps.csv"
    roster.write_text("rep,team,manager,band,tenure_months,segment\nDana Reyes,East,Maya Cole,core,8,smb\n")
    res = CliRunner().invoke(app, ["coach", "Dana Reyes", "--json", "--roster", str(roster)])
    assert res.exit_code == 0, res.output
    plan = json.loads(res.stdout)
    assert plan["calls"] == 12 and plan["latest_call"]["call_id"] == "dana-deal-11-11"
    assert plan["roster"]["team"] == "East"
    rules = [p["rule"] for p in plan["prompts"]]
    assert "discovery-depth" in rules and len(rules) <= 3
    assert any(a["kind"] == "discovery_drift" for a in plan["alerts"])


@pytest.mark.slow  # `coach` catches up first: MiniLM embeds the stored calls' buyer statements
def test_cli_unknown_rep_and_bad_roster_are_one_line_errors(cli_settings: Settings, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(app, ["coach", "Nobody"])
    assert res.exit_code == 1 and "no stored calls for rep 'Nobody'" in res.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("team\nEast\n")
    res = runner.invoke(app, ["outcomes", "--roster", str(bad)])
    assert res.exit_code == 2 and str(bad) in res.stderr and res.stderr.count("\n") == 1


@pytest.mark.slow  # ingests through the real pipeline (spaCy, embeddings)
def test_cli_outcomes_follow_prompts_issued_at_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Prompts written by the pipeline's coach_call at ingest are followed over the next calls."""
    import dataclasses

    import coaching
    from coaching.calls import transcript_of_stored

    monkeypatch.setenv("CALLCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CALLCOACH_DATABASE_URL", "")
    get_settings.cache_clear()
    settings = get_settings()
    try:
        # Open questions drop to 1 on call 3 (prompted), then recover to 6-7.
        calls = [make_call(i, deal=f"o{i}", open_questions=q) for i, q in enumerate([5, 5, 4, 1, 6, 7, 6])]
        stored = []
        for c in calls:
            result = coaching.coach_call(
                transcript_of_stored(c), c.analysis["signals"], history=stored, settings=settings
            )
            c = dataclasses.replace(c, analysis={**c.analysis, "coaching": result})
            _store(settings, [c])
            stored.append(c)
        prompted = [p["rule"] for p in stored[3].analysis["coaching"]["prompts"]]
        assert "open-questions" in prompted
        roster = tmp_path / "reps.yaml"
        roster.write_text("- {rep: Dana Reyes, team: East, band: core, tenure_months: 30, segment: smb}\n")
        res = CliRunner().invoke(app, ["outcomes", "--json", "--roster", str(roster)])
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        oq = [
            o for o in out["prompts"] if o["call_id"] == calls[3].call_id and o["metric"] == "open_questions"
        ]
        assert len(oq) == 1 and oq[0]["status"] == "improved" and oq[0]["n_after"] == 3
        assert out["per_team"]["East"]["open_questions"]["improved"] == 1
        assert out["cohorts"]["tenure"]["24+ months"]["open_questions"]["improved"] == 1
        text = CliRunner().invoke(app, ["outcomes"]).stdout
        assert "Per rep" in text and "Dana Reyes" in text
    finally:
        get_settings.cache_clear()
        dispose_engines()


def test_cli_roleplays_flags_exclude_each_other(cli_settings: Settings) -> None:
    res = CliRunner().invoke(app, ["roleplays", "--json", "--markdown"])
    assert res.exit_code == 2 and "exclude each other" in res.stderr


@pytest.mark.slow
def test_cli_roleplays_json_names_team_and_segment(cli_settings: Settings, tmp_path: Path) -> None:
    roster = tmp_path / "reps.csv"
    roster.write_text("rep,team,segment\nDana Reyes,East,smb\n")
    res = CliRunner().invoke(app, ["roleplays", "--json", "--roster", str(roster)])
    assert res.exit_code == 0, res.output
    scenarios = json.loads(res.stdout)["scenarios"]
    # Every generated call has the same month-end pain: one scenario, twelve contexts.
    assert len(scenarios) == 1 and scenarios[0]["kind"] == "pain"
    assert len(scenarios[0]["context"]) == 12
    assert {(c["team"], c["segment"]) for c in scenarios[0]["context"]} == {("East", "smb")}
    assert scenarios[0]["variants"] == [
        "Mostly, but month-end close takes our team about six days and it is painful."
    ]
