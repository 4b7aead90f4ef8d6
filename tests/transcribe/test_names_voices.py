"""Diarized voices get participant names first, then sides from the names; each with evidence and a
confidence, and a low-confidence name is not given (no models: placeholder voices and text only)."""

from __future__ import annotations

import numpy as np
import pytest
from rich.console import Console

from callcoach.analysis import Signals, build_analysis
from callcoach.cli.report import render_report
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from transcribe._names import name_voices, sellerness
from transcribe._voiceprint import Voiceprint, VoiceprintError, enroll, match_strength

FIVE = CallMeta(
    call_id="five",
    rep="Sam Whitfield",
    participants=(
        Participant("Sam Whitfield", "rep", "Account Executive"),
        Participant("Ingrid Novak", "rep", "Sales Engineer"),
        Participant("Paul Regan", "buyer", "VP Operations"),
        Participant("Lucy Tran", "buyer", "IT Director"),
        Participant("Omar Haddad", "buyer", "Procurement Lead"),
    ),
)


def _call(meta: CallMeta, lines: list[tuple[str, str]]) -> Transcript:
    utts = tuple(Utterance(s, i * 3.0, i * 3.0 + 2.5, t) for i, (s, t) in enumerate(lines))
    return Transcript(meta=meta, utterances=utts, duration_s=len(lines) * 3.0, source="audio")


# Five voices, two sellers: who is who only shows through introductions, names, titles and cues.
_FIVE_LINES = [
    ("V1", "Thanks for joining, everyone. To start, what would make this hour useful? Paul?"),
    ("V3", "We need to see the planning work for three plants. Today we lose days to spreadsheets."),
    ("V1", "How much did the last delay cost? And Lucy, what do you need to see?"),
    ("V4", "My question is how the sensors connect to your cloud, and about single sign on."),
    ("V1", "Ingrid, can you take that one?"),
    ("V2", "Sure. Let me share my screen. The gateway sits on your network; the dashboard shows each plant."),
    ("V4", "Right."),
    ("V5", "I need the contract terms and the price for three plants, for our legal team."),
    ("V1", "I'll send a proposal with pricing on Friday. Thanks Omar."),
    ("V2", "Roles are set per site, and the integration takes ten minutes to set up."),
]


def test_five_voices_are_named_and_sided_from_the_text() -> None:
    named = name_voices(_call(FIVE, _FIVE_LINES), ["V1", "V2", "V3", "V4", "V5"])
    assert {v: n.name for v, n in named.items()} == {
        "V1": "Sam Whitfield",
        "V2": "Ingrid Novak",
        "V3": "Paul Regan",
        "V4": "Lucy Tran",
        "V5": "Omar Haddad",
    }
    sides = [named[v].side for v in ("V1", "V2", "V3", "V4", "V5")]
    assert sides == ["rep", "rep", "buyer", "buyer", "buyer"]
    # Evidence is kept with each attribution: Lucy was asked by name just before she spoke.
    assert any("addressed" in e for e in named["V4"].attribution.evidence)
    assert all(n.attribution.side_confidence >= 0.5 for n in named.values())


def test_self_introduction_outweighs_seller_like_questions() -> None:
    people = (
        Participant("Leo Marsh", "rep"),
        Participant("Anita Kovacs", "buyer"),
        Participant("Raj Patel", "buyer"),
    )
    meta = CallMeta(rep="Leo Marsh", participants=people)
    lines = [
        ("A", "Good morning, this is Leo. Thanks for making time today."),
        ("B", "I'm Raj, I manage IT. What does your pricing look like? How do you handle security?"),
        ("C", "And I'm Anita. Our agents are exhausted by noon."),
    ]
    named = name_voices(_call(meta, lines), ["A", "B", "C"])
    assert (named["A"].name, named["B"].name, named["C"].name) == ("Leo Marsh", "Raj Patel", "Anita Kovacs")
    assert named["B"].side == "buyer"


