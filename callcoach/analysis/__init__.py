"""The call analysis (CONTRACT section 2) as typed, frozen models, and its one JSON form.

Signals produce `Signals`; `build_analysis` wraps them with the call's transcript and coaching into
an `Analysis`; `Analysis.to_contract()` / `Analysis.from_contract()` are the CONTRACT JSON, the only
writer and reader of it (every model inherits them from `ContractModel`). Storage keeps the
`stored_form` (no transcript[]: the utterance rows hold it) and reads back the `full_form`.
"""

from callcoach.analysis._build import ANALYSIS_VERSION, build_analysis, speakers_of, transcript_entries
from callcoach.analysis._codec import ContractModel
from callcoach.analysis._stored import full_form, stored_form, transcript_in_rows
from callcoach.analysis.model import (
    Analysis,
    AskedQuestion,
    DealCallScore,
    DealMap,
    DealStakeholder,
    DealTrend,
    Discovery,
    DiscoveryEvidence,
    Dynamics,
    FillerRate,
    FollowUp,
    FrameworkCoverage,
    FrameworkElement,
    Interactivity,
    Multithreading,
    NextStep,
    NextStepItem,
    Objection,
    Patience,
    QuantifiedPain,
    QuestionRate,
    Quote,
    RejectedStep,
    Run,
    ScoredQuote,
    Sentiment,
    SeriesPoint,
    Signals,
    SpeakerEntry,
    Stakeholder,
    TalkRatio,
    TranscriptEntry,
    UtteranceScore,
)

__all__ = [
    "ANALYSIS_VERSION", "Analysis", "AskedQuestion", "ContractModel", "DealCallScore", "DealMap",
    "DealStakeholder", "DealTrend", "Discovery", "DiscoveryEvidence", "Dynamics", "FillerRate", "FollowUp",
    "FrameworkCoverage", "FrameworkElement", "Interactivity", "Multithreading", "NextStep", "NextStepItem",
    "Objection", "Patience", "QuantifiedPain", "QuestionRate", "Quote", "RejectedStep", "Run", "ScoredQuote",
    "Sentiment", "SeriesPoint", "Signals", "SpeakerEntry", "Stakeholder", "TalkRatio", "TranscriptEntry",
    "UtteranceScore", "build_analysis", "full_form", "speakers_of", "stored_form", "transcript_entries",
    "transcript_in_rows",
]
