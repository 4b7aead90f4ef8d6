"""Quantified pains: buyer sentences that state a problem, cost or risk and carry a number.

A sentence is a candidate when a buyer says it (not as a question) and it holds an amount
(``signals.text.quantities``: digits or spelled-out numbers, percents, money, durations,
rates). Each amount is then read in its clause: an amount inside a *target* ("we want costs
down ten percent next year", "payback inside eighteen months"), an *improvement*
("we saved 20%"), a *price* ("their quote came in at 20k", "what we pay now"), a *supposition*
(inside an if/unless clause) or a *zero* count does not make a pain. The rest is a pain when the
sentence carries a problem cue (a lexicon of loss, waste, delay, error and risk words) or, failing
that (or where a pay/cost verb governs the amount and no word says whether it is a price or a
loss), when the shipped pain classifier
(:mod:`signals._classifiers`, task ``pain``: logistic regression on MiniLM, trained by
``make train`` on the project's corpus of numbered buyer sentences, pains against counts,
targets, prices and improvements) gives it at least :data:`PAIN_MIN_PROBABILITY`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from callcoach import analysis as an
from callcoach.domain import Evidence
from signals.questions import classify_sentence
from signals.text import TIME_UNITS, Quantity, quantities, sentences

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from signals.base import SignalContext

# The classifier decides only candidates with an amount and no problem word; at even odds it
# calls a pain (the corpus classes are balanced, and the amount filter already removed most facts).
PAIN_MIN_PROBABILITY = 0.5

_PAIN_LEMMAS = frozenset(
    {
        "problem",
        "issue",
        "pain",
        "loss",
        "lose",
        "churn",
        "error",
        "mistake",
        "duplicate",
        "complaint",
        "backlog",
        "delay",
        "outage",
        "downtime",
        "fine",
        "penalty",
        "finding",
        "breach",
        "incident",
        "accident",
        "risk",
        "exposure",
        "overtime",
        "turnover",
        "attrition",
        "rework",
        "waste",
        "fraud",
        "chargeback",
        "escalation",
        "bottleneck",
        "headache",
        "frustration",
        "dispute",
        "miss",
        "fail",
        "failure",
        "break",
        "crash",
        "slip",
        "quit",
        "struggle",
        "suffer",
        "charge",
        "owe",
        "idle",
        "chase",
        "complain",
        "burn",
        "manual",
        "late",
        "overdue",
        "unbilled",
        "unpaid",
        "stuck",
        "slow",
        "behind",
        "broken",
        "frustrated",
        "frustrating",
        "expensive",
        "wrong",
        "missing",
        "unrecorded",
        "refund",
        "leak",
        "violation",
        "injury",
        "spoil",
        "spoilage",
        "scrap",
        "defect",
        "return",
        "cancel",
        "cancellation",
        "no-show",
        "abandon",
        "bounce",
        "lapse",
        "drop",
        "decline",
        "shortfall",
        "ticket",
        "excel",
        "spreadsheet",
        "nobody",
        "never",
    }
)
# Verbs that make an amount of time a cost ("reps spend six hours a week", "took three months").
_TIME_COST_LEMMAS = frozenset({"spend", "take", "wait", "lose", "waste", "burn", "sink"})
_PAIN_PHRASES = re.compile(
    r"\b(?:costs? us|cost us|charges? us|went up|gone up|goes up|up \w+ (?:percent|%)|"
    r"no (?:record|visibility|way)|"
    r"can't|cannot|couldn't|didn't|don't know|by hand|re-?key|keys? (?:every|each|it|them|in)|"
    r"fall(?:s|ing)? through|slip(?:s|ping)? through|every (?:single )?(?:week|month|day))\b"
)
_TARGET_LEMMAS = frozenset(
    {
        "want",
        "hope",
        "goal",
        "target",
        "aim",
        "plan",
        "expect",
        "payback",
        "roi",
        "objective",
        "budget",
        "aspire",
        "forecast",
        "projection",
    }
)
_TARGET_PHRASES = re.compile(
    r"\b(?:payback|roi|return on investment|by next|by the end of|next (?:year|quarter|month|fiscal)|"
    r"(?:get|bring|cut|drive|reduce|lower) (?:it|that|them|this|\w+ \w+)? ?(?:down|under|below|to)|"
    r"(?:down|under|below) \w+ (?:percent|%)\s+(?:by|next|this)|goal is|target is|we(?:'d| would) like)\b"
)
_IMPROVEMENT_PHRASES = re.compile(
    r"\b(?:saved|save us|improved|improvement|reduced|cut (?:it|that|them|our|costs?)|went down|dropped by|"
    r"fewer|better|since we (?:started|switched|moved|rolled)|thanks to)\b"
)
_PRICE_PHRASES = re.compile(
    r"\b(?:quote|quoted|pricing|price|priced|per (?:seat|user|license|head)|licen[cs]e|subscription|"
    r"what we pay|we pay|paying|renewal (?:is|was|at)|contract (?:is|was)|list price|discount)\b"
)

_SWITCHING = re.compile(
    r"\b(?:migrat\w*|switch\w*|implement\w*|roll(?:ing)? ?out|onboard\w*|retrain\w*|move over|set ?up|"
    r"ramp(?:ing)? up|transition\w*)\b"
)
_MODAL = re.compile(r"(?:\b(?:would|will|could|might|going to|gonna)\b|'d\b|'ll\b)")
_APPROXIMATELY = frozenset(
    {"about", "around", "roughly", "maybe", "like", "approximately", "just", "over", "under"}
)
_PRICE_LEMMAS = frozenset({"quote", "price", "pay", "cost"})
# Subordinators that make their clause a supposition: an amount there is a condition the buyer
# imagines ("if it took three seconds I'd have a problem"), not a cost they have today.
_CONDITIONAL_MARKS = frozenset({"if", "unless", "suppose", "supposing"})
# A count of zero states the absence of a problem ("zero dropped shifts last month").
_ZERO = frozenset({"zero", "0", "none", "no"})

@dataclass(frozen=True, slots=True)
class Pain:
    """One quantified pain: the buyer's sentence, its amounts and why it counts."""

    text: str
    speaker: str
    start: float
    end: float
    amounts: tuple[str, ...]
    cue: str  # the problem word, or "classifier" when the pain classifier decided

    def to_analysis(self) -> an.QuantifiedPain:
        q = an.Quote.of(Evidence(self.start, self.end, self.speaker, self.text))
        return an.QuantifiedPain(start=q.start, end=q.end, speaker=q.speaker, text=q.text,
                                amounts=tuple(self.amounts), cue=self.cue)


