"""Compare the sentiment-drift candidates: direction accuracy on labelled calls, stance on phrasings.

    .venv/bin/python bench/sentiment_candidates.py                  # ../shared/calls
    .venv/bin/python bench/sentiment_candidates.py --calls DIR

1. Calls: every call JSON with ``labels.sentiment_direction`` is read through the normal importer,
   and each candidate (``vader``, ``lexicon``, ``prototype``, ``combined``) runs the same drift
   computation (``signals.sentiment.measure``) on the same shared spaCy docs and embeddings; only
   the clause scorer differs. Prints drift and direction per call and candidate, the direction
   accuracy, and how the accuracy moves with the threshold (a method right at only one
   threshold is fitted to the calls rather than measuring stance).
2. Phrasings: a second, independent check on hand-labelled buyer remarks written for this bench
   (none is in the scorers' example file): mean score per class and the share on the right side
   of +-0.2. Its class means are what ``DRIFT_THRESHOLD`` is derived from.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

# Run as a script, this folder comes first on sys.path and bench/transcribe.py would shadow the
# `transcribe` package that the importer needs.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from callcoach.nlp import embed  # noqa: E402
from callcoach.services.pipeline import load_transcript  # noqa: E402
from callcoach.settings import get_settings  # noqa: E402
from signals._sentiment import StanceScorer, get_scorer  # noqa: E402
from signals.base import SignalContext  # noqa: E402
from signals.sentiment import DRIFT_THRESHOLD, measure  # noqa: E402

CANDIDATES = ("vader", "lexicon", "prototype", "combined")
THRESHOLDS = (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4)
DEFAULT_CALLS = Path(__file__).resolve().parents[2] / "shared" / "calls"
# Hand-labelled buyer remarks, written for this bench in general sales language.
PHRASINGS: dict[str, tuple[str, ...]] = {
    "warm": (
        "okay, that's really compelling", "this would free up a lot of my team's time",
        "let's get a trial going next week", "I'm going to forward this to our director today",
        "wow, that's much faster than what we do now", "I can definitely see the value here",
        "Wednesday at three works for me", "that would be a big win for us", "we'd love to see a proposal",
        "great, I'll set up time with our security team",
        "this is the first tool that actually gets our workflow",
        "yeah, send over the contract and we'll review it",
    ),
    "cool": (
        "I'm not sure we really need this", "we'd have to think long and hard before switching",
        "let me talk to the team and I'll get back to you at some point",
        "honestly our current setup does most of this already", "I don't know, it feels like a lot of money",
        "it sounds nice but I can't see us doing it this year", "we're going to hold off for now",
        "I'll probably just stay with our current vendor", "yeah, I guess",
        "that's not really a fit for how we work", "the budget for this was cut",
        "I don't see what's new here", "I'd rather not commit to a meeting yet",
    ),
    "neutral": (
        "we process about four thousand orders a day",
        "our finance team closes the month in ten days and it's painful",
        "we lost two big clients last year because of service problems",
        "the onboarding takes new hires three weeks", "our managers are frustrated with the reporting",
        "we use a mix of email and spreadsheets", "what integrations do you support",
        "the CFO signs off on anything above fifty thousand", "we had three security incidents this year",
        "okay, go ahead", "mm-hmm", "our warehouse runs two shifts", "the biggest cost is overtime",
    ),
}
PHRASE_MARGIN = 0.2


def _direction(drift: float, threshold: float) -> str:
    return "negative" if drift <= -threshold else "positive" if drift >= threshold else "flat"


def _calls(files: list[Path], scorers: dict[str, StanceScorer]) -> None:
    settings = get_settings()
    drifts: dict[str, list[float]] = {name: [] for name in scorers}
    truth: list[str] = []
    seconds = dict.fromkeys(scorers, 0.0)
    print(f"{'call':34} {'label':>8}  " + "  ".join(f"{n:>18}" for n in scorers))
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

    n = len(files)
    print(f"\ndirection accuracy at threshold {DRIFT_THRESHOLD} ({n} calls)")
    for name in scorers:
        hits = sum(_direction(d, DRIFT_THRESHOLD) == t for d, t in zip(drifts[name], truth, strict=True))
        print(f"  {name:10} {hits}/{n} = {hits / n:.2f}   ({seconds[name] * 1000 / n:.0f} ms/call, "
              "models warm, docs and utterance embeddings shared)")
    print("\naccuracy by threshold")
    print(f"  {'':10} " + " ".join(f"{t:>5}" for t in THRESHOLDS))
    for name in scorers:
        row = [sum(_direction(d, t) == y for d, y in zip(drifts[name], truth, strict=True))
               for t in THRESHOLDS]
        print(f"  {name:10} " + " ".join(f"{h:>3}/{n}" for h in row))


def _phrasings(scorers: dict[str, StanceScorer]) -> None:
    texts = [t for c in PHRASINGS for t in PHRASINGS[c]]
    labels = [c for c in PHRASINGS for _t in PHRASINGS[c]]
    emb = embed(texts)
    print(f"\nhand-labelled phrasings ({len(texts)}): mean score per class, share on the right side of "
          f"+-{PHRASE_MARGIN}")
    for name, scorer in scorers.items():
        s = np.asarray(scorer.score(texts, emb))
        right = [(c == "warm" and v >= PHRASE_MARGIN) or (c == "cool" and v <= -PHRASE_MARGIN)
                 or (c == "neutral" and abs(v) < PHRASE_MARGIN) for c, v in zip(labels, s, strict=True)]
        means = "  ".join(f"{c} {np.mean([v for v, k in zip(s, labels, strict=True) if k == c]):+.2f}"
                          for c in PHRASINGS)
        print(f"  {name:10} {means}   right {np.mean(right):.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=DEFAULT_CALLS)
    args = ap.parse_args()
    files = [f for f in sorted(args.calls.glob("*.json"))
             if json.loads(f.read_text()).get("labels", {}).get("sentiment_direction")]
    if not files:
        print(f"no calls with labels.sentiment_direction in {args.calls}")
        return 1
    scorers = {name: get_scorer(name) for name in CANDIDATES}
    for scorer in scorers.values():  # load lexicons and embed the example phrasings before timing
        scorer.score(["warming up"], embed(["warming up"]))
    _calls(files, scorers)
    _phrasings(scorers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
