"""The typed call analysis (CONTRACT section 2): signals produce it, coaching, the report, the API
and storage read it. Its JSON form is written and read only by `ContractModel` (`_codec.py`).

Field order is the key order of the JSON object; numbers are stored as the signals rounded them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from callcoach.analysis._codec import OMIT, ContractModel
from callcoach.domain import Evidence

_OMIT_NONE = {OMIT: "none"}
_OMIT_EMPTY = {OMIT: "empty"}


@dataclass(frozen=True, slots=True)
class Quote(ContractModel):
    """Evidence: a timestamped quote from the call that supports a claim."""

    start: float
    end: float
    speaker: str
    text: str

    @classmethod
    def of(cls, e: Evidence) -> Quote:
        """A domain `Evidence` as stored: times rounded to 10 ms."""
        return cls(round(e.start, 2), round(e.end, 2), e.speaker, e.text)


# --- talk ratio and dynamics -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TalkRatio(ContractModel):
    rep: float
    buyer: float
    unknown: float
    per_speaker: dict[str, float]
    talk_time_s: dict[str, float]
    evidence: tuple[Quote, ...]
    method: str


@dataclass(frozen=True, slots=True)
class Run(ContractModel):
    """One speaker's uninterrupted stretch of speech (utterances as evidence)."""

    seconds: float
    speaker: str
    start: float
    end: float
    evidence: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Interactivity(ContractModel):
    switches: int
    switches_per_min: float


@dataclass(frozen=True, slots=True)
class Patience(ContractModel):
    mean_pause_s: float | None
    median_pause_s: float | None
    replies: int
    evidence: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class QuestionRate(ContractModel):
    questions: int
    per_min: float


@dataclass(frozen=True, slots=True)
class FillerRate(ContractModel):
    rep_per_min: float
    per_speaker: dict[str, int]
    evidence: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Dynamics(ContractModel):
    longest_monologue: Run | None
    longest_buyer_story: Run | None
    interactivity: Interactivity
    patience: Patience
    question_rate: QuestionRate
    filler_rate: FillerRate
    method: str


# --- discovery ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AskedQuestion(ContractModel):
    """One rep question; `open` when it invites a story rather than a yes/no."""

    start: float
    end: float
    speaker: str
    text: str
    open: bool
    form: str
    cue: str
    utterance_index: int

    @property
    def quote(self) -> Quote:
        return Quote(self.start, self.end, self.speaker, self.text)


@dataclass(frozen=True, slots=True)
class QuantifiedPain(ContractModel):
    """A buyer statement of pain with a number in it."""

    start: float
    end: float
    speaker: str
    text: str
    amounts: tuple[str, ...]
    cue: str


@dataclass(frozen=True, slots=True)
class FollowUp(ContractModel):
    question: Quote
    answer: Quote
    link: str


@dataclass(frozen=True, slots=True)
class FrameworkElement(ContractModel):
    key: str
    name: str
    covered: bool
    similarity: float
    evidence: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class FrameworkCoverage(ContractModel):
    name: str
    covered: int
    total: int
    coverage: float
    elements: tuple[FrameworkElement, ...]
    method: str


@dataclass(frozen=True, slots=True)
class DiscoveryEvidence(ContractModel):
    questions: tuple[Quote, ...]
    open_questions: tuple[Quote, ...]
    quantified_pains: tuple[QuantifiedPain, ...]
    follow_ups: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class Discovery(ContractModel):
    questions: int
    open_questions: int
    quantified_pains: int
    follow_up_questions: int
    score: float
    score_parts: dict[str, float]
    question_list: tuple[AskedQuestion, ...]
    pains: tuple[QuantifiedPain, ...]
    follow_ups: tuple[FollowUp, ...]
    framework: FrameworkCoverage | None
    evidence: DiscoveryEvidence
    method: str


# --- sentiment ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UtteranceScore(ContractModel):
    """One buyer utterance's stance score (-1..1), smoothed, and its part of the call."""

    start: float
    end: float
    speaker: str
    score: float
    smoothed: float
    part: str


@dataclass(frozen=True, slots=True)
class SeriesPoint(ContractModel):
    t: float
    score: float


@dataclass(frozen=True, slots=True)
class ScoredQuote(ContractModel):
    start: float
    end: float
    speaker: str
    text: str
    score: float
    part: str


@dataclass(frozen=True, slots=True)
class DealCallScore(ContractModel):
    call_id: str | None
    started_at: str | None
    score: float


@dataclass(frozen=True, slots=True)
class DealTrend(ContractModel):
    deal_id: str
    calls: tuple[DealCallScore, ...]
    slope: float
    change: float
    direction: str
    threshold: float


