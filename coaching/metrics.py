"""Named per-call coaching metrics read from a call's typed signals (CONTRACT section 2).

Each metric knows which direction is worse and how much call-to-call variation is normal
(`normal_sd`, the floor the drift charts use so that a rep whose first calls happen to be
very alike is not flagged for ordinary noise). A metric whose signal is missing reads as None:
coaching skips it instead of inventing a value.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from callcoach.analysis import Objection
from coaching.calls import CallView

Direction = Literal["higher_is_better", "lower_is_better"]


def as_number(value: Any) -> float | None:
    """The value as a float; None when the signal did not measure it."""
    if isinstance(value, bool | int | float):
        return float(value)
    return None


# Below this, a fraction of a unit matters when a value is read (2.2 vs 2 open questions).
_SMALL = 10


@dataclass(frozen=True, slots=True)
class Metric:
    name: str
    label: str  # how a rep or manager reads it
    direction: Direction
    # Ordinary call-to-call standard deviation for a steady rep; the drift chart's sigma floor.
    normal_sd: float
    read: Callable[[CallView], float | None]
    unit: str = ""

    def worse(self, a: float, b: float) -> bool:
        """True when value `a` is worse than value `b`."""
        return a < b if self.direction == "higher_is_better" else a > b

    def format(self, value: float) -> str:
        """The value as a rep reads it: talk share as a percentage, small fractions to 2 places."""
        if self.name == "talk_ratio":
            return f"{value:.0%}"
        return f"{value:.2f}" if abs(value) < 3 and value != int(value) else f"{value:.0f}"

    def format_pair(self, value: float, reference: float) -> tuple[str, str]:
        """Both values with their unit, at the least precision (up to 3 decimals) that tells them
        apart: "2.2 against 2.15", never "2.20 worse than 2.20"."""
        for digits in range(0, 4):
            a, b = self._shown(value, digits), self._shown(reference, digits)
            if a != b:
                return a, b
        return a, b

    def _shown(self, value: float, digits: int) -> str:
        # A whole number reads as one ("0 open questions"); a small mean keeps one decimal ("2.2"
        # questions, where "2" would hide a fifth of a question per call), a large one does not
        # ("86/100"). Halves round up, as people do (2.15 -> 2.2), not to the float below.
        scaled = 100 * value if self.name == "talk_ratio" else value
        if scaled != round(scaled) and abs(scaled) < _SMALL:
            digits = max(digits, 1)
        rounded = f"{scaled + (5e-9 if scaled >= 0 else -5e-9):.{digits}f}"
        if self.name == "talk_ratio":
            text = f"{rounded}%"
        else:
            text = rounded
            if self.unit.startswith("/"):
                text += self.unit
            elif self.unit:
                text += f" {self.unit}"
        return text

    def shortfall(self, value: float, reference: float) -> float:
        """How far `value` is on the worse side of `reference` (0 when not worse)."""
        gap = reference - value if self.direction == "higher_is_better" else value - reference
        return max(0.0, gap)


def _next_step_clarity(call: CallView) -> float | None:
    ns = call.signals.next_step
    if ns is None or ns.present is None:
        return None
    # 0..3: one point each for an agreed step, a named day/date, and an owner (CONTRACT 3).
    present = bool(ns.present)
    return float(present) + float(present and bool(ns.dated)) + float(present and bool(ns.owned))


def _objections(call: CallView) -> float | None:
    obj = call.signals.objections
    return float(len(obj)) if obj is not None else None


def _stakeholders(call: CallView) -> float | None:
    mt = call.signals.multithreading
    return float(len(mt.stakeholders)) if mt is not None else None


def unexplored_objections(call: CallView) -> list[Objection]:
    """Objections the rep answered without asking a single question back before the buyer spoke again.

    An objection explored with a question ("what's driving that timeline?") is handled as
    discovery; one answered only with a pitch is the habit the objection-handling prompt targets."""
    out = []
    for o in call.signals.objections or ():
        if not isinstance(o.start, int | float):
            continue
        rep_reply = _rep_reply_after(call, float(o.start))
        if rep_reply is None or "?" not in rep_reply:
            out.append(o)
    return out


def _rep_reply_after(call: CallView, start: float) -> str | None:
    """The rep's words after the utterance at `start`, up to the buyer's next turn."""
    utts = call.utterances
    idx = next((i for i, u in enumerate(utts) if u.start <= start + 0.01 <= u.end + 0.5), None)
    if idx is None:
        return None
    reply = []
    for u in utts[idx + 1 :]:
        if u.side == "rep":
            reply.append(u.text)
        elif reply:
            break
    return " ".join(reply) if reply else None


def _unexplored(call: CallView) -> float | None:
    if call.signals.objections is None or not call.utterances:
        return None
    return float(len(unexplored_objections(call)))


# The metric registry. normal_sd values are typical call-to-call spreads of one steady rep:
# discovery score on 0..100 moves ~8 points, open questions ~1.5, talk share ~5 points,
# next-step clarity half a point (one element missing now and then), sentiment drift ~0.2.
METRICS: dict[str, Metric] = {
    m.name: m
    for m in (
        Metric(
            "discovery_score",
            "discovery score",
            "higher_is_better",
            8.0,
            lambda c: as_number(c.signals.discovery and c.signals.discovery.score),
            "/100",
        ),
        Metric(
            "open_questions",
            "open questions",
            "higher_is_better",
            1.5,
            lambda c: as_number(c.signals.discovery and c.signals.discovery.open_questions),
        ),
        Metric(
            "questions",
            "questions asked",
            "higher_is_better",
            2.0,
            lambda c: as_number(c.signals.discovery and c.signals.discovery.questions),
        ),
        Metric(
            "quantified_pains",
            "quantified pains",
            "higher_is_better",
            1.0,
            lambda c: as_number(c.signals.discovery and c.signals.discovery.quantified_pains),
        ),
        Metric(
            "talk_ratio",
            "rep talk share",
            "lower_is_better",
            0.05,
            lambda c: as_number(c.signals.talk_ratio and c.signals.talk_ratio.rep),
        ),
        Metric(
            "longest_monologue_s",
            "longest monologue",
            "lower_is_better",
            20.0,
            lambda c: as_number(c.signals.longest_monologue_s),
            "s",
        ),
        Metric("next_step_clarity", "next-step clarity", "higher_is_better", 0.75, _next_step_clarity, "/3"),
        Metric(
            "buyer_sentiment",
            "buyer sentiment drift",
            "higher_is_better",
            0.2,
            lambda c: as_number(c.signals.sentiment and c.signals.sentiment.drift),
        ),
        Metric(
            "buyer_participants",
            "buyer participants",
            "higher_is_better",
            0.7,
            lambda c: as_number(c.signals.multithreading and c.signals.multithreading.buyer_participants),
        ),
        Metric("stakeholders", "stakeholders engaged", "higher_is_better", 1.0, _stakeholders),
        Metric("objections", "objections raised", "lower_is_better", 1.0, _objections),
        Metric(
            "unexplored_objections",
            "objections answered without a question",
            "lower_is_better",
            0.7,
            _unexplored,
        ),
    )
}


def metric(name: str) -> Metric:
    try:
        return METRICS[name]
    except KeyError:
        raise KeyError(f"unknown coaching metric {name!r}; known: {sorted(METRICS)}") from None


def read(name: str, call: CallView) -> float | None:
    return metric(name).read(call)
