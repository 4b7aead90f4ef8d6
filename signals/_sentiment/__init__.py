"""Stance scorers for the sentiment signal: each maps buyer sentences to -1 (cooling) .. +1 (warming).

What is scored is the buyer's stance toward the seller, the conversation and the deal, not the
mood of what they describe: "we lose a lot of money on this" is information (0), "I'm not sure
this is for us" is cooling (< 0). Candidates (compared by ``bench/sentiment_candidates.py``):

- ``vader``: plain VADER compound, the baseline.
- ``lexicon``: VADER with pain, discourse and business vocabulary neutralised plus hedge/deferral and
  engagement patterns (``lexicon_rules.yaml``).
- ``prototype``: sentence-embedding similarity to example phrasings of warm, cool and neutral
  stance (``stance_examples.yaml``).
- ``combined`` (the offline default): the mean of ``prototype`` and ``lexicon``, where the VADER
  word valence inside ``lexicon`` is scaled by the prototype scorer's probability that the
  sentence states a stance at all (1 - P(neutral)), so its reading of descriptive words
  ("safety", "help desk", "easiest") fades; the hedge/engagement patterns count in full.
- ``classifier``: a transformers sequence classifier named in ``settings.sentiment_model``,
  its polarity gated by the prototype scorer's probability that the sentence states stance at all.
- ``learned`` (the default): the shipped logistic-regression stance classifier
  (:mod:`signals._classifiers`, trained by ``make train`` on the project's corpus); score
  P(warm) - P(cool), confidence 1 - P(neutral), which the drift uses as each clause's weight.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

__all__ = ["StanceScorer", "get_scorer", "METHODS", "DEFAULT_METHOD"]

DEFAULT_METHOD = "learned"
METHODS = ("vader", "lexicon", "prototype", "combined", "classifier", "learned")


@dataclass(frozen=True)
class StanceScorer:
    """A named way of scoring sentences; `score(texts, embeddings)` returns one float per text.

    `confidence(texts, embeddings)`, where a scorer has one, gives each text's probability of stating
    a stance at all (0..1); the drift weighs clauses by it. Without it the weight is |score|.
    """

    method: str
    description: str
    needs_embeddings: bool
    score: Callable[[Sequence[str], np.ndarray | None], np.ndarray]
    confidence: Callable[[Sequence[str], np.ndarray | None], np.ndarray] | None = None


def get_scorer(method: str = DEFAULT_METHOD, *, model: str = "") -> StanceScorer:
    """The scorer for `method` (one of METHODS); `model` names the classifier for ``classifier``."""
    from signals._sentiment import lexicon, prototype

    if method == "vader":
        return StanceScorer("vader", "VADER compound per sentence", False,
                            lambda texts, _emb: lexicon.vader_scores(texts))
    if method == "lexicon":
        return StanceScorer("lexicon", "VADER with pain/discourse words neutralised + hedge and "
                            "engagement patterns", False, lambda texts, _emb: lexicon.stance_scores(texts))
    if method == "prototype":
        return StanceScorer("prototype", "MiniLM similarity to warm/cool/neutral stance phrasings", True,
                            lambda _texts, emb: prototype.stance_scores(_require(emb)))
    if method == "combined":
        return StanceScorer("combined", "mean of MiniLM stance prototypes and lexicon (VADER + stance "
                            "rules) gated by stance relevance", True, _combined)
    if method == "learned":
        from signals._classifiers import load

        return StanceScorer("learned", load("stance").description, True, _learned_score, _learned_confidence)
    if method == "classifier":
        if not model:
            raise ValueError("the classifier method needs a model name or path (settings.sentiment_model)")
        from signals._sentiment import classifier

        return StanceScorer("classifier", f"transformers classifier {model!r}, gated by MiniLM stance "
                            "relevance", True,
                            lambda texts, emb: classifier.stance_scores(texts, _require(emb), model))
    raise ValueError(f"unknown sentiment method {method!r}; choose one of {', '.join(METHODS)}")


def _combined(texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
    from signals._sentiment import lexicon, prototype

    # Equal weights: the two read different evidence (wording rules vs. meaning), and with eight
    # labelled calls there is no basis for fitting a weight.
    p = prototype.class_probabilities(_require(embeddings))
    warm, neutral, cool = (p[:, prototype.CLASSES.index(c)] for c in ("warm", "neutral", "cool"))
    valence, patterns = lexicon.stance_parts(texts)
    lexical = (1.0 - neutral) * valence + patterns
    return (0.5 * (warm - cool) + 0.5 * lexical.clip(-1.0, 1.0)).astype("float32")


def _learned_probabilities(embeddings: np.ndarray | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    from signals._classifiers import load

    model = load("stance")
    p = model.probabilities(_require(embeddings))
    return tuple(p[:, model.column(c)] for c in ("warm", "neutral", "cool"))  # type: ignore[return-value]


def _learned_score(_texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
    warm, _neutral, cool = _learned_probabilities(embeddings)
    return (warm - cool).astype("float32")


def _learned_confidence(_texts: Sequence[str], embeddings: np.ndarray | None) -> np.ndarray:
    _warm, neutral, _cool = _learned_probabilities(embeddings)
    return (1.0 - neutral).astype("float32")


def _require(embeddings: np.ndarray | None) -> np.ndarray:
    if embeddings is None:
        raise ValueError("this sentiment method needs sentence embeddings")
    return embeddings