def test_thanks_names_the_voice_that_just_spoke() -> None:
    meta = CallMeta(participants=(Participant("Maria Santos", "buyer"), Participant("Ben Oduya", "buyer")))
    lines = [("X", "Pallets go missing between the sites."),
             ("Y", "Thanks Maria, and the costs matter to me.")]
    named = name_voices(_call(meta, lines), ["X", "Y"], side_of_channel="buyer")
    assert named["X"].name == "Maria Santos"
    assert named["Y"].name == "Ben Oduya"  # the last voice for the last name, on the buyer channel


def test_no_evidence_keeps_placeholders_and_flags_low_confidence() -> None:
    meta = CallMeta(participants=(Participant("Helen Park", "buyer"), Participant("Oliver Grant", "buyer")))
    lines = [("S2", "Speed."), ("S3", "And cost.")]
    named = name_voices(_call(meta, lines), ["S2", "S3"], side_of_channel="buyer")
    assert sorted(n.name for n in named.values()) == ["Buyer 1", "Buyer 2"]
    assert all(n.attribution.low_confidence for n in named.values())
    assert all("not given" in n.attribution.evidence[0] for n in named.values())


def test_without_participants_sides_come_from_what_is_said() -> None:
    lines = [
        ("A", "Thanks for making time. What are your goals for this quarter? How do you track renewals?"),
        ("B", "We lose about a fifth of renewals, and my team spends Fridays on reports."),
        ("C", "Let me share my screen and show the dashboard; our platform sends the report for you."),
        ("B", "Right. We need that."),
    ]
    named = name_voices(_call(CallMeta(), lines), ["A", "B", "C"])
    assert [named[v].side for v in ("A", "B", "C")] == ["rep", "buyer", "rep"]  # AE and presenting SE
    assert named["B"].name == "Buyer"
    assert sellerness(_call(CallMeta(), lines), ["A", "B", "C"])["B"] < 0


def test_an_enrolled_voiceprint_names_the_rep_without_any_text_cue() -> None:
    people = (Participant("Dana Reyes", "rep"), Participant("Priya Shah", "buyer"))
    meta = CallMeta(rep="Dana Reyes", participants=people)
    rng = np.random.default_rng(0)
    dana, other = rng.normal(size=256), rng.normal(size=256)
    dana, other = dana / np.linalg.norm(dana), other / np.linalg.norm(other)
    lines = [("P", "Okay."), ("Q", "Sure.")]  # the buyer's voice opens; no cue says who is who
    prints = [Voiceprint("Dana Reyes", dana, consent=True)]
    named = name_voices(_call(meta, lines), ["P", "Q"], vectors={"P": other, "Q": dana}, voiceprints=prints)
    assert named["Q"].name == "Dana Reyes" and named["Q"].side == "rep"
    assert any("voiceprint" in e for e in named["Q"].attribution.evidence)
    assert match_strength(0.95) == 1.0 and match_strength(0.3) == -1.0


def test_voiceprints_need_consent() -> None:
    with pytest.raises(VoiceprintError, match="consent"):
        enroll(np.zeros(16000, dtype=np.float32), 16000, [], "Dana Reyes", consent=False)


def test_report_says_when_who_spoke_is_uncertain() -> None:
    meta = CallMeta(participants=(Participant("Helen Park", "buyer"), Participant("Oliver Grant", "buyer")))
    draft = _call(meta, [("S2", "Speed."), ("S3", "And cost.")])
    named = name_voices(draft, ["S2", "S3"], side_of_channel="buyer")
    utts = tuple(Utterance(named[u.speaker].name, u.start, u.end, u.text, "buyer") for u in draft.utterances)
    attributions = tuple(n.attribution for n in named.values())
    transcript = Transcript(meta, utts, draft.duration_s, "audio", attributions)
    analysis = build_analysis(transcript, Signals()).to_contract()
    assert analysis["speakers"][0]["attribution"]["low_confidence"] is True
    console = Console(record=True, width=200)
    render_report(analysis, console)
    assert "Buyer 1: uncertain who this is" in console.export_text()
