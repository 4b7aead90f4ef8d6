"""The typed analysis and its one CONTRACT JSON form: exact round-trip, tolerant reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from callcoach.analysis import (
    Analysis,
    NextStep,
    Objection,
    Quote,
    Signals,
    TalkRatio,
    TranscriptEntry,
    build_analysis,
)
from callcoach.domain import CallMeta, Participant, SpeakerAttribution, Transcript, Utterance, Word
from callcoach.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [
    (ROOT / "tests" / "data" / "transcripts" / "harbor_discovery.json", None),
    (ROOT / "tests" / "data" / "transcripts" / "harbor_followup.json", None),
    (ROOT / "tests" / "data" / "transcripts" / "pii_call.json", None),
    (ROOT / "samples" / "sample_call.ref.json", ROOT / "samples" / "sample_call.meta.json"),
]


def _dumps(obj: object) -> str:
    # As `callcoach analyze --json` prints it: key order matters, so no sort_keys.
    return json.dumps(obj, ensure_ascii=False)


@pytest.mark.slow
@pytest.mark.parametrize(("path", "meta"), FIXTURES, ids=lambda p: p.stem if isinstance(p, Path) else "")
def test_analysis_contract_roundtrip_is_exact_on_fixtures(
    path: Path, meta: Path | None, tmp_path: Path
) -> None:
    import signals
    from callcoach.services.pipeline import analyze_transcript, load_transcript

    settings = Settings(data_dir=tmp_path)
    transcript = load_transcript(path, meta_path=meta, settings=settings)
    typed = signals.extract(transcript, settings=settings)
    assert Signals.from_contract(json.loads(_dumps(typed.to_contract()))) == typed

    analysis = analyze_transcript(transcript, settings=settings)
    stored = json.loads(_dumps(analysis))  # what a JSON column or `--json` gives back
    again = Analysis.from_contract(stored)
    assert _dumps(again.to_contract()) == _dumps(analysis)
    # The typed model carries what coaching and the report read.
    assert isinstance(again.signals.next_step, NextStep)
    assert again.signals.discovery is not None
    assert again.signals.discovery.questions == len(again.signals.discovery.question_list)
    assert len(again.transcript or ()) == len(transcript.utterances)


def _call(**extra: object) -> Transcript:
    meta = CallMeta(call_id="c-1", rep="Rita Rep", deal_id="d-1",
                    participants=(Participant("Rita Rep", "rep", "AE"), Participant("Bo Buyer", "buyer")))
    utts = (
        Utterance("Rita Rep", 0.0, 2.0, "What slows you down today?", "rep",
                  (Word("What", 0.0, 0.3, 0.9), Word("slows", 0.3, 0.7, 0.9))),
        Utterance("Bo Buyer", 2.5, 6.0, "Approvals take two weeks.", "buyer"),
    )
    return Transcript(meta=meta, utterances=utts, duration_s=6.0, **extra)  # type: ignore[arg-type]


def test_analysis_contract_keys_that_appear_only_with_content() -> None:
    attribution = SpeakerAttribution("Bo Buyer", "buyer", 0.91, 0.8, ("said 'our team'",))
    out = build_analysis(_call(attributions=(attribution,)), Signals()).to_contract()
    assert list(out) == ["version", "call_id", "title", "started_at", "deal_id", "rep", "duration_s",
                         "speakers", "transcript", "signals", "coaching"]
    assert out["transcript"][0]["words"] == [["What", 0.0, 0.3], ["slows", 0.3, 0.7]]
    assert "words" not in out["transcript"][1]
    assert "attribution" not in out["speakers"][0]
    assert out["speakers"][1]["attribution"]["confidence"] == 0.91
    assert out["signals"] == {}  # no signal ran: no section is invented
    assert out["coaching"] == {"prompts": [], "alerts": []}


def test_analysis_contract_reads_an_older_row_missing_optional_keys() -> None:
    older = {
        "version": 1,
        "call_id": "old-1",
        "duration_s": 12,
        "speakers": [{"name": "Rita Rep", "side": "rep", "talk_time_s": 5.0}],
        "transcript": [{"speaker": "Rita Rep", "side": "rep", "start": 0.0, "end": 5.0, "text": "Hi."}],
        "signals": {
            "talk_ratio": {"rep": 0.4},
            "next_step": {"present": True, "dated": False, "owned": True, "text": "send the quote"},
            "objections": [{"category": "price", "text": "Too pricey.", "start": 3.0}],
        },
    }
    a = Analysis.from_contract(older)
    assert a.title is None and a.speakers[0].title is None
    assert a.duration_s == 12  # not coerced: it writes back as it was stored
    assert a.transcript == (TranscriptEntry("Rita Rep", "rep", 0.0, 5.0, "Hi."),)
    assert a.signals.talk_ratio == TalkRatio(0.4, None, None, {}, {}, (), None)  # type: ignore[arg-type]
    ns = a.signals.next_step
    assert ns is not None and ns.present and ns.owned and ns.text == "send the quote"
    assert ns.clarity is None and ns.items == ()  # a key the older row lacks is "not measured"
    assert a.signals.objections == (
        Objection("price", "Too pricey.", 3.0, None, None, None, None, (), None),  # type: ignore[arg-type]
    )
    assert a.signals.sentiment is None and a.signals.discovery is None  # sections it was made without
    assert a.coaching == {"prompts": [], "alerts": []}


def test_analysis_contract_empty_objections_differ_from_unmeasured() -> None:
    assert Signals.from_contract({"objections": []}).objections == ()
    assert Signals.from_contract({}).objections is None
    assert Signals(objections=()).to_contract() == {"objections": []}


def test_analysis_quote_of_domain_evidence_rounds_to_10ms() -> None:
    from callcoach.domain import Evidence

    q = Quote.of(Evidence(1.23456, 2.0049, "Bo Buyer", "Approvals take two weeks."))
    assert q.to_contract() == {"start": 1.23, "end": 2.0, "speaker": "Bo Buyer",
                               "text": "Approvals take two weeks."}
