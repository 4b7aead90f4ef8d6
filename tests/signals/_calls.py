"""Tiny invented calls for the discovery and dynamics tests (never copied from shared data)."""

from __future__ import annotations

from callcoach.domain import CallMeta, Participant, Transcript, Utterance

REP, BUYER, BUYER2 = "Maya Lindqvist", "Tom Okafor", "Rosa Delgado"
_SIDES = {REP: "rep", BUYER: "buyer", BUYER2: "buyer"}


def call(lines: list[tuple[str, str]] | list[tuple[str, str, float, float]]) -> Transcript:
    """A call from (speaker, text) lines five seconds apart, or (speaker, text, start, end) lines."""
    utts = []
    for i, line in enumerate(lines):
        speaker, text = line[0], line[1]
        start, end = (line[2], line[3]) if len(line) == 4 else (5.0 * i, 5.0 * i + 4.5)
        utts.append(Utterance(speaker=speaker, start=start, end=end, text=text, side=_SIDES[speaker]))
    meta = CallMeta(call_id="t", rep=REP, participants=tuple(
        Participant(n, s) for n, s in _SIDES.items()))  # type: ignore[arg-type]
    return Transcript(meta=meta, utterances=tuple(utts), duration_s=max(u.end for u in utts))
