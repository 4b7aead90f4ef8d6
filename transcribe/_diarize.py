"""Mono calls: who spoke each word, from speaker embeddings of short speech windows.

Method: whisper's word timings mark the speech. Words closer than SEGMENT_GAP_S form a speech
segment; each segment is cut into WINDOW_S windows (hop WINDOW_HOP_S) so that a speaker change inside
one whisper segment is still seen. Each window gets a d-vector from resemblyzer's VoiceEncoder (a GE2E
LSTM that ships its weights with the PyPI package), computed from one mel spectrogram of the whole call.
The d-vectors are centred on the call's mean (what all voices of this recording share, channel and
codec, is removed; it sharpens the contrast between similar voices) and clustered by cosine distance
with average-linkage agglomerative clustering. The number of speakers is the metadata's participant
count when it lists two or more people; otherwise clusters are merged until the closest two are
SPEAKER_DISTANCE_THRESHOLD apart. Each word takes the speaker whose windows cover most of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np

from callcoach.domain import Word
from callcoach.errors import ModelUnavailable

log = logging.getLogger("callcoach.transcribe")

# resemblyzer's input (its hparams): 16 kHz audio, 40 mel bands, 25 ms windows every 10 ms.
EMBEDDING_RATE = 16000
MEL_BANDS = 40
MEL_N_FFT = 400
MEL_HOP = 160
FRAMES_PER_S = EMBEDDING_RATE // MEL_HOP
# STFT frames per block: ~10 minutes of audio, ~10 MB of spectrum at a time.
MEL_BLOCK_FRAMES = 60_000
# Words further apart than this belong to different speech segments (a turn hand-over is rarely
# faster than a quarter second, while word gaps inside a phrase are shorter).
SEGMENT_GAP_S = 0.25
# Window length and hop for embeddings inside long segments: 1.5 s is about the shortest span
# for which d-vectors stay stable (resemblyzer uses 1.6 s partials); half-overlap localises a change
# to ~0.75 s.
WINDOW_S = 1.5
WINDOW_HOP_S = 0.75
# Windows shorter than this give noisy embeddings ("yes", "mm-hm"): they do not shape the clusters
# and take the label of the nearest cluster centre instead.
MIN_CLUSTER_WINDOW_S = 0.6
# Torch threads for the speaker-embedding LSTM. Its batches are small and latency-bound, and extra
# OpenMP threads spin against CTranslate2's threads and any other process: on a shared 2-core machine
# one thread embedded 93 windows in 0.94 s where two took 20.9 s. Restored afterwards.
EMBEDDING_TORCH_THREADS = 1
# Upper bound on speakers when the metadata does not say: a sales call rarely has more voices.
MAX_SPEAKERS = 6
# With no count from the metadata, clusters are merged (average linkage, cosine distance between
# centred d-vectors) until the closest two are this far apart. On our 3 fixtures and the 8 synthetic
# shared calls (one voice per person), merges of one speaker's windows stayed below 0.93 and merges of
# two speakers above 0.98 in all but one call (0.915, two male voices): a cut at 0.95 sits in the gap.
# Tuned on synthetic speech: real voices may need a different cut (see docs/transcribe.md).
SPEAKER_DISTANCE_THRESHOLD = 0.95
# One voice or several: the raw d-vectors split in two have centres at cosine 0.79-0.83 when one
# voice is split (single channels of our stereo fixtures) and 0.64-0.71 when the split separates
# people (all ten synthetic calls). Two voices more alike than this are taken as one.
SAME_VOICE_COSINE = 0.76


@dataclass(frozen=True, slots=True)
class _Window:
    start: float
    end: float


@lru_cache(maxsize=1)
def _voice_encoder() -> Any:
    try:
        from resemblyzer import VoiceEncoder

        return VoiceEncoder(device="cpu", verbose=False)
    except Exception as exc:  # noqa: BLE001 - import/weights errors all mean "no speaker model"
        raise ModelUnavailable(f"resemblyzer speaker-embedding model cannot be loaded: {exc}") from exc


def _hz_to_mel(hz: np.ndarray) -> np.ndarray:
    """Slaney mel scale (librosa's default, which resemblyzer's encoder was trained with)."""
    linear = hz / (200.0 / 3)
    log_part = 15.0 + np.log(np.maximum(hz, 1e-10) / 1000.0) / (np.log(6.4) / 27.0)
    return np.where(hz >= 1000.0, log_part, linear)


def _mel_to_hz(mel: np.ndarray) -> np.ndarray:
    linear = mel * (200.0 / 3)
    log_part = 1000.0 * np.exp((np.log(6.4) / 27.0) * (mel - 15.0))
    return np.where(mel >= 15.0, log_part, linear)


@lru_cache(maxsize=1)
def _mel_filterbank() -> np.ndarray:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) (slaney-normalised triangles), in numpy."""
    fft_hz = np.fft.rfftfreq(MEL_N_FFT, 1.0 / EMBEDDING_RATE)
    mel_hz = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(EMBEDDING_RATE / 2)), MEL_BANDS + 2)
    )
    widths = np.diff(mel_hz)
    ramps = mel_hz[:, np.newaxis] - fft_hz[np.newaxis, :]
    rising, falling = -ramps[:-2] / widths[:-1, np.newaxis], ramps[2:] / widths[1:, np.newaxis]
    bank = np.maximum(0.0, np.minimum(rising, falling))
    return (bank * (2.0 / (mel_hz[2:] - mel_hz[:-2]))[:, np.newaxis]).astype(np.float32)


