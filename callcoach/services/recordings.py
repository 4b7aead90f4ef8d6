"""Which recording of a call the call page plays: the PII-silenced playback copy when redaction
made one (kept after processing, until the call is deleted), else the submitted recording while
uploads are kept (settings.keep_uploads)."""

from __future__ import annotations

from pathlib import Path

from callcoach.services.jobs import REDACTED_AUDIO
from callcoach.storage import Session, get_job


def recording_path(session: Session, call_id: str) -> Path | None:
    """The playable recording of `call_id`; None for a transcript submission or a file gone."""
    from ingest.reader import AUDIO_SUFFIXES

    job = get_job(session, call_id)
    if job is None or not job.input_path:
        return None
    path = Path(job.input_path)
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        return None
    redacted = path.with_name(REDACTED_AUDIO)
    if redacted.is_file():
        return redacted
    return path if path.is_file() else None
