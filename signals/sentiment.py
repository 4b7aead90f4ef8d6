"""Sentiment drift: does the buyer warm to or sour on the seller and the deal over the call?

Each buyer sentence gets a stance score in -1..1 (``signals._sentiment``: by default the mean of
a stance-adjusted VADER lexicon and MiniLM similarity to warm / cool / neutral example
phrasings; a transformers classifier when ``settings.sentiment_model`` names one). Stance
toward the seller and the deal is what counts, so a buyer describing their own problems and
costs scores ~0, while hedges and deferrals ("I guess", "let me think it over") score < 0.

An utterance's score is the magnitude-weighted mean of its sentences' scores (neutral sentences
do not dilute a stated stance). Drift = weighted mean of the buyer's utterances in the last
third of the call (by time) minus the first third, in -2..2; `direction` is ``negative`` /
``positive`` beyond ``DRIFT_THRESHOLD``, else ``flat``. With a stored history of the deal,
`deal_trend` gives the call-level buyer sentiment of each call and its fitted slope.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from callcoach.domain import Evidence, StoredCall, Transcript, Utterance
from signals._sentiment import DEFAULT_METHOD, StanceScorer, get_scorer
from signals.base import SignalContext, register

log = logging.getLogger("callcoach.signals")

Direction = Literal["negative", "flat", "positive"]
Part = Literal["early", "middle", "late"]

# A drift beyond 0.25 (on the -2..2 scale) counts as a change. Clear stance remarks score about
# 0.5-1 in magnitude and pain/facts about 0, so 0.25 is what one clear remark among a third's
# 2-4 neutral statements produces; a single mild remark ("sure", "should work", ~0.1-0.2) does not.
DRIFT_THRESHOLD = 0.25
# The same scale for the deal trend: fitted change of call-level buyer sentiment, first to last call.
DEAL_TREND_THRESHOLD = DRIFT_THRESHOLD
# Fewer buyer utterances than this leave nothing to compare: drift 0, direction flat.
MIN_BUYER_UTTERANCES = 2
# Weight of an utterance in a mean: its word count, capped at about one spoken sentence (~4 s),
# so a one-word "okay" counts little while a long story does not swamp a short decisive remark.
WEIGHT_CAP_WORDS = 12
# Quotes offered as evidence must carry at least this much stance (pain and facts score ~0).
EVIDENCE_MIN_SCORE = 0.15
EVIDENCE_PER_PART = 3
# Smoothing: a weighted moving average over about a tenth of the buyer's turns on either side.
SMOOTHING_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class UtteranceSentiment:
    """One buyer utterance's stance score, its smoothed value and its place in the call."""

    utterance: Utterance
    score: float
    smoothed: float
    weight: float
    part: Part

    def to_dict(self) -> dict[str, Any]:
        u = self.utterance
        return {"start": round(u.start, 2), "end": round(u.end, 2), "speaker": u.speaker,
                "score": round(self.score, 3), "smoothed": round(self.smoothed, 3), "part": self.part}


@dataclass(frozen=True, slots=True)
class DealCallSentiment:
    call_id: str | None
    started_at: str | None
    score: float


@dataclass(frozen=True, slots=True)
class DealTrend:
    """Call-level buyer sentiment across a deal's calls (oldest first) and its least-squares trend."""

    deal_id: str
    calls: tuple[DealCallSentiment, ...]
    slope: float  # per call
    change: float  # fitted last minus fitted first, -2..2
    direction: Direction

    def to_dict(self) -> dict[str, Any]:
        return {"deal_id": self.deal_id,
                "calls": [{"call_id": c.call_id, "started_at": c.started_at, "score": round(c.score, 3)}
                          for c in self.calls],
                "slope": round(self.slope, 3), "change": round(self.change, 3),
                "direction": self.direction, "threshold": DEAL_TREND_THRESHOLD}


@dataclass(frozen=True)
class SentimentResult:
    drift: float
    direction: Direction
    early: float | None
    late: float | None
    call_score: float | None
    method: str
    utterances: tuple[UtteranceSentiment, ...]
    evidence: tuple[tuple[Evidence, float, Part], ...]
    deal_trend: DealTrend | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_contract(self) -> dict[str, Any]:
        return {"sentiment": {
            "drift": round(self.drift, 3),
            "direction": self.direction,
            "threshold": DRIFT_THRESHOLD,
            "early": _round(self.early),
            "late": _round(self.late),
            "call_score": _round(self.call_score),
            "method": self.method,
            "buyer_utterances": len(self.utterances),
            "scores": [u.to_dict() for u in self.utterances],
            "series": [{"t": round((u.utterance.start + u.utterance.end) / 2, 2),
                        "score": round(u.smoothed, 3)} for u in self.utterances],
            "evidence": [{**e.to_dict(), "score": round(s, 3), "part": p} for e, s, p in self.evidence],
            "deal_trend": self.deal_trend.to_dict() if self.deal_trend else None,
            "notes": list(self.notes),
        }}


