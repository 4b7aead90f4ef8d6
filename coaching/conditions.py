"""What the quotes of each prompt kind must show: one predicate per evidence kind.

A prompt's claim ("the closed questions below", "the buyer's pain quoted below") is only as good
as its quotes. Each evidence kind (the playbook's `evidence:` selector name) states its condition
in words and as code:

- `quote_ok(call, quote)`: this quote meets the kind's condition (a closed question asked by the
  rep, a buyer's stated pain, an objection the signal flagged, ...);
- `call_ok(call)`: the kind's claim makes sense on this call at all (a discovery prompt about the
  buyer's pain needs a pain; a "get the missing person invited" prompt is wrong when the buyer
  already agreed to invite them).

Selectors (`coaching.evidence`) keep only quotes that pass `quote_ok`, and a prompt is not given
when `call_ok` fails or no quote passes. `coaching.consistency` runs the same predicates over a
finished analysis, so a selector that slips a wrong quote through is caught by the tests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from callcoach.analysis import Quote
from callcoach.domain import Utterance
from coaching.calls import CallView

# The last turns of a call are "how it ended": a closing quote is one of these when it is not the
# next step's own sentence. Three covers a proposal, the buyer's answer and the goodbye.
CLOSING_TURNS = 3
# A buyer turn shorter than this ("Sure.") states no pain.
MIN_PAIN_WORDS = 5
# Where a call's "late" part starts (the sentiment signal compares the last third with the first).
LATE_PART = 2 / 3
# Longest rep turns that count as "your longest turn(s)".
LONGEST_TURNS = 2
# Tolerance when matching a quote's times to an utterance (stored times are rounded to 0.01 s).
_TIME_SLACK_S = 0.05

_PAIN_CUES = re.compile(
    r"\b(cost|costs|costing|lose|losing|lost|manual|manually|slow|delay|delays|late|"
    r"error|errors|mistake|duplicate|duplicates|problem|problems|issue|issues|pain|painful|"
    r"struggle|struggling|frustrat\w*|waste|wasting|churn|risk|fined|fines|penalt\w*|"
    r"overtime|backlog|complain\w*|miss|missed|missing|broken|hard|killing|write off|wrote off|"
    r"denials?|audit finding|by hand|spreadsheets?|chasing|re-?keying|copying)\b",
    re.I,
)
# The buyer (or the agreed next step) brings another person in: "I will invite her",
# "I'll loop in our CFO", "let's meet ... with your finance lead" (confirmed by the buyer).
_BUYER_INVITES = re.compile(
    r"\b(?:i|we)\s*(?:'ll|will|can|could|'d|would|am going to|'m going to)\s+"
    r"(?:\w+\s+)?(?:invite|loop|bring|include|introduce|add|cc|forward (?:it|this) to|ask \w+ to join)\b",
    re.I,
)
_STEP_WITH_PERSON = re.compile(
    r"\b(?:with|invite|loop in|bring in|bring along|include)\s+(?:your|our|the)\s+"
    r"[a-z ]{0,30}?(?:lead|manager|director|head|officer|cfo|cto|ceo|coo|cio|vp|controller|"
    r"treasurer|counsel|team|boss|procurement|finance|security|it)\b",
    re.I,
)


def utterance_of(call: CallView, q: dict[str, Any] | Quote) -> Utterance | None:
    """The utterance of `call` a quote (a signal's `Quote` or a coaching evidence dict) was taken
    from: same speaker, its start inside the utterance, its words inside the utterance's text (a
    quote may be one sentence of a turn)."""
    start: Any
    speaker: Any
    if isinstance(q, Quote):
        start, speaker, text = q.start, q.speaker, _norm(q.text or "")
    else:
        start, speaker, text = q.get("start"), q.get("speaker"), _norm(str(q.get("text") or ""))
    if not isinstance(start, int | float):
        return None
    for u in call.utterances:
        if (
            u.start - _TIME_SLACK_S <= float(start) <= u.end + _TIME_SLACK_S
            and speaker in (None, u.speaker)
            and text
            and text in _norm(u.text)
        ):
            return u
    # A question the signal joined across two utterances of one speaker starts in the first.
    for a, b in zip(call.utterances, call.utterances[1:], strict=False):
        same_turn = a.speaker == b.speaker and abs(a.start - float(start)) <= _TIME_SLACK_S
        if same_turn and text and text in _norm(f"{a.text} {b.text}"):
            return a
    return None


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _side(call: CallView, q: dict[str, Any]) -> str | None:
    u = utterance_of(call, q)
    return u.side if u is not None else None


# ---- the kinds' facts about a call --------------------------------------------------------------


@lru_cache(maxsize=4096)
def _closed_question_in(text: str) -> bool:
    import signals
    from callcoach.errors import ModelUnavailable

    try:
        return signals.closed_question_in(text)
    except ModelUnavailable:  # no parser: the CONTRACT's opening-verb rule on "?" sentences
        return _closed_by_opener(text)


_CLOSED_START = re.compile(
    r"^\s*(?:and |so |but |okay,? |ok,? )?(is|are|was|were|do|does|did|can|could|would|"
    r"will|should|have|has|had|who|when|where|which|how (?:much|many|long|often|soon))\b",
    re.I,
)
_SENTENCE = re.compile(r"[^.!?]*[.!?]+")


def _closed_by_opener(text: str) -> bool:
    return any(s.strip().endswith("?") and _CLOSED_START.match(s) for s in _SENTENCE.findall(text))


def is_closed_question(text: str) -> bool:
    """True when a sentence of `text` is a question the buyer can answer with yes/no or one fact
    (CONTRACT section 3, read with the discovery signal's own question parser)."""
    return _closed_question_in(" ".join(text.split()))


def objection_starts(call: CallView) -> set[float]:
    """Start times (0.1 s) of the buyer turns the objections signal flagged."""
    out: set[float] = set()
    for o in call.signals.objections or ():
        if isinstance(o.start, int | float):
            u = _utterance_at_time(call, float(o.start))
            if u is not None:
                out.add(round(u.start, 1))
    return out


def _utterance_at_time(call: CallView, start: float) -> Utterance | None:
    for u in call.utterances:
        if u.start - 0.01 <= start <= u.end + 0.01:
            return u
    return None


def _listed_pain_starts(call: CallView) -> set[float]:
    out: set[float] = set()
    for p in call.signals.discovery.pains if call.signals.discovery else ():
        if isinstance(p.start, int | float):
            u = _utterance_at_time(call, float(p.start))
            if u is not None and u.side == "buyer":
                out.add(round(u.start, 1))
    return out


def is_buyer_pain(call: CallView, u: Utterance) -> bool:
    """A buyer turn that states a problem: one the discovery signal counted as a pain, or a
    statement (not only a question) with a pain cue. A turn the objections signal flagged is an
    objection, not a pain: asking what an objection "costs you each month" makes no sense."""
    if u.side != "buyer" or round(u.start, 1) in objection_starts(call):
        return False
    if round(u.start, 1) in _listed_pain_starts(call):
        return True
    statements = [s for s in _SENTENCE.findall(u.text + " ") if not s.strip().endswith("?")]
    statements = statements or ([u.text] if "?" not in u.text else [])
    return any(len(s.split()) >= MIN_PAIN_WORDS and _PAIN_CUES.search(s) for s in statements)


def buyer_pains(call: CallView) -> list[Utterance]:
    return [u for u in call.utterances if is_buyer_pain(call, u)]


def invite_commitment(call: CallView) -> Utterance | None:
    """The turn in which the buyer side agreed to bring another person in, if any: a buyer's
    "I will invite her", or an agreed next step "with your finance lead" the buyer confirmed."""
    for u in call.by_side("buyer"):
        if _BUYER_INVITES.search(u.text):
            return u
    for item in call.signals.next_step.items if call.signals.next_step else ():
        if not item.confirmed:
            continue
        said_with = _STEP_WITH_PERSON.search(item.text or "") and item.evidence
        if said_with and (agreed := utterance_of(call, item.evidence[0])) is not None:
            return agreed
    return None


def next_step_turns(call: CallView) -> set[float]:
    """Start times (0.1 s) of the turns that hold the call's primary next step and its answer."""
    ns = call.signals.next_step
    if ns is None or not ns.text:
        return set()
    primary = _norm(ns.text)
    out: set[float] = set()
    for u in call.utterances:
        if primary and (primary in _norm(u.text) or _norm(u.text) in primary):
            out.add(round(u.start, 1))
    for item in ns.items:
        if _norm(item.text or "") in primary:
            for ev in item.evidence:
                if (held := utterance_of(call, ev)) is not None:
                    out.add(round(held.start, 1))
    return out


def longest_rep_turns(call: CallView) -> list[Utterance]:
    return sorted(call.by_side("rep"), key=lambda u: u.duration, reverse=True)[:LONGEST_TURNS]


def _reply_to(call: CallView, u: Utterance) -> Utterance | None:
    """The rep's first turn after buyer turn `u`, before the buyer speaks again."""
    i = call.utterances.index(u)
    for r in call.utterances[i + 1 :]:
        if r.side == "rep":
            return r
        if r.side == "buyer":
            return None
    return None


def _call_end(call: CallView) -> float:
    return max((u.end for u in call.utterances), default=0.0)


# ---- one predicate per kind ---------------------------------------------------------------------


def _closed_question_ok(call: CallView, q: dict[str, Any]) -> bool:
    return _side(call, q) == "rep" and is_closed_question(str(q.get("text") or ""))


def _no_pain_call(call: CallView) -> bool:
    return not buyer_pains(call)


def _pain_ok(call: CallView, q: dict[str, Any]) -> bool:
    u = utterance_of(call, q)
    return u is not None and is_buyer_pain(call, u)


def _pain_or_reply_ok(call: CallView, q: dict[str, Any]) -> bool:
    u = utterance_of(call, q)
    if u is None:
        return False
    if is_buyer_pain(call, u):
        return True
    # The rep's reply right after a stated pain, with no question in it: where discovery stopped.
    i = call.utterances.index(u)
    before = next((b for b in reversed(call.utterances[:i]) if b.side == "buyer"), None)
    return (
        u.side == "rep"
        and "?" not in u.text
        and before is not None
        and is_buyer_pain(call, before)
        and _reply_to(call, before) == u
    )


def _has_pain_call(call: CallView) -> bool:
    return bool(buyer_pains(call))


def _monologue_ok(call: CallView, q: dict[str, Any]) -> bool:
    u = utterance_of(call, q)
    return u is not None and u in longest_rep_turns(call)


def _closing_ok(call: CallView, q: dict[str, Any]) -> bool:
    u = utterance_of(call, q)
    if u is None:
        return False
    return round(u.start, 1) in next_step_turns(call) or u in call.utterances[-CLOSING_TURNS:]


def _objection_ok(call: CallView, q: dict[str, Any]) -> bool:
    u = utterance_of(call, q)
    if u is None:
        return False
    flagged = objection_starts(call)
    if u.side == "buyer":
        return round(u.start, 1) in flagged
    i = call.utterances.index(u)
    before = next((b for b in reversed(call.utterances[:i]) if b.side == "buyer"), None)
    return before is not None and round(before.start, 1) in flagged and _reply_to(call, before) == u


def _late_buyer_ok(call: CallView, q: dict[str, Any]) -> bool:
    u = utterance_of(call, q)
    return u is not None and u.side == "buyer" and u.start >= LATE_PART * _call_end(call) - _TIME_SLACK_S


def _buyer_ok(call: CallView, q: dict[str, Any]) -> bool:
    return _side(call, q) == "buyer"


def _no_invite_yet(call: CallView) -> bool:
    return invite_commitment(call) is None


def _always(call: CallView) -> bool:
    return True


@dataclass(frozen=True, slots=True)
class EvidenceCondition:
    """What one kind of prompt evidence must show, in words (`states`) and as predicates."""

    kind: str
    states: str
    quote_ok: Callable[[CallView, dict[str, Any]], bool]
    call_ok: Callable[[CallView], bool] = _always
    # Why the prompt is not given when call_ok fails (for logs and the docs).
    not_given_when: str = ""


CONDITIONS: dict[str, EvidenceCondition] = {
    c.kind: c
    for c in (
        EvidenceCondition(
            "closed_questions",
            "closed questions the rep asked (answerable with yes/no or one fact)",
            _closed_question_ok,
        ),
        EvidenceCondition(
            "questions_without_pain",
            "closed questions the rep asked, on a call where the buyer stated no pain",
            _closed_question_ok,
            _no_pain_call,
            "the buyer stated a pain (the pain-based discovery prompt applies instead)",
        ),
        EvidenceCondition(
            "pains",
            "the buyer's own statements of a problem (not objections, not questions)",
            _pain_ok,
            _has_pain_call,
            "the buyer stated no pain",
        ),
        EvidenceCondition(
            "pain_then_pitch",
            "a pain the buyer stated, and the rep's reply right after it when that reply asked nothing",
            _pain_or_reply_ok,
            _has_pain_call,
            "the buyer stated no pain",
        ),
        EvidenceCondition("monologue", "the rep's longest turns", _monologue_ok),
        EvidenceCondition(
            "closing", "the turns holding the call's next step, or the last turns of the call", _closing_ok
        ),
        EvidenceCondition(
            "objections",
            "buyer objections the objections signal flagged, each with the rep's reply",
            _objection_ok,
        ),
        EvidenceCondition("sentiment", "the buyer's words in the last third of the call", _late_buyer_ok),
        EvidenceCondition(
            "stakeholders",
            "what the buyer-side people said on the call",
            _buyer_ok,
            _no_invite_yet,
            "the buyer already agreed to bring another person in",
        ),
    )
}


def condition(kind: str) -> EvidenceCondition:
    try:
        return CONDITIONS[kind]
    except KeyError:
        raise KeyError(f"evidence kind {kind!r} states no condition; known: {sorted(CONDITIONS)}") from None


def meeting(kind: str, call: CallView, quotes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The quotes that meet `kind`'s condition, in their order."""
    ok = condition(kind).quote_ok
    return [q for q in quotes if ok(call, q)]
