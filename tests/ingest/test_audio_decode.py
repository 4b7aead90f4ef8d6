"""decode_audio on every recording format we accept: channels, 16 kHz float32, duration, content."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from callcoach.settings import Settings
from ingest import read_input
from ingest.audio import decode_audio

pytestmark = [pytest.mark.slow, pytest.mark.audio]

# Compressed formats pad their last frame (AAC: up to 1024 samples) and the encoders differ
# by a few ms at the start; a tenth of a second is far below what a user would notice.
DURATION_TOLERANCE_S = 0.1
# 50 ms frames: the syllable rate of speech, coarse enough to ignore codec detail.
ENVELOPE_FRAME = 800


def _envelope(samples: np.ndarray) -> np.ndarray:
    mono = samples.mean(axis=0)
    n = len(mono) // ENVELOPE_FRAME
    return np.sqrt((mono[: n * ENVELOPE_FRAME].reshape(n, ENVELOPE_FRAME) ** 2).mean(axis=1))


@pytest.fixture(scope="module")
def reference() -> np.ndarray:
    """The 2 s speech clip decoded from lossless PCM: what every other format must sound like."""
    from tests.ingest.conftest import INGEST_DATA

    return _envelope(decode_audio(INGEST_DATA / "speech_8k.wav", settings=Settings()).samples)


@pytest.mark.parametrize(("name", "duration"), [
    ("speech_8k.wav", 2.0),
    ("speech.mp3", 2.0),
    ("speech.m4a", 2.0),
    ("speech.flac", 2.0),
    ("meeting.mp4", 2.0),
    ("meeting.webm", 2.0),
])
def test_audio_decode_mono_formats(data: Path, settings: Settings, reference: np.ndarray,
                                   name: str, duration: float) -> None:
    audio = decode_audio(data / name, settings=settings)

    assert audio.path == data / name
    assert audio.sample_rate == 16000
    assert audio.samples.dtype == np.float32
    assert audio.samples.shape[0] == 1 and audio.channels == 1
    assert audio.duration_s == pytest.approx(duration, abs=DURATION_TOLERANCE_S)
    assert audio.samples.shape[1] == pytest.approx(audio.duration_s * 16000, abs=1)
    assert np.abs(audio.samples).max() <= 1.0
    # The same speech at the same times: the loudness envelope follows the lossless decode.
    env = _envelope(audio.samples)
    n = min(len(env), len(reference))
    assert np.corrcoef(env[:n], reference[:n])[0, 1] > 0.9


def test_audio_decode_resamples_44k_to_16k(data: Path, settings: Settings) -> None:
    audio = decode_audio(data / "speech_44k.wav", settings=settings)

    assert audio.sample_rate == 16000
    assert audio.samples.shape == (1, 9600)  # 0.6 s at 16 kHz
    assert audio.duration_s == pytest.approx(0.6, abs=1e-6)


@pytest.mark.parametrize("name", ["stereo_8k.wav", "stereo.ogg"])
def test_audio_decode_stereo_keeps_left_and_right_apart(data: Path, settings: Settings, name: str) -> None:
    # The fixture: one voice on the left during the first second, another on the right after it.
    audio = decode_audio(data / name, settings=settings)

    assert audio.channels == 2
    assert audio.sample_rate == 16000
    assert audio.duration_s == pytest.approx(1.5, abs=DURATION_TOLERANCE_S)
    left, right = audio.samples

    def rms(x: np.ndarray) -> float:
        return float(np.sqrt(np.mean(x.astype(np.float64) ** 2)))

    first, second = slice(0, 16000), slice(16000, 24000)
    assert rms(left[first]) > 10 * rms(right[first])
    assert rms(right[second]) > 10 * rms(left[second])


def test_audio_decode_dual_mono_becomes_mono(data: Path, settings: Settings,
                                             caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="callcoach.ingest"):
        audio = decode_audio(data / "dual_mono.flac", settings=settings)

    assert audio.channels == 1
    assert audio.duration_s == pytest.approx(2.0, abs=DURATION_TOLERANCE_S)
    assert "same signal" in caplog.text


def test_audio_decode_three_channels_mixed_to_mono_without_clipping(
        data: Path, settings: Settings, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="callcoach.ingest"):
        audio = decode_audio(data / "three_channels.flac", settings=settings)
    mono = decode_audio(data / "speech_8k.wav", settings=settings)

    assert audio.channels == 1
    assert audio.duration_s == pytest.approx(1.0, abs=DURATION_TOLERANCE_S)
    # Each of the three channels holds the speech clip: their average is the clip itself, not louder
    # (the last few ms differ: the resampler's filter sees the end of the 1 s cut there).
    body = slice(0, 15900)
    assert np.allclose(audio.samples[0, body], mono.samples[0, body], atol=2e-3)
    assert "3 channels; mixing down to mono" in caplog.text


def test_read_input_returns_decoded_audio_for_recordings(data: Path, settings: Settings) -> None:
    audio = read_input(data / "speech.mp3", settings=settings)

    assert not hasattr(audio, "utterances")
    assert audio.sample_rate == 16000
    assert audio.duration_s == pytest.approx(2.0, abs=DURATION_TOLERANCE_S)


def test_read_input_suffix_is_case_insensitive(data: Path, tmp_path: Path, settings: Settings) -> None:
    upper = tmp_path / "CALL.MP3"
    upper.write_bytes((data / "speech.mp3").read_bytes())
    assert read_input(upper, settings=settings).duration_s == pytest.approx(2.0, abs=DURATION_TOLERANCE_S)