def _mel_spectrogram(wav: np.ndarray) -> np.ndarray:
    """(frames, 40) power mel spectrogram, as resemblyzer's `wav_to_mel_spectrogram` computes it.

    Same numbers as librosa's centred STFT with a periodic Hann window, without librosa's first-call
    JIT compilation (about 6 s per process, more than the whole diarization of a call).
    """
    padded = np.pad(wav.astype(np.float32), MEL_N_FFT // 2)
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(MEL_N_FFT) / MEL_N_FFT)).astype(np.float32)
    frames = np.lib.stride_tricks.sliding_window_view(padded, MEL_N_FFT)[::MEL_HOP]
    bank = _mel_filterbank()
    out = np.empty((len(frames), MEL_BANDS), dtype=np.float32)
    for a in range(0, len(frames), MEL_BLOCK_FRAMES):  # bounded memory on long calls
        spectrum = np.fft.rfft(frames[a : a + MEL_BLOCK_FRAMES] * window, axis=1)
        out[a : a + MEL_BLOCK_FRAMES] = (np.abs(spectrum) ** 2) @ bank.T
    return out


def _segments(words: list[Word]) -> list[tuple[float, float]]:
    spans: list[tuple[float, float]] = []
    for w in words:
        if spans and w.start - spans[-1][1] <= SEGMENT_GAP_S:
            spans[-1] = (spans[-1][0], max(spans[-1][1], w.end))
        else:
            spans.append((w.start, w.end))
    return spans


def _windows(spans: list[tuple[float, float]]) -> list[_Window]:
    windows: list[_Window] = []
    for start, end in spans:
        if end - start <= WINDOW_S:
            windows.append(_Window(start, end))
            continue
        t = start
        while t + WINDOW_S < end:
            windows.append(_Window(t, t + WINDOW_S))
            t += WINDOW_HOP_S
        windows.append(_Window(max(start, end - WINDOW_S), end))
    return windows


