#!/usr/bin/env python3
"""Leave-one-deal-out evaluation of the signals on labeled calls, plus the corpus cross-validation.

The scorer is the same as ``shared/tools/eval_signals.py`` (CONTRACT section 3 labels: counts
within 20 % (at least 1), booleans exact, objections as category-set F1 pooled over calls), run
in one process so the models load once.

Protocol. Nothing the signals ship is fit on these calls: the classifiers and their thresholds are
fit on the project's own corpus (``signals/_corpus``), so every call is scored as an unseen call.
The one knob this script may tune on labeled calls, the sentiment drift threshold, is tuned
leave-one-deal-out: for each deal, the threshold that scores best on the *other* deals' calls is
applied to that deal's calls (a deal's calls are never on both sides). Both figures are printed:
``shipped`` (threshold from the corpus) and ``lodo-calibrated``.

    PYTHONPATH=. .venv/bin/python bench/eval_lodo.py                       # ../shared/calls
    PYTHONPATH=. .venv/bin/python bench/eval_lodo.py --calls DIR --cv      # + corpus CV scores
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# bench/ holds scripts named like the packages (bench/transcribe.py): the repository must come first.
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

DEFAULT_CALLS = REPO.parent / "shared" / "calls"
# Candidate drift thresholds for the leave-one-deal-out calibration (the -2..2 drift scale).
THRESHOLD_GRID = tuple(round(0.02 * k, 2) for k in range(1, 26))
COUNT_METRICS = ("questions", "open_questions", "quantified_pains")
METRICS = (
    "questions",
    "open_questions",
    "quantified_pains",
    "next_step.present",
    "next_step.dated",
    "next_step.owned",
    "buyer_participants",
    "stakeholders",
    "sentiment_direction",
)


@dataclass
class CallResult:
    name: str
    deal: str
    labels: dict[str, Any]
    signals: dict[str, Any]
    seconds: float


def _within(pred: float | None, truth: float, tol: float) -> bool:
    return pred is not None and abs(pred - truth) <= tol


def _direction(drift: float, threshold: float) -> str:
    return "negative" if drift <= -threshold else "positive" if drift >= threshold else "flat"


def call_hits(r: CallResult, drift_threshold: float | None) -> dict[str, bool]:
    """Per-metric hits of one call, as eval_signals.py scores them."""
    sig, lab = r.signals, r.labels
    disc = sig.get("discovery", {})
    ns = sig.get("next_step", {}) or {}
    mt = sig.get("multithreading", {})
    sent = sig.get("sentiment", {})
    direction = (
        sent.get("direction")
        if drift_threshold is None
        else _direction(sent.get("drift", 0.0), drift_threshold)
    )
    hits = {
        "questions": _within(disc.get("questions"), lab["questions"], max(1, round(0.2 * lab["questions"]))),
        "open_questions": _within(
            disc.get("open_questions"), lab["open_questions"], max(1, round(0.2 * lab["open_questions"]))
        ),
        "quantified_pains": _within(disc.get("quantified_pains"), lab["quantified_pains"], 1),
        "buyer_participants": mt.get("buyer_participants") == lab["buyer_participants"],
        "stakeholders": _within(len(mt.get("stakeholders") or []), lab["stakeholders"], 1),
        "sentiment_direction": direction == lab["sentiment_direction"],
    }
    for k in ("present", "dated", "owned"):
        hits[f"next_step.{k}"] = ns.get(k) == lab["next_step"][k]
    return hits


def objection_counts(r: CallResult) -> tuple[int, int, int]:
    pred = {o.get("category") for o in r.signals.get("objections") or []}
    truth = set(r.labels.get("objections") or [])
    return len(pred & truth), len(pred - truth), len(truth - pred)


def summarize(results: list[CallResult], thresholds: dict[str, float | None]) -> dict[str, float]:
    """Metric accuracies and objections F1; `thresholds` maps call name -> drift threshold (None: shipped)."""
    hits: dict[str, list[bool]] = defaultdict(list)
    tp = fp = fn = 0
    for r in results:
        for k, v in call_hits(r, thresholds.get(r.name)).items():
            hits[k].append(v)
        a, b, c = objection_counts(r)
        tp, fp, fn = tp + a, fp + b, fn + c
    out = {k: sum(hits[k]) / len(hits[k]) for k in METRICS}
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    out["objections F1"] = 2 * p * rc / (p + rc) if p + rc else 0.0
    out["objections precision"] = p
    out["objections recall"] = rc
    out["score"] = sum(out[k] for k in (*METRICS, "objections F1")) / (len(METRICS) + 1)
    return out


def lodo_thresholds(results: list[CallResult]) -> dict[str, float]:
    """For each call, the drift threshold that scores best on the calls of all *other* deals."""
    out: dict[str, float] = {}
    deals = sorted({r.deal for r in results})
    for deal in deals:
        train = [r for r in results if r.deal != deal]

        def accuracy(t: float, train: list[CallResult] = train) -> float:
            return sum(
                _direction(r.signals["sentiment"]["drift"], t) == r.labels["sentiment_direction"]
                for r in train
            ) / len(train)

        # Ties go to the threshold closest to the shipped one (no preference learned from the ties).
        from signals.sentiment import DRIFT_THRESHOLD

        best = max(THRESHOLD_GRID, key=lambda t: (accuracy(t), -abs(t - DRIFT_THRESHOLD)))
        for r in results:
            if r.deal == deal:
                out[r.name] = best
    return out


def run_calls(calls_dir: Path) -> list[CallResult]:
    import signals
    from callcoach.services.pipeline import load_transcript

    results = []
    for path in sorted(calls_dir.glob("*.json")):
        raw = json.loads(path.read_text())
        t0 = time.perf_counter()
        transcript = load_transcript(path)
        sig = signals.extract(transcript)
        results.append(
            CallResult(
                path.stem, raw.get("deal_id") or path.stem, raw["labels"], sig, time.perf_counter() - t0
            )
        )
    return results


def print_calls(results: list[CallResult]) -> None:
    print(
        f"{'call':40} {'q':>7} {'open':>7} {'pains':>7} {'next p/d/o':>11} {'buy':>5} {'stake':>6} "
        f"{'drift':>7} {'sent':>18} objections (pred / label)"
    )
    for r in results:
        s, lab = r.signals, r.labels
        d, ns, mt = s["discovery"], s["next_step"], s["multithreading"]
        pred = sorted({o["category"] for o in s.get("objections") or []})
        print(
            f"{r.name:40} {d['questions']:>3}/{lab['questions']:<3} {d['open_questions']:>3}/"
            f"{lab['open_questions']:<3} {d['quantified_pains']:>3}/{lab['quantified_pains']:<3} "
            f"{''.join('1' if ns.get(k) else '0' for k in ('present', 'dated', 'owned'))}/"
            f"{''.join('1' if lab['next_step'][k] else '0' for k in ('present', 'dated', 'owned')):<4} "
            f"{mt['buyer_participants']:>2}/{lab['buyer_participants']:<2} {len(mt['stakeholders']):>2}/"
            f"{lab['stakeholders']:<3} {s['sentiment']['drift']:>7.3f} {s['sentiment']['direction']:>8}/"
            f"{lab['sentiment_direction']:<9} {','.join(pred)} / "
            f"{','.join(sorted(lab.get('objections') or []))}"
        )


def print_summary(title: str, summary: dict[str, float]) -> None:
    print(f"\n{title}")
    for k, v in summary.items():
        print(f"  {k:24} {v:6.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=DEFAULT_CALLS)
    ap.add_argument("--cv", action="store_true", help="also print the corpus cross-validation scores")
    ap.add_argument("--json", type=Path, help="write the per-metric figures here")
    ap.add_argument(
        "--embedding-cache", type=Path, help="an .npz that memoizes sentence embeddings across runs"
    )
    args = ap.parse_args()
    if args.embedding_cache:
        from signals._train import memoize_embeddings

        memoize_embeddings(args.embedding_cache)

    results = run_calls(args.calls)
    print_calls(results)
    shipped = summarize(results, {})
    print_summary(
        f"shipped models and thresholds ({len(results)} calls, "
        f"{len({r.deal for r in results})} deals; nothing fit on these calls)",
        shipped,
    )
    per_call = lodo_thresholds(results)
    lodo = summarize(results, dict(per_call))
    print_summary(
        "leave-one-deal-out: drift threshold calibrated on the other deals "
        f"(thresholds used: {sorted(set(per_call.values()))})",
        lodo,
    )
    print(f"\nseconds per call: {sum(r.seconds for r in results) / len(results):.2f}")
    if args.cv:
        from signals._classifiers import cross_validate_all

        print("\ncorpus cross-validation (grouped by template, see signals/_corpus/DATASHEET.md)")
        for task, scores in cross_validate_all().items():
            print(f"  {task:12} " + "  ".join(f"{k} {v:.3f}" for k, v in scores.items() if isinstance(v, float)))
    if args.json:
        args.json.write_text(json.dumps({"shipped": shipped, "lodo": lodo}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
