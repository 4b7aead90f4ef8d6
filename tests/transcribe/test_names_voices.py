"""Diarized buyer voices get participant names from how people address each other (no models)."""

from __future__ import annotations

from callcoach.domain import Utterance
from transcribe._names import name_voices


def _utts(lines: list[tuple[str, str]]) -> list[Utterance]:
    return [Utterance(s, i * 3.0, i * 3.0 + 2.5, t) for i, (s, t) in enumerate(lines)]


def test_addressed_speakers_get_their_names() -> None:
    utts = _utts(
        [
            ("Rep", "Thanks for joining. Tessa, how do you handle payments today?"),
            ("Speaker 2", "By hand, every wire."),
            ("Rep", "And Greg, what does that cost you?"),
            ("Speaker 3", "About ninety thousand a year."),
            ("Speaker 2", "Greg is right about the cost."),
        ]
    )
    names = name_voices(utts, ["Speaker 2", "Speaker 3"], ["Greg Holt", "Tessa Moore"])
    assert names == {"Speaker 2": "Tessa Moore", "Speaker 3": "Greg Holt"}


def test_self_introduction_names_a_voice_and_the_last_name_goes_to_the_last_voice() -> None:
    utts = _utts(
        [
            ("Rep", "Welcome everyone."),
            ("Speaker 3", "Hi, this is Oliver from IT."),
            ("Speaker 2", "We need faster replies."),
        ]
    )
    assert name_voices(utts, ["Speaker 2", "Speaker 3"], ["Helen Park", "Oliver Grant"]) == {
        "Speaker 3": "Oliver Grant",
        "Speaker 2": "Helen Park",
    }


def test_no_evidence_keeps_placeholders() -> None:
    utts = _utts([("Rep", "What is the goal?"), ("Speaker 2", "Speed."), ("Speaker 3", "And security.")])
    assert name_voices(utts, ["Speaker 2", "Speaker 3"], ["Helen Park", "Oliver Grant"]) == {}
