"""A whisper model that cannot be loaded is a ModelUnavailable naming the model."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from callcoach.domain import AudioInput, CallMeta
from callcoach.errors import EmptyInput, ModelUnavailable
from callcoach.settings import Settings
from transcribe import transcribe_call


def test_missing_whisper_model_is_model_unavailable(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    settings = Settings(data_dir=tmp_path, whisper_model=str(missing))
    audio = AudioInput(
        path=tmp_path / "call.wav",
        samples=np.zeros((1, 16000), np.float32),
        sample_rate=16000,
        duration_s=1.0,
    )
    with pytest.raises(ModelUnavailable, match="no-such-model"):
        transcribe_call(audio, CallMeta(), settings=settings)


@pytest.mark.slow
@pytest.mark.audio
def test_silent_recording_is_empty_input(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    audio = AudioInput(
        path=tmp_path / "silence.wav",
        samples=np.zeros((2, 16000 * 5), np.float32),
        sample_rate=16000,
        duration_s=5.0,
    )
    with pytest.raises(EmptyInput, match="silence.wav: no speech"):
        transcribe_call(audio, CallMeta(), settings=settings)
