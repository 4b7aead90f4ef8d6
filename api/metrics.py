"""Prometheus metrics: request counts and latencies per route, and calls per status (read from the
database at scrape time, so the number is right whichever process moved the calls)."""

from __future__ import annotations

import hmac
import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from callcoach.errors import CallcoachError
from callcoach.services import jobs
from callcoach.settings import Settings

log = logging.getLogger("callcoach.api")

# HTTP methods a label may carry; anything else is counted as "other" (a client sending made-up
# methods must not grow the registry without bound).
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# Latency buckets from 5 ms (a cached read) to 30 s (a large upload on a slow link).
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class _JobsCollector(Collector):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily("callcoach_calls", "Calls by processing status.", labels=["status"])
        try:
            counts = jobs.status_counts(self.settings)
        except CallcoachError as exc:
            log.warning("metrics: cannot count calls: %s", exc)
            counts = {}
        for status in ("queued", "transcribing", "analyzing", "coaching", "done", "failed"):
            family.add_metric([status], counts.get(status, 0))
        yield family


class Metrics:
    """One registry per app (several apps in one test process must not collide)."""

    def __init__(self, settings: Settings) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "callcoach_http_requests", "HTTP requests.", ["method", "route", "status"], registry=self.registry
        )
        self.latency = Histogram(
            "callcoach_http_request_seconds",
            "HTTP request latency.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(_JobsCollector(settings))


class MetricsMiddleware:
    """Pure ASGI middleware (it does not buffer the streamed upload body)."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status: dict[str, Any] = {"code": 500}

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            method = scope["method"] if scope["method"] in KNOWN_METHODS else "other"
            self.metrics.requests.labels(method, route, str(status["code"])).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)


def metrics_allowed(settings: Settings, authorization: str | None) -> int | None:
    """None when /metrics may be answered on the API, else the status to answer instead: 404 when
    metrics are off or served on their own bind address, 401 without the right token."""
    if settings.metrics != "token":
        return 404
    scheme, _, token = (authorization or "").partition(" ")
    expected = settings.metrics_token
    if not expected or scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        return 401
    return None


def serve_on_bind(settings: Settings, metrics: Metrics) -> None:
    """metrics=bind: serve the registry on metrics_bind (host:port), apart from the API."""
    from prometheus_client import start_http_server

    host, _, port = settings.metrics_bind.rpartition(":")
    start_http_server(int(port), addr=host or "127.0.0.1", registry=metrics.registry)
    log.info("metrics on http://%s/metrics", settings.metrics_bind)
