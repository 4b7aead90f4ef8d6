"""Practice prompts: at most three, highest priority first, quoting this call, with a next-call line
built from the buyer's own words."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import coaching
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings

from .histories import make_call

REP, BUYER = "Dana Reyes", "Priya Shah"
PAIN = "Our AP team spends about twelve hours a week chasing duplicate invoices"
LINES = [
    (REP, "rep", "Thanks for joining. Is the current invoicing process working for you?"),
    (BUYER, "buyer", f"Not really. {PAIN}, and last quarter we paid two vendors twice."),
    (
        REP,
        "rep",
        "Got it. Let me show you our platform: it captures invoices, matches them to purchase orders, "
        "routes approvals, flags duplicates, syncs with your ERP and gives you a full audit trail "
        "with dashboards for your controller and CFO.",
    ),
    (BUYER, "buyer", "Honestly the price seems high compared to what we pay for our current tool."),
    (REP, "rep", "We are actually very competitive once you factor in the automation."),
    (BUYER, "buyer", "Maybe. Let's touch base later."),
    (REP, "rep", "Sounds good, I'll follow up sometime."),
]


def _transcript() -> Transcript:
    utts, t = [], 0.0
    for speaker, side, text in LINES:
        dur = len(text.split()) * 0.45
        utts.append(Utterance(speaker, t, t + dur, text, side))
        t += dur + 0.4
    meta = CallMeta(
        call_id="acme-1",
        title="Acme / discovery",
        started_at=datetime(2026, 3, 2, tzinfo=UTC),
        deal_id="acme",
        rep=REP,
        participants=(Participant(REP, "rep", "AE"), Participant(BUYER, "buyer", "Controller")),
    )
    return Transcript(meta, tuple(utts), t)


def _ev(u: Utterance) -> dict[str, Any]:
    return {"start": u.start, "end": u.end, "speaker": u.speaker, "text": u.text}


def _signals(tr: Transcript, *, score: float = 30.0) -> dict[str, Any]:
    u = tr.utterances
    return {
        "talk_ratio": {"rep": 0.72},
        "longest_monologue_s": u[2].duration,
        "discovery": {
            "questions": 1,
            "open_questions": 0,
            "quantified_pains": 1,
            "score": score,
            "evidence": [_ev(u[1])],
        },
        "sentiment": {"drift": -0.45, "direction": "negative", "evidence": [_ev(u[3]), _ev(u[5])]},
        "next_step": {"present": False, "dated": False, "owned": False, "text": None, "evidence": []},
        "multithreading": {
            "buyer_participants": 1,
            "stakeholders": [{"name": BUYER, "title": "Controller", "on_call": True}],
        },
        "objections": [{"category": "price", "text": u[3].text, "start": u[3].start}],
    }


def test_prompts_at_most_three_by_priority_with_quotes_from_the_call(settings: Settings) -> None:
    tr = _transcript()
    out = coaching.coach_call(tr, _signals(tr), history=[], settings=settings)
    prompts = out["prompts"]
    assert 1 <= len(prompts) <= 3
    assert [p["priority"] for p in prompts] == sorted((p["priority"] for p in prompts), reverse=True)
    assert [p["signal"] for p in prompts] == ["next_step", "discovery", "objections"]
    quotes = {(round(u.start, 2), u.text) for u in tr.utterances}
    for p in prompts:
        assert p["evidence"], p
        assert all((round(e["start"], 2), e["text"]) in quotes for e in p["evidence"])
        assert p["practice"] and p["message"] and p["next_call_line"]


def test_prompts_next_call_lines_use_the_buyers_own_words(settings: Settings) -> None:
    tr = _transcript()
    prompts = {
        p["signal"]: p
        for p in coaching.coach_call(tr, _signals(tr), history=[], settings=settings)["prompts"]
    }
    assert "twelve hours a week chasing duplicate invoices" in prompts["discovery"]["next_call_line"]
    assert "price seems high" in prompts["objections"]["next_call_line"]
    assert "Priya" in prompts["objections"]["next_call_line"]
    # The unexplored objection is quoted together with the rep's pitch-only reply.
    texts = [e["text"] for e in prompts["objections"]["evidence"]]
    assert LINES[3][2] in texts and LINES[4][2] in texts


def test_prompts_fire_against_the_reps_own_baseline(settings: Settings) -> None:
    tr = _transcript()
    # 62 is above the playbook's absolute line (50) but far below this rep's usual ~85.
    history = [make_call(i, rep=REP, deal=f"d{i}", discovery=85 + (i % 3)) for i in range(5)]
    out = coaching.coach_call(tr, _signals(tr, score=62.0), history=history, settings=settings)
    disc = [p for p in out["prompts"] if p["signal"] == "discovery" and p["rule"] == "discovery-depth"]
    assert len(disc) == 1
    assert any("your own average of 86" in r for r in disc[0]["reasons"])
    alone = coaching.coach_call(tr, _signals(tr, score=62.0), history=[], settings=settings)
    assert not [p for p in alone["prompts"] if p["rule"] == "discovery-depth"]


def test_prompts_fire_against_the_team_distribution(settings: Settings) -> None:
    tr = _transcript()
    team = [make_call(i, rep=f"Peer {i}", deal=f"p{i}", discovery=80 + i) for i in range(12)]
    out = coaching.coach_call(tr, _signals(tr, score=62.0), history=[], settings=settings, team=team)
    disc = [p for p in out["prompts"] if p["rule"] == "discovery-depth"]
    assert len(disc) == 1 and any("team's weakest 25%" in r for r in disc[0]["reasons"])


def test_prompts_none_for_a_call_that_breaks_no_rule(settings: Settings) -> None:
    tr = _transcript()
    sig = _signals(tr, score=85.0)
    sig.update(
        {
            "talk_ratio": {"rep": 0.4},
            "objections": [],
            "longest_monologue_s": 20.0,
            "sentiment": {"drift": 0.3, "direction": "positive", "evidence": []},
            "next_step": {"present": True, "dated": True, "owned": True, "text": "Demo Tuesday at 2"},
            "multithreading": {"buyer_participants": 2, "stakeholders": [{"name": "A"}, {"name": "B"}]},
        }
    )
    sig["discovery"].update({"open_questions": 6, "quantified_pains": 2})
    assert coaching.coach_call(tr, sig, history=[], settings=settings)["prompts"] == []


def test_prompts_skip_signals_that_are_missing(settings: Settings) -> None:
    tr = _transcript()
    out = coaching.coach_call(tr, {}, history=[], settings=settings)
    assert out["prompts"] == [] and out["alerts"] == []


def test_prompts_keep_the_accounts_industry_for_role_play_personas(settings: Settings) -> None:
    import dataclasses

    from callcoach.domain import StoredCall
    from coaching.calls import view_of_stored

    tr = _transcript()
    tr = dataclasses.replace(tr, meta=dataclasses.replace(tr.meta, extra={"industry": "Retail", "notes": 3}))
    out = coaching.coach_call(tr, _signals(tr), history=[], settings=settings)
    assert out["account"] == {"industry": "Retail"}
    stored = StoredCall("acme-1", REP, "acme", None, {"coaching": out, "transcript": []})
    assert view_of_stored(stored).extra == {"industry": "Retail"}
