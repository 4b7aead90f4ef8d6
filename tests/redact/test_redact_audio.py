"""The redacted recording: silent over each redacted span (RMS), untouched everywhere else."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callcoach.domain import CallMeta, Transcript, Utterance, Word
from redact import redact_recording, silence_spans
from redact._audio import MUTE_MARGIN_S

pytestmark = [pytest.mark.slow, pytest.mark.audio]  # decodes and writes audio

RATE = 22_050  # not 16 kHz: the copy keeps the recording's own rate


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.fixture
def recording(tmp_path: Path) -> tuple[Path, np.ndarray]:
    """4 s of stereo tones (left 220 Hz, right 330 Hz) at -6 dBFS, written as 16-bit WAV."""
    t = np.arange(4 * RATE) / RATE
    stereo = 0.5 * np.stack([np.sin(2 * np.pi * 220 * t), np.sin(2 * np.pi * 330 * t)], axis=1)
    path = tmp_path / "call.wav"
    sf.write(path, stereo, RATE, subtype="PCM_16")
    return path, sf.read(path, dtype="float32")[0]


@pytest.mark.parametrize("suffix", [".wav", ".flac"])
def test_silence_spans_mutes_each_span_and_keeps_the_rest(recording, tmp_path: Path, suffix: str) -> None:
    src, original = recording
    spans = [(0.8, 1.3), (2.5, 2.9)]
    out = silence_spans(src, tmp_path / f"redacted{suffix}", spans, margin_s=0.1)
    redacted, rate = sf.read(out, dtype="float32")
    assert rate == RATE and redacted.shape == original.shape

    muted = np.zeros(len(original), dtype=bool)
    for start, end in spans:
        a, b = int((start - 0.1) * RATE), int((end + 0.1) * RATE)
        muted[a:b] = True
        assert _rms(redacted[a:b]) == 0.0  # silent over the span and its margin
        assert _rms(original[a:b]) > 0.3   # where the tone was loud
    # Outside the mutes, sample for sample what the recording had (a sample of slack at each edge).
    edge = np.convolve(muted, np.ones(3), mode="same") > 0
    assert np.array_equal(redacted[~edge], original[~edge])
    assert _rms(redacted[~edge]) == pytest.approx(_rms(original[~edge]))


def test_redact_recording_mutes_the_placeholder_words_of_a_redacted_transcript(recording, tmp_path) -> None:
    src, original = recording
    words = (Word("call", 0.2, 0.5), Word("[PHONE]", 1.0, 2.0), Word("thanks", 3.0, 3.4))
    u = Utterance("Tomas Berg", 0.2, 3.4, "call [PHONE] thanks", "buyer", words)
    transcript = Transcript(meta=CallMeta(call_id="pii-audio"), utterances=(u,), duration_s=4.0)
    redacted, _ = sf.read(redact_recording(src, tmp_path / "redacted.wav", transcript), dtype="float32")
    a, b = int((1.0 - MUTE_MARGIN_S) * RATE), int((2.0 + MUTE_MARGIN_S) * RATE)
    assert _rms(redacted[a:b]) == 0.0
    assert np.array_equal(redacted[: a - 1], original[: a - 1])
    assert np.array_equal(redacted[b + 1:], original[b + 1:])
