"""Speaker-labelled words -> utterances: a new utterance at each speaker change or long pause."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import TypeVar

from callcoach.domain import Side, Utterance, Word

# A pause this long inside one speaker's talk starts a new utterance: conversation-analysis work puts
# in-turn pauses mostly under a second, and a 1.5 s silence usually marks a new thought or a dropped
# turn; shorter splits would cut sentences at breaths.
LONG_PAUSE_S = 1.5

SpeakerKey = TypeVar("SpeakerKey", bound=Hashable)


def join_words(words: Sequence[Word]) -> str:
    """The words as text: a space before each word except those the recogniser glued to the one before
    ("2 p.m.", "step-by-step"), never before the first."""
    return "".join((" " if i and w.space_before else "") + w.text for i, w in enumerate(words))


def build_utterances(
    labelled: Sequence[tuple[Word, SpeakerKey]],
    names: Mapping[SpeakerKey, str],
    sides: Mapping[SpeakerKey, Side],
) -> list[Utterance]:
    """Group time-ordered `(word, speaker key)` pairs into utterances named and sided by the maps."""
    ordered = sorted(labelled, key=lambda pair: (pair[0].start, pair[0].end))
    utterances: list[Utterance] = []
    run: list[Word] = []
    run_key: SpeakerKey | None = None

    def close() -> None:
        if run:
            assert run_key is not None
            utterances.append(
                Utterance(
                    speaker=names[run_key],
                    side=sides.get(run_key, "unknown"),
                    start=round(run[0].start, 3),
                    end=round(run[-1].end, 3),
                    text=join_words(run),
                    words=tuple(run),
                )
            )

    for word, key in ordered:
        if run and (key != run_key or word.start - run[-1].end > LONG_PAUSE_S):
            close()
            run = []
        run_key = key
        run.append(word)
    close()
    return utterances
