"""Evidence selectors: which quotes from a call show the behaviour a prompt or alert is about.

A selector prefers the evidence the signal itself attached (CONTRACT: every claim carries
`evidence`), and otherwise picks the utterances of the call that show the behaviour (the rep's
longest turn, the call's closing lines). Whatever its source, a quote is kept only when it meets
its kind's condition (`coaching.conditions`: a closed question for the open-questions prompt, a
buyer's pain for the discovery prompt); a selector never falls back to quotes of another kind,
and one that finds nothing returns an empty list, so the prompt is not given.
Selectors are registered by name; the playbook names them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from callcoach.analysis import ContractModel
from callcoach.domain import Evidence, Utterance
from coaching.calls import CallView
from coaching.conditions import (
    buyer_pains,
    condition,
    is_closed_question,
    longest_rep_turns,
    meeting,
    next_step_turns,
    objection_starts,
)
from coaching.metrics import unexplored_objections

Selector = Callable[[CallView], list[dict[str, Any]]]
SELECTORS: dict[str, Selector] = {}
# Quotes shorter than this ("Yes.", "Sure.") are shown only when nothing longer supports the claim.
SUBSTANTIVE_WORDS = 4
# Quotes per prompt: enough to recognise the moment, few enough to read on a phone.
MAX_QUOTES = 3

def register(name: str) -> Callable[[Selector], Selector]:
    def deco(fn: Selector) -> Selector:
        SELECTORS[name] = fn
        return fn

    return deco


def quote(u: Utterance) -> dict[str, Any]:
    return Evidence.of(u).to_dict()


def _is_quote(e: Any) -> bool:
    return isinstance(getattr(e, "text", None), str) and isinstance(getattr(e, "start", None), int | float)


def signal_quotes(section: ContractModel | None) -> list[dict[str, Any]]:
    """Every evidence quote a signal section attached (at any depth), in call order, deduplicated."""
    found: list[Any] = []

    def walk(obj: Any, inside: bool) -> None:
        # Quotes count once inside an `evidence` field (a tuple of quotes, or named tuples of them).
        if isinstance(obj, ContractModel):
            if inside and _is_quote(obj):
                found.append(obj)
                return
            for f in dataclasses.fields(obj):  # type: ignore[arg-type]
                walk(getattr(obj, f.name), inside or f.name == "evidence")
        elif isinstance(obj, tuple):
            for v in obj:
                walk(v, inside)

    walk(section, False)
    seen: set[tuple[float, str]] = set()
    out = []
    for e in sorted(found, key=lambda e: float(e.start)):
        key = (round(float(e.start), 2), e.text)
        if key not in seen:
            seen.add(key)
            out.append(_plain(e))
    return out


def _plain(e: Any) -> dict[str, Any]:
    """A signal's quote (or a question or pain, which carry one) as coaching evidence."""
    end = e.end if isinstance(e.end, int | float) else e.start
    return {"start": e.start, "end": end, "speaker": e.speaker, "text": e.text}


def sentiment_scores(call: CallView) -> dict[float, float]:
    """The sentiment signal's per-turn buyer scores by turn start (0.1 s)."""
    sentiment = call.signals.sentiment
    return {
        round(float(x.start), 1): float(x.score)
        for x in (sentiment.scores if sentiment else ())
        if isinstance(x.score, int | float) and isinstance(x.start, int | float)
    }


def utterance_at(call: CallView, start: float) -> Utterance | None:
    for u in call.utterances:
        if u.start - 0.01 <= start <= u.end + 0.01:
            return u
    return None




__all__ = ["SELECTORS", "is_closed_question", "objection_turns", "pain_statements", "select", "utterance_at"]


def objection_turns(call: CallView) -> set[float]:
    """Start times (0.1 s) of the buyer turns the objections signal flagged."""
    return objection_starts(call)


def pain_statements(call: CallView) -> list[dict[str, Any]]:
    """The buyer's stated pains in call order: the discovery signal's pain sentences where it
    listed them, else the whole buyer turn (`coaching.conditions.is_buyer_pain`)."""
    listed = {
        round(u.start, 1): _plain(p)
        for p in (call.signals.discovery.pains if call.signals.discovery else ())
        if _is_quote(p) and (u := utterance_at(call, float(p.start))) is not None
    }
    return [listed.get(round(u.start, 1)) or quote(u) for u in buyer_pains(call)]


