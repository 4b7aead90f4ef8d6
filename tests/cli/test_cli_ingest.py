"""`callcoach ingest` stores calls (re-ingest replaces), `calls` lists them, `show` reads one back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import TRANSCRIPTS, Run, error_lines

pytestmark = pytest.mark.slow  # runs every signal, which loads the NLP models


def test_cli_ingest_twice_keeps_one_call_good_files_survive_bad(run_cli: Run, tmp_path: Path) -> None:
    bad = tmp_path / "truncated.json"
    bad.write_text('{"call_id": "broken", "utterances": [{"speaker": "A"')
    discovery, followup = TRANSCRIPTS / "harbor_discovery.json", TRANSCRIPTS / "harbor_followup.json"

    first = run_cli("ingest", discovery, bad, followup)
    assert first.returncode != 0
    errors = error_lines(first.stderr)
    assert len(errors) == 1 and str(bad) in errors[0] and "not valid JSON" in errors[0], first.stderr
    assert [line.split("\t")[0] for line in first.stdout.splitlines()] == [
        "stored harbor-disco-01", "stored harbor-followup-02"]

    again = run_cli("ingest", discovery)
    assert again.returncode == 0, again.stderr

    listed = run_cli("calls", "--json")
    assert listed.returncode == 0, listed.stderr
    calls = json.loads(listed.stdout)
    assert [c["call_id"] for c in calls] == ["harbor-followup-02", "harbor-disco-01"]  # newest first
    assert calls[0]["speakers"] == 3 and calls[0]["deal_id"] == "harbor-2026"

    by_deal = json.loads(run_cli("calls", "--json", "--deal", "harbor-2026", "--rep", "Marcus Lee").stdout)
    assert len(by_deal) == 2
    assert json.loads(run_cli("calls", "--json", "--rep", "Someone Else").stdout) == []

    shown = run_cli("show", "harbor-followup-02", "--json")
    assert shown.returncode == 0, shown.stderr
    analysis = json.loads(shown.stdout)
    assert analysis["call_id"] == "harbor-followup-02"
    assert [u["speaker"] for u in analysis["transcript"]][:2] == ["Marcus Lee", "Dev Patel"]

    report = run_cli("show", "harbor-disco-01")
    assert report.returncode == 0 and "Harbor Freight Logistics / discovery" in report.stdout
    table = run_cli("calls")
    assert table.returncode == 0 and "calls 1-2 of 2 (newest first)" in table.stdout
