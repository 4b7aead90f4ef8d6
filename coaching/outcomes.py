"""Outcome tracking: did the behaviour a prompt targeted change over the rep's next calls?

For each issued prompt: the targeted metric on the prompt's call and the rep's calls just before
it (`before`), against the rep's next calls (`after`). The effect size is Hedges' g (Cohen's d
with the small-sample correction J = 1 - 3 / (4 (n1 + n2) - 9)), signed so that positive means
the behaviour improved whichever way the metric runs. |g| >= 0.5 (a "medium" effect in Cohen's
convention) counts as a change; fewer than `MIN_AFTER` later calls is "too early" to tell.
Results are aggregated per rep, per team and per cohort (band, tenure, segment from the roster).
"""

from __future__ import annotations

import math
import re
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from coaching.calls import CallView, in_time_order
from coaching.metrics import metric
from coaching.roster import Roster

# Calls compared on each side of a prompt: recent enough to be about the same habit.
WINDOW_BEFORE = 5
WINDOW_AFTER = 5
# Later calls needed before judging: one call is an anecdote.
MIN_AFTER = 2
# Hedges' g beyond which behaviour "changed" (Cohen's medium effect).
CHANGE_G = 0.5
# Cohen's conventional sizes of |g|, for the words a manager reads next to the number.
_EFFECT_WORDS = ((0.2, "negligible"), (0.5, "small"), (0.8, "medium"), (float("inf"), "large"))
# Every prompt lands in exactly one of these, so per-rep counts add up to the prompts issued.
STATUSES = ("improved", "worsened", "no clear change", "too early", "no data")
STATUS_KEYS = {s: s.replace(" ", "_") for s in STATUSES}


def effect_in_words(g: float | None) -> str:
    """'-0.34: a small worsening' -- Hedges' g is the change in the targeted behaviour measured in
    the rep's own call-to-call spread (0.5 = half a typical spread), signed so + is better."""
    if g is None:
        return "not measurable yet"
    size = next(word for limit, word in _EFFECT_WORDS if abs(g) < limit)
    if size == "negligible":
        return f"{g:+.2f}: no real change"
    return f"{g:+.2f}: a {size} {'improvement' if g > 0 else 'worsening'}"


def _group_order(name: str) -> tuple[float, str]:
    """Groups in numeric order where they start with a number ("6-12 months" before "12-24")."""
    m = re.match(r"\s*(\d+(?:\.\d+)?)", name)
    return (float(m.group(1)) if m else math.inf, name)


@dataclass(frozen=True, slots=True)
class IssuedPrompt:
    call_id: str
    rep: str | None
    rule_id: str
    signal: str
    metric: str


@dataclass(frozen=True, slots=True)
class Outcome:
    call_id: str
    rep: str
    rule_id: str
    signal: str
    metric: str
    n_before: int
    n_after: int
    mean_before: float | None
    mean_after: float | None
    effect_size_g: float | None
    status: str  # one of STATUSES
    after_call_ids: tuple[str, ...] = ()  # the later calls compared (distinct calls, for counting)


def hedges_g(before: Sequence[float], after: Sequence[float]) -> float | None:
    """Hedges' g of after versus before (after - before), or None when it is undefined."""
    n1, n2 = len(before), len(after)
    if n1 < 2 or n2 < 2:
        return None
    v1, v2 = statistics.variance(before), statistics.variance(after)
    pooled = math.sqrt(((n1 - 1) * v1 + (n2 - 1) * v2) / (n1 + n2 - 2))
    diff = statistics.fmean(after) - statistics.fmean(before)
    if pooled == 0:
        return None if diff == 0 else math.copysign(float("inf"), diff)
    j = 1 - 3 / (4 * (n1 + n2) - 9)
    return diff / pooled * j


