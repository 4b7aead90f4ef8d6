"""Evidence selectors: which quotes from a call show the behaviour a prompt or alert is about.

A selector prefers the evidence the signal itself attached (CONTRACT: every claim carries
`evidence`), and otherwise picks the utterances of the call that show the behaviour (the rep's
longest turn, the call's closing lines). Every quote is a real utterance of the call with its
timestamps; a selector that finds nothing returns an empty list.
Selectors are registered by name; the playbook names them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from callcoach.domain import Evidence, Utterance
from coaching.calls import CallView
from coaching.metrics import dig, unexplored_objections

Selector = Callable[[CallView], list[dict[str, Any]]]
SELECTORS: dict[str, Selector] = {}
# Quotes shorter than this ("Yes.", "Sure.") are shown only when nothing longer supports the claim.
SUBSTANTIVE_WORDS = 4
# Quotes per prompt: enough to recognise the moment, few enough to read on a phone.
MAX_QUOTES = 3

# Closed-question openers (CONTRACT section 3: is/do/can/would/are questions are closed).
_CLOSED_START = re.compile(
    r"^\s*(?:and |so |but |okay,? |ok,? )?(is|are|was|were|do|does|did|can|could|would|"
    r"will|should|have|has|had)\b",
    re.I,
)
_PAIN_CUES = re.compile(
    r"\b(cost|costs|costing|lose|losing|lost|manual|manually|slow|delay|delays|late|"
    r"error|errors|mistake|duplicate|duplicates|problem|problems|issue|issues|pain|"
    r"struggle|struggling|frustrat\w*|waste|wasting|churn|risk|fines?|penalt\w*|painful|days|months|"
    r"overtime|backlog|hours|weeks|complain\w*|miss|missed|missing|broken|hard)\b",
    re.I,
)


def register(name: str) -> Callable[[Selector], Selector]:
    def deco(fn: Selector) -> Selector:
        SELECTORS[name] = fn
        return fn

    return deco


def quote(u: Utterance) -> dict[str, Any]:
    return Evidence.of(u).to_dict()


def _is_quote(e: Any) -> bool:
    return isinstance(e, dict) and isinstance(e.get("text"), str) and isinstance(e.get("start"), int | float)


def signal_quotes(signals: dict[str, Any], *path: str) -> list[dict[str, Any]]:
    """Every evidence quote a signal attached under `path` (any depth), in call order, deduplicated."""
    found: list[dict[str, Any]] = []

    def walk(obj: Any, inside: bool) -> None:
        # Quotes count once inside an "evidence" subtree (a list, or a dict of named lists).
        if isinstance(obj, dict):
            if inside and _is_quote(obj):
                found.append(obj)
                return
            for k, v in obj.items():
                walk(v, inside or k == "evidence")
        elif isinstance(obj, list):
            for v in obj:
                walk(v, inside)

    walk(dig(signals, *path) if path else signals, False)
    seen: set[tuple[float, str]] = set()
    out = []
    for e in sorted(found, key=lambda e: float(e["start"])):
        key = (round(float(e["start"]), 2), e["text"])
        if key not in seen:
            seen.add(key)
            out.append(
                {
                    "start": e["start"],
                    "end": e.get("end", e["start"]),
                    "speaker": e.get("speaker"),
                    "text": e["text"],
                }
            )
    return out


def _plain(e: dict[str, Any]) -> dict[str, Any]:
    return {
        "start": e["start"],
        "end": e.get("end", e["start"]),
        "speaker": e.get("speaker"),
        "text": e["text"],
    }


def utterance_at(call: CallView, start: float) -> Utterance | None:
    for u in call.utterances:
        if u.start - 0.01 <= start <= u.end + 0.01:
            return u
    return None


_SENTENCE = re.compile(r"[^.!?]*[.!?]+")


def is_closed_question(text: str) -> bool:
    """True when a sentence of `text` is a question that opens with a closed-question verb."""
    return any(s.strip().endswith("?") and _CLOSED_START.match(s) for s in _SENTENCE.findall(text))


def objection_turns(call: CallView) -> set[float]:
    """Start times (0.1 s) of the buyer turns the objections signal flagged."""
    return {
        round(u.start, 1)
        for o in dig(call.signals, "objections") or []
        if isinstance(o, dict)
        and isinstance(o.get("start"), int | float)
        and (u := utterance_at(call, float(o["start"]))) is not None
    }


def pain_statements(call: CallView) -> list[dict[str, Any]]:
    """The buyer's stated pains: the discovery signal's pains, else buyer turns with a pain cue.

    Turns the objections signal flagged ("their quote came in lower") are objections, not pains:
    asking what an objection "costs you each month" makes no sense, so they are left out."""
    objected = objection_turns(call)

    def keep(e: dict[str, Any]) -> bool:
        u = utterance_at(call, float(e["start"]))
        return u is None or round(u.start, 1) not in objected

    listed = dig(call.signals, "discovery", "pains")
    if isinstance(listed, list) and any(_is_quote(p) for p in listed):
        return [_plain(p) for p in listed if _is_quote(p) and keep(p)]
    from_signal = [
        e
        for e in signal_quotes(call.signals, "discovery")
        if (u := utterance_at(call, float(e["start"]))) is not None and u.side == "buyer" and keep(e)
    ]
    if from_signal:
        return from_signal
    return [
        quote(u)
        for u in call.by_side("buyer")
        if _PAIN_CUES.search(u.text) and len(u.text.split()) >= 5 and keep(quote(u))
    ]


@register("closed_questions")
def _closed_questions(call: CallView) -> list[dict[str, Any]]:
    """The rep's closed questions (the ones a buyer can answer with yes/no), else their longest turns."""
    listed = dig(call.signals, "discovery", "question_list")
    if isinstance(listed, list) and listed:
        from_signal = [_plain(q) for q in listed if _is_quote(q) and q.get("open") is False]
        # Show first the quotes whose closed question a reader can see at a glance.
        from_signal.sort(key=lambda q: not is_closed_question(q["text"]))
        return from_signal[:MAX_QUOTES] or _monologue(call)
    closed = [quote(u) for u in call.by_side("rep") if is_closed_question(u.text)]
    if closed:
        return closed[:MAX_QUOTES]
    return _monologue(call)


