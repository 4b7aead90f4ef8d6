"""Names for the buyer voices that diarization found, from how the people on the call address each other.

A voice that answers right after someone says "Tessa, ..." is probably Tessa; a voice that says
"this is Greg" is Greg; a voice that says "Greg" itself is probably not Greg. Scores per (voice,
participant) are matched one-to-one (Hungarian assignment); a voice keeps its placeholder name unless
its match has positive evidence, or it is the last voice left for the last listed name.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from callcoach.domain import Utterance

# Saying one's own name ("this is Greg") is the strongest evidence; being addressed just before
# speaking is good evidence; naming someone is weak evidence that one is not them.
SELF_INTRODUCTION_WEIGHT = 3.0
ADDRESSED_WEIGHT = 1.0
NAMES_OTHER_PENALTY = 0.5

_SELF_INTRODUCTION = re.compile(r"\b(?:i'm|i am|this is|my name is|it's)\s+(\w+)", re.I)


def _mentions(text: str, first_name: str) -> bool:
    return re.search(rf"\b{re.escape(first_name)}\b", text, re.I) is not None


def name_voices(
    utterances: Sequence[Utterance], voices: Sequence[str], candidates: Sequence[str]
) -> dict[str, str]:
    """Map placeholder speaker names in `voices` to participant names in `candidates` where evidenced."""
    if not voices or not candidates:
        return {}
    firsts = [c.split()[0] if c.split() else c for c in candidates]
    score = np.zeros((len(voices), len(candidates)))
    for i, u in enumerate(utterances):
        if u.speaker not in voices:
            continue
        v = voices.index(u.speaker)
        introduced = {m.group(1).lower() for m in _SELF_INTRODUCTION.finditer(u.text)}
        for c, first in enumerate(firsts):
            if first.lower() in introduced:
                score[v, c] += SELF_INTRODUCTION_WEIGHT
            elif _mentions(u.text, first):
                score[v, c] -= NAMES_OTHER_PENALTY
            previous = utterances[i - 1] if i else None
            if previous is not None and previous.speaker != u.speaker and _mentions(previous.text, first):
                score[v, c] += ADDRESSED_WEIGHT
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-score)
    names = {voices[r]: candidates[c] for r, c in zip(rows, cols, strict=True) if score[r, c] > 0}
    left_voices = [v for v in voices if v not in names]
    left_names = [c for c in candidates if c not in names.values()]
    if len(left_voices) == 1 and len(left_names) == 1 and names:
        names[left_voices[0]] = left_names[0]
    return names
