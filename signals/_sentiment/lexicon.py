"""Lexicon scorers: plain VADER, and VADER adjusted to read a buyer's stance (``lexicon_rules.yaml``)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import yaml

_RULES_FILE = "lexicon_rules.yaml"


@lru_cache(maxsize=1)
def _rules() -> dict[str, Any]:
    text = resources.files("signals._sentiment").joinpath(_RULES_FILE).read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@lru_cache(maxsize=1)
def _plain_analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def _stance_analyzer() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    analyzer = SentimentIntensityAnalyzer()
    rules = _rules()
    # A new analyzer has its own lexicon dict, so neutralising words here leaves plain VADER intact.
    for word in [*rules["pain_vocabulary"], *rules["discourse_vocabulary"], *rules["business_vocabulary"]]:
        analyzer.lexicon.pop(str(word).lower(), None)
    return analyzer


@lru_cache(maxsize=1)
def _patterns() -> tuple[tuple[re.Pattern[str], float], ...]:
    rules = _rules()
    compiled = []
    for key in ("cool_patterns", "warm_patterns"):
        for pattern, weight in rules[key].items():
            compiled.append((re.compile(pattern, re.IGNORECASE), float(weight)))
    return tuple(compiled)


def vader_scores(texts: Sequence[str]) -> np.ndarray:
    """Plain VADER compound score per text (-1..1): the baseline."""
    analyzer = _plain_analyzer()
    return np.array([analyzer.polarity_scores(t)["compound"] for t in texts], dtype=np.float32)


def stance_scores(texts: Sequence[str]) -> np.ndarray:
    """VADER without pain/discourse vocabulary, plus hedge/deferral and engagement patterns (-1..1)."""
    valence, patterns = stance_parts(texts)
    return np.clip(valence + patterns, -1.0, 1.0)


def stance_parts(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The two parts of `stance_scores` per text: adjusted VADER valence, and summed pattern weights.

    Kept apart so that a combination can discount word valence on descriptive sentences while
    trusting the patterns, which match only stance phrasing.
    """
    analyzer = _stance_analyzer()
    patterns = _patterns()
    valence = np.array([analyzer.polarity_scores(t)["compound"] for t in texts], dtype=np.float32)
    matched = np.array([sum(w for p, w in patterns if p.search(t)) for t in texts], dtype=np.float32)
    return valence, matched


def matched_patterns(text: str) -> list[str]:
    """The stance patterns that fire on `text` (for explaining a score)."""
    return [p.pattern for p, _w in _patterns() if p.search(text)]
