"""Domain types shared by every stage: a call's metadata, its transcript, and evidence.

Plain dataclasses at the center; pydantic lives only at the I/O edges (file formats,
API schemas) and storage rows map to these at the storage edge.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

Side = Literal["rep", "buyer", "unknown"]
SIDES: tuple[Side, ...] = ("rep", "buyer", "unknown")


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its timing in the call (seconds)."""

    text: str
    start: float
    end: float
    probability: float = 1.0
    # False for a recogniser token that continues the word before it ("-by" in "step-by-step", ".m." in
    # "p.m."): the utterance text joins it without a space.
    space_before: bool = True


@dataclass(frozen=True, slots=True)
class Participant:
    name: str
    side: Side = "unknown"
    title: str | None = None


@dataclass(frozen=True, slots=True)
class CallMeta:
    """What we know about a call besides what was said (CONTRACT section 1 minus utterances)."""

    call_id: str | None = None
    title: str | None = None
    started_at: datetime | None = None
    deal_id: str | None = None
    rep: str | None = None
    participants: tuple[Participant, ...] = ()
    # Stereo recordings: which channel carries the rep ("left" unless the metadata says otherwise).
    rep_channel: Literal["left", "right"] = "left"
    extra: dict[str, Any] = field(default_factory=dict)

    def side_of(self, name: str) -> Side:
        """The side the metadata gives a speaker: by participant name, else by the `rep` field."""
        for p in self.participants:
            if p.name == name:
                return p.side
        if self.rep and name == self.rep:
            return "rep"
        return "unknown"

    def title_of(self, name: str) -> str | None:
        for p in self.participants:
            if p.name == name:
                return p.title
        return None


@dataclass(frozen=True, slots=True)
class Utterance:
    """One speaker turn: a stretch of speech by one speaker, split at speaker changes and long pauses."""

    speaker: str
    start: float
    end: float
    text: str
    side: Side = "unknown"
    words: tuple[Word, ...] = ()

    @property
    def duration(self) -> float:
        return max(0.0, self.end - self.start)


@dataclass(frozen=True, slots=True)
class Speaker:
    name: str
    side: Side
    talk_time_s: float


@dataclass(frozen=True, slots=True)
class SpeakerAttribution:
    """Why a diarized voice got its name and side: the evidence, and how sure the attribution is.

    `confidence` (0..1) is for the name, `side_confidence` for the side; `low_confidence` marks an
    attribution the report should flag rather than present as fact.
    """

    speaker: str
    side: Side
    confidence: float
    side_confidence: float
    evidence: tuple[str, ...] = ()
    low_confidence: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"confidence": round(self.confidence, 2), "side_confidence": round(self.side_confidence, 2),
                "low_confidence": self.low_confidence, "evidence": list(self.evidence)}


@dataclass(frozen=True, slots=True)
class Transcript:
    """A speaker-attributed call: metadata plus utterances in time order, each with a side."""

    meta: CallMeta
    utterances: tuple[Utterance, ...]
    duration_s: float
    source: str = "transcript"  # "transcript" (imported text) or "audio" (transcribed here)
    # How diarized voices were named and sided (recordings only; empty for imported transcripts).
    attributions: tuple[SpeakerAttribution, ...] = ()

    @property
    def speakers(self) -> tuple[Speaker, ...]:
        talk: dict[str, float] = {}
        sides: dict[str, Side] = {}
        for u in self.utterances:
            talk[u.speaker] = talk.get(u.speaker, 0.0) + u.duration
            sides.setdefault(u.speaker, u.side)
        return tuple(Speaker(n, sides[n], round(t, 3)) for n, t in talk.items())

    def by_side(self, side: Side) -> tuple[Utterance, ...]:
        return tuple(u for u in self.utterances if u.side == side)


@dataclass(frozen=True, slots=True)
class Evidence:
    """A timestamped quote from the call that supports a claim."""

    start: float
    end: float
    speaker: str
    text: str

    @classmethod
    def of(cls, u: Utterance, text: str | None = None) -> Evidence:
        return cls(start=u.start, end=u.end, speaker=u.speaker, text=text if text is not None else u.text)

    def to_dict(self) -> dict[str, Any]:
        return {"start": round(self.start, 2), "end": round(self.end, 2), "speaker": self.speaker,
                "text": self.text}


@dataclass(frozen=True, slots=True)
class AudioInput:
    """A decoded recording, ready for transcription: float32 samples per channel at `sample_rate`."""

    path: Path
    samples: Any  # numpy.ndarray, shape (channels, n), float32 in [-1, 1]
    sample_rate: int
    duration_s: float

    @property
    def channels(self) -> int:
        return int(self.samples.shape[0])


@dataclass(frozen=True, slots=True)
class StoredCall:
    """A call as the history-based stages (cross-call signals, coaching, API) see it."""

    call_id: str
    rep: str | None
    deal_id: str | None
    started_at: datetime | None
    analysis: dict[str, Any]  # the CONTRACT section 2 object
    participants: Sequence[Participant] = ()
