"""Discovery counts, follow-ups, framework coverage and the 0-100 score on invented calls."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcoach.analysis import Signals
from callcoach.errors import InputError
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.discovery import discovery, discovery_score
from signals.frameworks import load_framework
from tests.signals._calls import BUYER, REP, call

DEEP = [
    (REP, "Thanks for making time. Walk me through how invoices get approved today."),
    (BUYER, "They come in by email and my team keys every one into the ERP by hand."),
    (REP, "How long does keying them in take your team?"),
    (BUYER, "About two days a week across the team, and we paid late fees three times last quarter."),
    (REP, "What happened with those late fees?"),
    (BUYER, "The approvals sat in someone's inbox while they were out."),
    (REP, "Who signs off on a purchase like this?"),
    (BUYER, "Our CFO has to approve anything over ten thousand."),
    (REP, "What will you weigh most when you compare options?"),
    (BUYER, "A clear integration plan with our ERP and a reference customer."),
]
PITCH = [
    (REP, "So our platform has workflows, dashboards and over two hundred integrations."),
    (BUYER, "Okay."),
    (REP, "And it's really easy to set up, right?"),
    (BUYER, "Sure."),
    (REP, "Does that make sense?"),
    (BUYER, "Yes."),
]


def _disc(lines: list[tuple[str, str]], settings: Settings | None = None) -> dict:
    ctx = SignalContext(transcript=call(lines), settings=settings or Settings())
    return Signals(**discovery(ctx).to_analysis()).to_contract()["discovery"]


@pytest.mark.slow
def test_discovery_score_deep_call_beats_pitch() -> None:
    deep, pitch = _disc(DEEP), _disc(PITCH)
    assert (deep["questions"], deep["open_questions"], deep["quantified_pains"]) == (5, 3, 1)
    assert (pitch["questions"], pitch["open_questions"], pitch["quantified_pains"]) == (0, 0, 0)
    assert deep["score"] > 60 > 10 > pitch["score"]
    # every count comes with its quotes
    assert deep["evidence"]["open_questions"][0]["text"] == "Walk me through how invoices get approved today."
    assert len(deep["evidence"]["questions"]) == deep["questions"]
    assert deep["evidence"]["quantified_pains"][0]["speaker"] == BUYER


@pytest.mark.slow
def test_discovery_score_follow_ups_build_on_last_answer() -> None:
    follow = [f["question"]["text"] for f in _disc(DEEP)["follow_ups"]]
    assert "How long does keying them in take your team?" in follow
    assert "What happened with those late fees?" in follow
    assert not any(q.startswith("Thanks for making time") for q in follow)  # nothing to follow up on


@pytest.mark.slow
def test_discovery_score_framework_coverage_with_evidence() -> None:
    fw = _disc(DEEP)["framework"]
    elements = {e["key"]: e for e in fw["elements"]}
    assert fw["name"] == "MEDDICC" and fw["total"] == 7
    assert elements["economic_buyer"]["covered"]
    assert elements["economic_buyer"]["evidence"][0]["text"] in {
        "Who signs off on a purchase like this?", "Our CFO has to approve anything over ten thousand."}
    assert elements["decision_criteria"]["covered"]
    assert not elements["champion"]["covered"]
    bant = _disc(DEEP, Settings(framework="bant"))["framework"]
    assert bant["name"] == "BANT" and [e["key"] for e in bant["elements"]] == [
        "budget", "authority", "need", "timeline"]


def test_discovery_score_formula_parts() -> None:
    score, parts = discovery_score(questions=10, open_questions=5, follow_ups=2, pains=1,
                                   coverage=0.5, duration_s=1200.0)
    # volume 10/5 -> 1, open 0.5, follow-ups 2/(10/3) = 0.6, pains 0.5, coverage 0.5
    assert parts == {"volume": 1.0, "open_share": 0.5, "follow_ups": 0.6, "pains": 0.5, "coverage": 0.5}
    assert score == pytest.approx(100 * (0.2 + 0.125 + 0.09 + 0.1 + 0.1))
    assert discovery_score(questions=0, open_questions=0, follow_ups=0, pains=0, coverage=0.0,
                           duration_s=600.0)[0] == 0.0


def test_discovery_score_framework_from_yaml_path_and_bad_file(tmp_path: Path) -> None:
    good = tmp_path / "mine.yaml"
    good.write_text("name: Mine\nelements:\n  - key: pain\n    examples: ['What hurts today?']\n")
    assert load_framework(str(good)).elements[0].examples == ("What hurts today?",)
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: Bad\nelements:\n  - name: no key\n")
    with pytest.raises(InputError, match="bad.yaml"):
        load_framework(str(bad))
    with pytest.raises(InputError, match="no such bundled framework"):
        load_framework("nosuchframework")
