"""Shape a call's transcript, signals and coaching into the analysis (CONTRACT section 2)."""

from __future__ import annotations

from typing import Any

from callcoach.analysis.model import Analysis, Signals, SpeakerEntry, TranscriptEntry
from callcoach.domain import Transcript

ANALYSIS_VERSION = 1


def speakers_of(transcript: Transcript) -> tuple[SpeakerEntry, ...]:
    m = transcript.meta
    attributed = {a.speaker: a.to_dict() for a in transcript.attributions}
    return tuple(
        SpeakerEntry(name=s.name, side=s.side, talk_time_s=round(s.talk_time_s, 2), title=m.title_of(s.name),
                     attribution=attributed.get(s.name))
        for s in transcript.speakers
    )


def transcript_entries(transcript: Transcript) -> tuple[TranscriptEntry, ...]:
    """transcript[] of the analysis: one entry per utterance, in order."""
    return tuple(
        TranscriptEntry(speaker=u.speaker, side=u.side, start=round(u.start, 2), end=round(u.end, 2),
                        text=u.text,
                        words=tuple((w.text, round(w.start, 2), round(w.end, 2)) for w in u.words))
        for u in transcript.utterances
    )


def build_analysis(transcript: Transcript, signals: Signals,
                   coaching: dict[str, Any] | None = None) -> Analysis:
    m = transcript.meta
    return Analysis(
        version=ANALYSIS_VERSION,
        call_id=m.call_id,
        title=m.title,
        started_at=m.started_at.isoformat() if m.started_at else None,
        deal_id=m.deal_id,
        rep=m.rep,
        duration_s=round(transcript.duration_s, 2),
        speakers=speakers_of(transcript),
        transcript=transcript_entries(transcript),
        signals=signals,
        coaching=coaching if coaching is not None else {"prompts": [], "alerts": []},
    )
