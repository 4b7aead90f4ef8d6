"""The speaker encoder gets exactly the features it was trained on."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from tests.transcribe.conftest import AUDIO
from transcribe._diarize import _mel_spectrogram


@pytest.mark.slow
@pytest.mark.audio
def test_mel_spectrogram_matches_resemblyzer_librosa_features() -> None:
    from resemblyzer.audio import wav_to_mel_spectrogram

    wav, _ = sf.read(AUDIO / "mono_two_speakers.wav", dtype="float32")
    ours, theirs = _mel_spectrogram(wav), wav_to_mel_spectrogram(wav)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-3, atol=1e-5)


def _reference_mel(wav: np.ndarray) -> np.ndarray:
    """The centred STFT done the plain way: the whole call zero-padded, framed and transformed at once."""
    from transcribe._diarize import MEL_HOP, MEL_N_FFT, _mel_filterbank

    padded = np.pad(wav.astype(np.float64), MEL_N_FFT // 2)
    frames = np.lib.stride_tricks.sliding_window_view(padded, MEL_N_FFT)[::MEL_HOP]
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(MEL_N_FFT) / MEL_N_FFT)
    return (np.abs(np.fft.rfft(frames * window, axis=1)) ** 2) @ _mel_filterbank().T.astype(np.float64)


@pytest.mark.parametrize("n_samples", [1, 399, 4000, 16000 * 3 + 77])
@pytest.mark.parametrize("block", [1, 7, 4096])
def test_mel_blocks_give_the_whole_call_spectrogram(
    monkeypatch: pytest.MonkeyPatch, n_samples: int, block: int
) -> None:
    import transcribe._diarize as diarize_module

    monkeypatch.setattr(diarize_module, "MEL_BLOCK_FRAMES", block)
    wav = np.random.default_rng(n_samples).normal(0, 0.1, n_samples).astype(np.float32)
    ours, reference = _mel_spectrogram(wav), _reference_mel(wav)
    assert ours.shape == reference.shape
    np.testing.assert_allclose(ours, reference, rtol=1e-4, atol=1e-6 * reference.max())


@pytest.mark.parametrize("level", [0.001, 0.02, 0.5])
def test_call_mel_applies_resemblyzers_volume_normalisation(level: float) -> None:
    from resemblyzer.audio import normalize_volume

    from transcribe._diarize import _call_mel

    wav = (level * np.sin(np.arange(48000) * 0.05)).astype(np.float32)
    expected = _mel_spectrogram(normalize_volume(wav, -30, increase_only=True))
    np.testing.assert_allclose(_call_mel(wav), expected, rtol=1e-4, atol=1e-6 * expected.max())


def test_call_mel_of_silence_is_zero_not_nan() -> None:
    from transcribe._diarize import _call_mel

    assert not _call_mel(np.zeros(16000, dtype=np.float32)).any()
