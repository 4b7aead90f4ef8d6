"""EWMA control charts: has a rep's behaviour drifted away from their own baseline?

For one rep and one metric, in call order:

- **Baseline** (phase I): the mean and standard deviation of the rep's first
  `baseline_calls` calls that carry the metric. The standard deviation is floored at the
  metric's `normal_sd`, so a rep whose first calls were unusually alike is not flagged for
  ordinary noise later.
- **Monitoring** (phase II): from the next call on, the exponentially weighted moving average
  ``z_t = lam * x_t + (1 - lam) * z_{t-1}`` (``z`` starts at the baseline mean) is compared with the
  one-sided control limit on the metric's worse side,
  ``mu0 -/+ L * sigma * sqrt(lam / (2 - lam) * (1 - (1 - lam) ** (2 t)) + 1 / n0)`` (Montgomery,
  *Introduction to Statistical Quality Control*, 6th ed., section 9.2: the exact, time-varying
  limit, so early points are not judged against the wider asymptotic one). The ``1 / n0`` term
  adds the uncertainty of a baseline mean estimated from only ``n0`` calls; without it a
  6-call baseline gave a steady rep a false alarm on 12-15% of metrics over 50 calls, with it
  0.4-1.8% (``bench/coaching_drift.py``).
- **Alarm**: the first call whose EWMA crosses the limit. One alarm per excursion: the chart
  re-arms only after the EWMA is back inside the limit (the service additionally keeps one open
  alert per rep and kind). The alert's window runs from the first call of the excursion (the
  call since which every call was on the worse side of the baseline mean) to the alarm call.

Parameters (defaults below, overridable in the playbook's `drift:` section): lam = 0.25 weighs
the latest call at a quarter, so about three consecutive clearly worse calls trip the chart
while one bad call does not; L = 3.0 keeps the in-control average run length of the
one-sided chart above several hundred calls (no false alarm in a year of a steady rep's calls).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from coaching.metrics import Metric

# Calls that define a rep's own baseline before the chart watches them: fewer makes the
# baseline mean too noisy to judge drift against; more delays the first useful alarm.
DEFAULT_BASELINE_CALLS = 6
# EWMA weight of the newest call (see module docstring).
DEFAULT_LAMBDA = 0.25
# Control-limit width in (EWMA) standard deviations.
DEFAULT_L = 3.0


@dataclass(frozen=True, slots=True)
class DriftParams:
    baseline_calls: int = DEFAULT_BASELINE_CALLS
    lam: float = DEFAULT_LAMBDA
    width: float = DEFAULT_L


@dataclass(frozen=True, slots=True)
class ChartPoint:
    index: int  # position in the series given
    value: float
    ewma: float
    limit: float  # the control limit on the worse side at this point
    out_of_control: bool


@dataclass(frozen=True, slots=True)
class Excursion:
    """One alarm: the chart crossed its limit at `alarm_index`; `window_start` is where the slide began."""

    metric: str
    window_start: int
    alarm_index: int
    baseline_mean: float
    baseline_sd: float
    ewma_at_alarm: float
    limit_at_alarm: float
    # False once a later call brought the EWMA back inside the limit (the alert may resolve).
    still_out: bool
    back_in_at: int | None


@dataclass(frozen=True, slots=True)
class Chart:
    metric: str
    baseline_mean: float
    baseline_sd: float
    points: tuple[ChartPoint, ...]
    excursions: tuple[Excursion, ...]


def ewma_chart(
    metric: Metric, values: Sequence[float | None], params: DriftParams | None = None
) -> Chart | None:
    """Run the one-sided EWMA chart over `values` (call order; None = metric missing on that call).

    Returns None while there are not yet more calls than the baseline needs."""
    p = params or DriftParams()
    present = [(i, float(v)) for i, v in enumerate(values) if v is not None and math.isfinite(v)]
    if len(present) <= p.baseline_calls:
        return None
    base = [v for _, v in present[: p.baseline_calls]]
    mu0 = statistics.fmean(base)
    sd = max(statistics.stdev(base) if len(base) > 1 else 0.0, metric.normal_sd)
    sign = -1.0 if metric.direction == "higher_is_better" else 1.0  # the worse side

    z = mu0
    points: list[ChartPoint] = []
    excursions: list[Excursion] = []
    armed = True
    slide_start: int | None = None  # first index of the current run on the worse side of mu0
    open_exc: dict[str, float | int] | None = None
    for t, (i, x) in enumerate(present[p.baseline_calls :], start=1):
        z = p.lam * x + (1 - p.lam) * z
        width = p.width * sd * math.sqrt(p.lam / (2 - p.lam) * (1 - (1 - p.lam) ** (2 * t)) + 1 / len(base))
        limit = mu0 + sign * width
        out = (z - limit) * sign > 0
        worse_than_base = (x - mu0) * sign > 0
        slide_start = (i if slide_start is None else slide_start) if worse_than_base else None
        points.append(ChartPoint(i, x, z, limit, out))
        if out and armed:
            armed = False
            open_exc = {
                "window_start": slide_start if slide_start is not None else i,
                "alarm_index": i,
                "ewma": z,
                "limit": limit,
            }
        elif not out and not armed:
            armed = True
            if open_exc is not None:
                excursions.append(_excursion(metric, open_exc, mu0, sd, still_out=False, back_in_at=i))
                open_exc = None
    if open_exc is not None:
        excursions.append(_excursion(metric, open_exc, mu0, sd, still_out=True, back_in_at=None))
    return Chart(metric.name, mu0, sd, tuple(points), tuple(excursions))


def _excursion(
    metric: Metric,
    e: dict[str, float | int],
    mu0: float,
    sd: float,
    *,
    still_out: bool,
    back_in_at: int | None,
) -> Excursion:
    return Excursion(
        metric=metric.name,
        window_start=int(e["window_start"]),
        alarm_index=int(e["alarm_index"]),
        baseline_mean=mu0,
        baseline_sd=sd,
        ewma_at_alarm=float(e["ewma"]),
        limit_at_alarm=float(e["limit"]),
        still_out=still_out,
        back_in_at=back_in_at,
    )
