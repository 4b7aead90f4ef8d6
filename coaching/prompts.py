"""Practice prompts for a rep: the playbook's rules evaluated on one call.

A rule fires when the call's metric is worse than an absolute threshold, than the rep's own
recent baseline, or than the team's distribution (see `coaching.playbook.Condition`). Fired
rules become prompts with quotes from this call and a next-call line built from its content;
the quotes meet the rule's evidence condition (`coaching.conditions`), and a rule with no such
quote to show is dropped (a prompt without evidence is the
generic advice this product replaces). At most `playbook.max_prompts`, highest priority first.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from coaching.calls import CallView
from coaching.conditions import condition
from coaching.evidence import select
from coaching.lines import WRITERS
from coaching.metrics import Metric, metric
from coaching.playbook import Playbook, Rule
from coaching.types import CoachingPrompt, clock


@dataclass(frozen=True, slots=True)
class RuleVerdict:
    fired: bool
    value: float | None
    baseline: float | None
    team_cut: float | None
    reasons: tuple[str, ...]
    # How far past its thresholds the call is, in the metric's normal spreads (ranks equal priorities).
    severity: float


def team_cut(m: Metric, team_values: Sequence[float], percentile: float) -> float:
    """The value that separates the team's worst `percentile` percent of calls on `m`."""
    q = percentile if m.direction == "higher_is_better" else 100 - percentile
    return float(np.percentile(np.asarray(team_values, dtype=float), q))


def evaluate(
    rule: Rule,
    call: CallView,
    *,
    own_history: Sequence[CallView],
    team: Sequence[CallView],
    playbook: Playbook,
    team_values: Mapping[str, Sequence[float]] | None = None,
) -> RuleVerdict:
    """Whether `rule` fires on `call`, against the rep's earlier calls and the team's calls.

    `team_values` (metric name -> the team's values), when given, is the team's distribution in
    place of reading `team`: the service reads it from stored per-call metrics."""
    m = metric(rule.metric)
    value = m.read(call)
    if value is None:
        return RuleVerdict(False, None, None, None, (), 0.0)
    checks: list[bool] = []
    reasons: list[str] = []
    severity = 0.0
    cond = rule.when

    if cond.worse_than is not None:
        hit = m.worse(value, cond.worse_than)
        checks.append(hit)
        if hit:
            reasons.append(absolute_reason(m, value, cond.worse_than))
            severity = max(severity, m.shortfall(value, cond.worse_than) / m.normal_sd)

    baseline = None
    own = [v for c in own_history[-playbook.baseline.calls :] if (v := m.read(c)) is not None]
    if cond.vs_baseline is not None and len(own) >= playbook.baseline.min_calls:
        baseline = statistics.fmean(own)
        gap = m.shortfall(value, baseline)
        hit = gap >= cond.vs_baseline
        checks.append(hit)
        if hit and (reason := baseline_reason(m, value, baseline, len(own))):
            reasons.append(reason)
        if hit:
            severity = max(severity, gap / m.normal_sd)

    cut = None
    if team_values is not None:
        values = list(team_values.get(m.name, ()))
    else:
        values = [v for c in team if (v := m.read(c)) is not None]
    if cond.team_percentile is not None and len(values) >= playbook.team.min_calls:
        cut = team_cut(m, values, cond.team_percentile)
        hit = m.worse(value, cut)
        checks.append(hit)
        if hit:
            shown, cut_shown = m.format_pair(value, cut)
            reasons.append(
                f"{m.label} on this call: {shown}, in the team's weakest "
                f"{cond.team_percentile:.0f}% of {len(values)} calls (cut-off {cut_shown})"
            )
            severity = max(severity, m.shortfall(value, cut) / m.normal_sd)

    fired = bool(checks) and (all(checks) if cond.match == "all" else any(checks))
    return RuleVerdict(
        fired, value, baseline, cut, tuple(reasons) if fired else (), severity if fired else 0.0
    )


def absolute_reason(m: Metric, value: float, line: float) -> str:
    """'stakeholders engaged on this call: 1; the playbook asks for at least 2', in the metric's unit."""
    shown, line_shown = m.format_pair(value, line)
    bound = "at least" if m.direction == "higher_is_better" else "at most"
    # worse_than is strict: "worse than 2" on a count means the playbook wants 2 or more.
    return f"{m.label} on this call: {shown}; the playbook asks for {bound} {line_shown}"


def baseline_reason(m: Metric, value: float, baseline: float, calls: int) -> str | None:
    """'open questions on this call: 0, against your own average of 2.2 over your last 5 calls', or
    None when the two read the same at any sensible precision (nothing worth saying)."""
    shown, base_shown = m.format_pair(value, baseline)
    if shown == base_shown:
        return None
    return (
        f"{m.label} on this call: {shown}, against your own average of {base_shown} "
        f"over your last {calls} calls"
    )


def _render(template: str, fields: dict[str, Any]) -> str:
    return template.format_map(fields).strip()


def build_prompt(rule: Rule, verdict: RuleVerdict, call: CallView) -> CoachingPrompt | None:
    evidence = select(rule.evidence, call)
    if not evidence or verdict.value is None:
        return None
    m = metric(rule.metric)
    first = evidence[0]
    fields: dict[str, Any] = {
        "value": verdict.value,
        "label": m.label,
        "unit": m.unit,
        "quote": first["text"],
        "speaker": first.get("speaker") or "",
        "time": clock(float(first["start"])),
        "baseline": verdict.baseline if verdict.baseline is not None else float("nan"),
        "team_cut": verdict.team_cut if verdict.team_cut is not None else float("nan"),
    }
    message = _render(rule.message, fields)
    if verdict.reasons:
        message += " Why this prompt: " + "; ".join(verdict.reasons) + "."
    return CoachingPrompt(
        rule_id=rule.id,
        signal=rule.signal,
        metric=rule.metric,
        behavior=rule.behavior,
        message=message,
        practice=_render(rule.practice, fields),
        evidence=tuple(evidence),
        priority=rule.priority,
        next_call_line=WRITERS[rule.next_call](call),
        value=verdict.value,
        reasons=verdict.reasons,
        evidence_kind=rule.evidence,
        evidence_condition=condition(rule.evidence).states,
    )


def practice_prompts(
    call: CallView,
    *,
    own_history: Sequence[CallView],
    team: Sequence[CallView],
    playbook: Playbook,
    team_values: Mapping[str, Sequence[float]] | None = None,
) -> list[CoachingPrompt]:
    """At most `playbook.max_prompts` prompts for `call`, highest priority (then severity) first.

    Two rules on the same metric yield one prompt (the higher priority one)."""
    fired: list[tuple[int, float, Rule, RuleVerdict]] = []
    for rule in playbook.rules:
        v = evaluate(
            rule, call, own_history=own_history, team=team, playbook=playbook, team_values=team_values
        )
        if v.fired:
            fired.append((rule.priority, v.severity, rule, v))
    fired.sort(key=lambda f: (f[0], f[1]), reverse=True)
    out: list[CoachingPrompt] = []
    seen_metrics: set[str] = set()
    for _, _, rule, v in fired:
        if rule.metric in seen_metrics:
            continue
        prompt = build_prompt(rule, v, call)
        if prompt is None:
            continue
        quoted = {(round(float(e["start"]), 1), e["text"]) for e in prompt.evidence}
        if any(quoted == {(round(float(e["start"]), 1), e["text"]) for e in p.evidence} for p in out):
            continue  # the same quotes under a second heading read as a repeat, not a new point
        out.append(prompt)
        seen_metrics.add(rule.metric)
        if len(out) == playbook.max_prompts:
            break
    return out