@register("monologue")
def _monologue(call: CallView) -> list[dict[str, Any]]:
    """The rep's longest turns, longest first."""
    reps = sorted(call.by_side("rep"), key=lambda u: u.duration, reverse=True)
    return [quote(u) for u in reps[:2]]


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
            reply = next((r for r in call.utterances[idx + 1 :] if r.side == "rep"), None)
            if reply is not None and "?" not in reply.text:
                out.append(quote(reply))
    return out[:MAX_QUOTES] or _closed_questions(call)


@register("closing")
def _closing(call: CallView) -> list[dict[str, Any]]:
    """How the call ended: the next-step signal's evidence, else the last two turns of the call."""
    from_signal = signal_quotes(call.signals, "next_step")
    if from_signal:
        return from_signal[:MAX_QUOTES]
    return [quote(u) for u in call.utterances[-2:]]


@register("objections")
def _objections(call: CallView) -> list[dict[str, Any]]:
    """Objections the rep answered without a question, each with the rep's reply."""
    out: list[dict[str, Any]] = []
    for o in unexplored_objections(call):
        u = utterance_at(call, float(o["start"]))
        if u is None:
            continue
        out.append(quote(u))
        idx = call.utterances.index(u)
        reply = next((r for r in call.utterances[idx + 1 :] if r.side == "rep"), None)
        if reply is not None:
            out.append(quote(reply))
    return out[: MAX_QUOTES + 1]


@register("sentiment")
def _sentiment(call: CallView) -> list[dict[str, Any]]:
    """The buyer quotes behind the sentiment reading, else the buyer's last turns."""
    from_signal = signal_quotes(call.signals, "sentiment")
    if from_signal:
        return from_signal[-MAX_QUOTES:]
    return [quote(u) for u in call.by_side("buyer")[-2:]]


@register("stakeholders")
def _stakeholders(call: CallView) -> list[dict[str, Any]]:
    from_signal = signal_quotes(call.signals, "multithreading")
    # A bare "Yes." proves someone spoke; a manager needs the turn that shows who is involved.
    substantive = [q for q in from_signal if len(q["text"].split()) >= SUBSTANTIVE_WORDS]
    if substantive or from_signal:
        return (substantive or from_signal)[:MAX_QUOTES]
    return [quote(u) for u in call.by_side("buyer")[:2]]