def _ancestors_and_self(tok: Token) -> list[Token]:
    return [tok, *tok.ancestors]


def _in_context(q: Quantity, sent: Span, lemmas: frozenset[str]) -> bool:
    """True when a word of `lemmas` governs the amount (is among its syntactic ancestors)."""
    tok = sent.doc.char_span(q.start_char, q.end_char, alignment_mode="expand")
    if tok is None:
        return False
    # A noun modifying another noun names a thing, not a plan or a price ("plan reviewers").
    return any(
        a.lemma_.lower() in lemmas and a.dep_ != "compound"
        for t in tok
        for a in _ancestors_and_self(t)
        if a.i >= sent.start and a.i < sent.end
    )


def _is_supposed(q: Quantity, sent: Span) -> bool:
    """Whether the amount sits inside an if/unless clause: a supposition, not a present cost."""
    span = sent.doc.char_span(q.start_char, q.end_char, alignment_mode="expand")
    if span is None:
        return False
    for a in _ancestors_and_self(span.root):
        if not sent.start <= a.i < sent.end:
            break
        if any(c.dep_ == "mark" and c.lower_ in _CONDITIONAL_MARKS for c in a.children):
            return True
    return False


def _is_zero(q: Quantity) -> bool:
    return q.text.lower().split()[0] in _ZERO


def _clause_text(q: Quantity, sent: Span) -> str:
    """The text of the clause holding the amount: its governing verb's subtree."""
    span = sent.doc.char_span(q.start_char, q.end_char, alignment_mode="expand")
    if span is None:
        return sent.text
    head = span.root
    while head.head.i != head.i and head.pos_ not in {"VERB", "AUX"} and head.i >= sent.start:
        head = head.head
    lo = max(head.left_edge.i, sent.start)
    hi = min(head.right_edge.i + 1, sent.end)
    return sent.doc[lo:hi].text.lower()


def _is_point_in_time(q: Quantity, sent: Span) -> bool:
    """ "in about four months", "within two weeks": when something happens, not how much it costs."""
    if q.kind not in {"duration", "rate"}:
        return False
    span = sent.doc.char_span(q.start_char, q.end_char, alignment_mode="expand")
    if span is None:
        return False
    i = span.start - 1
    while i >= sent.start and sent.doc[i].lower_ in _APPROXIMATELY:
        i -= 1
    return i >= sent.start and sent.doc[i].lower_ in {"in", "within"}


