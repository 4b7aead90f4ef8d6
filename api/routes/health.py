"""/healthz (no key needed) and /metrics (off, behind its own token, or on its own bind address)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from api.deps import SettingsDep
from api.metrics import metrics_allowed
from api.schemas import ErrorPublic, HealthPublic
from callcoach.errors import CallcoachError
from callcoach.settings import Settings
from callcoach.storage import ping, session_scope
from callcoach.storage.versions import data_version_async

router = APIRouter(tags=["health"])
# A health probe answers within a second or says the dependency is down.
PROBE_TIMEOUT_S = 1.0


def _database_ok(settings: Settings) -> bool:
    try:
        with session_scope(settings) as session:
            ping(session)
        return True
    except CallcoachError:
        return False


def _broker_ok(settings: Settings) -> bool:
    import redis

    try:
        client = redis.Redis.from_url(
            settings.broker_url or "", socket_connect_timeout=PROBE_TIMEOUT_S, socket_timeout=PROBE_TIMEOUT_S
        )
        try:
            return bool(client.ping())
        finally:
            client.close()
    except (redis.RedisError, ValueError, OSError):
        return False


@router.get("/healthz", response_model=HealthPublic, summary="Liveness and dependencies")
async def healthz(settings: SettingsDep, response: Response) -> HealthPublic:
    # The read cache's version probe (one round trip, on an asyncio connection for PostgreSQL)
    # answers for a reachable database without a thread; otherwise it is asked through a session.
    database = await data_version_async(settings) is not None
    database = database or await run_in_threadpool(_database_ok, settings)
    broker = await run_in_threadpool(_broker_ok, settings) if settings.broker_url else None
    ok = database and broker is not False
    if not ok:
        response.status_code = 503
    return HealthPublic(
        status="ok" if ok else "degraded",
        database=database,
        broker=broker,
        mode="celery" if settings.broker_url else "in-process",
    )


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={
        200: {"content": {"text/plain": {}}},
        401: {"model": ErrorPublic},
        404: {"model": ErrorPublic},
    },
)
async def metrics(request: Request, settings: SettingsDep) -> Response:
    """Off unless enabled (CALLCOACH_METRICS): with `token`, send `Authorization: Bearer <token>`;
    with `bind`, metrics are served on CALLCOACH_METRICS_BIND instead of here."""
    denied = metrics_allowed(settings, request.headers.get("authorization"))
    if denied is not None:
        detail = "metrics are not served here" if denied == 404 else "metrics need the metrics token"
        return JSONResponse({"detail": detail}, status_code=denied)
    body = await run_in_threadpool(generate_latest, request.app.state.metrics.registry)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
