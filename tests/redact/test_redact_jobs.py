"""An uploaded recording through the transcribe stage: the stored transcript says [PHONE], the
playback copy is silent there, and the unredacted original is deleted (or kept under the setting)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callcoach.services import jobs
from callcoach.settings import Settings
from callcoach.storage import get_transcript, session_scope
from redact import redacted_spans
from redact._audio import MUTE_MARGIN_S

pytestmark = [pytest.mark.slow, pytest.mark.audio]  # transcribes a clip with whisper

CLIP = Path(__file__).resolve().parents[1] / "data" / "redact" / "pii_phone.wav"


def _upload(settings: Settings, call_id: str) -> Path:
    directory = jobs.submission_dir(settings, call_id)
    path = directory / "input.wav"
    shutil.copy(CLIP, path)
    jobs.submit_call(settings, call_id=call_id, input_path=path)
    return path


@pytest.mark.parametrize("keep_original", [False, True])
def test_redact_transcribe_stage_stores_placeholders_and_a_muted_copy(settings: Settings,
                                                                      keep_original: bool) -> None:
    settings = settings.model_copy(update={"redact_keep_original_audio": keep_original})
    upload = _upload(settings, "pii-audio-01")
    result = jobs.run_stage(settings, "transcribe", "pii-audio-01")
    assert result.outcome == "done", result.reason

    with session_scope(settings) as session:
        transcript = get_transcript(session, "pii-audio-01")
    assert transcript is not None
    text = " ".join(u.text for u in transcript.utterances)
    assert "[PHONE]" in text and "555" not in text and "Friday" in text
    spans = redacted_spans(transcript)
    assert [s[2] for s in spans] == ["PHONE"]

    copy = upload.with_name(jobs.REDACTED_AUDIO)
    redacted, rate = sf.read(copy, dtype="float32")
    original, _ = sf.read(CLIP, dtype="float32")
    start, end, _ = spans[0]
    a, b = int((start - MUTE_MARGIN_S) * rate), int((end + MUTE_MARGIN_S) * rate)
    assert float(np.sqrt(np.mean(original[a:b] ** 2))) > 0.01  # the number was spoken there
    assert not redacted[a:b].any()  # and is silence in the copy
    assert np.array_equal(redacted[: a - 1], original[: a - 1])
    assert np.array_equal(redacted[b + 1:], original[b + 1:])
    assert upload.exists() == keep_original


def test_redact_playback_copy_outlives_the_processed_upload(settings: Settings) -> None:
    """Once the call is done the upload goes (keep_uploads off) but the silenced copy stays, and it
    is what the call page plays; deleting the call removes it too."""
    from callcoach.services import recordings, retention

    upload = _upload(settings, "pii-audio-02")
    for stage in jobs.STAGES:
        assert jobs.run_stage(settings, stage, "pii-audio-02").outcome == "done"
    copy = upload.with_name(jobs.REDACTED_AUDIO)
    assert not upload.exists() and copy.is_file()
    assert sorted(p.name for p in copy.parent.iterdir()) == [jobs.REDACTED_AUDIO]
    with session_scope(settings) as session:
        assert recordings.recording_path(session, settings, "pii-audio-02") == copy
    retention.delete_call(settings, "pii-audio-02")
    assert not copy.exists()
