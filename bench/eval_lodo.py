#!/usr/bin/env python3
"""Leave-one-deal-out evaluation of the signals on labeled calls, plus the corpus cross-validation.

The scorer is the same as ``shared/tools/eval_signals.py`` (CONTRACT section 3 labels: counts
within 20 % (at least 1), booleans exact, objections as category-set F1 pooled over calls), run
in one process so the models load once.

Protocol. The classifiers' weights are fit on the project's own corpus (``signals/_corpus``), never
on these calls. Two operating points are calibrated on labeled calls: the sentiment drift threshold
and the probability at which the objection classifier fires. Their figure is leave-one-deal-out:
for each deal, the thresholds that score best on the *other* deals' calls are applied to that
deal's calls (a deal's calls are never on both sides of a fold). ``--write-calibration`` fits them
on every call given and writes ``signals/_models/calibration.json``, which the signals then ship.

Printed: ``shipped`` (the thresholds the signals load now: on the calls they were calibrated on
when calibration.json came from them, so not a figure of merit) and ``leave-one-deal-out`` (the
figure).

    PYTHONPATH=. .venv/bin/python bench/eval_lodo.py                       # ../shared/calls
    PYTHONPATH=. .venv/bin/python bench/eval_lodo.py --calls DIR --cv      # + corpus CV scores
    PYTHONPATH=. .venv/bin/python bench/eval_lodo.py --write-calibration   # recalibrate, then ship
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
THRESHOLD_GRID = tuple(round(0.01 * k, 2) for k in range(1, 51))
# Candidate objection firing probabilities. The calls are analysed once at the lowest, keeping each
# classifier-fired objection's probability, and every candidate is applied afterwards.
FIRE_GRID = tuple(round(0.25 + 0.025 * k, 3) for k in range(27))
CALIBRATION_PATH = REPO / "signals" / "_models" / "calibration.json"
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
    signals: dict[str, Any]  # objections fired at FIRE_GRID[0]
    seconds: float


@dataclass(frozen=True)
class Thresholds:
    drift: float
    fire: float


def _within(pred: float | None, truth: float, tol: float) -> bool:
    return pred is not None and abs(pred - truth) <= tol


def _direction(drift: float, threshold: float) -> str:
    return "negative" if drift <= -threshold else "positive" if drift >= threshold else "flat"


def call_hits(r: CallResult, drift_threshold: float) -> dict[str, bool]:
    """Per-metric hits of one call, as eval_signals.py scores them."""
    sig, lab = r.signals, r.labels
    disc = sig.get("discovery", {})
    ns = sig.get("next_step", {}) or {}
    mt = sig.get("multithreading", {})
    direction = _direction(sig.get("sentiment", {}).get("drift", 0.0), drift_threshold)
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


def fired(r: CallResult, fire: float) -> list[dict[str, Any]]:
    """The call's objections at firing probability `fire` (a cue fires on its own)."""
    return [o for o in r.signals.get("objections") or []
            if o.get("cue") is not None or (o.get("probability") or 0.0) >= fire]


def objection_counts(r: CallResult, fire: float) -> tuple[int, int, int]:
    pred = {o.get("category") for o in fired(r, fire)}
    truth = set(r.labels.get("objections") or [])
    return len(pred & truth), len(pred - truth), len(truth - pred)


def summarize(results: list[CallResult], thresholds: dict[str, Thresholds]) -> dict[str, float]:
    """Metric accuracies and objections F1; `thresholds` maps call name -> the thresholds applied to it."""
    hits: dict[str, list[bool]] = defaultdict(list)
    tp = fp = fn = 0
    for r in results:
        t = thresholds[r.name]
        for k, v in call_hits(r, t.drift).items():
            hits[k].append(v)
        a, b, c = objection_counts(r, t.fire)
        tp, fp, fn = tp + a, fp + b, fn + c
    out = {k: sum(hits[k]) / len(hits[k]) for k in METRICS}
    p = tp / (tp + fp) if tp + fp else 0.0
    rc = tp / (tp + fn) if tp + fn else 0.0
    out["objections F1"] = 2 * p * rc / (p + rc) if p + rc else 0.0
    out["objections precision"] = p
    out["objections recall"] = rc
    out["score"] = sum(out[k] for k in (*METRICS, "objections F1")) / (len(METRICS) + 1)
    return out


