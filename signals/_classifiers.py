"""Learned sentence classifiers over the shared MiniLM embeddings, loaded from small shipped artifacts.

Each task (``stance``, ``objection``, ``commitment``, ``question``, ``pain``) is a multinomial logistic
regression trained by ``make train`` (``signals._train``) on the project's own corpus
(``signals/_corpus``, see its DATASHEET.md). The artifact is plain arrays in
``signals/_models/<task>.npz`` (class names, coefficients, intercepts) plus ``<task>.json`` (the
corpus digest, the cross-validated scores and the thresholds fit on the corpus); no pickled
objects, so loading runs no code. Prediction is ``softmax(E @ W.T + b)`` on unit-normalised
sentence embeddings, one matrix product per batch.

Decision thresholds (the drift at which sentiment turns, the probability at which an objection
fires) are operating points, not weights: the corpus fits a first guess, and
``signals/_models/calibration.json``, when present, replaces it with the point calibrated on
labeled calls by ``bench/eval_lodo.py --write-calibration`` (which also reports what that
calibration is worth on deals it never saw: every deal scored with thresholds fit on the others).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

__all__ = ["TASKS", "OBJECTION_CATEGORIES", "LinearClassifier", "calibration", "load", "cross_validate_all"]

TASKS = ("stance", "objection", "commitment", "question", "pain")
# CONTRACT section 3's objection categories, in the order results are listed.
OBJECTION_CATEGORIES: tuple[str, ...] = ("price", "timing", "competitor", "authority", "need", "security",
                                         "integration")
_PACKAGE = "signals._models"
CALIBRATION_FILE = "calibration.json"


@dataclass(frozen=True)
class LinearClassifier:
    """A softmax-linear classifier over sentence embeddings, with the facts of its training."""

    task: str
    classes: tuple[str, ...]
    coef: np.ndarray  # (classes, dim)
    intercept: np.ndarray  # (classes,)
    meta: dict[str, Any]

    def probabilities(self, embeddings: np.ndarray) -> np.ndarray:
        """Class probabilities, shape (n, classes), for unit-normalised embeddings of shape (n, dim)."""
        if len(embeddings) == 0:
            return np.zeros((0, len(self.classes)), dtype=np.float32)
        logits = embeddings.astype(np.float32) @ self.coef.T + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        return (p / p.sum(axis=1, keepdims=True)).astype(np.float32)

    def column(self, label: str) -> int:
        return self.classes.index(label)

    def threshold(self, name: str, default: float) -> float:
        """A decision threshold fit on the corpus at training time (``meta["thresholds"]``)."""
        return float(self.meta.get("thresholds", {}).get(name, default))

    @property
    def description(self) -> str:
        cv = self.meta.get("cv", {})
        return (f"logistic regression on MiniLM embeddings, trained on {self.meta.get('rows', '?')} corpus "
                f"sentences (corpus {self.meta.get('corpus_digest', '?')[:8]}, grouped 5-fold CV macro-F1 "
                f"{cv.get('macro_f1', float('nan')):.2f})")


@lru_cache(maxsize=len(TASKS))
def load(task: str) -> LinearClassifier:
    """The shipped classifier for `task`, loaded once per process."""
    if task not in TASKS:
        raise ValueError(f"unknown classifier task {task!r}; one of {', '.join(TASKS)}")
    files = resources.files(_PACKAGE)
    with files.joinpath(f"{task}.npz").open("rb") as fh:
        arrays = np.load(fh, allow_pickle=False)
        classes = tuple(str(c) for c in arrays["classes"])
        coef = arrays["coef"].astype(np.float32)
        intercept = arrays["intercept"].astype(np.float32)
    meta = json.loads(files.joinpath(f"{task}.json").read_text(encoding="utf-8"))
    calibrated = calibration().get(task, {})
    if calibrated:
        meta["corpus_thresholds"] = dict(meta.get("thresholds", {}))
        meta["thresholds"] = {**meta.get("thresholds", {}),
                              **{k: float(v["threshold"]) for k, v in calibrated.items()}}
    return LinearClassifier(task, classes, coef, intercept, meta)


@lru_cache(maxsize=1)
def calibration() -> dict[str, dict[str, dict[str, Any]]]:
    """task -> threshold name -> {"threshold", and how it was calibrated}; {} when none ships."""
    path = resources.files(_PACKAGE).joinpath(CALIBRATION_FILE)
    if not path.is_file():
        return {}
    return dict(json.loads(path.read_text(encoding="utf-8")).get("thresholds", {}))


def cross_validate_all() -> dict[str, dict[str, float]]:
    """The cross-validated corpus scores recorded by the last ``make train``, per task."""
    return {task: dict(load(task).meta.get("cv", {})) for task in TASKS}
