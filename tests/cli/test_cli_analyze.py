"""`callcoach analyze`: clean CONTRACT JSON on stdout with --json, a readable report without."""

from __future__ import annotations

import json

import pytest

from tests.cli.conftest import ROOT, TRANSCRIPTS, Run

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
    assert "Transcript (12 utterances)" in report
    assert "Walk me through how your dispatchers assign loads" in report
    with pytest.raises(json.JSONDecodeError):
        json.loads(report)


def test_cli_analyze_sample_report_reads_plainly(run_cli: Run) -> None:
    """The sample call (its reference transcript, to skip transcription): no internals, no raw
    timestamps, dynamics filled, next-call lines shown, --full prints every utterance."""
    sample = ROOT / "samples"
    result = run_cli("analyze", sample / "sample_call.ref.json", "--meta", sample / "sample_call.meta.json",
                     "--full", extra_env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    report = result.stdout
    assert "(see --json)" not in report and "similarity" not in report
    assert "T00:00:00" not in report and "2026-03-10T" not in report
    assert "Tue 10 Mar 2026" in report
    assert "dynamics: interactivity" in report and "rep questions/min" in report
    assert "share of talk time: rep 54%, buyer 46%" in report
    assert "next call:" in report
    utterances = json.loads((sample / "sample_call.ref.json").read_text())["utterances"]
    assert f"Transcript ({len(utterances)} utterances)" in report
    assert all(u["text"].split()[-1] in report for u in utterances)
    # The buyer agreed to invite the finance lead: no "get the missing person invited" prompt.
    assert "missing person invited" not in report


def test_cli_analyze_warns_when_the_meta_rep_matches_no_speaker(run_cli: Run, tmp_path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"rep": "marcus lee"}))
    result = run_cli("analyze", TRANSCRIPTS / "harbor_discovery.json", "--meta", meta, "--json")
    assert result.returncode == 0, result.stderr
    warnings = [ln for ln in result.stderr.splitlines() if ln.startswith("warning:")]
    assert len(warnings) == 1
    assert "rep 'marcus lee' matches no speaker" in warnings[0]
    assert "did you mean 'Marcus Lee'?" in warnings[0]
    json.loads(result.stdout)  # stdout stays clean JSON
