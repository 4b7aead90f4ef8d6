"""The coaching playbook: rules that map signal conditions to coaching, read from YAML.

A shipped default lives beside this module (`playbook.yaml`); a team overrides it with
`settings.playbook_path`. The file is validated with pydantic: a malformed playbook raises
`MalformedPlaybook` naming the file and the offending field, never a half-applied rule set.
"""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from callcoach.errors import InputError
from coaching.drift import DEFAULT_BASELINE_CALLS, DEFAULT_L, DEFAULT_LAMBDA
from coaching.metrics import METRICS

DEFAULT_PLAYBOOK = Path(__file__).with_name("playbook.yaml")

# Fields a message or practice template may use (filled per call by coaching.prompts).
TEMPLATE_FIELDS = frozenset({"value", "label", "unit", "quote", "speaker", "time", "baseline", "team_cut"})


class MalformedPlaybook(InputError):
    """A playbook YAML that does not parse or breaks the schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Condition(_Strict):
    """When a rule fires. Every threshold is on the metric's worse side (see coaching.metrics).

    Conditions whose data is missing (no history yet, too few team calls) are skipped; a rule
    with no evaluable condition does not fire."""

    worse_than: float | None = Field(None, description="Absolute: value strictly worse than this.")
    vs_baseline: float | None = Field(
        None,
        gt=0,
        description=(
            "Relative to the rep's own baseline: worse than their recent mean by at least this much."
        ),
    )
    team_percentile: float | None = Field(
        None,
        gt=0,
        lt=100,
        description=("Relative to the team: among the worst P percent of the team's calls on this metric."),
    )
    match: Literal["any", "all"] = "any"

    @model_validator(mode="after")
    def _something(self) -> Condition:
        if self.worse_than is None and self.vs_baseline is None and self.team_percentile is None:
            raise ValueError("a condition needs at least one of worse_than, vs_baseline, team_percentile")
        return self


class Rule(_Strict):
    id: str = Field(min_length=1)
    signal: str = Field(min_length=1, description="The CONTRACT signal the prompt targets.")
    metric: str
    behavior: str = Field(min_length=3, description="The behaviour, named for the rep.")
    when: Condition
    priority: int = Field(ge=0, le=100, description="Higher is coached first.")
    evidence: str = Field(description="Evidence selector name (coaching.evidence).")
    next_call: str = Field(description="Next-call line writer name (coaching.lines).")
    message: str = Field(min_length=10)
    practice: str = Field(min_length=10)

    @field_validator("metric")
    @classmethod
    def _known_metric(cls, v: str) -> str:
        if v not in METRICS:
            raise ValueError(f"unknown metric {v!r}; known: {', '.join(sorted(METRICS))}")
        return v

    @field_validator("message", "practice")
    @classmethod
    def _template(cls, v: str) -> str:
        try:
            names = {f for _, f, _, _ in string.Formatter().parse(v) if f}
        except ValueError as exc:
            raise ValueError(f"bad template {v!r}: {exc}") from exc
        unknown = {n.split(".")[0].split("[")[0] for n in names} - TEMPLATE_FIELDS
        if unknown:
            raise ValueError(
                f"template uses unknown fields {sorted(unknown)}; allowed: {sorted(TEMPLATE_FIELDS)}"
            )
        return v


class DriftSection(_Strict):
    baseline_calls: int = Field(default=DEFAULT_BASELINE_CALLS, ge=3, le=50)
    lam: float = Field(default=DEFAULT_LAMBDA, gt=0, le=1, alias="lambda")
    width: float = Field(default=DEFAULT_L, gt=0, le=6)
    metrics: tuple[str, ...] = (
        "discovery_score",
        "open_questions",
        "talk_ratio",
        "next_step_clarity",
        "buyer_sentiment",
    )

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("metrics")
    @classmethod
    def _known(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [m for m in v if m not in METRICS]
        if bad:
            raise ValueError(f"unknown metrics {bad}; known: {', '.join(sorted(METRICS))}")
        return v


class DealSection(_Strict):
    # Sentiment souring: over the deal's last `sentiment_calls` calls, buyer sentiment falls call
    # after call by at least `sentiment_min_drop` in total (drift is on -2..2), or every one of
    # them reads "negative".
    sentiment_calls: int = Field(default=3, ge=2)
    sentiment_min_drop: float = Field(default=0.3, gt=0)
    # Single-threaded: this many calls and still one buyer voice and at most one named stakeholder.
    single_threaded_calls: int = Field(default=3, ge=2)
    # No dated next step in this many consecutive calls (the latest ones).
    undated_next_step_calls: int = Field(default=3, ge=2)


class BaselineSection(_Strict):
    # The rep's own baseline for prompts: the mean of their last `calls` earlier calls, once
    # they have `min_calls` (fewer is one bad day, not a baseline).
    calls: int = Field(default=5, ge=1)
    min_calls: int = Field(default=3, ge=1)


class TeamSection(_Strict):
    # Team percentiles need enough calls to mean anything; below this they are not used.
    min_calls: int = Field(default=10, ge=3)


class Playbook(_Strict):
    version: Literal[1] = 1
    max_prompts: int = Field(default=3, ge=1, le=3, description="At most three prompts per call (issue #4).")
    baseline: BaselineSection = Field(default_factory=BaselineSection)
    team: TeamSection = Field(default_factory=TeamSection)
    drift: DriftSection = Field(default_factory=DriftSection)
    deals: DealSection = Field(default_factory=DealSection)
    rules: tuple[Rule, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_and_known(self) -> Playbook:
        from coaching.evidence import SELECTORS
        from coaching.lines import WRITERS

        seen: set[str] = set()
        for r in self.rules:
            if r.id in seen:
                raise ValueError(f"rule id {r.id!r} appears twice")
            seen.add(r.id)
            if r.evidence not in SELECTORS:
                raise ValueError(
                    f"rule {r.id!r}: unknown evidence selector {r.evidence!r}; "
                    f"known: {', '.join(sorted(SELECTORS))}"
                )
            if r.next_call not in WRITERS:
                raise ValueError(
                    f"rule {r.id!r}: unknown next_call writer {r.next_call!r}; "
                    f"known: {', '.join(sorted(WRITERS))}"
                )
        return self


def parse_playbook(text: str, *, source: str = "<playbook>") -> Playbook:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise MalformedPlaybook(f"not valid YAML: {exc}", path=source) from exc
    if not isinstance(data, dict):
        raise MalformedPlaybook("expected a mapping with a 'rules' list at the top", path=source)
    try:
        return Playbook.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or '(top)'}: {e['msg']}" for e in exc.errors()
        )
        raise MalformedPlaybook(problems, path=source) from exc


@lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Playbook:
    return parse_playbook(Path(path).read_text(encoding="utf-8"), source=path)


def load_playbook(path: Path | str | None = None) -> Playbook:
    """The playbook at `path` (default: the shipped one), parsed once per file version."""
    p = Path(path) if path else DEFAULT_PLAYBOOK
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise MalformedPlaybook(f"cannot read the playbook: {exc.strerror}", path=p) from exc
    return _load(str(p), mtime)
