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
