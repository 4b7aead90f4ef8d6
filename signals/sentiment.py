"""Sentiment drift: does the buyer warm to or sour on the seller and the deal over the call?

Each buyer clause gets a stance score in -1..1 and a confidence that it states a stance at all
(``signals._sentiment``: by default the shipped logistic-regression stance classifier over MiniLM
embeddings, trained by ``make train`` on the project's corpus: score P(warm) - P(cool),
confidence 1 - P(neutral); a transformers classifier when ``settings.sentiment_model`` names one).
Stance toward the seller and the deal is what counts, so a buyer describing their own problems
and costs scores ~0 with low confidence, while hedges, deferrals and polite refusals score < 0.

Drift = the buyer's stance trend over the call: a line fitted by confidence-weighted least squares
through every buyer clause's stance against its place in the call, read at the middle of the last
third minus the middle of the first (:mod:`signals._drift`), in -2..2. Neutral turns carry almost no
weight, so a long call full of facts does not dilute a real change, and the middle of the call
counts too. `direction` is ``negative``
/ ``positive`` at the threshold or beyond, else ``flat``. The threshold is the one calibrated on
labeled calls (``signals/_models/calibration.json``, written by ``bench/eval_lodo.py
--write-calibration``, which reports it leave-one-deal-out), else the corpus's first guess from
synthetic calls (``signals/_models/stance.json``). With a stored history of the deal,
`deal_trend` fits a line through the call-level (confidence-weighted) buyer sentiment of each call.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from callcoach import analysis as an
from callcoach.domain import Evidence, StoredCall, Transcript, Utterance
from signals._drift import trend
from signals._sentiment import DEFAULT_METHOD, StanceScorer, get_scorer
from signals.base import SignalContext, register

log = logging.getLogger("callcoach.signals")

Direction = Literal["negative", "flat", "positive"]
Part = Literal["early", "middle", "late"]
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")

# For scorers other than the learned one (no calibration of their own): a drift of 0.2 on the -2..2
# scale, half a clear remark's score, counts as a change.
DRIFT_THRESHOLD = 0.2
# The same scale for the deal trend: fitted change of call-level buyer sentiment, first to last call.
DEAL_TREND_THRESHOLD = DRIFT_THRESHOLD
# Fewer buyer utterances than this leave nothing to compare: drift 0, direction flat.
MIN_BUYER_UTTERANCES = 2
# Clauses shorter than this are joined to their neighbour before scoring.
MIN_CLAUSE_WORDS = 3
# Quotes offered as evidence must carry at least this much stance (pain and facts score ~0).
EVIDENCE_MIN_SCORE = 0.15
EVIDENCE_PER_PART = 3
# Smoothing: a moving average over about a tenth of the buyer's turns on either side.
SMOOTHING_FRACTION = 0.1


@dataclass(frozen=True, slots=True)
class UtteranceSentiment:
    """One buyer utterance's stance score, its smoothed value and its place in the call."""

    utterance: Utterance
    score: float
    smoothed: float
    part: Part

    def to_analysis(self) -> an.UtteranceScore:
        u = self.utterance
        return an.UtteranceScore(start=round(u.start, 2), end=round(u.end, 2), speaker=u.speaker,
                                 score=round(self.score, 3), smoothed=round(self.smoothed, 3), part=self.part)


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
    threshold: float = DEAL_TREND_THRESHOLD

    def to_analysis(self) -> an.DealTrend:
        return an.DealTrend(
            deal_id=self.deal_id,
            calls=tuple(an.DealCallScore(call_id=c.call_id, started_at=c.started_at, score=round(c.score, 3))
                        for c in self.calls),
            slope=round(self.slope, 3), change=round(self.change, 3),
            direction=self.direction, threshold=self.threshold)


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
    threshold: float = DRIFT_THRESHOLD

    def to_analysis(self) -> dict[str, Any]:
        return {"sentiment": an.Sentiment(
            drift=round(self.drift, 3),
            direction=self.direction,
            threshold=self.threshold,
            early=_round(self.early),
            late=_round(self.late),
            call_score=_round(self.call_score),
            method=self.method,
            buyer_utterances=len(self.utterances),
            scores=tuple(u.to_analysis() for u in self.utterances),
            series=tuple(an.SeriesPoint(t=round((u.utterance.start + u.utterance.end) / 2, 2),
                                        score=round(u.smoothed, 3)) for u in self.utterances),
            evidence=tuple(_scored_quote(an.Quote.of(e), s, p) for e, s, p in self.evidence),
            deal_trend=self.deal_trend.to_analysis() if self.deal_trend else None,
            notes=tuple(self.notes),
        )}


