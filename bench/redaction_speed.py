#!/usr/bin/env python3
"""What PII redaction adds to analyzing a 60-minute call: analyze with and without it, alternated.

The call is bench/signals.py's synthetic 60-minute transcript (its prices, headcounts and dates
are the look-alikes a sales call is full of) with a few dozen turns that read out phone, card,
account numbers and emails, digits and words. Like bench/signals.py it runs on one core (CPU 0)
with one torch thread; models are loaded and warmed before timing. Each round times both variants
back to back, in alternating order, so a noisy shared machine slows both alike; the medians and
their ratio are reported.

    .venv/bin/python bench/redaction_speed.py                 # 60 minutes, 5 rounds
    .venv/bin/python bench/redaction_speed.py --minutes 30 --rounds 3

Goal (issue 12): analyze time grows by at most 15%.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# First on the path, ahead of this folder: `import signals` must find the package, not bench/signals.py.
sys.path.insert(0, str(REPO))

from bench.signals import synthetic_call  # noqa: E402
from callcoach.domain import Transcript  # noqa: E402

GOAL = 1.15
# Turns a buyer reads out an identifier in, spread over the call.
_PII_TURNS = (
    "my cell is 415-555-0132 if the bridge drops",
    "card number is four one one one, one one one one, one one one one, one one one one",
    "send it to dana dot whitfield at harbrook dot com",
    "the account number is 0042 7719 3385",
    "email me at priya_shah@northwind.io",
    "call me on two one two five five five oh one four three",
)
PII_EVERY = 40  # one PII turn per this many utterances (~30 in an hour)


def with_pii(call: Transcript, seed: int = 11) -> Transcript:
    rng = random.Random(seed)
    utts = list(call.utterances)
    for i in range(PII_EVERY // 2, len(utts), PII_EVERY):
        u = utts[i]
        if u.side == "buyer":
            utts[i] = dataclasses.replace(u, text=rng.choice(_PII_TURNS))
    return dataclasses.replace(call, utterances=tuple(utts))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()

    os.sched_setaffinity(0, {0})
    import torch

    torch.set_num_threads(1)
    import redact
    import signals
    from callcoach.settings import get_settings

    settings = get_settings()
    options = redact.RedactionOptions.from_settings(settings)
    call = with_pii(synthetic_call(args.minutes))

    def plain() -> None:
        signals.extract(call, settings=settings)

    def redacted() -> None:
        signals.extract(redact.redact_transcript(call, options), settings=settings)

    redacted()  # loads and warms every model, Presidio included
    plain()
    times: dict[str, list[float]] = {"plain": [], "redacted": [], "redaction alone": []}
    for r in range(args.rounds):
        order = (("plain", plain), ("redacted", redacted)) if r % 2 == 0 else (
            ("redacted", redacted), ("plain", plain))
        for name, fn in order:
            t0 = time.process_time()
            fn()
            times[name].append(time.process_time() - t0)
        t0 = time.process_time()
        out = redact.redact_transcript(call, options)
        times["redaction alone"].append(time.process_time() - t0)

    n = len(call.utterances)
    placeholders = sum(u.text.count("[") for u in out.utterances)
    pii_turns = sum(1 for u in call.utterances if u.text in _PII_TURNS)
    print(f"call: {call.duration_s / 60:.1f} min, {n} utterances, {pii_turns} with PII -> "
          f"{placeholders} placeholders; 1 core (CPU 0), torch threads 1; {args.rounds} rounds")
    print(f"{'CPU seconds (median)':28} {'median':>8} {'min':>8} {'max':>8}")
    for name, vals in times.items():
        print(f"{name:28} {statistics.median(vals):8.2f} {min(vals):8.2f} {max(vals):8.2f}")
    ratio = statistics.median(times["redacted"]) / statistics.median(times["plain"])
    share = statistics.median(times["redaction alone"]) / statistics.median(times["plain"])
    print(f"analyze with redaction / without: {ratio:.3f} (redaction alone: {100 * share:.1f}% of analyze)")
    print(f"goal <= {GOAL:.2f}: {'met' if ratio <= GOAL else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