def outcome_of(prompt: IssuedPrompt, rep_calls: Sequence[CallView]) -> Outcome | None:
    """The outcome of one prompt, given the rep's calls oldest first (None if its call is unknown)."""
    idx = next((i for i, c in enumerate(rep_calls) if c.call_id == prompt.call_id), None)
    if idx is None:
        return None
    m = metric(prompt.metric)
    before = [v for c in rep_calls[max(0, idx - WINDOW_BEFORE + 1) : idx + 1] if (v := m.read(c)) is not None]
    later = [
        (c.call_id, v) for c in rep_calls[idx + 1 : idx + 1 + WINDOW_AFTER] if (v := m.read(c)) is not None
    ]
    after = [v for _, v in later]
    sign = 1.0 if m.direction == "higher_is_better" else -1.0
    g = hedges_g(before, after)
    g = None if g is None else sign * g
    if not before:
        status = "no data"
    elif len(after) < MIN_AFTER:
        status = "too early"
    elif g is None:
        status = "no clear change"
    else:
        status = "improved" if g >= CHANGE_G else "worsened" if g <= -CHANGE_G else "no clear change"
    return Outcome(
        call_id=prompt.call_id,
        rep=prompt.rep or "",
        rule_id=prompt.rule_id,
        signal=prompt.signal,
        metric=prompt.metric,
        n_before=len(before),
        n_after=len(after),
        mean_before=statistics.fmean(before) if before else None,
        mean_after=statistics.fmean(after) if after else None,
        effect_size_g=None if g is None or math.isinf(g) else round(g, 3),
        status=status,
        after_call_ids=tuple(cid for cid, _ in later),
    )


def _summary(rows: Iterable[Outcome]) -> dict[str, Any]:
    rows = list(rows)
    judged = [r for r in rows if r.status in {"improved", "worsened", "no clear change"}]
    gs = [r.effect_size_g for r in judged if r.effect_size_g is not None]
    mean_g = round(statistics.fmean(gs), 3) if gs else None
    return {
        "prompts": len(rows),
        "judged": len(judged),
        **{key: sum(r.status == status for r in rows) for status, key in STATUS_KEYS.items()},
        "mean_effect_size_g": mean_g,
        "mean_effect": effect_in_words(mean_g),
        # Distinct later calls: windows of prompts on neighbouring calls overlap.
        "calls_after": len({cid for r in judged for cid in r.after_call_ids}),
    }


def track_outcomes(
    prompts: Sequence[IssuedPrompt], calls: Sequence[CallView], roster: Roster | None = None
) -> dict[str, Any]:
    """Per-prompt outcomes plus summaries per rep, team and cohort, each split by targeted metric."""
    roster = roster or {}
    by_rep: dict[str, list[CallView]] = defaultdict(list)
    for c in in_time_order(calls):
        if c.rep:
            by_rep[c.rep].append(c)
    outcomes = [o for p in prompts if p.rep and (o := outcome_of(p, by_rep.get(p.rep, []))) is not None]

    def grouped(key: Any) -> dict[str, dict[str, Any]]:
        groups: dict[str, dict[str, list[Outcome]]] = defaultdict(lambda: defaultdict(list))
        for o in outcomes:
            k = key(o)
            if k is None:
                continue
            groups[k][o.metric].append(o)
        return {
            k: {
                "all": _summary(o for ms in by_m.values() for o in ms),
                **{m: _summary(os) for m, os in sorted(by_m.items())},
            }
            for k, by_m in sorted(groups.items(), key=lambda kv: _group_order(kv[0]))
        }

    def attr(name: str) -> Any:
        return lambda o: getattr(roster[o.rep], name) if o.rep in roster else None

    return {
        "method": (
            f"Hedges' g of the targeted metric over the rep's next {WINDOW_AFTER} calls versus the "
            f"prompt's call and up to {WINDOW_BEFORE - 1} before it; positive = improved; "
            f"|g| >= {CHANGE_G} counts as a change; fewer than {MIN_AFTER} later calls is too early"
        ),
        "effect_size": (
            "Hedges' g: how far the behaviour moved after the prompt, in units of the rep's own "
            "call-to-call spread (0.5 = half a typical spread); + is better, - is worse"
        ),
        "prompts": [asdict(o) for o in outcomes],
        "per_rep": grouped(lambda o: o.rep),
        "per_team": grouped(lambda o: roster[o.rep].team if o.rep in roster and roster[o.rep].team else None),
        "cohorts": {
            "band": grouped(attr("band")),
            "tenure": grouped(attr("tenure_bucket")),
            "segment": grouped(attr("segment")),
        },
        "overall": _summary(outcomes),
    }
