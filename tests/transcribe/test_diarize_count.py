"""Speaker count, pause cuts and smoothing of the diarizer, on synthetic vectors and spectra (no model)."""

from __future__ import annotations

import numpy as np
import pytest

from callcoach.domain import Word
from transcribe._diarize import (
    FRAMES_PER_S,
    MEL_BANDS,
    _smooth,
    _spectral,
    _split_at_pauses,
    _Window,
    _word_speakers,
    count_speakers,
)


def _voices(
    n: int, per_voice: int = 30, spread: float = 0.55, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """d-vector-like windows: unit vectors scattered around `n` voice centres that share a common part
    (as all voices of one recording do: voice centres at cosine ~0.5, windows of one voice at ~0.85,
    close to what resemblyzer gives on our renders)."""
    rng = np.random.default_rng(seed)
    common = rng.normal(size=256)
    centres = [common + rng.normal(size=256) for _ in range(n)]
    raw = np.stack([c + spread * np.linalg.norm(c) / 16 * rng.normal(size=256) for c in centres
                    for _ in range(per_voice)])
    raw /= np.linalg.norm(raw, axis=1, keepdims=True)
    centred = raw - raw.mean(axis=0)
    return raw, centred / np.linalg.norm(centred, axis=1, keepdims=True)


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_count_speakers_finds_two_to_six_voices(n: int) -> None:
    raw, centred = _voices(n)
    assert count_speakers(raw, centred) == n


def test_one_voice_is_one_speaker() -> None:
    raw, centred = _voices(1, per_voice=60)
    assert count_speakers(raw, centred) == 1


def test_count_is_bounded_by_the_listed_participants() -> None:
    raw, centred = _voices(5)
    assert count_speakers(raw, centred, most=3) <= 3


def test_spectral_clustering_recovers_the_voices() -> None:
    _raw, centred = _voices(4, per_voice=20)
    labels = _spectral(centred, 4)
    truth = np.repeat(np.arange(4), 20)
    # Each true voice lands in one cluster and the clusters are distinct.
    assert sorted({int(np.bincount(labels[truth == v]).argmax()) for v in range(4)}) == [0, 1, 2, 3]
    assert all(np.bincount(labels[truth == v]).max() >= 19 for v in range(4))


def test_segments_are_cut_where_the_audio_pauses() -> None:
    frames = 4 * FRAMES_PER_S
    mel = np.full((frames, MEL_BANDS), 1.0, dtype=np.float32)
    mel[int(1.9 * FRAMES_PER_S) : int(2.2 * FRAMES_PER_S)] = 1e-6  # 0.3 s of silence at 1.9 s
    mel[int(3.0 * FRAMES_PER_S) : int(3.05 * FRAMES_PER_S)] = 1e-6  # 50 ms: a stop, not a pause
    cut = _split_at_pauses([(0.0, 4.0)], mel)
    assert cut == [(0.0, pytest.approx(1.9, abs=0.02)), (pytest.approx(2.2, abs=0.02), 4.0)]


def test_segments_lose_the_silence_their_words_reach_into() -> None:
    """A turn's last word often ends well into the silence after it: the windows must stop where the
    voice does, or the last one embeds mostly silence (the LSTM's state after its last frame)."""
    frames = 5 * FRAMES_PER_S
    mel = np.full((frames, MEL_BANDS), 1e-6, dtype=np.float32)
    mel[int(0.4 * FRAMES_PER_S) : int(1.5 * FRAMES_PER_S)] = 1.0  # speech 0.4-1.5 s
    mel[int(1.8 * FRAMES_PER_S) : int(3.6 * FRAMES_PER_S)] = 1.0  # speech 1.8-3.6 s
    mel[int(3.2 * FRAMES_PER_S) : int(3.25 * FRAMES_PER_S)] = 1e-6  # a stop inside, not a pause
    # The words say 0.3-4.4 s: they start early and end 0.8 s into the silence.
    cut = _split_at_pauses([(0.3, 4.4)], mel)
    assert cut == [(pytest.approx(0.4, abs=0.02), pytest.approx(1.5, abs=0.02)),
                   (pytest.approx(1.8, abs=0.02), pytest.approx(3.6, abs=0.02))]
    # Words over no audible speech at all keep their own timings (nothing better to go by).
    assert _split_at_pauses([(4.5, 4.9)], mel) == [(4.5, 4.9)]


def test_a_near_tie_window_does_not_outvote_a_clear_one() -> None:
    """The window aligned to a segment's end repeats most of the one before; when it falls just on the
    other side of the line between two voices, the words it shares with a clear window stay with the
    clear one. A clear window of the other voice still takes its own words (a real turn change)."""
    voice_a, voice_b = np.eye(256, dtype=np.float32)[:2]
    near_tie = (voice_a + 1.1 * voice_b) / np.linalg.norm(voice_a + 1.1 * voice_b)
    windows = [_Window(0.0, 1.5), _Window(0.15, 1.65), _Window(2.0, 3.5)]
    embeddings = np.stack([voice_a, near_tie, voice_b])
    labels = np.array([0, 1, 1])  # the near tie clustered with voice b
    words = [Word("review", 0.6, 1.2), Word("first.", 1.2, 1.65), Word("Understood,", 2.0, 2.5),
             Word("so", 1.8, 1.8)]  # zero-length, between windows: the nearest window's speaker
    centres = np.stack([voice_a, (near_tie + voice_b) / 2])
    assert _word_speakers(words, windows, embeddings, labels, centres, np.array([0, 1])) == [0, 0, 1, 1]


def test_smoothing_returns_a_brief_wobble_to_its_neighbours_but_keeps_interjections() -> None:
    def w(t: float, d: float = 0.3) -> Word:
        return Word("x", t, t + d)

    # Speaker 0 talks on without a pause; one 0.3 s word in the middle came out as speaker 1.
    words = [w(0.0), w(0.35), w(0.7), w(1.05), w(1.4)]
    assert _smooth(words, [0, 0, 1, 0, 0]) == [0, 0, 0, 0, 0]
    # The same word set off by pauses ("mm-hm" between two stretches of the other speaker) stays.
    words = [w(0.0), w(0.35), w(1.2), w(2.0), w(2.35)]
    assert _smooth(words, [0, 0, 1, 0, 0]) == [0, 0, 1, 0, 0]
