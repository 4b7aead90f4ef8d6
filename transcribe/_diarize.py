"""One channel's speakers: who spoke each word, from speaker embeddings of short speech windows.

Method: whisper's word timings mark the speech; words closer than SEGMENT_GAP_S form a segment, cut
again wherever the audio pauses (PAUSE_S) and trimmed to the audible speech, then into WINDOW_S
windows. Each window gets a d-vector from resemblyzer's VoiceEncoder (a GE2E LSTM that ships its
weights with the PyPI package), computed from one mel spectrogram of the whole call. One voice or
several is read from the raw d-vectors; the count of several from the eigengap of the centred
d-vectors' pruned cosine affinity, bounded by the participants the metadata lists; the windows are
then split by spectral clustering. Each word takes the speaker centre nearest to the d-vectors of
the windows under it (a turn change inside one whisper segment is kept at the word), and runs shorter
than MIN_TURN_S inside another speaker's talk are smoothed away.
Choices and their measurements: docs/transcribe.md.
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
# STFT frames per block: 41 s of audio, 6.5 MB of windowed frames at a time (blocks that fit in the
# cache: 60,000-frame blocks took longer).
MEL_BLOCK_FRAMES = 4096
# Loudness the encoder was trained at (resemblyzer's audio_norm_target_dBFS); quieter calls are raised.
TARGET_DBFS = -30.0
# Words further apart than this belong to different speech segments (a turn hand-over is rarely
# faster than a quarter second, while word gaps inside a phrase are shorter).
SEGMENT_GAP_S = 0.25
# Window length and hop for embeddings inside long segments: 1.5 s is about the shortest span
# for which d-vectors stay stable (resemblyzer uses 1.6 s partials). Windows do not overlap: a
# 0.75 s hop gave about the same bench figures (one 4-voice espeak render counted 4 instead of 3,
# five-person Piper who-spoke 0.91 vs 0.92) at twice the encoder time: most turn changes are now cut
# at audio pauses before windowing.
WINDOW_S = 1.5
WINDOW_HOP_S = 1.5
# Windows shorter than this give noisy embeddings ("yes", "mm-hm"): they do not shape the clusters
# and take the label of the nearest cluster centre instead.
MIN_CLUSTER_WINDOW_S = 0.6
# Torch threads for the speaker-embedding LSTM, and BLAS threads for the clustering's matrix work
# (eigenvalues, LU, products). The LSTM's batches are small and latency-bound, and extra OpenMP
# threads spin against CTranslate2's threads and any other process: on a shared 2-core machine one
# thread embedded 93 windows in 0.94 s where two took 20.9 s. Restored afterwards.
EMBEDDING_TORCH_THREADS = 1
# Upper bound on speakers when the metadata does not say: a sales call rarely has more voices.
MAX_SPEAKERS = 6
# One voice or several: the raw d-vectors split in two have centres at cosine 0.79-0.83 when one
# voice is split (single channels of our stereo fixtures; 0.78-0.89 on the single-voice channels of
# the diarization bench renders) and 0.56-0.71 when the split separates people (all ten synthetic
# calls; the 2-5 voice bench renders, five voices included). On another machine (an AMD EPYC, whose
# int8 whisper word timings move the windows) the single-voice fixtures gave 0.75, so the cut sits
# in the middle of the gap, not at its top. Halves more alike than this are one voice.
SAME_VOICE_COSINE = 0.735


# Pauses in the audio: at least PAUSE_S (shorter than any hand-over gap between two people, longer
# than the stop closures inside words) of frames below PAUSE_LEVEL of the way from the noise floor
# (FLOOR_PERCENTILE of the call's frame energies) to the speech level (SPEECH_PERCENTILE).
PAUSE_S = 0.15
PAUSE_LEVEL = 0.3
FLOOR_PERCENTILE = 5
SPEECH_PERCENTILE = 95
# Affinity pruning for the eigengap count: each window keeps its closest 15% of windows, and at
# least MIN_NEIGHBOURS on short calls. Read off the held-apart calibration renders
# (bench/diarize_calls/calibration, espeak and Piper, 3 and 4 voices): 15% with 5 found all four
# counts, 10% with 3 two, 20% three, 30% two.
PRUNE_SHARE = 0.15
MIN_NEIGHBOURS = 5
# A speaker the count may add needs this many windows (6 s of speech) on average: on a short
# channel (two buyers with two turns each) the eigengap of ten windows split one voice in two.
MIN_WINDOWS_PER_SPEAKER = 4
# Windows that shape the clusters at most: the affinity matrix and its eigenvectors grow with the
# square (and cube) of the windows, so a long call clusters an even sample of this many (about 25
# minutes of speech) and the other windows take the nearest speaker centre.
MAX_CLUSTER_WINDOWS = 2000
# A run of words shorter than this between two stretches of one other speaker, with no pause on
# either side, is that speaker: a real turn (even "right") takes longer and is set off by a pause.
MIN_TURN_S = 0.5


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


def _mel_spectrogram(wav: np.ndarray, gain: float = 1.0) -> np.ndarray:
    """(frames, 40) power mel spectrogram of `gain * wav`, as resemblyzer's `wav_to_mel_spectrogram`
    computes it.

    Same numbers as librosa's centred STFT with a periodic Hann window, without librosa's first-call
    JIT compilation (about 6 s per process, more than the whole diarization of a call). The gain is
    applied to the power (times gain squared) rather than to the samples, and the zero padding of the
    centred STFT only to the first and last blocks: on a 60-minute call each full-length copy of the
    samples (230 MB in float32) cost about half a second.
    """
    wav = np.asarray(wav, dtype=np.float32)
    half = MEL_N_FFT // 2
    n_frames = 1 + len(wav) // MEL_HOP
    window = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(MEL_N_FFT) / MEL_N_FFT)).astype(np.float32)
    bank = (_mel_filterbank() * np.float32(gain * gain)).T
    out = np.empty((n_frames, MEL_BANDS), dtype=np.float32)
    for a in range(0, n_frames, MEL_BLOCK_FRAMES):  # bounded memory on long calls
        b = min(a + MEL_BLOCK_FRAMES, n_frames)
        lo, hi = a * MEL_HOP - half, (b - 1) * MEL_HOP + half
        chunk = wav[max(lo, 0) : min(hi, len(wav))]
        if lo < 0 or hi > len(wav):
            chunk = np.pad(chunk, (max(-lo, 0), max(hi - len(wav), 0)))
        frames = np.lib.stride_tricks.sliding_window_view(chunk, MEL_N_FFT)[::MEL_HOP]
        spectrum = np.fft.rfft(frames * window, axis=1)
        out[a:b] = (spectrum.real**2 + spectrum.imag**2) @ bank
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


def _call_mel(samples: np.ndarray) -> np.ndarray:
    # One gain for the whole call, as resemblyzer's normalize_volume(wav, -30, increase_only=True)
    # sets it (the encoder was trained on -30 dBFS speech); trimming silences the way resemblyzer's
    # preprocess does would shift every timestamp, so it is skipped.
    wav = np.asarray(samples, dtype=np.float32)
    power = sum(float(np.dot(c, c)) for c in np.array_split(wav, max(1, len(wav) // 1_000_000)))
    rms_dbfs = 10 * np.log10(power / max(len(wav), 1)) if power > 0 else None
    gain = 10 ** ((TARGET_DBFS - rms_dbfs) / 20) if rms_dbfs is not None and rms_dbfs < TARGET_DBFS else 1.0
    return _mel_spectrogram(wav, gain)


def _split_at_pauses(spans: list[tuple[float, float]], mel: np.ndarray) -> list[tuple[float, float]]:
    """Cut speech segments where the audio itself pauses for PAUSE_S or more, and trim the silence at
    their edges.

    Whisper's word timings drift by a few tenths of a second, so a hand-over between two people can
    look seamless in the words while the audio has a clear gap; a window across that gap mixes two
    voices, and mixed windows form clusters of their own. Likewise a turn's last word often ends well
    into the silence after it (and the first word can start early): a window ending in that silence
    is mostly what the encoder makes of silence, since its d-vector is the LSTM's state after the
    window's last frame (resemblyzer trims silences before embedding for the same reason). A pause is
    a run of frames whose energy is below PAUSE_LEVEL of the way from the call's noise floor to its
    speech level (percentiles, so the cut follows each recording's own loudness); inside a segment it
    must last PAUSE_S (shorter ones are stop closures), at its edges any quiet frames go.
    """
    energy = 10 * np.log10(mel.sum(axis=1) + 1e-10)
    floor, level = np.percentile(energy, [FLOOR_PERCENTILE, SPEECH_PERCENTILE])
    quiet = energy < floor + PAUSE_LEVEL * (level - floor)
    min_frames = int(PAUSE_S * FRAMES_PER_S)
    out: list[tuple[float, float]] = []
    for start, end in spans:
        a, b = int(start * FRAMES_PER_S), min(int(end * FRAMES_PER_S), len(quiet))
        loud = np.flatnonzero(~quiet[a:b])
        if not loud.size:  # words over no audible speech: nothing better to go by than their timings
            if end > start:
                out.append((start, end))
            continue
        first, last = a + int(loud[0]), a + int(loud[-1]) + 1
        t = max(start, first / FRAMES_PER_S) if first > a else start
        stop = min(end, last / FRAMES_PER_S) if last < b else end
        run_start = None
        for f in range(first, last):
            if quiet[f] and run_start is None:
                run_start = f
            elif not quiet[f] and run_start is not None:
                if f - run_start >= min_frames:
                    out.append((t, run_start / FRAMES_PER_S))
                    t = f / FRAMES_PER_S
                run_start = None
        if stop > t:
            out.append((t, stop))
    return out


def _embed(
    samples: np.ndarray, rate: int, windows: list[_Window], mel: np.ndarray | None = None
) -> np.ndarray:
    import torch

    encoder = _voice_encoder()
    if mel is None:
        mel = _call_mel(samples)
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


@dataclass(frozen=True, slots=True)
class Diarization:
    """Who spoke each word of one channel.

    `labels`: a speaker index per word, 0, 1, ... in order of first appearance. `voices`: per speaker,
    the unit-length mean of its raw (uncentred) d-vectors, comparable with an enrolled voiceprint.
    `count_source`: where the number of speakers came from, for the log and the attribution evidence.
    """

    labels: list[int]
    voices: np.ndarray
    count_source: str


def _fit(embeddings: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(n_clusters=k, metric="cosine", linkage="average").fit_predict(embeddings)


def _one_voice(raw: np.ndarray) -> bool:
    """Whether the raw d-vectors are one voice: split them in two and compare the halves' centres.

    Centred vectors cannot answer this: centring makes any split of one voice look far apart.
    """
    halves = _fit(raw, 2)
    centres = np.stack([raw[halves == c].mean(axis=0) for c in (0, 1)])
    centres /= np.linalg.norm(centres, axis=1, keepdims=True)
    return float(centres[0] @ centres[1]) >= SAME_VOICE_COSINE


def _pruned_affinity(embeddings: np.ndarray) -> np.ndarray:
    """Cosine affinity of the windows, each row keeping only its PRUNE_SHARE closest neighbours
    (symmetrised): the normalised-maximum-eigengap recipe (Park et al., 2019), which keeps the
    within-speaker links and drops the weak cross-speaker ones that blur the eigengap."""
    affinity = np.clip(embeddings @ embeddings.T, 0.0, None)
    keep = max(MIN_NEIGHBOURS, int(PRUNE_SHARE * len(affinity)))
    nearest = np.argsort(-affinity, axis=1)[:, :keep]
    pruned = np.zeros_like(affinity)
    rows = np.arange(len(affinity))[:, np.newaxis]
    pruned[rows, nearest] = affinity[rows, nearest]
    return np.maximum(pruned, pruned.T)


def _eigengap_count(affinity: np.ndarray, most: int) -> int:
    """The number of clusters at the largest gap between consecutive eigenvalues of the normalised
    Laplacian (k connected groups give k near-zero eigenvalues), between 2 and `most`."""
    degree = np.maximum(affinity.sum(axis=1), 1e-9)
    scale = 1.0 / np.sqrt(degree)
    laplacian = np.eye(len(affinity)) - scale[:, np.newaxis] * affinity * scale[np.newaxis, :]
    values = np.linalg.eigvalsh(laplacian)[: most + 1]
    gaps = np.diff(values)
    return int(np.argmax(gaps[1:most]) + 2) if most > 2 else 2


def _spectral(embeddings: np.ndarray, k: int) -> np.ndarray:
    """k speakers by spectral clustering of the pruned affinity. On the bench renders it beat
    average-linkage agglomerative clustering (with k-means refinement) on the 4- and 5-voice calls
    (five-person Piper call: who-spoke 0.91 against 0.78) and tied on 2 and 3 voices."""
    import warnings

    from sklearn.cluster import SpectralClustering

    with warnings.catch_warnings():
        # A pruned affinity of well-separated voices is often not one connected graph; that is the
        # structure being looked for, not a fault, and scikit-learn's warning about it is noise.
        warnings.filterwarnings("ignore", message="Graph is not fully connected")
        return SpectralClustering(n_clusters=k, affinity="precomputed", assign_labels="cluster_qr",
                                  random_state=0).fit_predict(_pruned_affinity(embeddings))


def count_speakers(raw: np.ndarray, centred: np.ndarray, most: int = MAX_SPEAKERS) -> int:
    """How many voices the d-vectors hold, at most `most` (the metadata's participants, or MAX_SPEAKERS).

    `raw` and `centred` are the same windows' d-vectors before and after centring (unit length).
    One voice or several from the raw vectors; then the eigengap of the centred vectors' pruned
    affinity. (A distance cut on the linkage tree was tried first: on our renders the merge that
    joins two people and the one that joins halves of one person overlapped, 0.73-0.87 vs 0.65-0.87,
    while the eigengap found the count in 10 of 12 renders; see docs/transcribe.md.)
    """
    if most <= 1 or len(raw) < 3 or _one_voice(raw):
        return 1
    most = min(most, max(2, len(raw) // MIN_WINDOWS_PER_SPEAKER))
    return _eigengap_count(_pruned_affinity(centred), most)


def _smooth(words: list[Word], speakers: list[int]) -> list[int]:
    """Hand a run of words shorter than MIN_TURN_S back to its neighbours when the same speaker talks
    right before and after it inside one speech segment (no pause): a voice change that brief with
    no gap is an embedding wobble, not a turn. Interjections ("mm-hm") come after a pause and stay."""
    out = list(speakers)
    runs: list[tuple[int, int]] = []  # [first, last] word index of each same-speaker run
    for i, s in enumerate(out):
        if runs and out[runs[-1][0]] == s and words[i].start - words[i - 1].end <= SEGMENT_GAP_S:
            runs[-1] = (runs[-1][0], i)
        else:
            runs.append((i, i))
    for r in range(1, len(runs) - 1):
        (a, b), (pa, pb), (na, _) = runs[r], runs[r - 1], runs[r + 1]
        joined = (words[a].start - words[pb].end <= SEGMENT_GAP_S
                  and words[na].start - words[b].end <= SEGMENT_GAP_S)
        if joined and out[pa] == out[na] and words[b].end - words[a].start < MIN_TURN_S:
            out[a : b + 1] = [out[pa]] * (b - a + 1)
    return out


def _word_speakers(
    words: list[Word],
    windows: list[_Window],
    embeddings: np.ndarray,
    labels: np.ndarray,
    centres: np.ndarray,
    present: np.ndarray,
) -> list[int]:
    """Each word's speaker: the speaker centre nearest to the d-vector of the audio under the word (the
    windows' centred d-vectors weighted by how much of the word each covers).

    A vote of the windows' cluster labels would throw away how sure each label is: the window aligned
    to a segment's end shares most of its audio with the one before, and where the two straddle the
    boundary between two similar voices they can land on either side of it by a hair (cosine 0.30
    against 0.32), handing the turn's last words to the wrong speaker; weighed by their d-vectors, the
    clear window outvotes the near tie. `centres`: the mean centred d-vector of each speaker in
    `present` (the clustered windows'); `labels`: each window's speaker.
    """
    centres = centres / np.maximum(np.linalg.norm(centres, axis=1, keepdims=True), 1e-9)
    # centre . (sum of overlap * d-vector) = sum of overlap * (centre . d-vector): one product per
    # window, not one 256-d sum per word (a 60-minute call has ~10,000 words and ~2,400 windows).
    similarity = embeddings @ centres.T
    w_starts = np.array([w.start for w in windows])
    w_ends = np.array([w.end for w in windows])
    speakers: list[int] = []
    for word in words:
        overlap = np.clip(np.minimum(w_ends, word.end) - np.maximum(w_starts, word.start), 0.0, None)
        if overlap.max() <= 0:  # a word outside every window (zero-length timing): nearest window
            speakers.append(int(labels[int(np.argmin(np.abs(w_starts - word.start)))]))
        else:
            speakers.append(int(present[np.argmax(overlap @ similarity)]))
    return speakers


def diarize(
    samples: np.ndarray,
    rate: int,
    words: list[Word],
    *,
    n_speakers: int | None = None,
    most: int | None = None,
) -> Diarization:
    """Speakers of one mono channel, from the words' timings and the audio.

    `n_speakers`: exactly this many, when known. `most`: at most this many (the participants the
    metadata lists: people who never speak must not split a real voice in two); the count inside
    that bound comes from the audio.
    """
    if not words:
        return Diarization([], np.zeros((0, 256), dtype=np.float32), "no speech")
    # threadpoolctl comes with scikit-learn, which the clustering needs anyway.
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=EMBEDDING_TORCH_THREADS, user_api="blas"):
        return _diarize(samples, rate, words, n_speakers=n_speakers, most=most)


def _diarize(
    samples: np.ndarray, rate: int, words: list[Word], *, n_speakers: int | None, most: int | None
) -> Diarization:
    mel = _call_mel(samples)
    windows = _windows(_split_at_pauses(_segments(words), mel))
    raw = _embed(samples, rate, windows, mel)
    raw /= np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)
    centred = raw - raw.mean(axis=0)
    embeddings = centred / np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-9)
    long_enough = np.array([w.end - w.start >= MIN_CLUSTER_WINDOW_S for w in windows])
    if long_enough.sum() < 3:
        long_enough[:] = True
    if long_enough.sum() > MAX_CLUSTER_WINDOWS:
        chosen = np.flatnonzero(long_enough)
        long_enough[:] = False
        long_enough[chosen[np.linspace(0, len(chosen) - 1, MAX_CLUSTER_WINDOWS).astype(int)]] = True
    if long_enough.sum() < 3:
        return Diarization([0] * len(words), raw.mean(axis=0, keepdims=True), "too little speech")
    if n_speakers:
        k, source = n_speakers, "metadata"
    else:
        bound = min(most or MAX_SPEAKERS, MAX_SPEAKERS)
        k = count_speakers(raw[long_enough], embeddings[long_enough], bound)
        source = f"audio, at most {bound} (metadata)" if most else "audio"
    k = min(k, int(long_enough.sum()))
    log.debug("diarization: %d speakers (%s)", k, source)
    labels = np.full(len(windows), -1)
    if k > 1:
        labels[long_enough] = _spectral(embeddings[long_enough], k)
    else:
        labels[long_enough] = 0
    present = np.unique(labels[long_enough])
    centres = np.stack([embeddings[labels == c].mean(axis=0) for c in present])
    if (~long_enough).any():
        labels[~long_enough] = present[np.argmax(embeddings[~long_enough] @ centres.T, axis=1)]

    speakers = _word_speakers(words, windows, embeddings, labels, centres, present)
    speakers = _smooth(words, speakers)
    # Number speakers in order of first appearance, so "Speaker 1" is whoever talks first.
    order = {s: i for i, s in enumerate(dict.fromkeys(speakers))}
    voices = np.stack([raw[labels == s].mean(axis=0) for s in order])
    voices /= np.maximum(np.linalg.norm(voices, axis=1, keepdims=True), 1e-9)
    return Diarization([order[s] for s in speakers], voices, source)


def diarize_words(
    samples: np.ndarray, rate: int, words: list[Word], n_speakers: int | None = None
) -> list[int]:
    """A speaker index per word (0, 1, ... in order of first appearance) for one mono channel."""
    return diarize(samples, rate, words, n_speakers=n_speakers).labels
