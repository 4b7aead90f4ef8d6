"""The FastAPI application: ``create_app(settings)``; ``callcoach serve`` runs it with uvicorn.

Submitted calls go to the dispatcher the composing door passes (``callcoach serve`` passes the
Celery one when a broker is configured); without one, the same pipeline runs on a thread pool
inside this process (the embedded default). The API never imports the workers.
"""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

import web
from api import errors
from api.deps import make_read_cache
from api.metrics import Metrics, MetricsMiddleware
from api.read_cache import KeptAnswers
from api.routes import calls, coaching, health
from api.schemas import ErrorPublic
from callcoach.services.dispatch import Dispatcher, embedded_dispatcher
from callcoach.settings import Settings, get_settings

DESCRIPTION = """Conversation-intelligence coaching for B2B sales calls.

Submit a recording or a transcript to `POST /v1/calls`; poll `GET /v1/calls/{id}` until `status` is
`done` (or `failed`, with `error`). Every `/v1` endpoint needs an API key
(`callcoach keys create --role ROLE`) sent as `Authorization: Bearer <key>`; what a key sees depends
on its role: `rep` (own calls and coaching), `manager` (their team), `enablement` (role-plays,
outcomes, other teams' calls without transcripts), `admin` (everything).
"""


def create_app(settings: Settings | None = None, dispatcher: Dispatcher | None = None) -> FastAPI:
    settings = settings or get_settings()
    owned = dispatcher is None

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        from callcoach.storage import init_db

        init_db(settings)
        if app.state.dispatcher is None:
            app.state.dispatcher = embedded_dispatcher(settings)
        # What is alive now (about 1,000 modules, 140,000 objects) lives as long as the process:
        # frozen out of the collector's sight, a full collection stops walking it (150 ms every
        # twenty-odd page requests: bench/web.py's slowest requests). Garbage is collected first.
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            if owned and app.state.dispatcher is not None:
                app.state.dispatcher.close()
                app.state.dispatcher = None

    app = FastAPI(
        title="callcoach",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # The docs pages are the web package's, from its own static files (FastAPI's load from a CDN).
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": "calls", "description": "Submit calls and read their analysis."},
            {"name": "coaching", "description": "Alerts, coaching plans, role-plays, outcomes and webhooks."},
            {"name": "health", "description": "Probes and metrics (no key)."},
        ],
    )
    app.state.settings = settings
    app.state.dispatcher = dispatcher
    app.state.metrics = Metrics(settings)
    app.state.read_cache = make_read_cache(settings)
    # Kept GET answers go out before routing (api.read_cache); the metrics still count them.
    app.add_middleware(KeptAnswers, state=app.state)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    errors.install(app)
    # Page requests get their errors as HTML pages; /v1 and the probes keep the JSON above.
    web.install_error_pages(app)
    # 422 answers carry ErrorPublic (detail: a string) like every other error (api.errors).
    invalid: dict[int | str, dict[str, Any]] = {422: {"model": ErrorPublic, "description": "Invalid request"}}
    app.include_router(calls.router, responses=invalid)
    app.include_router(coaching.router, responses=invalid)
    app.include_router(health.router, responses=invalid)
    app.include_router(web.router)
    app.mount("/static", web.static_files(), name="static")
    return app