def fit_thresholds(calls: list[CallResult], prior: Thresholds) -> Thresholds:
    """The drift threshold with the best sentiment accuracy and the firing probability with the best
    pooled objections F1 on `calls`; ties go to the value closest to `prior` (the corpus's guess)."""

    def accuracy(t: float) -> float:
        return sum(_direction(r.signals["sentiment"]["drift"], t) == r.labels["sentiment_direction"]
                   for r in calls) / len(calls)

    def f1(fire: float) -> float:
        tp = fp = fn = 0
        for r in calls:
            a, b, c = objection_counts(r, fire)
            tp, fp, fn = tp + a, fp + b, fn + c
        return 2 * tp / (2 * tp + fp + fn) if tp else 0.0

    drift = max(THRESHOLD_GRID, key=lambda t: (accuracy(t), -abs(t - prior.drift)))
    fire = max(FIRE_GRID, key=lambda f: (round(f1(f), 6), -abs(f - prior.fire)))
    return Thresholds(drift, fire)


def lodo_thresholds(results: list[CallResult], prior: Thresholds) -> dict[str, Thresholds]:
    """For each call, the thresholds that score best on the calls of all *other* deals."""
    out: dict[str, Thresholds] = {}
    for deal in sorted({r.deal for r in results}):
        best = fit_thresholds([r for r in results if r.deal != deal], prior)
        for r in results:
            if r.deal == deal:
                out[r.name] = best
    return out


def corpus_thresholds() -> Thresholds:
    """The thresholds the corpus fit (training time), before any calibration on calls."""
    from signals._classifiers import load
    from signals.objections import DEFAULT_FIRE_PROBABILITY
    from signals.sentiment import DRIFT_THRESHOLD

    def corpus(task: str, name: str, default: float) -> float:
        meta = load(task).meta
        return float(meta.get("corpus_thresholds", meta.get("thresholds", {})).get(name, default))

    return Thresholds(corpus("stance", "drift", DRIFT_THRESHOLD),
                      corpus("objection", "fire", DEFAULT_FIRE_PROBABILITY))


def shipped_thresholds() -> Thresholds:
    """The thresholds the signals use now, as they read them (calibration over the corpus guess)."""
    from signals._classifiers import load
    from signals.objections import DEFAULT_FIRE_PROBABILITY
    from signals.sentiment import DRIFT_THRESHOLD

    return Thresholds(load("stance").threshold("drift", DRIFT_THRESHOLD),
                      load("objection").threshold("fire", DEFAULT_FIRE_PROBABILITY))


def write_calibration(results: list[CallResult], fitted: Thresholds, lodo: dict[str, float]) -> None:
    """Ship `fitted` (fit on every call in `results`) with what leave-one-deal-out says it is worth."""
    source = {"calls": len(results), "deals": len({r.deal for r in results}),
              "names": sorted(r.name for r in results)}
    doc = {
        "what": "decision thresholds calibrated on labeled calls (bench/eval_lodo.py --write-calibration); "
                "the classifiers' weights are fit on the corpus only",
        "fit_on": source,
        "thresholds": {
            "stance": {"drift": {"threshold": fitted.drift, "criterion": "sentiment direction accuracy",
                                 "lodo_accuracy": round(lodo["sentiment_direction"], 4)}},
            "objection": {"fire": {"threshold": fitted.fire, "criterion": "pooled objection category F1",
                                   "lodo_f1": round(lodo["objections F1"], 4)}},
        },
    }
    CALIBRATION_PATH.write_text(json.dumps(doc, indent=2) + "\n")


