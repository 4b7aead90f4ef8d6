"""Confidence-weighted drift: late minus first third, each remark counted by how much stance it carries.

A long call is mostly facts and pain, which the stance classifier reads as neutral. A plain mean
over a third lets those turns pull both thirds toward 0 and shrinks a real change below any
threshold. Here every scored clause counts with weight ``1 - P(neutral)``, so a third's value is
the mean stance of what the buyer said *about the seller and the deal* in it. A third with little
stance is shrunk toward the call's own weighted mean (prior weight :data:`PRIOR_WEIGHT`), so one
faint remark cannot make a drift on its own and a silent third compares as "no change".
"""

from __future__ import annotations

import numpy as np

__all__ = ["drift_of", "third_means", "PRIOR_WEIGHT"]

# The prior's weight, in clauses of full stance: one clear remark in a third moves that third's
# value halfway from the call mean to the remark.
PRIOR_WEIGHT = 1.0
EARLY_END, LATE_START = 1 / 3, 2 / 3


def third_means(score: np.ndarray, weight: np.ndarray, at: np.ndarray) -> tuple[float, float, float]:
    """(early, late, call) confidence-weighted means; `at` is each clause's place in the call, 0..1."""
    score, weight, at = (np.asarray(a, dtype=np.float64) for a in (score, weight, at))
    total = float(weight.sum())
    call = float((score * weight).sum() / total) if total > 0 else 0.0

    def part(mask: np.ndarray) -> float:
        w = weight[mask]
        return float(((score[mask] * w).sum() + PRIOR_WEIGHT * call) / (w.sum() + PRIOR_WEIGHT))

    return part(at < EARLY_END), part(at >= LATE_START), call


def drift_of(score: np.ndarray, weight: np.ndarray, at: np.ndarray) -> float:
    """Late-third minus first-third weighted stance, clipped to -2..2."""
    early, late, _ = third_means(score, weight, at)
    return float(np.clip(late - early, -2.0, 2.0))
