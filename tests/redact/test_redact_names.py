"""replace_names: buyer names out of texts that leave the team (role-play exports)."""

from __future__ import annotations

from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from redact import buyer_names, replace_names


def test_replace_names_replaces_full_first_and_last_names_and_keeps_ordinary_words() -> None:
    names = ["Tomas Berg", "May Grant"]
    text = "tomas berg said Tomas's team will grant access in May, Berg agreed; Grant too."
    assert replace_names(text, names) == (
        "[BUYER] said [BUYER]'s team will grant access in [BUYER], [BUYER] agreed; [BUYER] too.")
    assert replace_names("nothing to change", names) == "nothing to change"
    assert replace_names("Tomas Berg", []) == "Tomas Berg"


def test_buyer_names_come_from_participants_and_buyer_speakers() -> None:
    meta = CallMeta(participants=(Participant("Nora Quinn", "rep"), Participant("Tomas Berg", "buyer")))
    utts = (Utterance("Lena Ott", 0.0, 1.0, "hi", "buyer"), Utterance("Nora Quinn", 1.0, 2.0, "hello", "rep"))
    assert buyer_names(Transcript(meta=meta, utterances=utts, duration_s=2.0)) == ["Lena Ott", "Tomas Berg"]
