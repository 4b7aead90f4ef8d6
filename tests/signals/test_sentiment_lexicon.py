"""The stance lexicon: pain is information, hedges and deferrals cool, commitments warm (VADER only, fast)."""

from __future__ import annotations

import pytest

from signals._sentiment.lexicon import matched_patterns, stance_scores, vader_scores

PAIN = [
    "We lose about twenty thousand dollars a month on failed deliveries.",
    "The team is frustrated, the process is manual and full of errors.",
    "We had a bad quarter, churn is a real problem and support is struggling.",
]
HEDGES = [
    "I guess that could work.",
    "I'll need to think about it.",
    "Honestly it's okay, I'm not sure it's the right fit for us.",
    "It doesn't seem that different from what we use, and our budget is really tight.",
    "Sure, I'll let you know if we need anything.",
]
WARM = [
    "Let's book the pilot for Thursday.",
    "That works for me, I'll bring our finance lead.",
    "This would make our lives so much easier.",
]


@pytest.mark.parametrize("text", PAIN)
def test_sentiment_lexicon_pain_description_is_neutral(text: str) -> None:
    assert vader_scores([text])[0] < -0.3, "plain VADER reads pain as negative (the trap)"
    assert abs(stance_scores([text])[0]) < 0.1


@pytest.mark.parametrize("text", HEDGES)
def test_sentiment_lexicon_hedges_and_deferrals_are_negative(text: str) -> None:
    assert stance_scores([text])[0] <= -0.3
    assert matched_patterns(text), "a hedge must be explained by the pattern that fired"


def test_sentiment_lexicon_plain_vader_misses_hedges() -> None:
    # The baseline's blind spot that the stance patterns exist for.
    assert all(v > -0.05 for v in vader_scores(HEDGES[:3]))


@pytest.mark.parametrize("text", WARM)
def test_sentiment_lexicon_commitment_is_positive(text: str) -> None:
    assert stance_scores([text])[0] >= 0.3


def test_sentiment_lexicon_scores_stay_in_range() -> None:
    text = "I guess maybe, I'm not sure, we'll see, not right now, I'll think about it, too expensive."
    assert stance_scores([text])[0] == -1.0
    assert len(stance_scores([])) == 0

