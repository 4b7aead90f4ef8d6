"""Audio fixtures for transcription tests: the committed synthetic calls and their references."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from callcoach.domain import CallMeta, Participant

AUDIO = Path(__file__).resolve().parents[1] / "data" / "audio"


def reference(name: str) -> dict[str, Any]:
    """The true utterances (speaker, side, start, end, text) of a committed fixture."""
    return json.loads((AUDIO / f"{name}.ref.json").read_text())


def meta_of(ref: dict[str, Any]) -> CallMeta:
    people = tuple(Participant(p["name"], p["side"], p["title"]) for p in ref["participants"])
    return CallMeta(call_id=ref["call_id"], rep=ref["rep"], participants=people)


@pytest.fixture(scope="session")
def audio_dir() -> Path:
    return AUDIO


def overlap(a: tuple[float, float], b: tuple[float, float]) -> float:
    return max(0.0, min(a[1], b[1]) - max(a[0], b[0]))


def speaker_time_agreement(ref: dict[str, Any], utterances: Any) -> float:
    """Share of the speech time both sides cover that goes to the right speaker, under the best
    one-to-one mapping of our speaker labels onto the reference speakers (labels from diarization are
    arbitrary). Over covered time: whisper's word timings leave out the synthesiser's lead-in and
    trailing silence inside the reference spans, which is coverage, not attribution."""
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    ours = sorted({u.speaker for u in utterances})
    theirs = sorted({u["speaker"] for u in ref["utterances"]})
    shared = np.zeros((len(ours), len(theirs)))
    for u in utterances:
        for r in ref["utterances"]:
            shared[ours.index(u.speaker), theirs.index(r["speaker"])] += overlap(
                (u.start, u.end), (r["start"], r["end"])
            )
    rows, cols = linear_sum_assignment(-shared)
    return float(shared[rows, cols].sum() / max(shared.sum(), 1e-9))
