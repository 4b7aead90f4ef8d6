"""Each prompt kind quotes only what its claim is about, and is not given when nothing qualifies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import coaching
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings
from coaching.calls import view_of_transcript
from coaching.conditions import CONDITIONS, invite_commitment, is_closed_question
from coaching.consistency import check_analysis
from coaching.evidence import select

REP, BUYER = "Lena Ortiz", "Marcus Webb"


def _transcript(lines: list[tuple[str, str]], call_id: str = "c-1") -> Transcript:
    utts, t = [], 0.0
    for speaker, text in lines:
        dur = max(1.5, len(text.split()) * 0.4)
        utts.append(Utterance(speaker, t, t + dur, text, "rep" if speaker == REP else "buyer"))
        t += dur + 0.5
    meta = CallMeta(
        call_id=call_id,
        title="Webb Freight / discovery",
        started_at=datetime(2026, 4, 6, 14, tzinfo=UTC),
        deal_id="webb",
        rep=REP,
        participants=(Participant(REP, "rep", "AE"), Participant(BUYER, "buyer", "COO")),
    )
    return Transcript(meta, tuple(utts), t)


def _q(u: Utterance, *, open_: bool) -> dict[str, Any]:
    return {"start": u.start, "end": u.end, "speaker": u.speaker, "text": u.text, "open": open_}


def _signals(tr: Transcript, **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "talk_ratio": {"rep": 0.5},
        "longest_monologue_s": 10.0,
        "discovery": {"questions": 0, "open_questions": 0, "quantified_pains": 0, "score": 30.0},
        "sentiment": {"drift": 0.0, "direction": "flat"},
        "next_step": {"present": True, "dated": True, "owned": True, "text": None, "items": []},
        "multithreading": {"buyer_participants": 1, "stakeholders": [{"name": BUYER, "on_call": True}]},
        "objections": [],
    }
    base.update(over)
    return base


def _analysis(tr: Transcript, sig: dict[str, Any]) -> dict[str, Any]:
    out = coaching.coach_call(tr, sig, history=[], settings=Settings())
    return {
        "call_id": tr.meta.call_id,
        "started_at": tr.meta.started_at.isoformat() if tr.meta.started_at else None,
        "transcript": [
            {"speaker": u.speaker, "side": u.side, "start": u.start, "end": u.end, "text": u.text}
            for u in tr.utterances
        ],
        "signals": sig,
        "coaching": out,
    }


def test_open_questions_prompt_is_not_given_when_the_rep_asked_no_closed_question() -> None:
    tr = _transcript(
        [
            (REP, "What made you look at this now?"),
            (BUYER, "Our board wants fewer late deliveries this year."),
            (REP, "I'll send a proposal by Friday with the pricing options we discussed today."),
            (BUYER, "Fine."),
        ]
    )
    u = tr.utterances
    sig = _signals(
        tr,
        discovery={
            "questions": 1,
            "open_questions": 1,
            "quantified_pains": 0,
            "score": 60.0,
            "question_list": [_q(u[0], open_=True)],
        },
    )
    a = _analysis(tr, sig)
    assert not [p for p in a["coaching"]["prompts"] if p["rule"] == "open-questions"]
    assert check_analysis(a, coaching.playbook_for(Settings())) == []


def test_open_questions_prompt_quotes_only_closed_rep_questions() -> None:
    tr = _transcript(
        [
            (REP, "What made you look at this now?"),
            (BUYER, "Late deliveries."),
            (REP, "Do you use a routing tool today?"),
            (BUYER, "No."),
            (REP, "Is the budget approved?"),
            (BUYER, "Yes."),
        ]
    )
    u = tr.utterances
    sig = _signals(
        tr,
        discovery={
            "questions": 3,
            "open_questions": 1,
            "quantified_pains": 0,
            "score": 60.0,
            "question_list": [_q(u[0], open_=True), _q(u[2], open_=False), _q(u[4], open_=False)],
        },
    )
    a = _analysis(tr, sig)
    (p,) = [p for p in a["coaching"]["prompts"] if p["rule"] == "open-questions"]
    assert [e["text"] for e in p["evidence"]] == [u[2].text, u[4].text]
    assert p["evidence_condition"] == CONDITIONS["closed_questions"].states
    assert check_analysis(a, coaching.playbook_for(Settings())) == []


def test_discovery_prompt_about_a_pain_needs_a_buyer_pain() -> None:
    tr = _transcript(
        [
            (REP, "Did you get a chance to read the proposal?"),
            (BUYER, "Yes, I read it."),
            (REP, "Anything I can send you?"),
            (BUYER, "No, I think we are fine."),
        ]
    )
    u = tr.utterances
    sig = _signals(
        tr,
        discovery={
            "questions": 2,
            "open_questions": 0,
            "quantified_pains": 0,
            "score": 30.0,
            "question_list": [_q(u[0], open_=False), _q(u[2], open_=False)],
        },
    )
    a = _analysis(tr, sig)
    rules = [p["rule"] for p in a["coaching"]["prompts"]]
    assert "discovery-depth" not in rules  # "the buyer gave you a pain" would be false
    (p,) = [p for p in a["coaching"]["prompts"] if p["rule"] == "discovery-no-pain"]
    assert "never described a problem" in p["message"]
    assert check_analysis(a, coaching.playbook_for(Settings())) == []


def test_discovery_prompt_quotes_the_buyer_pain_and_the_pitch_after_it() -> None:
    pain = "We miss about a third of our delivery windows and customers complain every week."
    pitch = "Our platform fixes that with live routing and automatic customer texts."
    tr = _transcript([(REP, "How do deliveries go today?"), (BUYER, pain), (REP, pitch), (BUYER, "Okay.")])
    a = _analysis(tr, _signals(tr))
    (p,) = [p for p in a["coaching"]["prompts"] if p["rule"] == "discovery-depth"]
    assert [e["text"] for e in p["evidence"]] == [pain, pitch]


def test_multithreading_prompt_is_not_given_once_the_buyer_agreed_to_invite_someone() -> None:
    lines = [
        (REP, "Who else should see this before a decision?"),
        (BUYER, "Our finance lead signs off on anything over budget, that is the main risk."),
        (REP, "Can we meet on Tuesday at two with your finance lead?"),
        (BUYER, "Sounds good, I will invite her."),
    ]
    tr = _transcript(lines)
    assert invite_commitment(view_of_transcript(tr, _signals(tr))) == tr.utterances[3]
    a = _analysis(tr, _signals(tr))
    assert not [p for p in a["coaching"]["prompts"] if p["rule"] == "single-threaded"]
    # Without the commitment the same call gets the prompt.
    tr2 = _transcript([*lines[:3], (BUYER, "Maybe, let me think about it.")])
    a2 = _analysis(tr2, _signals(tr2))
    assert [p for p in a2["coaching"]["prompts"] if p["rule"] == "single-threaded"]


def test_closed_question_predicate_follows_the_contract() -> None:
    assert is_closed_question("Do you use a routing tool today?")
    assert is_closed_question("When does the contract renew?")
    assert not is_closed_question("What made you look at this now?")
    assert not is_closed_question("I'll send a proposal by Friday.")


def test_every_selector_returns_only_quotes_meeting_its_condition() -> None:
    tr = _transcript(
        [
            (REP, "What made you look at this now?"),
            (BUYER, "Honestly the price is higher than we budgeted."),
            (REP, "We are worth it, trust me, our customers love the product and the support."),
            (BUYER, "We lose two days a week fixing routes by hand, which is painful."),
            (REP, "Is that every week?"),
            (BUYER, "Yes."),
        ]
    )
    u = tr.utterances
    sig = _signals(tr, objections=[{"category": "price", "text": u[1].text, "start": u[1].start}])
    call = view_of_transcript(tr, sig)
    for kind, cond in CONDITIONS.items():
        quotes = select(kind, call)
        assert all(cond.quote_ok(call, q) for q in quotes), kind
    assert [q["text"] for q in select("pains", call)] == [u[3].text]  # the objection is not a pain
    assert [q["text"] for q in select("objections", call)] == [u[1].text, u[2].text]
