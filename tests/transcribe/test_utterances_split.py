"""Utterances split at speaker changes and long pauses; bleed dedupe keeps the louder copy (no models)."""

from __future__ import annotations

import numpy as np

from callcoach.domain import Word
from ingest.audio import is_dual_mono
from transcribe import LONG_PAUSE_S
from transcribe._stereo import dedupe_bleed
from transcribe._utterances import build_utterances


def _w(text: str, start: float, end: float) -> Word:
    return Word(text=text, start=start, end=end)


def test_utterances_split_at_speaker_change_and_long_pause() -> None:
    labelled = [
        (_w("Hello", 0.0, 0.4), "a"),
        (_w("there.", 0.5, 0.9), "a"),
        (_w("Hi.", 1.2, 1.5), "b"),
        (_w("So,", 1.8, 2.0), "a"),
        (_w("anyway.", 2.0 + LONG_PAUSE_S + 0.1, 2.5 + LONG_PAUSE_S + 0.1), "a"),
    ]
    utterances = build_utterances(labelled, {"a": "Rep", "b": "Buyer"}, {"a": "rep", "b": "buyer"})
    assert [(u.speaker, u.text) for u in utterances] == [
        ("Rep", "Hello there."),
        ("Buyer", "Hi."),
        ("Rep", "So,"),
        ("Rep", "anyway."),
    ]
    assert utterances[0].start == 0.0 and utterances[0].end == 0.9
    assert [len(u.words) for u in utterances] == [2, 1, 1, 1]
    assert utterances[1].side == "buyer"


def test_short_pause_keeps_one_utterance() -> None:
    labelled = [(_w("one", 0.0, 0.3), 0), (_w("two", 0.3 + LONG_PAUSE_S - 0.2, 2.0), 0)]
    (u,) = build_utterances(labelled, {0: "Speaker 1"}, {})
    assert u.text == "one two" and u.side == "unknown"


def test_bleed_keeps_the_copy_on_the_louder_channel() -> None:
    rate = 16000
    samples = np.zeros((2, rate * 3), np.float32)
    samples[0, :rate] = 0.5  # the rep speaks 0-1 s on the left ...
    samples[1, :rate] = 0.05  # ... and leaks faintly into the right
    samples[1, 2 * rate :] = 0.5  # the buyer says "pricing" at 2-3 s, and the rep echoes nothing
    left = [_w("Pricing?", 0.1, 0.6)]
    right = [_w("pricing", 0.15, 0.62), _w("Pricing.", 2.1, 2.6)]
    kept_left, kept_right = dedupe_bleed(left, right, samples, rate)
    assert kept_left == left
    assert [w.start for w in kept_right] == [2.1]  # the leak is gone, the buyer's own word stays


def test_bleed_on_the_left_is_dropped_when_the_right_is_louder() -> None:
    rate = 16000
    samples = np.zeros((2, rate), np.float32)
    samples[0] = 0.02
    samples[1] = 0.4
    kept_left, kept_right = dedupe_bleed([_w("yes", 0.2, 0.5)], [_w("Yes.", 0.22, 0.5)], samples, rate)
    assert kept_left == [] and [w.text for w in kept_right] == ["Yes."]


def test_dual_mono_is_detected() -> None:
    noise = np.random.default_rng(0).normal(0, 0.1, 16000).astype(np.float32)
    assert is_dual_mono(np.stack([noise, noise]))
    assert not is_dual_mono(np.stack([noise, noise * 0.2]))
