"""An optional transformers sequence classifier (``settings.sentiment_model``: a hub name or a path).

For users with internet (and perhaps a GPU): any ``text-classification`` model whose labels say
negative / neutral / positive (or ``N stars``, or ``LABEL_i``) works. Its expected polarity
(sum of label probability x label value) is multiplied by the prototype scorer's probability
that the sentence states a stance at all (1 - P(neutral)), because a general sentiment model
reads a buyer describing their problems as negative, which is not souring on the deal.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from callcoach.errors import ModelUnavailable
from signals._sentiment import prototype

log = logging.getLogger("callcoach.signals")

_BATCH_SIZE = 32
_STARS = re.compile(r"^\s*(\d)\s*stars?\s*$")
_INDEXED = re.compile(r"^label_(\d+)$")


@lru_cache(maxsize=2)
def load_classifier(model: str) -> Any:
    """The text-classification pipeline for `model`, loaded once per process (GPU if one is visible)."""
    try:
        import torch
        from transformers import pipeline

        from callcoach.nlp import bound_threads
        from callcoach.settings import get_settings

        bound_threads(get_settings())
        device = 0 if torch.cuda.is_available() else -1
        clf = pipeline("text-classification", model=model, top_k=None, device=device)
    except (OSError, ValueError, ImportError) as exc:
        raise ModelUnavailable(f"sentiment model {model!r} cannot be loaded: {exc}") from exc
    log.info("loaded sentiment classifier %s", model)
    return clf


def label_value(label: str, num_labels: int) -> float:
    """Map a classifier label to -1..1: negative/neutral/positive words, 1-5 stars, or LABEL_i by position."""
    name = label.strip().lower()
    if "neg" in name:
        return -1.0
    if "pos" in name:
        return 1.0
    if "neu" in name:
        return 0.0
    stars = _STARS.match(name)
    if stars:
        return (int(stars.group(1)) - 3) / 2.0
    indexed = _INDEXED.match(name)
    if indexed and num_labels > 1:
        # Sentiment checkpoints without label names order them from most negative to most positive.
        return -1.0 + 2.0 * int(indexed.group(1)) / (num_labels - 1)
    raise ModelUnavailable(f"sentiment model label {label!r} cannot be read as a polarity; "
                           "use a model whose labels are negative/neutral/positive or N stars")


def polarity(texts: Sequence[str], model: str) -> np.ndarray:
    """Expected polarity (-1..1) of each text under the classifier."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    clf = load_classifier(model)
    num_labels = int(getattr(clf.model.config, "num_labels", 0) or 0)
    outputs = clf(list(texts), batch_size=_BATCH_SIZE, truncation=True)
    values = []
    for scores in outputs:
        scores = scores if isinstance(scores, list) else [scores]
        values.append(sum(s["score"] * label_value(s["label"], num_labels) for s in scores))
    return np.clip(np.array(values, dtype=np.float32), -1.0, 1.0)


def stance_scores(texts: Sequence[str], embeddings: np.ndarray, model: str) -> np.ndarray:
    """Classifier polarity x P(the sentence states a stance) from the prototype scorer."""
    relevance = 1.0 - prototype.class_probabilities(embeddings)[:, prototype.CLASSES.index("neutral")]
    return (polarity(texts, model) * relevance).astype(np.float32)
