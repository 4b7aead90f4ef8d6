"""`callcoach analyze`: clean CONTRACT JSON on stdout with --json, a readable report without."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import TRANSCRIPTS, Run

pytestmark = pytest.mark.slow  # runs every signal, which loads the NLP models


def test_cli_analyze_json_has_contract_keys(run_cli: Run) -> None:
    result = run_cli("analyze", TRANSCRIPTS / "harbor_discovery.json", "--json")
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)  # stdout is exactly one JSON document
    assert analysis["call_id"] == "harbor-disco-01"
    assert analysis["duration_s"] == pytest.approx(64.0)
    assert [(s["name"], s["side"]) for s in analysis["speakers"]] == [("Marcus Lee", "rep"),
                                                                      ("Elena Ortiz", "buyer")]
    assert analysis["speakers"][0]["talk_time_s"] == pytest.approx(29.1, abs=0.01)
    transcript = analysis["transcript"]
    assert len(transcript) == 12
    assert {"speaker", "side", "start", "end", "text"} <= set(transcript[0])
    assert transcript[3]["text"].startswith("Mostly spreadsheets and phone calls.")
    assert [u["start"] for u in transcript] == sorted(u["start"] for u in transcript)
    assert isinstance(analysis["signals"], dict)
    assert set(analysis["coaching"]) >= {"prompts", "alerts"}


def test_cli_analyze_meta_overrides_transcript(run_cli: Run) -> None:
    result = run_cli("analyze", TRANSCRIPTS / "harbor_discovery.json", "--meta",
                     TRANSCRIPTS / "harbor_meta_override.json", "--json")
    assert result.returncode == 0, result.stderr
    analysis = json.loads(result.stdout)
    assert analysis["call_id"] == "harbor-disco-01-relabelled"
    titles = {s["name"]: s.get("title") for s in analysis["speakers"]}
    assert titles["Elena Ortiz"] == "VP Operations"


def test_cli_analyze_readable_report(run_cli: Run) -> None:
    result = run_cli("analyze", TRANSCRIPTS / "harbor_discovery.json")
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "Harbor Freight Logistics / discovery" in report
    assert "Speakers" in report and "Elena Ortiz" in report and "Director of Dispatch" in report
    assert "Transcript (first 12 of 12 utterances)" in report
    assert "Walk me through how your dispatchers assign loads" in report
    with pytest.raises(json.JSONDecodeError):
        json.loads(report)
