"""Manager alerts over call histories: rep drift (EWMA charts) and deal risks.

Alert rules are registered by name: rep rules see one rep's calls, deal rules one deal's
calls, both oldest first. A rule returns the alerts *active at the latest call*; the service
keeps one open alert per subject and kind (`Alert.dedup_key`) and resolves it when the rule no
longer returns it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from coaching.calls import CallView
from coaching.conditions import meeting
from coaching.drift import DriftParams, Excursion, ewma_chart
from coaching.evidence import SELECTORS
from coaching.metrics import metric
from coaching.playbook import Playbook
from coaching.types import Alert, CallRef, Severity

AlertRule = Callable[[Sequence[CallView], Playbook], list[Alert]]
REP_RULES: dict[str, AlertRule] = {}
DEAL_RULES: dict[str, AlertRule] = {}

# Where a drift alert's quotes come from, per metric (the behaviour that drifted).
_DRIFT_EVIDENCE = {
    "discovery_score": "closed_questions",
    "open_questions": "closed_questions",
    "talk_ratio": "monologue",
    "next_step_clarity": "closing",
    "buyer_sentiment": "sentiment",
}
DRIFT_KIND = {
    "discovery_score": "discovery_drift",
    "open_questions": "open_questions_drift",
    "talk_ratio": "talk_ratio_drift",
    "next_step_clarity": "next_step_drift",
    "buyer_sentiment": "sentiment_drift",
}
# Severity of a drift: how far the EWMA sits past the baseline, in the rep's own standard deviations.
_HIGH_DRIFT_SD = 2.0
# Quotes per call in an alert's evidence, and calls quoted: a manager skims them.
_QUOTES_PER_CALL = 1
_CALLS_QUOTED = 3


def rep_rule(name: str) -> Callable[[AlertRule], AlertRule]:
    def deco(fn: AlertRule) -> AlertRule:
        REP_RULES[name] = fn
        return fn

    return deco


def deal_rule(name: str) -> Callable[[AlertRule], AlertRule]:
    def deco(fn: AlertRule) -> AlertRule:
        DEAL_RULES[name] = fn
        return fn

    return deco


def _ref(c: CallView, value: float | None = None) -> CallRef:
    return CallRef(
        call_id=c.call_id,
        started_at=c.started_at.isoformat() if c.started_at else None,
        value=None if value is None else round(value, 3),
    )


def _quotes(calls: Sequence[CallView], selector: str) -> list[dict[str, Any]]:
    """Quotes from the latest calls of the window, each meeting its kind's condition on its own
    call and naming that call (id, date, title): an alert shown with one call's report quotes
    other calls too, and a reader must see which."""
    out = []
    for c in list(calls)[-_CALLS_QUOTED:]:
        for q in meeting(selector, c, SELECTORS[selector](c))[:_QUOTES_PER_CALL]:
            out.append(
                {
                    **q,
                    "call_id": c.call_id,
                    "call_date": c.started_at.date().isoformat() if c.started_at else None,
                    "call_title": c.title,
                }
            )
    return out


def drift_alerts(
    calls: Sequence[CallView], playbook: Playbook, *, active_only: bool = True
) -> list[tuple[Alert, Excursion]]:
    """EWMA drift alerts for one rep (calls oldest first), with the chart excursion behind each."""
    d = playbook.drift
    params = DriftParams(baseline_calls=d.baseline_calls, lam=d.lam, width=d.width)
    rep = next((c.rep for c in calls if c.rep), None) or "unknown rep"
    out: list[tuple[Alert, Excursion]] = []
    for name in d.metrics:
        m = metric(name)
        values = [m.read(c) for c in calls]
        chart = ewma_chart(m, values, params)
        if chart is None:
            continue
        for exc in chart.excursions:
            if active_only and not exc.still_out:
                continue
            window = list(calls[exc.window_start : exc.alarm_index + 1])
            refs = tuple(_ref(c, values[exc.window_start + i]) for i, c in enumerate(window))
            shift = m.shortfall(exc.ewma_at_alarm, exc.baseline_mean) / exc.baseline_sd
            severity: Severity = "high" if shift >= _HIGH_DRIFT_SD else "medium"
            recent = ", ".join(
                m.format(v) for v in (values[exc.window_start : exc.alarm_index + 1]) if v is not None
            )
            message = (
                f"{rep}: {m.label} has drifted from their baseline of {m.format(exc.baseline_mean)} "
                f"over {len(window)} call(s) ({recent}); the trend crossed the control limit "
                f"on {window[-1].call_id}."
            )
            alert = Alert(
                kind=DRIFT_KIND.get(name, f"{name}_drift"),
                severity=severity,
                subject_type="rep",
                subject=rep,
                message=message,
                window=refs,
                evidence=tuple(_quotes(window, _DRIFT_EVIDENCE.get(name, "monologue"))),
                details={
                    "evidence_kind": _DRIFT_EVIDENCE.get(name, "monologue"),
                    "metric": name,
                    "baseline_mean": round(exc.baseline_mean, 3),
                    "baseline_sd": round(exc.baseline_sd, 3),
                    "ewma": round(exc.ewma_at_alarm, 3),
                    "limit": round(exc.limit_at_alarm, 3),
                    "window_start_index": exc.window_start,
                    "alarm_index": exc.alarm_index,
                    "lambda": d.lam,
                    "width": d.width,
                    "baseline_calls": d.baseline_calls,
                    "active": exc.still_out,
                },
            )
            out.append((alert, exc))
    return out


@rep_rule("drift")
def _drift(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    return [a for a, _ in drift_alerts(calls, playbook)]


def _deal_name(calls: Sequence[CallView]) -> str:
    return next((c.deal_id for c in calls if c.deal_id), None) or "unknown deal"


@deal_rule("sentiment_souring")
def _sentiment_souring(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    n = playbook.deals.sentiment_calls
    last = list(calls)[-n:]
    if len(last) < n:
        return []
    m = metric("buyer_sentiment")
    values = [m.read(c) for c in last]
    directions = [c.signals.sentiment.direction if c.signals.sentiment else None for c in last]
    known = [v for v in values if v is not None]
    falling = (
        len(known) == len(values)
        and all(b < a for a, b in zip(known, known[1:], strict=False))
        and (known[0] - known[-1]) >= playbook.deals.sentiment_min_drop
    )
    all_negative = all(d == "negative" for d in directions)
    if not (falling or all_negative):
        return []
    deal = _deal_name(last)
    shown = ", ".join(f"{v:+.2f}" for v in values if v is not None)
    severity: Severity = "high" if all_negative or directions[-1] == "negative" else "medium"
    message = (
        f"Deal {deal}: buyer sentiment has soured across the last {n} calls "
        f"({shown}; directions {', '.join(str(d) for d in directions)})."
    )
    return [
        Alert(
            kind="deal_sentiment_souring",
            severity=severity,
            subject_type="deal",
            subject=deal,
            message=message,
            window=tuple(_ref(c, v) for c, v in zip(last, values, strict=False)),
            evidence=tuple(_quotes(last, "sentiment")),
            details={"values": values, "directions": directions, "evidence_kind": "sentiment"},
        )
    ]


@deal_rule("single_threaded")
def _single_threaded(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    n = playbook.deals.single_threaded_calls
    if len(calls) < n:
        return []
    voices = [mt.buyer_participants if (mt := c.signals.multithreading) else None for c in calls]
    known = [v for v in voices if isinstance(v, int | float)]
    if len(known) < len(voices) or max(known) > 1:
        return []
    named: set[str] = set()
    for c in calls:
        for s in c.signals.multithreading.stakeholders if c.signals.multithreading else ():
            named.add(str(s.name or s.title or "").lower())
    named.discard("")
    if len(named) > 1:
        return []
    deal = _deal_name(calls)
    buyer = next((u.speaker for c in calls for u in c.by_side("buyer")), None)
    who = f" ({buyer})" if buyer else ""
    message = (
        f"Deal {deal}: {len(calls)} calls and still one buyer-side contact{who}; nobody else in the "
        f"account has been on a call or named."
    )
    return [
        Alert(
            kind="deal_single_threaded",
            severity="high" if len(calls) >= n + 2 else "medium",
            subject_type="deal",
            subject=deal,
            message=message,
            window=tuple(_ref(c) for c in calls),
            evidence=tuple(_quotes(calls, "stakeholders")),
            details={"calls": len(calls), "buyer_participants": voices, "evidence_kind": "stakeholders"},
        )
    ]


@deal_rule("no_dated_next_step")
def _no_dated_next_step(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    n = playbook.deals.undated_next_step_calls
    run: list[CallView] = []
    for c in reversed(calls):
        ns = c.signals.next_step
        if ns is None or ns.dated is None:
            break  # unknown is not evidence of a missing next step
        if ns.present and ns.dated:
            break
        run.append(c)
    run.reverse()
    if len(run) < n:
        return []
    deal = _deal_name(run)
    message = (
        f"Deal {deal}: no dated next step in the last {len(run)} consecutive calls; the deal has no "
        f"agreed date to move forward."
    )
    return [
        Alert(
            kind="deal_no_dated_next_step",
            severity="high" if len(run) >= n + 1 else "medium",
            subject_type="deal",
            subject=deal,
            message=message,
            window=tuple(_ref(c) for c in run),
            evidence=tuple(_quotes(run, "closing")),
            details={"consecutive_calls": len(run), "evidence_kind": "closing"},
        )
    ]


def rep_alerts(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    """Active alerts about one rep, from every registered rep rule."""
    return [a for _, rule in sorted(REP_RULES.items()) for a in rule(calls, playbook)]


def deal_alerts(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    """Active alerts about one deal, from every registered deal rule."""
    return [a for _, rule in sorted(DEAL_RULES.items()) for a in rule(calls, playbook)]
