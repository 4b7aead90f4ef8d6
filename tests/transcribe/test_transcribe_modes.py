"""Batched (several VAD chunks per decode) and sequential transcription give the same turns, text and
timings on the committed stereo fixture."""

from __future__ import annotations

import pytest

import ingest
from bench.quality import word_error_rate
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


@pytest.mark.parametrize("mode", sorted(MODES))
def test_mode_gives_the_reference_turns_text_and_timings(
    mode: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), **MODES[mode])
    ref = reference("stereo_two_speakers")
    audio = ingest.read_input(AUDIO / "stereo_two_speakers.wav", settings=settings)
    fractions: list[float] = []
    transcript = transcribe_call(audio, meta_of(ref), settings=settings, progress=fractions.append)

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
