"""Alert delivery to a real local HTTP server: retried on failure, delivered and recorded exactly once."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from callcoach.domain import CallMeta, Transcript, Utterance
from callcoach.services import coaching as coaching_service
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, save_call, session_scope

from .histories import declining_discovery_rep, make_call


class Receiver:
    """A webhook endpoint that answers 500 for its first `fail_first` POSTs, then 200."""

    def __init__(self, fail_first: int) -> None:
        self.fail_first = fail_first
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                receiver.requests.append(
                    {"key": self.headers.get("Idempotency-Key"), "body": json.loads(body)}
                )
                code = 500 if len(receiver.requests) <= receiver.fail_first else 200
                self.send_response(code)
                self.end_headers()
                self.wfile.write(b"ok" if code == 200 else b"boom")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Receiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _store(settings: Settings, calls) -> None:
    with session_scope(settings) as session:
        for c in calls:
            a = c.analysis
            meta = CallMeta(
                call_id=c.call_id,
                title=a["title"],
                started_at=c.started_at,
                deal_id=c.deal_id,
                rep=c.rep,
                participants=tuple(c.participants),
            )
            utts = tuple(
                Utterance(u["speaker"], u["start"], u["end"], u["text"], u["side"]) for u in a["transcript"]
            )
            save_call(session, Transcript(meta, utts, a["duration_s"]), a)


@pytest.fixture
def store_settings(settings: Settings) -> Iterator[Settings]:
    yield settings
    dispose_engines()


def _with_hooks(settings: Settings, *urls: str) -> Settings:
    return settings.model_copy(
        update={
            "webhook_urls": list(urls),
            "webhook_backoff_s": 0.01,
            "webhook_backoff_max_s": 0.05,
            "webhook_attempts": 4,
            # The receiver is on loopback, which a webhook may target only when the admin allows it.
            "webhook_allowed_hosts": ["127.0.0.1"],
        }
    )


def test_webhook_failing_endpoint_is_retried_and_delivered_once(store_settings: Settings) -> None:
    with Receiver(fail_first=2) as hook:
        settings = _with_hooks(store_settings, hook.url)
        _store(settings, declining_discovery_rep())
        report = coaching_service.refresh(settings)
        assert len(report.opened) == 1 and report.delivered == 1
        # Two 500s, then 200: three POSTs of one delivery, all under the same idempotency key.
        assert len(hook.requests) == 3
        assert len({r["key"] for r in hook.requests}) == 1
        body = hook.requests[-1]["body"]
        assert "discovery drift" in body["text"] and "Dana Reyes" in body["text"]
        assert body["blocks"][0]["type"] == "header"
        # Running again sends nothing more: the delivery is recorded once, as delivered.
        again = coaching_service.refresh(settings)
        assert again.opened == [] and again.delivered == 0
        assert len(hook.requests) == 3
    rows = coaching_service.list_deliveries(settings)
    assert [(r["status"], r["attempts"], r["last_status_code"]) for r in rows] == [("delivered", 3, 200)]


def test_webhook_down_then_recovered_delivers_on_the_next_run(store_settings: Settings) -> None:
    with Receiver(fail_first=4) as hook:
        settings = _with_hooks(store_settings, hook.url)
        _store(settings, declining_discovery_rep())
        first = coaching_service.refresh(settings)
        assert first.delivered == 0 and first.failed_deliveries == 1
        assert len(hook.requests) == 4  # every attempt used
        assert [r["status"] for r in coaching_service.list_deliveries(settings)] == ["failed"]
        second = coaching_service.refresh(settings)  # the endpoint answers 200 now
        assert second.delivered == 1
        third = coaching_service.refresh(settings)
        assert third.delivered == 0
    rows = coaching_service.list_deliveries(settings)
    assert len(rows) == 1 and rows[0]["status"] == "delivered" and rows[0]["attempts"] == 5
    assert len(hook.requests) == 5 and len({r["key"] for r in hook.requests}) == 1


def test_alerts_are_deduplicated_per_subject_and_kind(store_settings: Settings) -> None:
    calls = declining_discovery_rep()
    settings = _with_hooks(store_settings)
    # Ingest call by call and refresh after each, as the job pipeline would.
    for c in calls:
        _store(settings, [c])
        coaching_service.refresh(settings, call_id=c.call_id)
    alerts = coaching_service.list_alerts(settings, status=None)
    drift = [a for a in alerts if a["kind"] == "discovery_drift"]
    assert len(drift) == 1 and drift[0]["status"] == "open"
    assert [w["call_id"] for w in drift[0]["window"]][0] == calls[6].call_id
    # The rep recovers: the chart comes back inside its limit and the alert resolves itself.
    recovery = [make_call(12 + i, discovery=75, deal=f"deal-r{i}") for i in range(6)]
    for c in recovery:
        _store(settings, [c])
        coaching_service.refresh(settings, call_id=c.call_id)
    drift = [a for a in coaching_service.list_alerts(settings, status=None) if a["kind"] == "discovery_drift"]
    assert len(drift) == 1 and drift[0]["status"] == "resolved"
    assert "discovery_drift" not in {a["kind"] for a in coaching_service.list_alerts(settings)}
