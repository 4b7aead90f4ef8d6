"""Shape a call's transcript, signals and coaching into the CONTRACT section 2 analysis object."""

from __future__ import annotations

from typing import Any

from callcoach.domain import Transcript

ANALYSIS_VERSION = 1


def transcript_part(transcript: Transcript) -> dict[str, Any]:
    """call_id, duration_s, speakers[] and transcript[] of the analysis."""
    m = transcript.meta
    attributed = {a.speaker: a.to_dict() for a in transcript.attributions}
    return {
        "call_id": m.call_id,
        "title": m.title,
        "started_at": m.started_at.isoformat() if m.started_at else None,
        "deal_id": m.deal_id,
        "rep": m.rep,
        "duration_s": round(transcript.duration_s, 2),
        "speakers": [
            {"name": s.name, "side": s.side, "talk_time_s": round(s.talk_time_s, 2),
             "title": m.title_of(s.name),
             **({"attribution": attributed[s.name]} if s.name in attributed else {})}
            for s in transcript.speakers
        ],
        "transcript": [
            {"speaker": u.speaker, "side": u.side, "start": round(u.start, 2), "end": round(u.end, 2),
             "text": u.text,
             **({"words": [[w.text, round(w.start, 2), round(w.end, 2)] for w in u.words]}
                if u.words else {})}
            for u in transcript.utterances
        ],
    }


def build_analysis(transcript: Transcript, signals: dict[str, Any],
                   coaching: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "version": ANALYSIS_VERSION,
        **transcript_part(transcript),
        "signals": signals,
        "coaching": coaching if coaching is not None else {"prompts": [], "alerts": []},
    }
