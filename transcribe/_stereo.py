"""Stereo calls: one speaker side per channel, and words that bleed into both channels kept once.

A headset or a conference bridge leaks some of each voice into the other channel; whisper then hears
the same word twice. The copy on the quieter channel is the leak.
"""

from __future__ import annotations

import bisect
import re

import numpy as np

from callcoach.domain import Word

# Two words are one spoken word heard on both channels when their normalised text matches and they
# overlap by at least half of the shorter one: whisper's word timings on the two channels drift by
# tens of milliseconds, while two people repeating the same word are rarely that simultaneous.
BLEED_MIN_OVERLAP = 0.5

_NON_WORD = re.compile(r"[^\w']+")


def _norm(text: str) -> str:
    return _NON_WORD.sub("", text.lower())


def _rms(samples: np.ndarray, start: float, end: float, rate: int) -> float:
    a, b = int(start * rate), max(int(end * rate), int(start * rate) + 1)
    span = samples[a:b]
    return float(np.sqrt(np.mean(np.square(span, dtype=np.float64)))) if span.size else 0.0


def dedupe_bleed(
    first: list[Word], second: list[Word], samples: np.ndarray, rate: int
) -> tuple[list[Word], list[Word]]:
    """Drop each word heard on both channels from the channel where it is quieter.

    `first`/`second` are the words of channel 0/1 in time order, `samples` the (2, n) audio.
    Loudness is the RMS energy of each channel over the union of the two words' spans.
    """
    starts = [w.start for w in second]
    drop_first: set[int] = set()
    drop_second: set[int] = set()
    for i, word in enumerate(first):
        key = _norm(word.text)
        if not key:
            continue
        # Candidates on the other channel start before this word ends; stop scanning once past it.
        j = max(0, bisect.bisect_left(starts, word.start - 5.0))
        while j < len(second) and second[j].start < word.end:
            other = second[j]
            overlap = min(word.end, other.end) - max(word.start, other.start)
            shorter = max(min(word.end - word.start, other.end - other.start), 1e-3)
            if j not in drop_second and overlap / shorter >= BLEED_MIN_OVERLAP and _norm(other.text) == key:
                lo, hi = min(word.start, other.start), max(word.end, other.end)
                if _rms(samples[0], lo, hi, rate) >= _rms(samples[1], lo, hi, rate):
                    drop_second.add(j)
                else:
                    drop_first.add(i)
                break
            j += 1
    return (
        [w for i, w in enumerate(first) if i not in drop_first],
        [w for j, w in enumerate(second) if j not in drop_second],
    )
