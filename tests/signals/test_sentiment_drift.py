"""Sentiment drift on invented calls: pain is not souring, hedging is, and deals trend across calls."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from callcoach.analysis import Signals
from callcoach.domain import CallMeta, Participant, StoredCall, Transcript, Utterance
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.sentiment import DRIFT_THRESHOLD, sentiment

pytestmark = pytest.mark.slow

REP, BUYER, BUYER2 = "Maya Lindqvist", "Tom Okafor", "Rita Sandoval"
START = datetime.fromisoformat("2026-10-05T16:00:00+00:00")

# A buyer calmly lists what their problems cost, then warms to the seller's answer.
PAIN_THEN_WARM = [
    (REP, "What's prompting the look at scheduling software right now?"),
    (BUYER, "We run forty technicians and dispatch is all whiteboards and phone calls."),
    (REP, "What does that cost you?"),
    (BUYER, "We miss about fifteen appointments a week, and each one is roughly three hundred dollars lost."),
    (REP, "And overtime?"),
    (BUYER, "Overtime is up thirty percent this year because routes are a mess, and the techs are fed up."),
    (REP, "How do customers react?"),
    (BUYER, "Complaints doubled since spring, we lost two commercial accounts over it."),
    (REP, "Our dispatcher app builds the routes every morning and texts customers an arrival window."),
    (BUYER, "Okay, the arrival window texts would cut half our calls on their own."),
    (REP, "Teams your size are usually live in two weeks."),
    (BUYER, "That's great, honestly this is what we've been missing. Let's set up the trial."),
    (REP, "I'll send the trial agreement today, does Monday work to kick off?"),
    (BUYER, "Monday works, I'll bring our ops lead along too."),
]

# Engaged at first, then hedges and defers as the call goes on.
HEDGE_AND_DEFER = [
    (REP, "Thanks for the time, Tom. Shall we start with the dashboard you asked about?"),
    (BUYER, "Yes, please, I've been looking forward to this, the team is keen to see it."),
    (REP, "Here is the live view of every open ticket by region."),
    (BUYER, "Oh nice, that's really clear, I like that a lot."),
    (REP, "And this is the forecasting module, which is an add-on."),
    (BUYER, "Hm, okay."),
    (REP, "For your volume it would be about four thousand a month with forecasting."),
    (BUYER, "I guess that could work, maybe. It's hard to say."),
    (REP, "Could we set up a pilot with your team next month?"),
    (BUYER, "I'll need to think about it, and honestly I'm not sure it's the right fit for us right now."),
    (REP, "Understood. Should I follow up in a couple of weeks?"),
    (BUYER, "Sure, I'll let you know if anything changes."),
]

# A steady, factual check-in: no warming, no souring.
STEADY_NEUTRAL = [
    (REP, "Hi Tom, just checking the rollout schedule for the second site."),
    (BUYER, "Sure. The second site has about sixty users."),
    (REP, "Are they on the same network as headquarters?"),
    (BUYER, "They are, it's one domain for both buildings."),
    (REP, "Who handles their accounts?"),
    (BUYER, "Our IT coordinator creates the accounts, usually on Tuesdays."),
    (REP, "And training?"),
    (BUYER, "We do training in groups of ten in the conference room."),
    (REP, "How long are those sessions?"),
    (BUYER, "Usually an hour, sometimes ninety minutes for the managers."),
    (REP, "Got it, I'll put that in the plan."),
    (BUYER, "Okay. The site opens at seven, so mornings are easiest."),
]


def _call(lines: list[tuple[str, str]], *, call_id: str = "c1", deal_id: str = "deal-1",
          started: datetime = START) -> Transcript:
    people = (Participant(REP, "rep", "Account Executive"),
              Participant(BUYER, "buyer", "Operations Director"),
              Participant(BUYER2, "buyer", "Finance Manager"))
    side = {p.name: p.side for p in people}
    utts = tuple(Utterance(speaker=s, start=6.0 * i, end=6.0 * i + 5.0, text=t, side=side[s])
                 for i, (s, t) in enumerate(lines))
    meta = CallMeta(call_id=call_id, started_at=started, deal_id=deal_id, rep=REP, participants=people)
    return Transcript(meta=meta, utterances=utts, duration_s=6.0 * len(lines))


def _run(transcript: Transcript, history: tuple[StoredCall, ...] = ()) -> dict:
    ctx = SignalContext(transcript=transcript, settings=Settings(), history=history)
    return Signals(**sentiment(ctx).to_analysis()).to_contract()["sentiment"]


def test_sentiment_calm_pain_then_warming_is_not_negative() -> None:
    s = _run(_call(PAIN_THEN_WARM))
    assert s["direction"] == "positive"
    # The pain itself did not read as cold: the early third is about neutral, not negative.
    assert s["early"] > -DRIFT_THRESHOLD


def test_sentiment_late_hedging_and_deferral_is_negative() -> None:
    s = _run(_call(HEDGE_AND_DEFER))
    assert s["direction"] == "negative"
    assert s["drift"] <= -DRIFT_THRESHOLD
    late_quotes = [e["text"] for e in s["evidence"] if e["part"] == "late"]
    assert any("think about it" in q for q in late_quotes)


def test_sentiment_steady_neutral_call_is_flat() -> None:
    s = _run(_call(STEADY_NEUTRAL))
    assert s["direction"] == "flat"
    assert abs(s["drift"]) < DRIFT_THRESHOLD


@pytest.mark.parametrize("lines", [PAIN_THEN_WARM, HEDGE_AND_DEFER, STEADY_NEUTRAL,
                                   [(BUYER, "This is wonderful, exactly what we need, let's sign today!")] * 3
                                   + [(BUYER, "No. Not interested at all, this is useless to us.")] * 3])
def test_sentiment_drift_and_scores_stay_in_range(lines: list[tuple[str, str]]) -> None:
    s = _run(_call(lines))
    assert -2.0 <= s["drift"] <= 2.0
    assert all(-1.0 <= u["score"] <= 1.0 and -1.0 <= u["smoothed"] <= 1.0 for u in s["scores"])
    assert s["direction"] in {"negative", "flat", "positive"}


def test_sentiment_evidence_quotes_are_buyer_utterances() -> None:
    transcript = _call(PAIN_THEN_WARM)
    s = _run(transcript)
    buyer_turns = {(u.start, u.speaker, u.text) for u in transcript.utterances if u.side == "buyer"}
    assert s["evidence"], "a positive drift must show the quotes that drive it"
    for quote in s["evidence"]:
        assert (quote["start"], quote["speaker"], quote["text"]) in buyer_turns
    assert any("Let's set up the trial" in q["text"] for q in s["evidence"] if q["part"] == "late")
    # Per-utterance scores and the smoothed series cover every buyer turn, in order.
    assert len(s["scores"]) == len(s["series"]) == len(buyer_turns)
    assert [u["start"] for u in s["scores"]] == sorted(u["start"] for u in s["scores"])
    assert s["method"].startswith("learned")


def test_sentiment_single_buyer_utterance_reports_flat_with_a_note() -> None:
    s = _run(_call([(REP, "Quick question on the invoice."), (BUYER, "I'm not sure, I guess so."),
                    (REP, "Thanks, bye.")]))
    assert (s["drift"], s["direction"], s["early"], s["late"]) == (0.0, "flat", None, None)
    assert s["notes"] and "buyer utterances" in s["notes"][0]


def test_sentiment_buyer_silent_in_first_third_compares_first_and_last_turns() -> None:
    lines = [(REP, "Let me walk you through the platform first.")] * 4 + [
        (BUYER, "This looks really promising, I love the reporting."),
        (BUYER, "How does pricing work?"),
        (BUYER, "Hmm, I guess I'll have to think it over, I'm not convinced it's worth it."),
    ]
    s = _run(_call(lines))
    assert any("thirds taken by buyer turns" in n for n in s["notes"])
    assert s["direction"] == "negative"


def test_sentiment_deal_trend_souring_across_stored_calls() -> None:
    history = []
    for k, lines in enumerate([PAIN_THEN_WARM, STEADY_NEUTRAL]):
        t = _call(lines, call_id=f"call-{k}", started=START + timedelta(days=7 * k))
        history.append(StoredCall(call_id=f"call-{k}", rep=REP, deal_id="deal-1",
                                  started_at=t.meta.started_at,
                                  analysis={"signals": {"sentiment": _run(t)}}))
    # Another deal's call must not enter this deal's trend.
    other = _call(HEDGE_AND_DEFER, call_id="other", deal_id="deal-2")
    history.insert(1, StoredCall(call_id="other", rep=REP, deal_id="deal-2", started_at=START,
                                 analysis={"signals": {"sentiment": _run(other)}}))
    current = _call(HEDGE_AND_DEFER, call_id="call-2", started=START + timedelta(days=14))
    trend = _run(current, tuple(history))["deal_trend"]
    assert trend is not None
    assert [c["call_id"] for c in trend["calls"]] == ["call-0", "call-1", "call-2"]
    assert trend["direction"] == "negative" and trend["slope"] < 0
    assert trend["calls"][0]["score"] > trend["calls"][-1]["score"]


def test_sentiment_no_history_means_no_deal_trend() -> None:
    assert _run(_call(STEADY_NEUTRAL))["deal_trend"] is None
