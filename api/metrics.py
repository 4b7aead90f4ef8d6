"""Prometheus metrics: request counts and latencies per route, and calls per status (read from the
database at scrape time, so the number is right whichever process moved the calls)."""

from __future__ import annotations

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
            self.metrics.requests.labels(scope["method"], route, str(status["code"])).inc()
            self.metrics.latency.labels(scope["method"], route).observe(time.perf_counter() - started)
