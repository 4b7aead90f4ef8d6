"""faster-whisper behind a cached loader: one model per process, speech-only (VAD) with word timings."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import lru_cache
from typing import Any

import numpy as np

from callcoach.domain import Word
from callcoach.errors import ModelUnavailable
from callcoach.settings import Settings

log = logging.getLogger("callcoach.transcribe")

# faster-whisper works on 16 kHz mono float32; every other rate is resampled before it gets here.
WHISPER_RATE = 16000


@lru_cache(maxsize=2)
def _load_model(model: str, device: str, compute_type: str, cpu_threads: int) -> Any:
    from faster_whisper import WhisperModel

    log.info("loading whisper model %s (%s, %s)", model, device, compute_type)
    return WhisperModel(
        model, device=device, compute_type=compute_type, cpu_threads=cpu_threads, local_files_only=True
    )


def load_whisper(settings: Settings) -> Any:
    """The process-wide WhisperModel for these settings; load failures become ModelUnavailable."""
    try:
        return _load_model(
            settings.whisper_model, settings.device, settings.compute_type, settings.cpu_threads
        )
    except Exception as exc:  # noqa: BLE001 - CTranslate2/HF raise many types; all mean "no model"
        raise ModelUnavailable(
            f"whisper model {settings.whisper_model!r} cannot be loaded on {settings.device}/"
            f"{settings.compute_type}: {exc} (set CALLCOACH_WHISPER_MODEL to a local model path)"
        ) from exc


def whisper_options(settings: Settings) -> dict[str, Any]:
    """The options of every `transcribe` call (the bench passes the same ones to the bare baseline)."""
    return {
        "beam_size": settings.beam_size,
        "language": settings.language,
        # Silero VAD (shipped with faster-whisper) skips silence: faster, and no hallucinated words
        # in the long quiet stretches that each channel of a stereo call is full of.
        "vad_filter": True,
        "word_timestamps": True,
    }


def transcribe_words(
    model: Any, samples: np.ndarray, settings: Settings, on_progress: Callable[[float], None] | None = None
) -> list[Word]:
    """Words of one mono channel, in time order; `on_progress(seconds_done)` after each segment."""
    segments, _info = model.transcribe(
        np.ascontiguousarray(samples, dtype=np.float32), **whisper_options(settings)
    )
    words: list[Word] = []
    for segment in segments:
        for w in segment.words or ():
            text = w.word.strip()
            if text:
                words.append(
                    Word(
                        text=text,
                        start=float(w.start),
                        end=float(max(w.end, w.start)),
                        probability=float(w.probability),
                    )
                )
        if on_progress is not None:
            on_progress(float(segment.end))
    return words