def select(kind: str, call: CallView) -> list[dict[str, Any]]:
    """The quotes of `kind` for `call`, every one meeting the kind's condition; none when the
    kind's claim does not hold on this call (see `coaching.conditions`)."""
    if not condition(kind).call_ok(call):
        return []
    return meeting(kind, call, SELECTORS[kind](call))


def _closed_rep_questions(call: CallView) -> list[dict[str, Any]]:
    listed = call.signals.discovery.question_list if call.signals.discovery else ()
    if listed:
        candidates = [_plain(q) for q in listed if _is_quote(q) and q.open is False]
    else:
        candidates = [quote(u) for u in call.by_side("rep") if "?" in u.text]
    return meeting("closed_questions", call, candidates)[:MAX_QUOTES]


@register("closed_questions")
def _closed_questions(call: CallView) -> list[dict[str, Any]]:
    """The rep's closed questions (the ones a buyer can answer with yes/no or one fact)."""
    return _closed_rep_questions(call)


@register("questions_without_pain")
def _questions_without_pain(call: CallView) -> list[dict[str, Any]]:
    """The rep's closed questions on a call where the buyer never stated a pain."""
    return _closed_rep_questions(call) if not buyer_pains(call) else []


@register("monologue")
def _monologue(call: CallView) -> list[dict[str, Any]]:
    """The rep's longest turns, longest first."""
    return [quote(u) for u in longest_rep_turns(call)]


@register("pains")
def _pains(call: CallView) -> list[dict[str, Any]]:
    return pain_statements(call)[:MAX_QUOTES]


@register("pain_then_pitch")
def _pain_then_pitch(call: CallView) -> list[dict[str, Any]]:
    """The buyer's stated pain and what the rep said right after it (where discovery stopped)."""
    out: list[dict[str, Any]] = []
    for p in pain_statements(call)[:2]:
        u = utterance_at(call, float(p["start"]))
        out.append(p)
        if u is not None:
            idx = call.utterances.index(u)
            reply = next((r for r in call.utterances[idx + 1 :] if r.side != "unknown"), None)
            if reply is not None and reply.side == "rep" and "?" not in reply.text:
                out.append(quote(reply))
    return out[:MAX_QUOTES]


@register("closing")
def _closing(call: CallView) -> list[dict[str, Any]]:
    """How the call ended: the turns holding the primary next step, else the last two turns."""
    primary = next_step_turns(call)
    held = [quote(u) for u in call.utterances if round(u.start, 1) in primary]
    if held:
        return held[:MAX_QUOTES]
    return [quote(u) for u in call.utterances[-2:]]


@register("objections")
def _objections(call: CallView) -> list[dict[str, Any]]:
    """Objections the rep answered without a question, each with the rep's reply."""
    out: list[dict[str, Any]] = []
    for o in unexplored_objections(call):
        u = utterance_at(call, float(o.start))
        if u is None:
            continue
        out.append(quote(u))
        idx = call.utterances.index(u)
        reply = next((r for r in call.utterances[idx + 1 :] if r.side != "unknown"), None)
        if reply is not None and reply.side == "rep":
            out.append(quote(reply))
    return out[: MAX_QUOTES + 1]


@register("sentiment")
def _sentiment(call: CallView) -> list[dict[str, Any]]:
    """The buyer's words in the last third of the call, coolest first (the sentiment signal's
    per-turn scores), else in call order."""
    late = meeting("sentiment", call, [quote(u) for u in call.by_side("buyer")])
    scores = sentiment_scores(call)
    substantive = [q for q in late if len(q["text"].split()) >= SUBSTANTIVE_WORDS] or late
    if scores:
        substantive.sort(key=lambda q: scores.get(round(float(q["start"]), 1), 0.0))
    return substantive[:MAX_QUOTES]


@register("stakeholders")
def _stakeholders(call: CallView) -> list[dict[str, Any]]:
    """What the buyer-side people said: the multithreading signal's buyer quotes, else their turns."""
    from_signal = meeting("stakeholders", call, signal_quotes(call.signals.multithreading))
    pool = from_signal or [quote(u) for u in call.by_side("buyer")]
    # A bare "Yes." proves someone spoke; a manager needs the turn that shows who is involved.
    substantive = [q for q in pool if len(q["text"].split()) >= SUBSTANTIVE_WORDS]
    return (substantive or pool)[:MAX_QUOTES]
