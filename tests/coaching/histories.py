"""Generated call histories for coaching scenario tests: StoredCall objects with CONTRACT analyses."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

from callcoach.domain import Participant, StoredCall

T0 = datetime(2026, 1, 5, 15, 0, tzinfo=UTC)


def utterances(rep: str, buyer: str, *, closing: str = "Thanks, talk soon.") -> list[dict[str, Any]]:
    rows = [
        (rep, "rep", "Thanks for the time today. Is the current process working for you?"),
        (buyer, "buyer", "Mostly, but month-end close takes our team about six days and it is painful."),
        (
            rep,
            "rep",
            "Let me walk you through how our platform automates reconciliation end to end, "
            "with matching rules, approvals and audit trails built in.",
        ),
        (buyer, "buyer", "Okay, that sounds interesting."),
        (rep, "rep", closing),
    ]
    out, t = [], 0.0
    for speaker, side, text in rows:
        dur = max(2.0, len(text.split()) * 0.4)
        out.append(
            {"speaker": speaker, "side": side, "start": round(t, 2), "end": round(t + dur, 2), "text": text}
        )
        t += dur + 0.5
    return out


def make_call(
    i: int,
    *,
    rep: str = "Dana Reyes",
    deal: str | None = None,
    buyer: str = "Priya Shah",
    discovery: float = 70.0,
    open_questions: int = 5,
    talk_ratio: float = 0.45,
    next_step: tuple[bool, bool, bool] = (True, True, True),
    sentiment: float = 0.1,
    buyer_participants: int = 1,
    call_score: float | None = None,
) -> StoredCall:
    call_id = f"{rep.split()[0].lower()}-{deal or 'x'}-{i:02d}"
    direction = "negative" if sentiment <= -0.25 else "positive" if sentiment >= 0.25 else "flat"
    transcript = utterances(rep, buyer)
    present, dated, owned = next_step
    analysis = {
        "call_id": call_id,
        "title": f"{deal or 'call'} #{i}",
        "rep": rep,
        "deal_id": deal,
        "started_at": (T0 + timedelta(days=3 * i)).isoformat(),
        "duration_s": transcript[-1]["end"],
        "speakers": [
            {"name": rep, "side": "rep", "talk_time_s": 30.0, "title": "Account Executive"},
            {"name": buyer, "side": "buyer", "talk_time_s": 10.0, "title": "Controller"},
        ],
        "transcript": transcript,
        "signals": {
            "talk_ratio": {"rep": talk_ratio},
            "longest_monologue_s": 20.0,
            "discovery": {
                "questions": open_questions + 2,
                "open_questions": open_questions,
                "quantified_pains": 1,
                "score": discovery,
            },
            "sentiment": {
                "drift": sentiment,
                "direction": direction,
                "call_score": sentiment if call_score is None else call_score,
                "evidence": [{k: transcript[3][k] for k in ("start", "end", "speaker", "text")}],
            },
            "next_step": {
                "present": present,
                "dated": dated,
                "owned": owned,
                "text": "I'll send the proposal by Thursday." if present else None,
            },
            "multithreading": {
                "buyer_participants": buyer_participants,
                "stakeholders": [{"name": buyer, "title": "Controller", "on_call": True}],
            },
            "objections": [],
        },
        "coaching": {"prompts": [], "alerts": []},
    }
    return StoredCall(
        call_id=call_id,
        rep=rep,
        deal_id=deal,
        started_at=T0 + timedelta(days=3 * i),
        analysis=analysis,
        participants=(
            Participant(rep, "rep", "Account Executive"),
            Participant(buyer, "buyer", "Controller"),
        ),
    )


def declining_discovery_rep() -> list[StoredCall]:
    """Six steady calls (discovery ~72), then a slide of about seven points a call."""
    scores = [72, 70, 74, 71, 73, 69, 62, 55, 48, 42, 36, 30]
    return [make_call(i, discovery=s, deal=f"deal-{i}") for i, s in enumerate(scores)]


def steady_rep(n: int = 50, seed: int = 7) -> list[StoredCall]:
    """A rep with ordinary call-to-call variation around constant habits."""
    rng = random.Random(seed)
    calls = []
    for i in range(n):
        clarity = rng.choices([3, 2, 1], [0.6, 0.3, 0.1])[0]
        calls.append(
            make_call(
                i,
                rep="Sam Steady",
                deal=f"steady-{i}",
                discovery=min(100.0, max(0.0, rng.gauss(70, 8))),
                open_questions=max(0, round(rng.gauss(5, 1.5))),
                talk_ratio=rng.gauss(0.45, 0.05),
                next_step=(True, clarity >= 2, clarity >= 3),
                sentiment=rng.gauss(0.1, 0.2),
            )
        )
    return calls
