"""The rep roster: who is on which team, under which manager, in which cohort.

A simple CSV (header: rep,team,manager,band,tenure_months,segment) or YAML (a list of mappings
with those keys, or ``{reps: [...]}``). Only `rep` is required. Outcome tracking breaks results
down by these cohorts; role-play and team percentiles use `team`.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from callcoach.errors import InputError

# Tenure cohorts in months: ramping (<6), first year, second year, veteran.
TENURE_BUCKETS: tuple[tuple[float, str], ...] = ((6, "0-6 months"), (12, "6-12 months"), (24, "12-24 months"))
VETERAN = "24+ months"


class MalformedRoster(InputError):
    """A roster file that does not parse or lacks a rep name."""


class RosterEntry(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    rep: str = Field(min_length=1)
    team: str | None = None
    manager: str | None = None
    band: str | None = None
    tenure_months: float | None = Field(None, ge=0)
    segment: str | None = None

    @field_validator("team", "manager", "band", "segment", "tenure_months", mode="before")
    @classmethod
    def _blank_is_none(cls, v: object) -> object:
        return None if isinstance(v, str) and not v.strip() else v

    @property
    def tenure_bucket(self) -> str | None:
        if self.tenure_months is None:
            return None
        for limit, name in TENURE_BUCKETS:
            if self.tenure_months < limit:
                return name
        return VETERAN


Roster = dict[str, RosterEntry]


def parse_roster(text: str, *, source: str = "<roster>", fmt: str = "csv") -> Roster:
    try:
        if fmt in {"yaml", "yml"}:
            data = yaml.safe_load(text) or []
            rows = data.get("reps", []) if isinstance(data, dict) else data
        else:
            rows = list(csv.DictReader(io.StringIO(text)))
    except (yaml.YAMLError, csv.Error) as exc:
        raise MalformedRoster(f"cannot parse the roster: {exc}", path=source) from exc
    if not isinstance(rows, list):
        raise MalformedRoster("expected a list of reps", path=source)
    out: Roster = {}
    for i, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise MalformedRoster(f"entry {i} is not a mapping", path=source)
        try:
            entry = RosterEntry.model_validate(
                {k.strip() if isinstance(k, str) else k: v for k, v in row.items()}
            )
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise MalformedRoster(f"entry {i}: {problems}", path=source) from exc
        out[entry.rep] = entry
    return out


def load_roster(path: Path | str) -> Roster:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise MalformedRoster(f"cannot read the roster: {exc.strerror}", path=p) from exc
    return parse_roster(text, source=str(p), fmt=p.suffix.lower().lstrip(".") or "csv")