def run_calls(calls_dir: Path) -> list[CallResult]:
    import signals
    from callcoach.services.pipeline import load_transcript
    from callcoach.settings import get_settings

    # Objections at the lowest candidate probability; each candidate is applied afterwards (fired()).
    settings = get_settings().model_copy(update={"objection_fire_probability": FIRE_GRID[0]})
    results = []
    for path in sorted(calls_dir.glob("*.json")):
        raw = json.loads(path.read_text())
        t0 = time.perf_counter()
        transcript = load_transcript(path)
        sig = signals.extract(transcript, settings=settings).to_contract()
        results.append(
            CallResult(
                path.stem, raw.get("deal_id") or path.stem, raw["labels"], sig, time.perf_counter() - t0
            )
        )
    return results


def print_calls(results: list[CallResult], shipped: Thresholds) -> None:
    print(
        f"{'call':40} {'q':>7} {'open':>7} {'pains':>7} {'next p/d/o':>11} {'buy':>5} {'stake':>6} "
        f"{'drift':>7} {'sent':>18} objections (pred / label)"
    )
    for r in results:
        s, lab = r.signals, r.labels
        d, ns, mt = s["discovery"], s["next_step"], s["multithreading"]
        pred = sorted({o["category"] for o in fired(r, shipped.fire)})
        print(
            f"{r.name:40} {d['questions']:>3}/{lab['questions']:<3} {d['open_questions']:>3}/"
            f"{lab['open_questions']:<3} {d['quantified_pains']:>3}/{lab['quantified_pains']:<3} "
            f"{''.join('1' if ns.get(k) else '0' for k in ('present', 'dated', 'owned'))}/"
            f"{''.join('1' if lab['next_step'][k] else '0' for k in ('present', 'dated', 'owned')):<4} "
            f"{mt['buyer_participants']:>2}/{lab['buyer_participants']:<2} {len(mt['stakeholders']):>2}/"
            f"{lab['stakeholders']:<3} {s['sentiment']['drift']:>7.3f} "
            f"{_direction(s['sentiment']['drift'], shipped.drift):>8}/"
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
    ap.add_argument("--write-calibration", action="store_true",
                    help=f"fit the thresholds on these calls and write {CALIBRATION_PATH.relative_to(REPO)}")
    ap.add_argument(
        "--embedding-cache", type=Path, help="an .npz that memoizes sentence embeddings across runs"
    )
    args = ap.parse_args()
    if args.embedding_cache:
        from signals._train import memoize_embeddings

        memoize_embeddings(args.embedding_cache)

    results = run_calls(args.calls)
    shipped_t = shipped_thresholds()
    print_calls(results, shipped_t)
    shipped = summarize(results, {r.name: shipped_t for r in results})
    print_summary(
        f"shipped thresholds {shipped_t} ({len(results)} calls, {len({r.deal for r in results})} deals; "
        "not a figure of merit where the calibration was fit on these calls)",
        shipped,
    )
    prior = corpus_thresholds()
    per_call = lodo_thresholds(results, prior)
    lodo = summarize(results, per_call)
    used = sorted({(t.drift, t.fire) for t in per_call.values()})
    print_summary(
        f"leave-one-deal-out: thresholds calibrated on the other deals (drift, fire used: {used})", lodo
    )
    if args.write_calibration:
        fitted = fit_thresholds(results, prior)
        write_calibration(results, fitted, lodo)
        print(f"\nwrote {CALIBRATION_PATH.relative_to(REPO)}: {fitted}")
    print(f"\nseconds per call: {sum(r.seconds for r in results) / len(results):.2f}")
    if args.cv:
        from signals._classifiers import cross_validate_all

        print("\ncorpus cross-validation (grouped by template, see signals/_corpus/DATASHEET.md)")
        for task, scores in cross_validate_all().items():
            figures = (f"{k} {v:.3f}" for k, v in scores.items() if isinstance(v, float))
            print(f"  {task:12} " + "  ".join(figures))
    if args.json:
        args.json.write_text(json.dumps({"shipped": shipped, "lodo": lodo}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
