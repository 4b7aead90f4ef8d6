"""Every prompt's quotes satisfy its kind's condition, on real pipeline output.

The real pipeline (ingest -> signals -> coaching, stored in SQLite so calls see their history and
alerts quote earlier calls) runs over every shared call in ../shared/calls and over calls
generated here (tests/coaching/generated_calls.py); `coaching.consistency.check_analysis` must
find nothing. The shared calls are read where they are, never copied into the repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import coaching
from callcoach import storage
from callcoach.settings import Settings
from coaching.conditions import CONDITIONS
from coaching.consistency import check_analysis, view_of_analysis
from coaching.evidence import SELECTORS

from .generated_calls import generated_calls

# Runs the signal models over 39 calls: minutes on a shared 2-core machine.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(2400)]

ROOT = Path(__file__).resolve().parents[2]
SHARED_CALLS = ROOT.parent / "shared" / "calls"


def _ingest_all(paths: list[Path], settings: Settings) -> dict[str, dict[str, Any]]:
    from callcoach.services.pipeline import ingest_path

    # Oldest first, as they happened: each call is coached against the calls before it.
    paths = sorted(paths, key=lambda p: json.loads(p.read_text()).get("started_at") or "")
    for p in paths:
        ingest_path(p, settings=settings)
    with storage.session_scope(settings) as session:
        return {
            c.call_id: stored.analysis
            for c in storage.list_calls(session, limit=len(paths) + 1)
            if (stored := storage.get_call(session, c.call_id)) is not None
        }


def _problems(analyses: dict[str, dict[str, Any]], settings: Settings) -> list[str]:
    playbook = coaching.playbook_for(settings)
    views = {cid: view_of_analysis(a) for cid, a in analyses.items()}
    return [str(p) for a in analyses.values() for p in check_analysis(a, playbook, calls=views)]


@pytest.fixture(scope="module")
def shared_analyses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    files = sorted(SHARED_CALLS.glob("*.json")) if SHARED_CALLS.is_dir() else []
    if not files:
        pytest.skip(f"the shared calls are not on this machine ({SHARED_CALLS} is missing or empty)")
    tmp = tmp_path_factory.mktemp("shared")
    settings = Settings(data_dir=tmp / "data", database_url="", broker_url=None)
    return _ingest_all(files, settings)


@pytest.fixture(scope="module")
def generated_analyses(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("generated")
    paths = []
    for call in generated_calls():
        p = tmp / f"{call['call_id']}.json"
        p.write_text(json.dumps(call))
        paths.append(p)
    settings = Settings(data_dir=tmp / "data", database_url="", broker_url=None)
    return _ingest_all(paths, settings)


def test_every_evidence_kind_states_a_condition() -> None:
    assert set(SELECTORS) == set(CONDITIONS)
    assert all(c.states for c in CONDITIONS.values())


def test_evidence_consistency_on_every_shared_call(shared_analyses: dict[str, dict[str, Any]]) -> None:
    assert len(shared_analyses) == len(list(SHARED_CALLS.glob("*.json")))
    prompts = sum(len(a["coaching"]["prompts"]) for a in shared_analyses.values())
    assert prompts >= 10  # the check has something to check
    assert _problems(shared_analyses, Settings()) == []


def test_evidence_consistency_on_generated_calls(generated_analyses: dict[str, dict[str, Any]]) -> None:
    prompts = [p for a in generated_analyses.values() for p in a["coaching"]["prompts"]]
    alerts = [x for a in generated_analyses.values() for x in a["coaching"]["alerts"]]
    assert len(prompts) >= 10 and alerts, (len(prompts), len(alerts))
    assert _problems(generated_analyses, Settings()) == []


def test_generated_invite_commitment_gets_no_invite_prompt(
    generated_analyses: dict[str, dict[str, Any]],
) -> None:
    invited = [
        a
        for a in generated_analyses.values()
        if any("I will invite her" in u["text"] for u in a["transcript"])
    ]
    assert invited
    for a in invited:
        assert not [p for p in a["coaching"]["prompts"] if p["rule"] == "single-threaded"], a["call_id"]


def test_generated_alert_quotes_name_their_call(generated_analyses: dict[str, dict[str, Any]]) -> None:
    for a in generated_analyses.values():
        for alert in a["coaching"]["alerts"]:
            for q in alert["evidence"]:
                assert q["call_id"] in generated_analyses
                assert q["call_date"] == generated_analyses[q["call_id"]]["started_at"][:10]


def test_the_check_catches_a_quote_that_contradicts_its_claim(
    generated_analyses: dict[str, dict[str, Any]],
) -> None:
    """The checker is not vacuous: an open question under the open-questions prompt is reported."""
    a = next(
        a
        for a in generated_analyses.values()
        if any(q.get("open") for q in a["signals"]["discovery"].get("question_list") or [])
    )
    open_q = next(q for q in a["signals"]["discovery"]["question_list"] if q.get("open"))
    forged = {
        "rule": "open-questions",
        "signal": "discovery",
        "evidence": [{k: open_q[k] for k in ("start", "end", "speaker", "text")}],
    }
    broken = {**a, "coaching": {**a["coaching"], "prompts": [forged], "alerts": []}}
    problems = check_analysis(broken, coaching.playbook_for(Settings()))
    assert [p.problem for p in problems] == [f"quote is not {CONDITIONS['closed_questions'].states}"]
