"""Rep drift charts: false alarms on steady reps and detection delay on declining ones, for the
shipped EWMA parameters against the textbook chart without the baseline-uncertainty term, side
by side in one run.

    .venv/bin/python bench/coaching_drift.py [--reps 1000] [--calls 50]

Steady reps: each metric drawn around a constant mean with the spread coaching.metrics calls
normal (discovery N(70, 8), open questions round(N(5, 1.5)), talk share N(0.45, 0.05), next-step
clarity 3/2/1 with p 0.6/0.3/0.1, sentiment drift N(0.1, 0.2)). Declining reps: 6 steady calls of
discovery N(70, 6), then a slide of `--slope` points per call plus N(0, 3) noise; the delay is
the number of declining calls up to and including the alarm.
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable

from coaching.drift import DriftParams, ewma_chart
from coaching.metrics import METRICS, Metric

GENERATORS: dict[str, Callable[[random.Random], float]] = {
    "discovery_score": lambda r: min(100.0, max(0.0, r.gauss(70, 8))),
    "open_questions": lambda r: float(max(0, round(r.gauss(5, 1.5)))),
    "talk_ratio": lambda r: r.gauss(0.45, 0.05),
    "next_step_clarity": lambda r: float(r.choices([3, 2, 1], [0.6, 0.3, 0.1])[0]),
    "buyer_sentiment": lambda r: r.gauss(0.1, 0.2),
}


def _textbook(metric: Metric, values: list[float | None], p: DriftParams) -> int:
    """Alarms of the chart without the 1/n0 term (limit from the asymptotic-in-n0 formula)."""
    import math

    base = [v for v in values[: p.baseline_calls] if v is not None]
    mu0 = statistics.fmean(base)
    sd = max(statistics.stdev(base), metric.normal_sd)
    sign = -1.0 if metric.direction == "higher_is_better" else 1.0
    z, alarms, armed = mu0, 0, True
    for t, x in enumerate(values[p.baseline_calls :], start=1):
        assert x is not None
        z = p.lam * x + (1 - p.lam) * z
        limit = mu0 + sign * p.width * sd * math.sqrt(p.lam / (2 - p.lam) * (1 - (1 - p.lam) ** (2 * t)))
        out = (z - limit) * sign > 0
        if out and armed:
            alarms += 1
        armed = not out
    return alarms


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=1000)
    ap.add_argument("--calls", type=int, default=50)
    ap.add_argument("--slope", type=float, default=7.0)
    args = ap.parse_args()
    shipped = DriftParams()

    print(f"steady reps: {args.reps} x {args.calls} calls; share of reps with >= 1 false alarm")
    print(f"{'metric':<20}{'shipped (1/n0 term)':>22}{'textbook':>12}")
    any_shipped, any_textbook = set(), set()
    for name, gen in GENERATORS.items():
        m = METRICS[name]
        fa_s = fa_t = 0
        for seed in range(args.reps):
            r = random.Random(f"{name}-{seed}")
            values: list[float | None] = [gen(r) for _ in range(args.calls)]
            chart = ewma_chart(m, values, shipped)
            if chart is not None and chart.excursions:
                fa_s += 1
                any_shipped.add(seed)
            if _textbook(m, values, shipped):
                fa_t += 1
                any_textbook.add(seed)
        print(f"{name:<20}{fa_s / args.reps:>22.1%}{fa_t / args.reps:>12.1%}")
    print(
        f"{'any of the five':<20}{len(any_shipped) / args.reps:>22.1%}{len(any_textbook) / args.reps:>12.1%}"
    )

    m = METRICS["discovery_score"]
    delays: list[int] = []
    missed = 0
    for seed in range(args.reps):
        r = random.Random(seed)
        values = [r.gauss(70, 6) for _ in range(shipped.baseline_calls)]
        values += [70 - args.slope * k + r.gauss(0, 3) for k in range(1, 7)]
        chart = ewma_chart(m, values, shipped)
        if chart is None or not chart.excursions:
            missed += 1
            continue
        delays.append(chart.excursions[0].alarm_index - shipped.baseline_calls + 1)
    print(
        f"\ndeclining reps (-{args.slope:g} discovery points a call after a 6-call baseline), shipped chart:"
    )
    if delays:
        print(
            f"alarm on declining call: median {statistics.median(delays):g}, "
            f"min {min(delays)}, max {max(delays)}; no alarm within 6 calls: {missed / args.reps:.1%}"
        )
    else:
        print(f"no alarm within 6 calls for any rep ({missed} reps)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
