"""`callcoach analyze` of a local recording writes the PII-silenced copy too (the worker's service
function), under the data directory: silent over the [PHONE] word (RMS), the original elsewhere."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from typer.testing import CliRunner

from callcoach.cli import app
from callcoach.settings import Settings, get_settings
from redact._audio import MUTE_MARGIN_S

pytestmark = pytest.mark.slow  # transcribes a clip with whisper and runs every signal

CLIP = Path(__file__).resolve().parents[1] / "data" / "redact" / "pii_phone.wav"


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.fixture
def cli_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    monkeypatch.setenv("CALLCOACH_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CALLCOACH_DATABASE_URL", "")
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


def _phone_span(analysis: dict) -> tuple[float, float]:
    spans = [(start, end) for u in analysis["transcript"] for text, start, end in u.get("words", ())
             if "[PHONE]" in text]
    assert len(spans) == 1, spans
    return spans[0]


@pytest.mark.timeout(900)
def test_redact_cli_analyze_writes_a_copy_silent_over_the_redacted_span(cli_settings: Settings,
                                                                         tmp_path: Path) -> None:
    chosen = tmp_path / "out" / "playback.wav"
    result = CliRunner().invoke(app, ["analyze", str(CLIP), "--json", "--redacted-audio", str(chosen)])
    assert result.exit_code == 0, result.output
    analysis = json.loads(result.stdout)
    text = " ".join(u["text"] for u in analysis["transcript"])
    assert "[PHONE]" in text and "555" not in text and "Friday" in text
    start, end = _phone_span(analysis)

    original, rate = sf.read(CLIP, dtype="float32")
    redacted, redacted_rate = sf.read(chosen, dtype="float32")
    assert redacted_rate == rate and redacted.shape == original.shape
    a, b = int((start - MUTE_MARGIN_S) * rate), int((end + MUTE_MARGIN_S) * rate)
    assert _rms(original[a:b]) > 0.01  # the number was spoken there
    assert _rms(redacted[a:b]) == 0.0  # and is silence in the copy
    assert np.array_equal(redacted[: a - 1], original[: a - 1])
    assert np.array_equal(redacted[b + 1:], original[b + 1:])
    assert _rms(redacted[b + 1:]) > 0.01  # "call me on Friday" still plays
    # The user's file is left as it was, and nothing is written beside it.
    assert sorted(p.name for p in CLIP.parent.glob("pii_phone*")) == ["pii_phone.wav"]


def test_redact_cli_analyze_default_copy_goes_under_the_data_dir(cli_settings: Settings) -> None:
    result = CliRunner().invoke(app, ["analyze", str(CLIP), "--json"])
    assert result.exit_code == 0, result.output
    copy = cli_settings.data_dir / "redacted" / "pii_phone.flac"
    start, end = _phone_span(json.loads(result.stdout))
    redacted, rate = sf.read(copy, dtype="float32")
    assert _rms(redacted[int(start * rate):int(end * rate)]) == 0.0


def test_redact_cli_analyze_of_a_transcript_writes_no_audio(cli_settings: Settings) -> None:
    transcript = Path(__file__).resolve().parents[1] / "data" / "transcripts" / "pii_call.json"
    result = CliRunner().invoke(app, ["analyze", str(transcript), "--json"])
    assert result.exit_code == 0, result.output
    assert "[CARD]" in result.stdout
    assert not (cli_settings.data_dir / "redacted").exists()


def test_redact_cli_ingest_plays_only_the_silenced_copy(cli_settings: Settings, tmp_path: Path) -> None:
    """`callcoach ingest` of a recording stores a silenced playback copy with the call; the call page
    plays that copy, never the user's original, and deleting the call removes it."""
    from callcoach.services import recordings, retention
    from callcoach.storage import session_scope

    clip = tmp_path / "in" / "pii-ingest-01.wav"
    clip.parent.mkdir()
    clip.write_bytes(CLIP.read_bytes())
    result = CliRunner().invoke(app, ["ingest", str(clip)])
    assert result.exit_code == 0, result.output
    copy = recordings.playback_copy(cli_settings, "pii-ingest-01")
    assert copy.is_file()
    with session_scope(cli_settings) as session:
        assert recordings.recording_path(session, cli_settings, "pii-ingest-01") == copy
        copy.unlink()
        # Redaction on and no silenced copy: nothing plays, and the original is not the fallback.
        assert recordings.recording_path(session, cli_settings, "pii-ingest-01") is None
        # With redaction off there is nothing to silence: the user's file plays.
        plain = cli_settings.model_copy(update={"redact_enabled": False})
        assert recordings.recording_path(session, plain, "pii-ingest-01") == clip
    CliRunner().invoke(app, ["ingest", str(clip)])
    assert copy.is_file()
    retention.delete_call(cli_settings, "pii-ingest-01")
    assert not copy.exists() and clip.is_file()
