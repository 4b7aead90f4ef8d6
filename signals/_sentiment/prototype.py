"""Prototype scorer: how close a buyer sentence is, in MiniLM space, to warm / cool / neutral phrasings.

The example phrasings (``stance_examples.yaml``) are embedded once per process. A sentence's
affinity to a class is the mean cosine similarity to that class's `TOP_K` nearest examples
(nearest-neighbour, so one good paraphrase counts, but not a single lucky match); a softmax over
the three affinities gives class probabilities, and stance = P(warm) - P(cool). The neutral
class, mostly buyers describing their own problems and costs, absorbs pain descriptions so they
score near 0 instead of reading as souring.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

_EXAMPLES_FILE = "stance_examples.yaml"
CLASSES = ("warm", "neutral", "cool")
# Three nearest examples: enough to smooth over one accidental match, few enough that a class's
# many unrelated examples do not drown the close ones.
TOP_K = 3
# MiniLM cosine similarities between related short sentences differ by ~0.05-0.2 between classes;
# a temperature of 0.05 turns a 0.1 lead into ~7:1 odds, a 0.02 lead into ~1.5:1 (uncertain).
TEMPERATURE = 0.05


@lru_cache(maxsize=1)
def stance_examples() -> dict[str, tuple[str, ...]]:
    """The example phrasings per stance class, from the packaged YAML file."""
    text = resources.files("signals._sentiment").joinpath(_EXAMPLES_FILE).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {c: tuple(str(s) for s in data[c]) for c in CLASSES}


@lru_cache(maxsize=1)
def _example_embeddings() -> tuple[np.ndarray, ...]:
    from callcoach.nlp import embed

    examples = stance_examples()
    return tuple(embed(list(examples[c])) for c in CLASSES)


def class_probabilities(embeddings: np.ndarray) -> np.ndarray:
    """P(warm), P(neutral), P(cool) per row of unit-normalised sentence embeddings, shape (n, 3)."""
    if len(embeddings) == 0:
        return np.zeros((0, len(CLASSES)), dtype=np.float32)
    affinities = []
    for proto in _example_embeddings():
        sims = embeddings @ proto.T
        k = min(TOP_K, sims.shape[1])
        affinities.append(np.sort(sims, axis=1)[:, -k:].mean(axis=1))
    logits = np.stack(affinities, axis=1) / TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)


def stance_scores(embeddings: np.ndarray) -> np.ndarray:
    """P(warm) - P(cool) per sentence embedding (-1..1)."""
    p = class_probabilities(embeddings)
    return (p[:, CLASSES.index("warm")] - p[:, CLASSES.index("cool")]).astype(np.float32)