def _embed(samples: np.ndarray, rate: int, windows: list[_Window]) -> np.ndarray:
    import torch
    from resemblyzer.audio import normalize_volume

    encoder = _voice_encoder()
    # One gain for the whole call (the encoder was trained on -30 dBFS speech); trimming silences the
    # way resemblyzer's preprocess does would shift every timestamp, so it is skipped.
    mel = _mel_spectrogram(normalize_volume(samples.astype(np.float32), -30, increase_only=True))
    frames = [
        (int(w.start * FRAMES_PER_S), max(int(w.end * FRAMES_PER_S), int(w.start * FRAMES_PER_S) + 1))
        for w in windows
    ]
    out = np.zeros((len(windows), 256), dtype=np.float32)
    # Windows of equal length go through the LSTM as one batch (full windows are most of a call).
    by_length: dict[int, list[int]] = {}
    for i, (a, b) in enumerate(frames):
        by_length.setdefault(min(b, len(mel)) - min(a, len(mel) - 1), []).append(i)
    threads = torch.get_num_threads()
    torch.set_num_threads(EMBEDDING_TORCH_THREADS)
    try:
        with torch.inference_mode():
            for length, idx in by_length.items():
                batch = np.stack([mel[frames[i][0] : frames[i][0] + max(length, 1)] for i in idx])
                out[idx] = encoder(torch.from_numpy(batch).to(encoder.device)).cpu().numpy()
    finally:
        torch.set_num_threads(threads)
    return out


def _fit(embeddings: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(embeddings)


def _count_speakers(raw: np.ndarray, centred: np.ndarray) -> int:
    """How many voices, from the d-vectors alone (no metadata)."""
    from sklearn.cluster import AgglomerativeClustering

    # One voice or more: split the raw d-vectors in two and compare the halves' centres. (Centred
    # vectors cannot answer this: centring makes any split of one voice look far apart.)
    halves = _fit(raw, 2)
    centres = np.stack([raw[halves == c].mean(axis=0) for c in (0, 1)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    if float(centres[0] @ centres[1]) >= SAME_VOICE_COSINE:
        return 1
    tree = AgglomerativeClustering(
        n_clusters=None, distance_threshold=SPEAKER_DISTANCE_THRESHOLD, metric="cosine", linkage="average"
    ).fit(centred)
    return max(2, min(int(tree.n_clusters_), MAX_SPEAKERS))


def diarize_words(
    samples: np.ndarray, rate: int, words: list[Word], n_speakers: int | None = None
) -> list[int]:
    """A speaker index per word (0, 1, ... in order of first appearance) for one mono channel.

    `n_speakers`: how many people speak, when known (metadata); None chooses it from the audio.
    """
    if not words:
        return []
    windows = _windows(_segments(words))
    raw = _embed(samples, rate, windows)
    centred = raw - raw.mean(axis=0)
    embeddings = centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    long_enough = np.array([w.end - w.start >= MIN_CLUSTER_WINDOW_S for w in windows])
    if long_enough.sum() < 3:
        long_enough[:] = True
    if long_enough.sum() < 3:
        return [0] * len(words)
    k = n_speakers or _count_speakers(raw[long_enough], embeddings[long_enough])
    log.debug("diarization: %d speakers (%s)", k, "metadata" if n_speakers else "from the audio")
    labels = np.full(len(windows), -1)
    labels[long_enough] = _fit(embeddings[long_enough], min(k, int(long_enough.sum()))) if k > 1 else 0
    centres = np.stack([embeddings[labels == c].mean(axis=0) for c in np.unique(labels[long_enough])])
    labels[~long_enough] = (
        np.argmax(embeddings[~long_enough] @ centres.T, axis=1)
        if (~long_enough).any()
        else labels[~long_enough]
    )

    speakers: list[int] = []
    n_labels = int(labels.max()) + 1
    w_starts = np.array([w.start for w in windows])
    w_ends = np.array([w.end for w in windows])
    for word in words:
        overlap = np.minimum(w_ends, word.end) - np.maximum(w_starts, word.start)
        votes = np.bincount(labels, weights=np.clip(overlap, 0.0, None), minlength=n_labels)
        if votes.max() <= 0:  # a word outside every window (zero-length timing): nearest window
            votes[labels[int(np.argmin(np.abs(w_starts - word.start)))]] = 1.0
        speakers.append(int(np.argmax(votes)))
    # Number speakers in order of first appearance, so "Speaker 1" is whoever talks first.
    order = {s: i for i, s in enumerate(dict.fromkeys(speakers))}
    return [order[s] for s in speakers]
