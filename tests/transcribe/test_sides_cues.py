"""assign_sides on imported text transcripts (no models): metadata names first, then cues."""

from __future__ import annotations

from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from transcribe import assign_sides


def _transcript(lines: list[tuple[str, str]], meta: CallMeta | None = None) -> Transcript:
    utterances = tuple(
        Utterance(speaker=s, start=i * 5.0, end=i * 5.0 + 4.0, text=t) for i, (s, t) in enumerate(lines)
    )
    return Transcript(meta=meta or CallMeta(), utterances=utterances, duration_s=len(lines) * 5.0)


def _sides(t: Transcript) -> dict[str, str]:
    return {s.name: s.side for s in assign_sides(t).speakers}


def test_sides_the_questioner_is_the_rep() -> None:
    t = _transcript(
        [
            ("A", "Sure, go ahead."),
            ("B", "How do you handle invoices today? And what happens when one is late?"),
            ("A", "We key them in by hand and lose about a day each week."),
            ("B", "Why does that matter to your CFO?"),
            ("A", "Because close slips by three days."),
        ]
    )
    assert _sides(t) == {"A": "buyer", "B": "rep"}


def test_sides_the_agenda_setter_and_vendor_name_win_over_a_curious_buyer() -> None:
    t = _transcript(
        [
            (
                "Sam",
                "Hi, this is Sam from Fernhill, thanks for making time. For today I'd like to cover "
                "your goals and show our platform.",
            ),
            ("Kim", "Great. Is it expensive? Does it work with Zendesk? How long is setup?"),
            ("Sam", "Fernhill connects to Zendesk in a day; I will send a proposal on Friday."),
        ]
    )
    assert _sides(t) == {"Sam": "rep", "Kim": "buyer"}


def test_sides_by_metadata_name_including_first_names() -> None:
    meta = CallMeta(rep="Dana Reyes", participants=(Participant("Priya Shah", "buyer"),))
    t = _transcript(
        [
            ("Priya", "What does your product cost? How fast can we start?"),
            ("Dana Reyes", "It depends on seats."),
        ],
        meta,
    )
    # The buyer asks every question here: the metadata still decides.
    assert _sides(t) == {"Priya": "buyer", "Dana Reyes": "rep"}


def test_sides_known_rep_makes_unlisted_speakers_buyers() -> None:
    meta = CallMeta(rep="Dana Reyes")
    t = _transcript(
        [
            ("Dana Reyes", "Thanks both."),
            ("Leo", "What is the plan for today? How does pricing work?"),
            ("Mia", "Can we see a demo?"),
        ],
        meta,
    )
    assert _sides(t) == {"Dana Reyes": "rep", "Leo": "buyer", "Mia": "buyer"}


def test_sides_known_sides_are_kept() -> None:
    t = Transcript(
        meta=CallMeta(),
        duration_s=10.0,
        utterances=(
            Utterance("X", 0.0, 2.0, "What brings you here? How can I help?", side="buyer"),
            Utterance("Y", 3.0, 5.0, "Fine.", side="unknown"),
        ),
    )
    assert _sides(t) == {"X": "buyer", "Y": "rep"}
