"""Whisper word tokens -> words -> utterance text: glued tokens ("p.m.", "step-by-step") join without a
space; batched/sequential options and batch size from the settings (no models)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from pydantic import ValidationError

from callcoach.domain import Word
from callcoach.settings import Settings
from transcribe._utterances import build_utterances, join_words
from transcribe._whisper import (
    BATCHED_VAD_MIN_SILENCE_MS,
    CPU_BATCH_SIZE,
    GPU_BYTES_PER_CHUNK,
    MAX_AUTO_BATCH,
    batch_size,
    batched_options,
    close_last_segment,
    pack_frames,
    unpack_segments,
    whisper_options,
    words_of,
)


@dataclass
class _Token:
    word: str
    start: float
    end: float
    probability: float = 0.9


@dataclass
class _Segment:
    words: list[_Token]
    end: float


def _segment(*tokens: str, start: float = 0.0) -> _Segment:
    words = [_Token(t, start + 0.3 * i, start + 0.3 * i + 0.25) for i, t in enumerate(tokens)]
    return _Segment(words, words[-1].end)


def test_tokens_without_a_leading_space_are_glued_to_the_word_before() -> None:
    seen: list[float] = []
    words = words_of(
        [
            _segment(" We", " meet", " March", " 17", " at", " 2", " p", ".m."),
            _segment(" Step", "-by", "-step.", " Okay?", start=5.0),
        ],
        seen.append,
    )
    assert [w.text for w in words][:8] == ["We", "meet", "March", "17", "at", "2", "p", ".m."]
    labelled = [(w, "rep") for w in words]
    (first, second) = build_utterances(labelled, {"rep": "Rep"}, {"rep": "rep"})
    assert first.text == "We meet March 17 at 2 p.m."
    assert second.text == "Step-by-step. Okay?"
    assert seen == [pytest.approx(2.35), pytest.approx(6.15)]


def test_a_segment_never_starts_glued_to_the_segment_before() -> None:
    # Each segment (a batched chunk) is its own decode: a first token without a space is still a word.
    words = words_of([_segment(" one", " two"), _segment("three", " four", start=1.0)])
    assert [w.space_before for w in words] == [True, True, True, True]
    assert join_words(words) == "one two three four"


def test_blank_tokens_are_dropped_and_the_next_word_starts_the_segment() -> None:
    words = words_of([_segment(" ", "-ok", " fine")])
    assert [(w.text, w.space_before) for w in words] == [("-ok", True), ("fine", True)]


def test_join_words_defaults_to_spaces_for_words_without_the_flag() -> None:
    # Words read back from storage or built by importers carry no token information.
    assert join_words([Word("a", 0, 1), Word("b", 1, 2)]) == "a b"
    assert join_words([Word("p", 0, 1), Word(".m.", 1, 2, space_before=False)]) == "p.m."
    assert join_words([]) == ""


def test_batched_is_the_default_and_sequential_keeps_the_baseline_options(tmp_path: object) -> None:
    settings = Settings()
    assert settings.transcribe_mode == "batched"
    batched = batched_options(settings)
    assert batched["vad_parameters"] == {"min_silence_duration_ms": BATCHED_VAD_MIN_SILENCE_MS}
    assert batched["chunk_length"] == 30 and batched["word_timestamps"] and batched["vad_filter"]
    # Sequential with default VAD settings passes exactly what it passed before batching existed.
    assert whisper_options(Settings(transcribe_mode="sequential")) == {
        "beam_size": 5, "language": "en", "vad_filter": True, "word_timestamps": True,
    }
    tuned = Settings(vad_threshold=0.6, vad_min_silence_ms=500, whisper_chunk_length_s=20)
    assert whisper_options(tuned)["vad_parameters"] == {"threshold": 0.6, "min_silence_duration_ms": 500}
    assert batched_options(tuned)["vad_parameters"] == {"threshold": 0.6, "min_silence_duration_ms": 500}
    assert batched_options(tuned)["chunk_length"] == 20


@pytest.mark.parametrize(
    "field, value",
    [
        ("transcribe_mode", "parallel"),
        ("whisper_batch_size", -1),
        ("whisper_chunk_length_s", 31),
        ("whisper_chunk_length_s", 2),
        ("vad_threshold", 1.0),
        ("vad_min_silence_ms", -5),
    ],
)
def test_invalid_transcription_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})


def test_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALLCOACH_TRANSCRIBE_MODE", "sequential")
    monkeypatch.setenv("CALLCOACH_WHISPER_BATCH_SIZE", "4")
    monkeypatch.setenv("CALLCOACH_VAD_MIN_SILENCE_MS", "")
    settings = Settings()
    assert (settings.transcribe_mode, settings.whisper_batch_size, settings.vad_min_silence_ms) == (
        "sequential", 4, None,
    )


def test_batch_size_from_setting_cpu_or_free_gpu_memory() -> None:
    assert batch_size(Settings(whisper_batch_size=3, device="cuda")) == 3
    assert batch_size(Settings()) == CPU_BATCH_SIZE
    gpu = Settings(device="cuda", compute_type="float16")
    assert batch_size(gpu, free_gpu_bytes=5 * GPU_BYTES_PER_CHUNK) == 4  # 80% of 5 chunks' worth
    assert batch_size(gpu, free_gpu_bytes=GPU_BYTES_PER_CHUNK // 10) == 1  # never below one
    assert batch_size(gpu, free_gpu_bytes=1000 * GPU_BYTES_PER_CHUNK) == MAX_AUTO_BATCH


def test_unfinished_last_segment_is_closed_at_the_chunk_end() -> None:
    begin = 50000  # the first timestamp token; text tokens are below it
    text_tail = [begin + 0, 11, 12, begin + 100, begin + 100, 13, 14]
    # 20 ms per timestamp step: a 4.0 s chunk ends at step 200.
    assert close_last_segment(text_tail, begin, 4.0) == [*text_tail, begin + 200]
    # Already closed, timestamp-free or empty decodes are left as they are.
    assert close_last_segment([begin, 11, begin + 50], begin, 4.0) == [begin, 11, begin + 50]
    assert close_last_segment([11, 12], begin, 4.0) == [11, 12]
    assert close_last_segment([], begin, 4.0) == []
    # Never a closing stamp before the last one seen.
    assert close_last_segment([begin + 300, 11], begin, 4.0) == [begin + 300, 11, begin + 301]


def test_tails_are_packed_into_as_few_windows_as_hold_them_a_gap_apart() -> None:
    pieces = [np.full((2, n), float(v), dtype=np.float32) for n, v in ((3, 1), (2, 2), (4, 3), (5, 4))]
    windows = pack_frames(pieces, window=8, gap=1)
    # 3 + 1 + 2 = 6 frames fit in 8; the 4-frame piece would need 6 + 1 + 4; then 4 + 1 + 5 > 8.
    assert [[k for k, _ in starts] for _, starts, _ in windows] == [[0, 1], [2], [3]]
    first, starts, used = windows[0]
    assert starts == [(0, 0), (1, 4)] and used == 6
    # The pieces are copied in; the gap and the rest hold the lowest value of the window's pieces.
    assert first[0].tolist() == [1, 1, 1, 1, 2, 2, 1, 1]
    assert all(w.shape == (2, 8) for w, _, _ in windows)


def test_words_of_a_packed_window_go_back_to_their_tail_and_its_time() -> None:
    def word(text: str, start: float, end: float) -> dict[str, object]:
        return {"word": text, "start": start, "end": end, "probability": 0.9}

    # Piece 0 sits at 0-2 s of the window and starts at 100 s in the call; piece 3 at 2.4-4 s, 250 s.
    places = [(0, 0.0, 2.0, 100.0), (3, 2.4, 4.0, 250.0)]
    # One decoded segment that runs across the gap: split in two, each shifted to its tail's time.
    segment = {"text": " Yes please. Next week", "start": 0.5, "end": 3.5, "avg_logprob": -0.2,
               "words": [word(" Yes", 0.5, 0.8), word(" please.", 0.8, 1.5), word(" Next", 2.5, 2.9),
                         word(" week", 2.9, 3.5)]}
    # A word in the gap goes to the nearest piece; a segment without words by its middle.
    gap_word = {"text": " so", "start": 2.1, "end": 2.2, "words": [word(" so", 2.1, 2.2)]}
    bare = {"text": " ok", "start": 3.6, "end": 3.8, "words": []}
    out = unpack_segments([segment, gap_word, bare], places)
    assert sorted(out) == [0, 3]
    tail0, tail3 = out[0], out[3]
    assert [s["text"] for s in tail0] == [" Yes please.", " so"]
    assert [s["text"] for s in tail3] == [" Next week", " ok"]
    assert [(w["start"], w["end"]) for w in tail0[0]["words"]] == [(100.5, 100.8), (100.8, 101.5)]
    assert (tail0[0]["start"], tail0[0]["end"], tail0[0]["avg_logprob"]) == (100.5, 101.5, -0.2)
    assert tail0[1]["words"][0]["start"] == 102.0  # clamped to the end of its piece
    assert [(w["start"], w["end"]) for w in tail3[0]["words"]] == [(250.1, 250.5), (250.5, 251.1)]
    assert tail3[1]["start"] == pytest.approx(251.2)


def test_a_decode_that_loops_or_is_unsure_fails_the_sequential_checks() -> None:
    from types import SimpleNamespace

    from transcribe._whisper import needs_fallback

    options = SimpleNamespace(compression_ratio_threshold=2.4, log_prob_threshold=-1.0,
                              no_speech_threshold=0.6)
    sure = {"avg_logprob": -0.3, "no_speech_prob": 0.01}
    answer = " We run two depots in Ohio and one on the west coast, and the last one goes live before peak."
    assert not needs_fallback(sure, answer, options)
    assert needs_fallback(sure, " far." + " No," * 40, options)  # a loop compresses far too well
    assert needs_fallback({"avg_logprob": -1.4, "no_speech_prob": 0.1}, answer, options)  # unsure
    # Unsure over what is most likely silence: nothing to gain from decoding it again.
    assert not needs_fallback({"avg_logprob": -1.4, "no_speech_prob": 0.9}, " you", options)
    off = SimpleNamespace(compression_ratio_threshold=None, log_prob_threshold=None, no_speech_threshold=None)
    assert not needs_fallback({"avg_logprob": -5.0, "no_speech_prob": 0.0}, " No," * 40, off)