def _scored_quote(q: an.Quote, score: float, part: Part) -> an.ScoredQuote:
    return an.ScoredQuote(start=q.start, end=q.end, speaker=q.speaker, text=q.text, score=round(score, 3),
                          part=part)


@register("sentiment")
def sentiment(ctx: SignalContext) -> SentimentResult:
    """Buyer sentiment drift of the call (and of the deal, with history)."""
    model = ctx.settings.sentiment_model.strip()
    scorer = get_scorer("classifier", model=model) if model else get_scorer(DEFAULT_METHOD)
    return measure(ctx, scorer)


def drift_threshold(scorer: StanceScorer) -> float:
    """The scorer's calibrated drift threshold (the learned stance model's, see signals._classifiers)."""
    if scorer.method == "learned":
        from signals._classifiers import load

        return load("stance").threshold("drift", DRIFT_THRESHOLD)
    return DRIFT_THRESHOLD


def measure(ctx: SignalContext, scorer: StanceScorer) -> SentimentResult:
    """Sentiment drift of `ctx`'s call with `scorer` (the bench calls this with each candidate)."""
    transcript = ctx.transcript
    buyer = _buyer_indices(transcript)
    clause_scores, clause_weights, owner = _clause_scores(ctx, buyer, scorer)
    scores = _per_utterance(clause_scores, owner, len(buyer))
    utts = [transcript.utterances[i] for i in buyer]
    parts, at, notes = _parts(transcript, utts)
    smoothed = _smooth(scores)
    per_utt = tuple(UtteranceSentiment(u, float(s), float(m), p)
                    for u, s, m, p in zip(utts, scores, smoothed, parts, strict=True))
    threshold = drift_threshold(scorer)
    clause_at = at[owner] if len(owner) else np.zeros(0)
    early_w, late_w, call_w = trend(clause_scores, clause_weights, clause_at)
    call_score = call_w if utts else None

    if len(utts) < MIN_BUYER_UTTERANCES:
        notes.append(f"fewer than {MIN_BUYER_UTTERANCES} buyer utterances: no drift measured")
        early = late = None
        drift = 0.0
    else:
        early, late = early_w, late_w
        drift = float(np.clip(late - early, -2.0, 2.0))
    direction = _direction(drift, threshold)
    log.debug("sentiment %s: %d buyer utterances, drift %.3f (%s) with %s", transcript.meta.call_id,
              len(utts), drift, direction, scorer.method)
    return SentimentResult(
        drift=drift, direction=direction, early=early, late=late, call_score=call_score,
        method=f"{scorer.method}: {scorer.description}; buyer clauses weighted by stance confidence, "
               f"weighted stance trend over the call, late third minus first third (signals._drift), "
               f"threshold {threshold}",
        utterances=per_utt, evidence=_evidence(per_utt, direction),
        deal_trend=_deal_trend(transcript, ctx.history, call_score, threshold), notes=tuple(notes),
        threshold=threshold)


def _buyer_indices(transcript: Transcript) -> list[int]:
    buyer = [i for i, u in enumerate(transcript.utterances) if u.side == "buyer" and u.text.strip()]
    if buyer:
        return buyer
    # No side says buyer: everyone who is not the rep is the buyer side.
    return [i for i, u in enumerate(transcript.utterances) if u.side != "rep" and u.text.strip()]


def _units(ctx: SignalContext, index: int) -> list[str]:
    """The clauses of an utterance: spaCy sentences, split again at commas, semicolons and colons.

    A stance often sits in a short clause beside a description ("we use it every day, that part's
    great"); embedded whole, the description drowns it.
    """
    units: list[str] = []
    for sent in ctx.docs[index].sents:
        clauses: list[str] = []
        for clause in _CLAUSE_BREAK.split(sent.text.strip()):
            # A fragment too short to state anything ("honestly", "sure", "mostly") joins its
            # neighbour instead of being scored alone.
            if clauses and (len(clause.split()) < MIN_CLAUSE_WORDS
                            or len(clauses[-1].split()) < MIN_CLAUSE_WORDS):
                clauses[-1] = f"{clauses[-1]} {clause}"
            else:
                clauses.append(clause)
        units.extend(c for c in clauses if any(ch.isalpha() for ch in c))
    return _joined_fragments(units) or [ctx.utterances[index].text.strip()]


