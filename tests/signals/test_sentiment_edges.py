"""Sentiment on calls with no buyer speech: nothing to score, and the output says so (no model loads)."""

from __future__ import annotations

from callcoach.analysis import Signals
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.sentiment import sentiment


def test_sentiment_rep_only_call_is_flat_with_a_note() -> None:
    rep = Participant("Rep", "rep")
    utts = (Utterance("Rep", 0.0, 4.0, "Hello, is anyone there?", side="rep"),
            Utterance("Rep", 5.0, 9.0, "I'll try again tomorrow.", side="rep"))
    ctx = SignalContext(transcript=Transcript(CallMeta(call_id="x", participants=(rep,)), utts, 9.0),
                        settings=Settings())
    out = Signals(**sentiment(ctx).to_analysis()).to_contract()["sentiment"]
    assert (out["drift"], out["direction"], out["buyer_utterances"], out["evidence"]) == (0.0, "flat", 0, [])
    assert out["call_score"] is None and out["deal_trend"] is None
    assert "fewer than 2 buyer utterances" in out["notes"][0]


def test_sentiment_empty_transcript_is_flat() -> None:
    ctx = SignalContext(transcript=Transcript(CallMeta(call_id="empty"), (), 0.0), settings=Settings())
    out = Signals(**sentiment(ctx).to_analysis()).to_contract()["sentiment"]
    assert (out["drift"], out["direction"], out["scores"], out["series"]) == (0.0, "flat", [], [])