@register("sentiment")
def sentiment(ctx: SignalContext) -> SentimentResult:
    """Buyer sentiment drift of the call (and of the deal, with history)."""
    model = ctx.settings.sentiment_model.strip()
    scorer = get_scorer("classifier", model=model) if model else get_scorer(DEFAULT_METHOD)
    return measure(ctx, scorer)


def measure(ctx: SignalContext, scorer: StanceScorer) -> SentimentResult:
    """Sentiment drift of `ctx`'s call with `scorer` (the bench calls this with each candidate)."""
    transcript = ctx.transcript
    buyer = _buyer_indices(transcript)
    scores = _utterance_scores(ctx, buyer, scorer)
    utts = [transcript.utterances[i] for i in buyer]
    weights = np.array([min(len(u.text.split()), WEIGHT_CAP_WORDS) / WEIGHT_CAP_WORDS for u in utts],
                       dtype=np.float64)
    parts, notes = _parts(transcript, utts)
    smoothed = _smooth(scores, weights)
    per_utt = tuple(UtteranceSentiment(u, float(s), float(m), float(w), p)
                    for u, s, m, w, p in zip(utts, scores, smoothed, weights, parts, strict=True))
    call_score = _weighted_mean(scores, weights) if utts else None

    if len(utts) < MIN_BUYER_UTTERANCES:
        notes.append(f"fewer than {MIN_BUYER_UTTERANCES} buyer utterances: no drift measured")
        early = late = None
        drift = 0.0
    else:
        early = _weighted_mean(*_select(scores, weights, parts, "early"))
        late = _weighted_mean(*_select(scores, weights, parts, "late"))
        drift = float(np.clip(late - early, -2.0, 2.0))
    direction = _direction(drift, DRIFT_THRESHOLD)
    return SentimentResult(
        drift=drift, direction=direction, early=early, late=late, call_score=call_score,
        method=f"{scorer.method}: {scorer.description}; buyer utterances, late third minus first "
               f"third by time, word-count weights (cap {WEIGHT_CAP_WORDS}), threshold {DRIFT_THRESHOLD}",
        utterances=per_utt, evidence=_evidence(per_utt, direction),
        deal_trend=_deal_trend(transcript, ctx.history, call_score), notes=tuple(notes))


def _buyer_indices(transcript: Transcript) -> list[int]:
    buyer = [i for i, u in enumerate(transcript.utterances) if u.side == "buyer" and u.text.strip()]
    if buyer:
        return buyer
    # No side says buyer: everyone who is not the rep is the buyer side.
    return [i for i, u in enumerate(transcript.utterances) if u.side != "rep" and u.text.strip()]


def _sentences(ctx: SignalContext, index: int) -> list[str]:
    doc = ctx.docs[index]
    sents = [s.text.strip() for s in doc.sents if any(ch.isalpha() for ch in s.text)]
    return sents or [ctx.utterances[index].text.strip()]


def _utterance_scores(ctx: SignalContext, buyer: Sequence[int], scorer: StanceScorer) -> np.ndarray:
    """Score every buyer sentence in one batch; an utterance's score is the |score|-weighted mean."""
    if not buyer:
        return np.zeros(0, dtype=np.float64)
    per_utt = [_sentences(ctx, i) for i in buyer]
    flat = [s for sents in per_utt for s in sents]
    embeddings = _sentence_embeddings(ctx, buyer, per_utt) if scorer.needs_embeddings else None
    sentence_scores = np.asarray(scorer.score(flat, embeddings), dtype=np.float64)
    out = np.zeros(len(buyer), dtype=np.float64)
    pos = 0
    for k, sents in enumerate(per_utt):
        s = sentence_scores[pos:pos + len(sents)]
        pos += len(sents)
        mag = np.abs(s)
        out[k] = float((s * mag).sum() / mag.sum()) if mag.sum() > 0 else 0.0
    return out


def _sentence_embeddings(ctx: SignalContext, buyer: Sequence[int], per_utt: Sequence[list[str]]) -> np.ndarray:
    """Reuse the shared utterance embedding for one-sentence utterances; embed only the rest."""
    from callcoach.nlp import embed

    shared = ctx.embeddings
    multi = [s for sents in per_utt if len(sents) > 1 for s in sents]
    extra = embed(multi) if multi else np.zeros((0, shared.shape[1]), dtype=np.float32)
    rows, pos = [], 0
    for i, sents in zip(buyer, per_utt, strict=True):
        if len(sents) == 1:
            rows.append(shared[i])
        else:
            rows.extend(extra[pos:pos + len(sents)])
            pos += len(sents)
    return np.vstack(rows).astype(np.float32)


