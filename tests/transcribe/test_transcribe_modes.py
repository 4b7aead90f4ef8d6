"""Batched (several VAD chunks per decode) and sequential transcription give the same turns, text and
timings on the committed stereo fixture."""

from __future__ import annotations

from typing import Any

import pytest

import ingest
from bench.quality import word_error_rate
from callcoach.domain import Transcript
from callcoach.settings import Settings
from tests.transcribe.conftest import AUDIO, meta_of, reference
from transcribe import transcribe_call
from transcribe._utterances import join_words

pytestmark = [pytest.mark.slow, pytest.mark.audio]

MAX_WER = 0.15
TIMING_TOLERANCE_S = 0.6

MODES = {
    # 10 s chunks and batches of 2: each channel's ~17 s of speech becomes two chunks decoded
    # together, so chunk edges and batching are both exercised on a short fixture. (5 s chunks cut
    # sentences into context-free pieces: WER 0.19, and a 1.2 s piece came back as a made-up sentence.)
    "batched-small-chunks": {
        "transcribe_mode": "batched", "whisper_chunk_length_s": 10, "whisper_batch_size": 2,
    },
    "sequential": {"transcribe_mode": "sequential"},
}


def assert_reference_turns(transcript: Transcript, ref: dict[str, Any]) -> None:
    """The fixture's turns: text within MAX_WER, each turn's speaker, side and timing, words in order."""
    wer = word_error_rate(
        " ".join(u["text"] for u in ref["utterances"]), " ".join(u.text for u in transcript.utterances)
    )
    assert wer <= MAX_WER
    assert len(transcript.utterances) == len(ref["utterances"])
    for r, u in zip(ref["utterances"], transcript.utterances, strict=True):
        assert (u.speaker, u.side) == (r["speaker"], r["side"])
        assert abs(u.start - r["start"]) <= TIMING_TOLERANCE_S
        assert abs(u.end - r["end"]) <= TIMING_TOLERANCE_S
        assert all(a.start <= b.start for a, b in zip(u.words, u.words[1:], strict=False))
        assert u.text == join_words(u.words)


@pytest.mark.parametrize("mode", sorted(MODES))
def test_mode_gives_the_reference_turns_text_and_timings(
    mode: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), **MODES[mode])
    ref = reference("stereo_two_speakers")
    audio = ingest.read_input(AUDIO / "stereo_two_speakers.wav", settings=settings)
    fractions: list[float] = []
    transcript = transcribe_call(audio, meta_of(ref), settings=settings, progress=fractions.append)

    assert_reference_turns(transcript, ref)
    # Progress moves forward through the call and ends at 1.
    assert len(fractions) > 2 and all(0.0 <= f <= 1.0 for f in fractions) and fractions[-1] == 1.0
    assert fractions[len(fractions) // 2] < 1.0


def test_batched_words_diarize_a_mono_call_turn_by_turn(tmp_path_factory: pytest.TempPathFactory) -> None:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), transcribe_mode="batched")
    ref = reference("mono_two_speakers")
    audio = ingest.read_input(AUDIO / "mono_two_speakers.wav", settings=settings)
    transcript = transcribe_call(audio, meta_of(ref), settings=settings)
    assert len(transcript.utterances) == len(ref["utterances"])
    for r, u in zip(ref["utterances"], transcript.utterances, strict=True):
        assert (u.speaker, u.side) == (r["speaker"], r["side"])
        assert abs(u.start - r["start"]) <= TIMING_TOLERANCE_S
        assert abs(u.end - r["end"]) <= TIMING_TOLERANCE_S


def test_chunks_whose_decode_stops_early_are_read_to_the_end_in_packed_windows(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whisper stopping after a chunk's first sentence loses the rest of the chunk unless the tail is
    read again; the tails are read in one packed window, and their words land at their own times."""
    from faster_whisper import BatchedInferencePipeline, WhisperModel

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), **MODES["batched-small-chunks"])
    stop_early = BatchedInferencePipeline.generate_segment_batched
    encode = WhisperModel.encode
    reads: list[tuple[int, int]] = []  # (re-read depth, chunks) of each decode
    windows: list[int] = []

    def stopping(self: object, features: object, tokenizer: object, options: object) -> object:
        encoder_output, outputs = stop_early(self, features, tokenizer, options)  # type: ignore[arg-type]
        reads.append((self.depth, len(outputs)))  # type: ignore[attr-defined]
        if not self.depth:  # type: ignore[attr-defined]  # a first read: keep its first segment only
            for output in outputs:
                stamps = [k for k, t in enumerate(output["tokens"]) if t >= tokenizer.timestamp_begin]  # type: ignore[attr-defined]
                if len(stamps) > 2:
                    output["tokens"] = output["tokens"][: stamps[1] + 1]
        return encoder_output, outputs

    def counting(self: object, features: object) -> object:
        windows.append(features.shape[0])  # type: ignore[attr-defined]
        return encode(self, features)  # type: ignore[arg-type]

    monkeypatch.setattr(BatchedInferencePipeline, "generate_segment_batched", stopping)
    monkeypatch.setattr(WhisperModel, "encode", counting)
    ref = reference("stereo_two_speakers")
    audio = ingest.read_input(AUDIO / "stereo_two_speakers.wav", settings=settings)
    transcript = transcribe_call(audio, meta_of(ref), settings=settings)

    # The first channel's batch of two 10 s chunks, both cut short: their tails are read again in one
    # window. (Every read is one encoder pass: the windows are the batch sizes encoded.)
    assert reads[:2] == [(0, 2), (1, 1)] and windows[:2] == [2, 1]
    assert len(reads) == len(windows)
    # Whatever was cut came back, at its own time and on its own channel.
    assert_reference_turns(transcript, ref)


def test_a_chunk_whose_decode_loops_is_decoded_again_with_the_text_before_it(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batched decoding has no temperature fallback of its own: a chunk that came back as a loop
    ("no, no, no, ...") in place of its words is decoded again as sequential decoding would."""
    from faster_whisper import BatchedInferencePipeline

    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), **MODES["batched-small-chunks"])
    decode = BatchedInferencePipeline.generate_segment_batched
    looped: list[int] = []

    def looping(self: object, features: object, tokenizer: object, options: object) -> object:
        encoder_output, outputs = decode(self, features, tokenizer, options)  # type: ignore[arg-type]
        if not looped and len(outputs) > 1:  # the second chunk of the first batch loops
            begin = tokenizer.timestamp_begin  # type: ignore[attr-defined]
            outputs[1]["tokens"] = [begin, *tokenizer.encode(" No," * 60)]  # type: ignore[attr-defined]
            looped.append(1)
        return encoder_output, outputs

    monkeypatch.setattr(BatchedInferencePipeline, "generate_segment_batched", looping)
    ref = reference("stereo_two_speakers")
    audio = ingest.read_input(AUDIO / "stereo_two_speakers.wav", settings=settings)
    transcript = transcribe_call(audio, meta_of(ref), settings=settings)

    assert looped == [1]
    text = " ".join(u.text for u in transcript.utterances)
    assert "No, No" not in text and "No, no" not in text
    assert word_error_rate(" ".join(u["text"] for u in ref["utterances"]), text) <= MAX_WER
    assert len(transcript.utterances) == len(ref["utterances"])