@dataclass(frozen=True, slots=True)
class Sentiment(ContractModel):
    drift: float
    direction: str  # "negative" | "flat" | "positive"
    threshold: float
    early: float | None
    late: float | None
    call_score: float | None
    method: str
    buyer_utterances: int
    scores: tuple[UtteranceScore, ...]
    series: tuple[SeriesPoint, ...]
    evidence: tuple[ScoredQuote, ...]
    deal_trend: DealTrend | None
    notes: tuple[str, ...]


# --- next step ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NextStepItem(ContractModel):
    """One agreed (or offered) action; `owner` is a name or "rep side"/"buyer side"/"both sides"."""

    kind: str
    text: str
    action: str
    owner: str | None
    owned: bool
    dated: bool
    due: str | None  # ISO date-time
    due_text: str | None
    confirmed: bool
    score: float
    evidence: tuple[Quote, ...]


@dataclass(frozen=True, slots=True)
class RejectedStep(ContractModel):
    """A clause that read like a next step and why it is not one (past, negated, vague...)."""

    text: str
    why: str
    start: float
    speaker: str


@dataclass(frozen=True, slots=True)
class NextStep(ContractModel):
    present: bool
    dated: bool
    owned: bool
    text: str | None
    action: str | None
    owner: str | None
    due: str | None
    buyer_confirmed: bool
    clarity: int
    items: tuple[NextStepItem, ...]
    not_next_steps: tuple[RejectedStep, ...]
    evidence: tuple[Quote, ...]
    method: str


# --- multithreading ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stakeholder(ContractModel):
    """A buyer-side person ("person") or decision function ("function"), on the call or mentioned."""

    name: str | None
    title: str | None
    on_call: bool
    kind: str = "person"
    speaker: str | None = None
    mentions: int = 0
    evidence: tuple[Quote, ...] = ()


@dataclass(frozen=True, slots=True)
class DealStakeholder(ContractModel):
    name: str | None
    title: str | None
    kind: str
    first_seen: str | None
    first_seen_at: str | None
    calls_seen: int
    call_ids: tuple[str, ...]
    on_call: bool


@dataclass(frozen=True, slots=True)
class DealMap(ContractModel):
    deal_id: str | None
    calls: int
    buyer_contacts: int
    stakeholders: tuple[DealStakeholder, ...]


@dataclass(frozen=True, slots=True)
class Multithreading(ContractModel):
    buyer_participants: int
    stakeholders: tuple[Stakeholder, ...]
    single_threaded: bool
    deal: DealMap | None
    evidence: tuple[Quote, ...]
    method: str


# --- objections --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Objection(ContractModel):
    category: str
    text: str
    start: float
    end: float
    speaker: str
    cue: str | None
    probability: float | None
    evidence: tuple[Quote, ...]
    method: str


# --- the whole analysis ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Signals(ContractModel):
    """analysis["signals"]. A section is None when the analysis was made without that signal (an
    older or partial analysis); `objections` is None then too, and () when none were raised."""

    discovery: Discovery | None = field(default=None, metadata=_OMIT_NONE)
    talk_ratio: TalkRatio | None = field(default=None, metadata=_OMIT_NONE)
    longest_monologue_s: float | None = field(default=None, metadata=_OMIT_NONE)
    dynamics: Dynamics | None = field(default=None, metadata=_OMIT_NONE)
    multithreading: Multithreading | None = field(default=None, metadata=_OMIT_NONE)
    next_step: NextStep | None = field(default=None, metadata=_OMIT_NONE)
    objections: tuple[Objection, ...] | None = field(default=None, metadata=_OMIT_NONE)
    sentiment: Sentiment | None = field(default=None, metadata=_OMIT_NONE)


@dataclass(frozen=True, slots=True)
class SpeakerEntry(ContractModel):
    name: str
    side: str
    talk_time_s: float
    title: str | None = None
    # How a diarized voice got its name and side (recordings only).
    attribution: dict[str, Any] | None = field(default=None, metadata=_OMIT_NONE)


@dataclass(frozen=True, slots=True)
class TranscriptEntry(ContractModel):
    speaker: str
    side: str
    start: float
    end: float
    text: str
    # [text, start, end] per word, when the transcriber gave word timings.
    words: tuple[tuple[str, float, float], ...] = field(default=(), metadata=_OMIT_EMPTY)


@dataclass(frozen=True, slots=True)
class Analysis(ContractModel):
    """One call's analysis. `transcript` is None in the stored form, whose utterances live in their
    own rows (storage puts them back on read)."""

    version: int
    call_id: str | None
    title: str | None = None
    started_at: str | None = None  # ISO date-time
    deal_id: str | None = None
    rep: str | None = None
    duration_s: float = 0.0
    speakers: tuple[SpeakerEntry, ...] = ()
    transcript: tuple[TranscriptEntry, ...] | None = field(default=None, metadata=_OMIT_NONE)
    signals: Signals = field(default_factory=Signals)
    coaching: dict[str, Any] = field(default_factory=lambda: {"prompts": [], "alerts": []})
