"""A redacted copy of a recording: the PII spans silenced, everything else sample for sample.

The copy keeps the recording's own sample rate and channels (it is for playback, not for the
recognizer), decoded with PyAV like every input and written with soundfile: WAV or FLAC (lossless,
so the unredacted parts are untouched) by the destination's suffix.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from callcoach.domain import Transcript
from callcoach.errors import InputError, UnsupportedAudio
from redact._spans import PLACEHOLDER

# Whisper's word timings drift by up to a couple of hundred milliseconds; a margin on each side
# keeps the first and last digit of a number from leaking at the edges of the mute.
MUTE_MARGIN_S = 0.2

Span = tuple[float, float, str]  # start s, end s, entity


def redacted_spans(transcript: Transcript) -> list[Span]:
    """(start, end, entity) of every placeholder in a redacted transcript, from its word timings;
    an utterance with placeholders in its text but no word timings is muted whole."""
    spans: list[Span] = []
    for u in transcript.utterances:
        timed = [(w.start, w.end, m.group(1)) for w in u.words for m in PLACEHOLDER.finditer(w.text)]
        if timed:
            spans.extend(timed)
        elif not u.words:
            spans.extend((u.start, u.end, m.group(1)) for m in PLACEHOLDER.finditer(u.text))
    return spans


def _decode_native(src: Path) -> tuple[np.ndarray, int]:
    """float32 samples (n, channels) at the file's own rate."""
    # Imported here: a transcript's analysis never decodes audio.
    import av

    try:
        container = av.open(str(src), mode="r")
    except (av.FFmpegError, OSError) as exc:
        raise UnsupportedAudio(f"cannot read the recording to redact it ({exc})", path=src) from exc
    with container:
        if not container.streams.audio:
            raise UnsupportedAudio("no audio stream to redact", path=src)
        stream = container.streams.audio[0]
        rate = stream.rate
        layout = stream.layout.name if stream.layout else "mono"
        resampler = av.AudioResampler(format="flt", layout=layout, rate=rate)
        chunks: list[np.ndarray] = []
        channels = stream.channels or 1
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunks.append(out.to_ndarray().reshape(-1, channels))
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1, channels))
    if not chunks:
        raise InputError("the recording has no samples to redact", path=src)
    return np.concatenate(chunks).astype(np.float32, copy=False), rate


def silence_spans(src: Path, dst: Path, spans: Sequence[tuple[float, float]] | Sequence[Span], *,
                  margin_s: float = MUTE_MARGIN_S) -> Path:
    """Write `dst` (.wav or .flac): `src` with each (start, end) span, widened by `margin_s`, zeroed."""
    samples, rate = _decode_native(Path(src))
    n = samples.shape[0]
    for span in spans:
        start, end = float(span[0]), float(span[1])
        a = max(0, int(np.floor((start - margin_s) * rate)))
        b = min(n, int(np.ceil((end + margin_s) * rate)))
        if b > a:
            samples[a:b] = 0.0
    import soundfile as sf

    dst = Path(dst)
    subtype = "PCM_16" if dst.suffix.lower() in (".wav", ".flac") else None
    sf.write(str(dst), samples, rate, subtype=subtype)
    return dst


def redact_recording(src: Path, dst: Path, transcript: Transcript, *,
                     margin_s: float = MUTE_MARGIN_S) -> Path:
    """Write `dst`: the recording `src` with every span `transcript` (already redacted) replaced by a
    placeholder silenced. Returns `dst`."""
    return silence_spans(src, dst, redacted_spans(transcript), margin_s=margin_s)
