"""Conversation dynamics on a hand-timed call: talk ratio, monologues, switches, patience."""

from __future__ import annotations

import pytest

from callcoach.analysis import Signals
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.dynamics import dynamics
from tests.signals._calls import BUYER, BUYER2, REP, call

pytestmark = pytest.mark.slow

LINES = [
    (REP, "Thanks both for joining. Let me start with an overview of the platform.", 0.0, 20.0),
    (BUYER, "mm-hmm", 20.2, 20.8),  # a backchannel does not end the monologue
    (REP, "So um it covers invoices, approvals and payments, you know, in one place.", 21.0, 40.0),
    (BUYER, "We process about nine hundred invoices a month and it takes far too long.", 42.0, 50.0),
    (BUYER, "Our approvals sit in inboxes for a week, sometimes longer, and vendors call us.", 50.5, 62.0),
    (REP, "How do approvals work today?", 63.0, 66.0),
    (BUYER2, "Through email, mostly.", 66.5, 70.0),
    (REP, "Got it.", 70.0, 71.0),
]


def _dyn() -> dict:
    found = dynamics(SignalContext(transcript=call(LINES), settings=Settings()))
    return Signals(**found.to_analysis()).to_contract()


def test_dynamics_talk_ratio_and_monologues() -> None:
    out = _dyn()
    rep_time, buyer_time = 20 + 19 + 3 + 1, 0.6 + 8 + 11.5 + 3.5
    assert out["talk_ratio"]["rep"] == pytest.approx(rep_time / (rep_time + buyer_time), abs=1e-3)
    assert out["talk_ratio"]["buyer"] == pytest.approx(buyer_time / (rep_time + buyer_time), abs=1e-3)
    assert set(out["talk_ratio"]["per_speaker"]) == {REP, BUYER, BUYER2}
    assert out["longest_monologue_s"] == 40.0  # 0-40 s, through the "mm-hmm"
    mono = out["dynamics"]["longest_monologue"]
    assert [e["start"] for e in mono["evidence"]] == [0.0, 21.0]
    story = out["dynamics"]["longest_buyer_story"]
    assert (story["speaker"], story["seconds"]) == (BUYER, 20.0)


def test_dynamics_interactivity_patience_questions_fillers() -> None:
    d = _dyn()["dynamics"]
    # speaker changes: R-B, B-R, R-B, B-R, R-B2, B2-R
    assert d["interactivity"]["switches"] == 6
    assert d["interactivity"]["switches_per_min"] == pytest.approx(6 / (71 / 60), abs=0.01)
    # rep replies after buyer turns: 0.2 s (after mm-hmm), 1.0 s, 0.0 s
    assert d["patience"]["replies"] == 3
    assert d["patience"]["mean_pause_s"] == pytest.approx(0.4, abs=0.01)
    assert d["question_rate"]["questions"] == 1
    assert d["filler_rate"]["per_speaker"] == {REP: 2}
    assert d["filler_rate"]["evidence"][0]["start"] == 21.0
