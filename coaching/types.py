"""Coaching's domain types: a practice prompt for a rep, and an alert for a manager."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Severity = Literal["low", "medium", "high"]
SubjectType = Literal["rep", "deal"]


def clock(seconds: float) -> str:
    """A call timestamp as m:ss, the way quotes are cited to reps and managers."""
    m, s = divmod(int(round(float(seconds))), 60)
    return f"{m}:{s:02d}"


@dataclass(frozen=True, slots=True)
class CoachingPrompt:
    """One practice prompt for a rep about one behaviour seen on one call."""

    rule_id: str
    signal: str  # the CONTRACT signal it targets (discovery, talk_ratio, next_step, ...)
    metric: str  # the coaching metric followed for outcome tracking (coaching.metrics)
    behavior: str
    message: str
    practice: str
    evidence: tuple[dict[str, Any], ...]
    priority: int
    next_call_line: str | None
    value: float | None
    reasons: tuple[str, ...] = ()  # which thresholds fired, in words
    evidence_kind: str = ""  # the playbook's evidence selector (coaching.conditions names its condition)
    evidence_condition: str = ""  # what every quote shows, in words

    def to_contract(self) -> dict[str, Any]:
        return {
            "signal": self.signal,
            "message": self.message,
            "practice": self.practice,
            "evidence": list(self.evidence),
            "priority": self.priority,
            "next_call_line": self.next_call_line,
            "behavior": self.behavior,
            "metric": self.metric,
            "value": self.value,
            "rule": self.rule_id,
            "reasons": list(self.reasons),
            "evidence_kind": self.evidence_kind,
            "evidence_condition": self.evidence_condition,
        }


@dataclass(frozen=True, slots=True)
class CallRef:
    """A call inside an alert's window."""

    call_id: str
    started_at: str | None
    value: float | None = None


@dataclass(frozen=True, slots=True)
class Alert:
    """A manager alert about a rep or a deal, over a window of calls.

    `kind` + `subject` is the deduplication key: one open alert per subject and kind."""

    kind: str
    severity: Severity
    subject_type: SubjectType
    subject: str
    message: str
    window: tuple[CallRef, ...]
    evidence: tuple[dict[str, Any], ...]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def dedup_key(self) -> str:
        return f"{self.subject_type}:{self.subject}:{self.kind}"

    def to_contract(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "severity": self.severity,
            "message": self.message,
            "evidence": list(self.evidence),
            "subject_type": self.subject_type,
            "subject": self.subject,
            self.subject_type: self.subject,
            "window": [
                {"call_id": c.call_id, "started_at": c.started_at, "value": c.value} for c in self.window
            ],
            "details": self.details,
        }
