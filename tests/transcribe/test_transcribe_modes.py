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

pytestmark = pytest.mark.slow

MAX_WER = 0.15
TIMING_TOLERANCE_S = 0.6

MODES = {
    # 5 s chunks and batches of 4: each channel's ~17 s of speech becomes several chunks decoded
    # together, so chunk edges and batching are both exercised on a short fixture.
    "batched-small-chunks": {
        "transcribe_mode": "batched", "whisper_chunk_length_s": 5, "whisper_batch_size": 4,
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
