"""The call analysis (CONTRACT section 2) as typed, frozen models, and its one JSON form.

Signals produce `Signals`; `build_analysis` wraps them with the call's transcript and coaching into
an `Analysis`; `Analysis.to_contract()` / `Analysis.from_contract()` are the CONTRACT JSON, the only
writer and reader of it (every model inherits them from `ContractModel`).
"""

from callcoach.analysis._build import ANALYSIS_VERSION, build_analysis, speakers_of, transcript_entries
from callcoach.analysis._codec import ContractModel
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
    "UtteranceScore", "build_analysis", "speakers_of", "transcript_entries",
]
