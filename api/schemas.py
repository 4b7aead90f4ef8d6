"""Pydantic schemas of the HTTP API (the ``*Public`` family answers, ``*Create`` requests).

The call analysis keeps the CONTRACT section 2 shape, so it is passed through as an object.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

JobStatusName = Literal["queued", "transcribing", "analyzing", "coaching", "done", "failed"]

_ANALYSIS_EXAMPLE: dict[str, Any] = {
    "call_id": "acme-disco-01",
    "duration_s": 1712.4,
    "speakers": [{"name": "Dana Reyes", "side": "rep", "talk_time_s": 702.1}],
    "transcript": [
        {
            "speaker": "Dana Reyes",
            "side": "rep",
            "start": 0.0,
            "end": 4.1,
            "text": "Thanks for making time, Priya.",
        }
    ],
    "signals": {
        "talk_ratio": {"rep": 0.41},
        "discovery": {"questions": 14, "open_questions": 9, "quantified_pains": 2, "score": 72.5},
    },
    "coaching": {"prompts": [], "alerts": []},
}


class ErrorPublic(BaseModel):
    """Every 4xx/5xx answer: what went wrong, in one line a user can act on."""

    detail: str = Field(examples=["call 'acme-01' not found"])


class CallSubmittedPublic(BaseModel):
    id: str = Field(
        description="The call id: meta.call_id when given, else generated.",
        examples=["call-3f2a9c1d0b7e4a55"],
    )
    status: JobStatusName = Field(examples=["queued"])


class CallPublic(BaseModel):
    """Where a call stands, and its analysis once done (CONTRACT section 2)."""

    id: str = Field(examples=["acme-disco-01"])
    status: JobStatusName = Field(examples=["done"])
    error: str | None = Field(None, description="Why the call failed (status 'failed').", examples=[None])
    rep: str | None = Field(None, examples=["Dana Reyes"])
    team: str | None = Field(None, examples=["east"])
    created_at: datetime
    updated_at: datetime
    redacted: bool = Field(
        False,
        description="True when the transcript and quotes were removed "
        "(enablement reading another team's call).",
    )
    analysis: dict[str, Any] | None = Field(
        None, description="The CONTRACT analysis; null until done.", examples=[_ANALYSIS_EXAMPLE]
    )


class CallSummaryPublic(BaseModel):
    id: str
    status: JobStatusName
    title: str | None = None
    rep: str | None = None
    team: str | None = None
    deal_id: str | None = None
    started_at: datetime | None = None
    duration_s: float | None = None


class CallListPublic(BaseModel):
    items: list[CallSummaryPublic]
    total: int = Field(description="Calls matching the filters (all pages).", examples=[42])
    limit: int = Field(examples=[50])
    offset: int = Field(examples=[0])


class AlertPublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    kind: str = Field(examples=["discovery_drift"])
    severity: str = Field(examples=["warning"])
    subject_type: str = Field(examples=["rep"])
    subject: str = Field(examples=["Dana Reyes"])
    status: str = Field(examples=["open"])
    message: str
    evidence: list[dict[str, Any]] = Field(default_factory=list)


class AlertListPublic(BaseModel):
    items: list[AlertPublic]
    limit: int | None = Field(None, description="Page size asked for.", examples=[100])
    offset: int = Field(0, description="Alerts skipped (newest first).", examples=[0])


class RepCoachingPublic(BaseModel):
    """A rep's coaching plan: the coaching service's plan object, passed through."""

    model_config = ConfigDict(extra="allow")

    rep: str = Field(examples=["Dana Reyes"])


class RoleplayListPublic(BaseModel):
    items: list[dict[str, Any]] = Field(description="Role-play scenarios built from real objections.")
    total: int | None = Field(None, description="Scenarios the key may read, all pages.", examples=[30])
    limit: int | None = Field(None, description="Page size asked for.", examples=[12])
    offset: int = Field(0, description="Scenarios skipped (biggest first).", examples=[0])


class OutcomesPublic(BaseModel):
    """Whether coaching worked: the coaching service's outcome report, passed through."""

    model_config = ConfigDict(extra="allow")


class WebhookCreate(BaseModel):
    url: HttpUrl = Field(
        description="Where alerts are POSTed as JSON.", examples=["https://hooks.example.com/callcoach"]
    )


class WebhookPublic(BaseModel):
    model_config = ConfigDict(extra="allow")

    id: int
    url: str
    active: bool = True


class HealthPublic(BaseModel):
    status: Literal["ok", "degraded"] = Field(examples=["ok"])
    database: bool
    broker: bool | None = Field(None, description="Broker reachable; null when running in-process.")
    mode: Literal["celery", "in-process"]
