"""Compare the sentiment-drift candidates on labelled calls: direction accuracy per stance scorer.

    .venv/bin/python bench/sentiment_candidates.py                  # ../shared/calls
    .venv/bin/python bench/sentiment_candidates.py --calls DIR

Every call JSON with ``labels.sentiment_direction`` is read through the normal importer, and each
candidate (``vader``, ``lexicon``, ``prototype``, ``combined``) runs the same drift computation
(``signals.sentiment.measure``) with the same shared spaCy docs and embeddings; only the
sentence scorer differs. Prints drift and direction per call and candidate, the direction
accuracy per candidate, and how that accuracy moves with the direction threshold (a method
that is right only at one threshold is fitted to the calls, not measuring stance).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from callcoach.pipeline import load_transcript
from callcoach.settings import get_settings
from signals._sentiment import get_scorer
from signals.base import SignalContext
from signals.sentiment import DRIFT_THRESHOLD, measure

CANDIDATES = ("vader", "lexicon", "prototype", "combined")
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
DEFAULT_CALLS = Path(__file__).resolve().parents[2] / "shared" / "calls"


def _direction(drift: float, threshold: float) -> str:
    return "negative" if drift <= -threshold else "positive" if drift >= threshold else "flat"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=DEFAULT_CALLS)
    args = ap.parse_args()
    files = [f for f in sorted(args.calls.glob("*.json"))
             if json.loads(f.read_text()).get("labels", {}).get("sentiment_direction")]
    if not files:
        print(f"no calls with labels.sentiment_direction in {args.calls}")
        return 1

    settings = get_settings()
    scorers = {name: get_scorer(name) for name in CANDIDATES}
    drifts: dict[str, list[float]] = {name: [] for name in CANDIDATES}
    truth: list[str] = []
    seconds = dict.fromkeys(CANDIDATES, 0.0)
    print(f"{'call':34} {'label':>8}  " + "  ".join(f"{n:>18}" for n in CANDIDATES))
    for f in files:
        label = json.loads(f.read_text())["labels"]["sentiment_direction"]
        truth.append(label)
        ctx = SignalContext(transcript=load_transcript(f, settings=settings), settings=settings)
        ctx.docs, ctx.embeddings  # noqa: B018 - parse and embed once, outside the per-candidate timing
        cells = []
        for name, scorer in scorers.items():
            t0 = time.perf_counter()
            drift = measure(ctx, scorer).drift
            seconds[name] += time.perf_counter() - t0
            drifts[name].append(drift)
            d = _direction(drift, DRIFT_THRESHOLD)
            cells.append(f"{drift:+.2f} {d:>8} {'ok' if d == label else '--'}")
        print(f"{f.stem[:34]:34} {label:>8}  " + "  ".join(f"{c:>18}" for c in cells))

    print(f"\ndirection accuracy at threshold {DRIFT_THRESHOLD} ({len(files)} calls)")
    for name in CANDIDATES:
        hits = sum(_direction(d, DRIFT_THRESHOLD) == t for d, t in zip(drifts[name], truth, strict=True))
        print(f"  {name:10} {hits}/{len(files)} = {hits / len(files):.2f}   "
              f"({seconds[name] * 1000 / len(files):.0f} ms/call, models warm)")
    print("\naccuracy by threshold")
    print(f"  {'':10} " + " ".join(f"{t:>5}" for t in THRESHOLDS))
    for name in CANDIDATES:
        row = [sum(_direction(d, t) == y for d, y in zip(drifts[name], truth, strict=True)) for t in THRESHOLDS]
        print(f"  {name:10} " + " ".join(f"{h:>3}/{len(files)}" for h in row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
