"""Enrolled voiceprints: a rep's voice from earlier calls, to recognise the rep among diarized voices.

A voiceprint is the unit-length mean of resemblyzer d-vectors over a person's speech (the same
vectors diarization clusters), so it compares with a diarized voice by cosine similarity. It is
biometric data: it is only kept with the person's consent (`Voiceprint.consent`), and a file whose
consent flag is not true is refused when read. Files are JSON, one per person, in the folder named
by `Settings.voiceprint_dir`:

    {"name": "Dana Reyes", "consent": true, "enrolled_at": "2026-11-30", "vector": [... 256 floats]}
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from callcoach.domain import Utterance
from callcoach.errors import CallcoachError

log = logging.getLogger("callcoach.transcribe")

# Speech needed for a voiceprint: a few d-vector windows are noisy; half a minute of one person's
# talk averages out what they said and keeps who they are.
MIN_ENROLL_SPEECH_S = 20.0
# Cosine between a diarized voice and a voiceprint. resemblyzer d-vectors of one person across
# recordings sit around 0.80-0.95, of two people 0.45-0.75 (two similar synthetic voices up to 0.9,
# so a match is evidence, not proof): above SAME_PERSON it counts for the person, below OTHER_PERSON
# against, linearly between.
SAME_PERSON_COSINE = 0.82
OTHER_PERSON_COSINE = 0.70


class VoiceprintError(CallcoachError):
    """A voiceprint that cannot be made or used (too little speech, no consent, a broken file)."""


@dataclass(frozen=True, slots=True)
class Voiceprint:
    name: str
    vector: np.ndarray  # (256,), unit length
    consent: bool
    enrolled_at: str | None = None


def enroll(samples: np.ndarray, rate: int, utterances: Sequence[Utterance], speaker: str, *,
           consent: bool, enrolled_at: str | None = None) -> Voiceprint:
    """A voiceprint of `speaker` from their utterances in one mono recording (`samples`, `rate`).

    Refuses without consent, and with less than MIN_ENROLL_SPEECH_S of the speaker's talk.
    """
    from transcribe._diarize import _embed, _Window

    if not consent:
        raise VoiceprintError(f"no consent recorded for a voiceprint of {speaker!r}")
    spans = [(u.start, u.end) for u in utterances if u.speaker == speaker]
    if sum(e - s for s, e in spans) < MIN_ENROLL_SPEECH_S:
        raise VoiceprintError(
            f"{speaker!r} speaks less than {MIN_ENROLL_SPEECH_S:.0f} s: too little to enroll"
        )
    vectors = _embed(samples, rate, [_Window(s, e) for s, e in spans])
    weights = np.array([e - s for s, e in spans])
    mean = (vectors * weights[:, np.newaxis]).sum(axis=0)
    return Voiceprint(speaker, mean / np.linalg.norm(mean), consent=True, enrolled_at=enrolled_at)


def similarity(voice: np.ndarray, print_: Voiceprint) -> float:
    """Cosine similarity of a diarized voice (unit-length mean d-vector) and a voiceprint."""
    norms = np.linalg.norm(voice) * np.linalg.norm(print_.vector)
    return float(np.dot(voice, print_.vector) / max(norms, 1e-9))


def match_strength(cosine: float) -> float:
    """-1 (another person) .. +1 (the same person), linear between the two calibrated cosines."""
    return float(np.clip((2 * cosine - SAME_PERSON_COSINE - OTHER_PERSON_COSINE)
                         / (SAME_PERSON_COSINE - OTHER_PERSON_COSINE), -1.0, 1.0))


def save(print_: Voiceprint, folder: Path) -> Path:
    """Write one voiceprint as JSON into `folder` (created if needed); returns the file."""
    if not print_.consent:
        raise VoiceprintError(f"no consent recorded for a voiceprint of {print_.name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{''.join(c if c.isalnum() else '_' for c in print_.name.lower())}.json"
    path.write_text(json.dumps({"name": print_.name, "consent": True, "enrolled_at": print_.enrolled_at,
                                "vector": [round(float(x), 6) for x in print_.vector]}))
    return path


@lru_cache(maxsize=4)
def load_all(folder: Path) -> tuple[Voiceprint, ...]:
    """Every consented voiceprint in `folder` (none if it does not exist); broken files are skipped
    with a warning, since a missing voiceprint only costs one piece of evidence."""
    prints: list[Voiceprint] = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else ():
        try:
            data = json.loads(path.read_text())
            vector = np.asarray(data["vector"], dtype=np.float32)
            if data.get("consent") is not True or vector.shape != (256,):
                raise ValueError("no consent flag, or not a 256-value vector")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("voiceprint %s skipped: %s", path, exc)
            continue
        prints.append(Voiceprint(str(data["name"]), vector / np.linalg.norm(vector), True,
                                 data.get("enrolled_at")))
    return tuple(prints)
