"""The stored form of an analysis: the CONTRACT JSON whose `transcript[]` is replaced by the marker
``"rows"`` when the call's utterance rows hold the same transcript, so storage keeps it once and
puts it back on read. The marker keeps the key's place, so the JSON read back is the one written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from callcoach.analysis.model import TranscriptEntry

_TRANSCRIPT = "transcript"
IN_ROWS = "rows"


def stored_form(analysis: Mapping[str, Any], transcript: Iterable[TranscriptEntry]) -> dict[str, Any]:
    """`analysis` with transcript[] replaced by the marker when `transcript` (what the utterance
    rows hold) gives it back exactly; unchanged otherwise (an analysis of another transcript, or one
    without transcript[], keeps what it has)."""
    out = dict(analysis)
    if isinstance(out.get(_TRANSCRIPT), list) and out[_TRANSCRIPT] == [e.to_contract() for e in transcript]:
        out[_TRANSCRIPT] = IN_ROWS
    return out


def transcript_in_rows(stored: Mapping[str, Any]) -> bool:
    """Whether a stored analysis needs its transcript[] back from the utterance rows."""
    return stored.get(_TRANSCRIPT) == IN_ROWS


def full_form(stored: Mapping[str, Any], transcript: Iterable[TranscriptEntry]) -> dict[str, Any]:
    """The CONTRACT analysis of a stored one, transcript[] put back from the utterance rows. One
    stored with its transcript (as every analysis was before it was stored once) comes back as is."""
    out = dict(stored)
    if transcript_in_rows(out):
        out[_TRANSCRIPT] = [e.to_contract() for e in transcript]
    return out
