"""Decode a call recording into 16 kHz float32 samples, one row per channel, validating first.

PyAV (FFmpeg) reads every container and codec we accept: wav, mp3, m4a, flac, ogg, and the audio
track of mp4/webm video. Checks run cheapest first, so a bad file fails before any decoding:
the path (missing, a directory, unreadable, zero bytes), the container (decodable, has an audio
stream), the duration the container declares (a 10-hour file is refused from its header), and
only then the samples (none at all, or digital silence).

Channels: mono stays mono; stereo keeps left and right apart (row 0 is left), because two-channel
call recorders put each side of the call on its own channel. Two identical channels (a mono call
saved as "stereo") become one, and more than two channels are mixed down to mono: we cannot know
which of them holds which side.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path

import av
import numpy as np

from callcoach.domain import AudioInput
from callcoach.errors import EmptyInput, InputError, RecordingTooLong, UnsupportedAudio
from callcoach.settings import Settings

log = logging.getLogger("callcoach.ingest")

# Whisper and the speaker-embedding models all work on 16 kHz mono input.
TARGET_SAMPLE_RATE = 16_000
# Two channels are the most that carry a meaning we can use (rep / buyer).
MAX_CHANNELS = 2
# Peak below -80 dBFS: dither-level noise at most, nothing a recognizer could hear as speech.
SILENCE_PEAK = 1e-4
# Stereo whose side signal (L-R) is 40 dB below its mid signal (L+R) is one signal on two
# channels; lossy codecs keep such channels within this even when they are not bit-identical.
DUAL_MONO_SIDE_RATIO = 0.01
# A declared duration may be off by a frame or two of padding (mp3 encoder delay, AAC priming).
DURATION_SLACK_S = 0.5


def decode_audio(path: Path, *, settings: Settings) -> AudioInput:
    """Decode `path` to float32 samples of shape (channels, n) at 16 kHz, channels being 1 or 2.

    Raises InputError (file missing or unreadable), EmptyInput (zero bytes, no samples, silence),
    UnsupportedAudio (not decodable, no audio stream) or RecordingTooLong (over
    ``settings.max_recording_s``), each naming the file and the problem.
    """
    path = Path(path)
    _check_file(path)
    try:
        container = av.open(str(path), mode="r")
    except av.FFmpegError as exc:
        raise UnsupportedAudio(f"not a readable audio or video file ({_reason(exc)})", path=path) from exc
    with container:
        stream = _audio_stream(container, path)
        limit = settings.max_recording_s
        declared = _declared_duration(container, stream)
        if declared is not None and declared > limit + DURATION_SLACK_S:
            raise RecordingTooLong(
                f"recording is {_hms(declared)} long; the limit is {_hms(limit)} "
                "(raise CALLCOACH_MAX_RECORDING_S to accept it)", path=path)
        samples = _decode(container, stream, path, limit, declared)
    return _finish(path, samples)


def _check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError("file not found", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=path) from exc
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path)
    if not os.access(path, os.R_OK):
        raise InputError("cannot read file (permission denied)", path=path)
    if size == 0:
        raise EmptyInput("file is empty (0 bytes)", path=path)


def _audio_stream(container: av.container.InputContainer, path: Path) -> av.audio.stream.AudioStream:
    streams = container.streams.audio
    if not streams:
        kinds = sorted({s.type for s in container.streams})
        found = f" (it holds {' and '.join(kinds)} only)" if kinds else ""
        raise UnsupportedAudio(f"no audio stream in the file{found}", path=path)
    if len(streams) > 1:
        log.info("%s: %d audio streams; using the first", path, len(streams))
    stream = streams[0]
    if stream.codec_context is None or not stream.channels:
        raise UnsupportedAudio("audio stream has no decodable codec or channels", path=path)
    return stream


def _declared_duration(container: av.container.InputContainer,
                       stream: av.audio.stream.AudioStream) -> float | None:
    """Duration from the headers (stream first, then container); None where neither says."""
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return None


def _decode(container: av.container.InputContainer, stream: av.audio.stream.AudioStream,
            path: Path, limit_s: float, declared_s: float | None) -> np.ndarray:
    in_channels = stream.channels
    mix_down = in_channels > MAX_CHANNELS
    if mix_down:
        log.warning("%s: %d channels; mixing down to mono, since only two channels can be told apart "
                    "as rep and buyer", path, in_channels)
    # Mixing down ourselves (a plain average) rather than in FFmpeg: its surround matrices add
    # channels with gains that can clip speech. layout=None keeps the input's channels.
    layout = None if mix_down else "stereo" if in_channels == 2 else "mono"
    resampler = av.AudioResampler(format="fltp", layout=layout, rate=TARGET_SAMPLE_RATE)
    max_samples = int((limit_s + DURATION_SLACK_S) * TARGET_SAMPLE_RATE)
    expected = int(((declared_s or 0.0) + DURATION_SLACK_S) * TARGET_SAMPLE_RATE)
    buffer = _SampleBuffer(channels=2 if layout == "stereo" else 1, capacity=expected)
    for frame in _frames(container, stream, path):
        for out in resampler.resample(frame):
            buffer.append(_rows(out, mix_down))
        # Headers can lie or be absent (live-recorded webm): keep the promise of the limit anyway.
        if buffer.size > max_samples:
            raise RecordingTooLong(
                f"recording is longer than the limit of {_hms(limit_s)} "
                "(raise CALLCOACH_MAX_RECORDING_S to accept it)", path=path)
    for out in resampler.resample(None):
        buffer.append(_rows(out, mix_down))
    return buffer.samples()


def _rows(frame: av.AudioFrame, mix_down: bool) -> np.ndarray:
    samples = frame.to_ndarray()
    return samples.mean(axis=0, keepdims=True) if mix_down else samples


class _SampleBuffer:
    """Decoded samples, filled in place: sized from the declared duration so that a long call
    (4 h of stereo is 1.8 GB of float32) is not held twice, as concatenating chunks would."""

    def __init__(self, channels: int, capacity: int) -> None:
        self._data = np.empty((channels, max(capacity, TARGET_SAMPLE_RATE)), dtype=np.float32)
        self.size = 0

    def append(self, rows: np.ndarray) -> None:
        end = self.size + rows.shape[1]
        if end > self._data.shape[1]:  # the header said less, or nothing: grow by half
            grown = np.empty((self._data.shape[0], max(end, self._data.shape[1] * 3 // 2)), dtype=np.float32)
            grown[:, : self.size] = self._data[:, : self.size]
            self._data = grown
        self._data[:, self.size : end] = rows
        self.size = end

    def samples(self) -> np.ndarray:
        if self.size == self._data.shape[1]:
            return self._data
        # A copy, so the unused tail of the buffer is freed rather than kept alive by a view.
        return self._data[:, : self.size].copy()


def _frames(container: av.container.InputContainer, stream: av.audio.stream.AudioStream,
            path: Path) -> Iterator[av.AudioFrame]:
    position = 0.0
    try:
        for frame in container.decode(stream):
            if frame.time is not None:
                position = frame.time
            yield frame
    except av.FFmpegError as exc:
        raise UnsupportedAudio(f"cannot decode the audio near {position:.1f}s ({_reason(exc)})",
                               path=path) from exc


def _finish(path: Path, samples: np.ndarray) -> AudioInput:
    if samples.shape[1] == 0:
        raise EmptyInput("recording has no audio samples (zero length)", path=path)
    peak = max(float(samples.max()), -float(samples.min()))
    if not np.isfinite(peak):
        raise UnsupportedAudio("decoded audio contains invalid (NaN or infinite) samples", path=path)
    if peak < SILENCE_PEAK:
        raise EmptyInput(f"recording is silent for its whole length ({_hms(_seconds(samples))})", path=path)
    if samples.shape[0] == 2 and is_dual_mono(samples):
        log.info("%s: both channels carry the same signal; treating the recording as mono", path)
        samples = samples[:1].copy()
    np.clip(samples, -1.0, 1.0, out=samples)
    log.debug("%s: decoded %d channel(s), %.1f s at %d Hz", path, samples.shape[0], _seconds(samples),
              TARGET_SAMPLE_RATE)
    return AudioInput(path=path, samples=samples, sample_rate=TARGET_SAMPLE_RATE,
                      duration_s=_seconds(samples))


def is_dual_mono(stereo: np.ndarray) -> bool:
    """True when both channels of a (2, n) array hold (nearly) the same signal."""
    mid_energy = side_energy = 0.0
    for at in range(0, stereo.shape[1], _BLOCK):  # in blocks: no full-length temporaries
        left = stereo[0, at : at + _BLOCK].astype(np.float64)
        right = stereo[1, at : at + _BLOCK].astype(np.float64)
        mid_energy += float(np.sum((left + right) ** 2))
        side_energy += float(np.sum((left - right) ** 2))
    return mid_energy > 0 and side_energy < (DUAL_MONO_SIDE_RATIO**2) * mid_energy


_BLOCK = 1 << 20


def _seconds(samples: np.ndarray) -> float:
    return samples.shape[1] / TARGET_SAMPLE_RATE


def _hms(seconds: float) -> str:
    s = int(round(seconds))
    h, rest = divmod(s, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}" if m else f"{seconds:.1f}s"


def _reason(exc: av.FFmpegError) -> str:
    return (getattr(exc, "strerror", None) or str(exc)).strip().rstrip(".")
