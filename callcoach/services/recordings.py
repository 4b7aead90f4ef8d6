"""Where a call's recording lies, when the call was submitted as audio (the call page plays it)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from callcoach.storage import get_job


def recording_path(session: Session, call_id: str) -> Path | None:
    """The submitted recording of `call_id`; None for a transcript submission or a file gone."""
    from ingest.reader import AUDIO_SUFFIXES

    job = get_job(session, call_id)
    if job is None or not job.input_path:
        return None
    path = Path(job.input_path)
    return path if path.suffix.lower() in AUDIO_SUFFIXES and path.is_file() else None
