"""/v1/alerts, /v1/reps/{rep}/coaching, /v1/roleplays, /v1/outcomes, /v1/webhooks (placeholder until
the coaching service lands)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/v1", tags=["coaching"])
