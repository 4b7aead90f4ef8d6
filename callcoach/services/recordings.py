"""Which recording of a call the call page plays: the PII-silenced playback copy when redaction
made one (kept after processing, until the call is deleted), else, only with redaction off, the
submitted recording while it is kept (settings.keep_uploads, or the user's own file for a call
stored by `callcoach ingest`). With redaction on and no silenced copy, nothing plays: an
unredacted original is never served."""

from __future__ import annotations

from pathlib import Path

from callcoach.services.jobs import REDACTED_AUDIO, uploads_dir
from callcoach.settings import Settings
from callcoach.storage import Session, get_job


def playback_copy(settings: Settings, call_id: str) -> Path:
    """Where a call's silenced copy lives when its recording was not uploaded (`callcoach ingest`):
    the call's uploads folder, so deleting the call removes it with the rest."""
    return uploads_dir(settings) / call_id / REDACTED_AUDIO


def recording_path(session: Session, settings: Settings, call_id: str) -> Path | None:
    """The playable recording of `call_id`; None for a transcript submission, a file gone, or an
    original that redaction would have to silence first."""
    from ingest.reader import AUDIO_SUFFIXES

    job = get_job(session, call_id)
    if job is None or not job.input_path:
        return None
    path = Path(job.input_path)
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        return None
    for copy in (path.with_name(REDACTED_AUDIO), playback_copy(settings, call_id)):
        if copy.is_file():
            return copy
    if settings.redact_enabled:
        return None
    return path if path.is_file() else None