def _joined_fragments(units: list[str]) -> list[str]:
    """A sentence too short to state anything ("Sure.", "Right.") joins the next one, or the one
    before at the end: an acknowledgement before a fact is part of answering, not a stance."""
    out: list[str] = []
    carry = ""
    for unit in units:
        unit = f"{carry} {unit}".strip() if carry else unit
        carry = ""
        if len(unit.split()) < MIN_CLAUSE_WORDS:
            carry = unit
            continue
        out.append(unit)
    if carry:
        if out:
            out[-1] = f"{out[-1]} {carry}"
        else:
            out.append(carry)
    return out


def _clause_scores(ctx: SignalContext, buyer: Sequence[int],
                   scorer: StanceScorer) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Score every buyer clause in one batch: (scores, confidence weights, buyer-turn index per clause)."""
    if not buyer:
        empty = np.zeros(0, dtype=np.float64)
        return empty, empty, np.zeros(0, dtype=np.int64)
    per_utt = [_units(ctx, i) for i in buyer]
    flat = [s for sents in per_utt for s in sents]
    embeddings = _unit_embeddings(ctx, buyer, per_utt) if scorer.needs_embeddings else None
    scores = np.asarray(scorer.score(flat, embeddings), dtype=np.float64)
    weights = (np.asarray(scorer.confidence(flat, embeddings), dtype=np.float64) if scorer.confidence
               else np.abs(scores))
    owner = np.repeat(np.arange(len(buyer)), [len(s) for s in per_utt])
    return scores, weights, owner


def _per_utterance(clause_scores: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """An utterance's score is the `stance_mean` of its clauses (for the per-turn series and evidence)."""
    out = np.zeros(n, dtype=np.float64)
    for k in range(n):
        out[k] = stance_mean(clause_scores[owner == k])
    return out


def _unit_embeddings(ctx: SignalContext, buyer: Sequence[int], per_utt: Sequence[list[str]]) -> np.ndarray:
    """Reuse the shared utterance embedding for one-clause utterances; embed only the other clauses."""
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


def _parts(transcript: Transcript,
           utts: Sequence[Utterance]) -> tuple[list[Part], np.ndarray, list[str]]:
    """Early / middle / late third and place in the call (0..1) of each buyer utterance, by time;
    by turn count where a third of the call has no buyer speech."""
    if not utts:
        return [], np.zeros(0), []
    start = min(u.start for u in transcript.utterances)
    end = max(transcript.duration_s, max(u.end for u in transcript.utterances))
    span = max(end - start, 1e-6)
    at = np.array([((u.start + u.end) / 2 - start) / span for u in utts], dtype=np.float64)
    parts: list[Part] = [_part_of(a) for a in at]
    if len(utts) >= MIN_BUYER_UTTERANCES and ("early" not in parts or "late" not in parts):
        # The buyer was silent in the first or last third: compare their first and last third of
        # turns instead, so a short call or a late-joining buyer still gets a measured drift.
        k = math.ceil(len(utts) / 3)
        parts = ["early" if i < k else "late" if i >= len(utts) - k else "middle" for i in range(len(utts))]
        at = np.array([0.0 if p == "early" else 1.0 if p == "late" else 0.5 for p in parts])
        return parts, at, ["a third of the call had no buyer speech: thirds taken by buyer turns"]
    return parts, at, []


def _part_of(at: float) -> Part:
    return "early" if at < 1 / 3 else "late" if at >= 2 / 3 else "middle"


def stance_mean(scores: np.ndarray) -> float:
    """sum(s*|s|) / sum(|s|): stated stances count by their strength, neutral clauses barely at all."""
    mag = np.abs(scores)
    total = float(mag.sum())
    return float((scores * mag).sum() / total) if total > 0 else 0.0


def _smooth(scores: np.ndarray) -> np.ndarray:
    """Centred moving average over about a tenth of the buyer's turns on each side."""
    n = len(scores)
    half = max(1, round(n * SMOOTHING_FRACTION))
    return np.array([scores[max(0, i - half):i + half + 1].mean() for i in range(n)], dtype=np.float64)


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
                call_score: float | None, threshold: float = DEAL_TREND_THRESHOLD) -> DealTrend | None:
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
    return DealTrend(deal_id, tuple(points), slope, change, _direction(change, threshold), threshold)


def _stored_call_score(call: StoredCall) -> float | None:
    """Call-level buyer sentiment of a stored analysis (its `call_score`, else the mean of its scores)."""
    stored = an.Signals.from_contract(call.analysis.get("signals")).sentiment
    if stored is None:
        return None
    if isinstance(stored.call_score, int | float):
        return float(stored.call_score)
    values = [float(s.score) for s in stored.scores if isinstance(s.score, int | float)]
    return float(np.mean(values)) if values else None


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