def _excluded(q: Quantity, sent: Span) -> str | None:
    """Why an amount is not a pain amount (target / improvement / price), or None."""
    clause = _clause_text(q, sent)
    if _is_point_in_time(q, sent):
        return "date"
    if _is_zero(q):
        return "none"
    if _is_supposed(q, sent):
        return "supposition"
    if _SWITCHING.search(clause) and _MODAL.search(clause):
        return "switching cost"  # "it'd take three months to migrate": an objection, not today's pain
    if _TARGET_PHRASES.search(clause) or _in_context(q, sent, _TARGET_LEMMAS):
        return "target"
    if _IMPROVEMENT_PHRASES.search(clause):
        return "improvement"
    if _PRICE_PHRASES.search(clause) and not _painful(clause):
        return "price"
    return None


def _painful(clause: str) -> bool:
    # "we paid forty thousand in late fees" is a cost of the problem, not a price quote.
    return bool(_PAIN_PHRASES.search(clause)) or any(w.strip(".,!?") in _PAIN_LEMMAS for w in clause.split())


def _paid_for_something(q: Quantity, sent: Span) -> bool:
    """A pay/cost verb governs the amount, and neither a price word nor a problem word in its clause
    says what for: "we paid out thirty thousand across six claims" is a loss, "we pay two dollars a
    head" a price. No rule decides that; the pain classifier does."""
    return _in_context(q, sent, _PRICE_LEMMAS) and not _painful(_clause_text(q, sent))


def _is_penalty(tok: Token) -> bool:
    """ "a fine", "fines", "the $5k fine" are penalties; "that's fine" and "eight hundred's fine"
    (the small model parses that one as a noun) are agreement."""
    return tok.tag_ == "NNS" or any(c.dep_ in {"det", "nummod", "compound", "amod"} for c in tok.children)


def _problem_cue(sent: Span, pain_amounts: list[Quantity]) -> str | None:
    low = sent.text.lower()
    if m := _PAIN_PHRASES.search(low):
        return m.group(0)
    for tok in sent:
        word = tok.lemma_.lower() if tok.lemma_.lower() in _PAIN_LEMMAS else tok.lower_
        if word not in _PAIN_LEMMAS:
            continue
        if word != "fine" or _is_penalty(tok):
            return tok.text
    for q in pain_amounts:
        timed = q.kind in {"duration", "rate"} or _share_of_time(q, sent)
        if timed and _in_context(q, sent, _TIME_COST_LEMMAS):
            return "time spent"
    return None


def _share_of_time(q: Quantity, sent: Span) -> bool:
    """A fraction of a stretch of time ("half their day", "a third of my week") is a duration."""
    if q.kind != "ratio":
        return False
    span = sent.doc.char_span(q.start_char, q.end_char, alignment_mode="expand")
    if span is None:
        return False
    after = sent.doc[span.end : min(span.end + 3, sent.end)]
    return any(t.lower_ in TIME_UNITS for t in after)


def find_pains(ctx: SignalContext) -> list[Pain]:
    """Quantified pains stated by the buyer side in the call of `ctx`."""
    pains: list[Pain] = []
    undecided: list[tuple[Span, int, list[Quantity]]] = []
    for idx, (u, doc) in enumerate(zip(ctx.utterances, ctx.docs, strict=True)):
        if u.side != "buyer":
            continue
        for sent in sentences(doc):
            amounts = quantities(sent)
            if not amounts or classify_sentence(sent) is not None:
                continue
            kept = [q for q in amounts if _excluded(q, sent) is None]
            if not kept:
                continue
            cue = _problem_cue(sent, kept)
            if cue is not None and all(_paid_for_something(q, sent) for q in kept):
                cue = None
            if cue is not None:
                pains.append(_pain(ctx, idx, sent, kept, cue))
            else:
                undecided.append((sent, idx, kept))
    if undecided:
        from callcoach.nlp import embed
        from signals._classifiers import load

        model = load("pain")
        p_pain = model.probabilities(embed([s.text for s, _, _ in undecided]))[:, model.column("pain")]
        for (sent, idx, kept), p in zip(undecided, p_pain, strict=True):
            if p >= PAIN_MIN_PROBABILITY:
                pains.append(_pain(ctx, idx, sent, kept, "classifier"))
    pains.sort(key=lambda p: p.start)
    return pains


def _pain(ctx: SignalContext, idx: int, sent: Span, kept: list[Quantity], cue: str) -> Pain:
    u = ctx.utterances[idx]
    return Pain(
        text=sent.text.strip(),
        speaker=u.speaker,
        start=u.start,
        end=u.end,
        amounts=tuple(q.text for q in kept),
        cue=cue,
    )