def _parts(transcript: Transcript, utts: Sequence[Utterance]) -> tuple[list[Part], list[str]]:
    """Early / middle / late third of the call by time; by count where a third has no buyer speech."""
    if not utts:
        return [], []
    start = min(u.start for u in transcript.utterances)
    end = max(transcript.duration_s, max(u.end for u in transcript.utterances))
    span = max(end - start, 1e-6)
    parts: list[Part] = []
    for u in utts:
        at = ((u.start + u.end) / 2 - start) / span
        parts.append("early" if at < 1 / 3 else "late" if at >= 2 / 3 else "middle")
    if len(utts) >= MIN_BUYER_UTTERANCES and ("early" not in parts or "late" not in parts):
        # The buyer was silent in the first or last third: compare their first and last third of
        # turns instead, so a short call or a late-joining buyer still gets a measured drift.
        k = math.ceil(len(utts) / 3)
        parts = ["early" if i < k else "late" if i >= len(utts) - k else "middle" for i in range(len(utts))]
        return parts, ["a third of the call had no buyer speech: thirds taken by buyer turns"]
    return parts, []


def _select(scores: np.ndarray, weights: np.ndarray, parts: Sequence[Part],
            part: Part) -> tuple[np.ndarray, np.ndarray]:
    mask = np.array([p == part for p in parts])
    return scores[mask], weights[mask]


def _weighted_mean(scores: np.ndarray, weights: np.ndarray) -> float:
    total = float(weights.sum())
    return float((scores * weights).sum() / total) if total > 0 else float(scores.mean())


def _smooth(scores: np.ndarray, weights: np.ndarray) -> np.ndarray:
    n = len(scores)
    half = max(1, round(n * SMOOTHING_FRACTION))
    out = np.zeros(n, dtype=np.float64)
    for i in range(n):
        lo, hi = max(0, i - half), min(n, i + half + 1)
        out[i] = _weighted_mean(scores[lo:hi], weights[lo:hi])
    return out


def _direction(change: float, threshold: float) -> Direction:
    if change <= -threshold:
        return "negative"
    if change >= threshold:
        return "positive"
    return "flat"


def _evidence(utts: Sequence[UtteranceSentiment],
              direction: Direction) -> tuple[tuple[Evidence, float, Part], ...]:
    """The quotes that drive the drift: late quotes in its direction, early quotes against it."""
    sign = {"negative": -1.0, "positive": 1.0, "flat": 0.0}[direction]

    def pick(part: Part, toward: float) -> list[UtteranceSentiment]:
        cands = [u for u in utts if u.part == part and abs(u.score) >= EVIDENCE_MIN_SCORE
                 and (toward == 0 or u.score * toward > 0)]
        key = (lambda u: -abs(u.score)) if toward == 0 else (lambda u: -u.score * toward)
        return sorted(cands, key=key)[:EVIDENCE_PER_PART]

    chosen = pick("late", sign) + pick("early", -sign)
    chosen.sort(key=lambda u: u.utterance.start)
    return tuple((Evidence.of(u.utterance), u.score, u.part) for u in chosen)


def _deal_trend(transcript: Transcript, history: Sequence[StoredCall],
                call_score: float | None) -> DealTrend | None:
    deal_id = transcript.meta.deal_id
    if not deal_id or not history:
        return None
    call_id = transcript.meta.call_id
    points: list[DealCallSentiment] = []
    for past in history:
        if past.deal_id != deal_id or (call_id and past.call_id == call_id):
            continue
        score = _stored_call_score(past)
        if score is not None:
            points.append(DealCallSentiment(past.call_id, past.started_at.isoformat()
                                            if past.started_at else None, score))
    if call_score is not None:
        started = transcript.meta.started_at
        points.append(DealCallSentiment(call_id, started.isoformat() if started else None, call_score))
    if len(points) < 2:
        return None
    x = np.arange(len(points), dtype=np.float64)
    y = np.array([p.score for p in points], dtype=np.float64)
    slope = float(np.polyfit(x, y, 1)[0])
    change = float(np.clip(slope * (len(points) - 1), -2.0, 2.0))
    return DealTrend(deal_id, tuple(points), slope, change, _direction(change, DEAL_TREND_THRESHOLD))


def _stored_call_score(call: StoredCall) -> float | None:
    """Call-level buyer sentiment of a stored analysis (its `call_score`, else the mean of its scores)."""
    stored = (call.analysis.get("signals") or {}).get("sentiment") or {}
    if isinstance(stored.get("call_score"), int | float):
        return float(stored["call_score"])
    scores = [s.get("score") for s in stored.get("scores") or [] if isinstance(s, dict)]
    values = [float(s) for s in scores if isinstance(s, int | float)]
    return float(np.mean(values)) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
