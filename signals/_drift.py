"""Confidence-weighted stance trend: the buyer's stance fitted as a line over the call, each remark
counted by how much stance it carries.

A long call is mostly facts and pain, which the stance classifier reads as neutral. A plain mean
over a third lets those turns pull both thirds toward 0 and shrinks a real change below any
threshold; comparing only the first and last thirds also throws away the middle and lets one
remark near a boundary decide. Here every scored clause counts with weight ``1 - P(neutral)`` in a
weighted least-squares line ``stance = a + b * (place - 0.5)`` over the whole call (place 0..1), so
the trend is that of what the buyer said *about the seller and the deal*. The slope is shrunk
toward no change by a ridge of :data:`PRIOR_WEIGHT` (in clauses of full stance): a call whose
stance-bearing remarks are few or scattered makes a small slope, and one faint remark cannot make
a trend on its own. `early` and `late` are the fitted line at the middle of the first and last
thirds, so drift = late - early keeps the CONTRACT's "late minus early" meaning.
"""

from __future__ import annotations

import numpy as np

__all__ = ["drift_of", "trend", "PRIOR_WEIGHT"]

# The prior's weight, in clauses of full stance: the slope is shrunk toward 0 as if one more
# clause of full confidence said "no change".
PRIOR_WEIGHT = 1.0
# Where the first and last thirds' middles fall on the 0..1 place of the call.
EARLY_AT, LATE_AT = 1 / 6, 5 / 6


def trend(score: np.ndarray, weight: np.ndarray, at: np.ndarray) -> tuple[float, float, float]:
    """(early, late, call): the fitted stance at the middle of the first and last thirds, and the
    confidence-weighted mean stance of the call; `at` is each clause's place in the call, 0..1."""
    score, weight, at = (np.asarray(a, dtype=np.float64) for a in (score, weight, at))
    total = float(weight.sum())
    if total <= 0:
        return 0.0, 0.0, 0.0
    call = float((score * weight).sum() / total)
    x = at - 0.5
    # Weighted normal equations for (intercept, slope); the ridge sits on the slope only.
    sw, swx, swxx = total, float((weight * x).sum()), float((weight * x * x).sum())
    swy, swxy = float((weight * score).sum()), float((weight * x * score).sum())
    a = np.array([[sw, swx], [swx, swxx + PRIOR_WEIGHT]])
    intercept, slope = np.linalg.solve(a, np.array([swy, swxy]))
    early = float(intercept + slope * (EARLY_AT - 0.5))
    late = float(intercept + slope * (LATE_AT - 0.5))
    return early, late, call


def drift_of(score: np.ndarray, weight: np.ndarray, at: np.ndarray) -> float:
    """Fitted late-third minus first-third stance, clipped to -2..2."""
    early, late, _ = trend(score, weight, at)
    return float(np.clip(late - early, -2.0, 2.0))
