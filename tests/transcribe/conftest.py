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


def _best_mapping(ref: dict[str, Any], utterances: Any) -> tuple[dict[str, str], float, float]:
    """The best one-to-one mapping of our speaker labels onto the reference speakers (by shared
    time), the seconds it gets right and the seconds both sides cover."""
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
    mapping = {ours[i]: theirs[j] for i, j in zip(rows, cols, strict=True)}
    return mapping, float(shared[rows, cols].sum()), float(shared.sum())


def speaker_time_agreement(ref: dict[str, Any], utterances: Any) -> float:
    """Share of the speech time both sides cover that goes to the right speaker, under the best
    one-to-one mapping of our speaker labels onto the reference speakers (labels from diarization are
    arbitrary). Over covered time: whisper's word timings leave out the synthesiser's lead-in and
    trailing silence inside the reference spans, which is coverage, not attribution."""
    _, right, covered = _best_mapping(ref, utterances)
    return right / max(covered, 1e-9)


def misattributed_turns(ref: dict[str, Any], utterances: Any, min_share: float = 0.8) -> list[str]:
    """Reference turns less than `min_share` of whose covered time goes to their speaker (under the same
    best mapping as speaker_time_agreement): what a reader sees as a sentence given to the wrong person."""
    mapping, _, _ = _best_mapping(ref, utterances)
    wrong = []
    for r in ref["utterances"]:
        span = (r["start"], r["end"])
        covered = sum(overlap(span, (u.start, u.end)) for u in utterances)
        right = sum(overlap(span, (u.start, u.end)) for u in utterances
                    if mapping.get(u.speaker) == r["speaker"])
        if covered > 0 and right < min_share * covered:
            wrong.append(f"{r['start']:.1f}s {r['speaker']}: {r['text']}")
    return wrong
