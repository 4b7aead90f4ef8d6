"""Webhook targets: public http(s) only unless the admin allows a host; listed and deleted through
the API and the CLI; an endpoint that accepts and never answers costs the read timeout per attempt
(on the delivery queue), not minutes."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from callcoach.services import access
from callcoach.services.webhooks import WebhookTargetRefused, check_target, post_with_retries
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data",  # cloud metadata (link-local)
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "ftp://hooks.example.com/x",
        "file:///etc/passwd",
    ],
)
def test_webhook_target_refused(url: str) -> None:
    with pytest.raises(WebhookTargetRefused):
        check_target(url)


def test_webhook_target_public_or_allowed_host_accepted() -> None:
    assert check_target("https://8.8.8.8/hook") == "https://8.8.8.8/hook"
    # An internal relay the admin allowed by name.
    assert check_target("http://127.0.0.1:9/hook", ["127.0.0.1"]) == "http://127.0.0.1:9/hook"
    # A name that does not resolve here is accepted at registration and refused at delivery.
    name = "https://hooks.invalid/callcoach"
    assert check_target(name) == name
    with pytest.raises(WebhookTargetRefused):
        check_target(name, require_resolved=True)


@pytest.fixture
def silent_endpoint() -> Iterator[str]:
    """Accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except TimeoutError:
                continue
            except OSError:
                return

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    stop.set()
    thread.join(timeout=2)
    for c in held:
        c.close()
    server.close()


def test_webhook_silent_endpoint_costs_the_read_timeout_per_attempt(silent_endpoint: str) -> None:
    started = time.monotonic()
    result = post_with_retries(
        silent_endpoint,
        {"text": "x"},
        idempotency_key="k",
        attempts=2,
        backoff_s=0.01,
        backoff_max_s=0.01,
        timeout_s=0.5,
        connect_timeout_s=0.5,
    )
    took = time.monotonic() - started
    assert not result.delivered and result.attempts == 2 and "Timeout" in (result.error or "")
    assert took < 5.0  # 2 x 0.5 s and the backoff, with room for a busy machine; never 288 s


@pytest.fixture
def admin_client(settings: Settings) -> Iterator[tuple[TestClient, dict[str, dict[str, str]], Settings]]:
    settings = settings.model_copy(
        update={"reconcile_interval_s": 3600.0, "webhook_urls": ["https://configured.example.com/x"]}
    )
    with session_scope(settings) as session:
        keys = {
            "admin": {"Authorization": f"Bearer {access.create_key(session, role='admin')[0]}"},
            "manager": {"Authorization": f"Bearer {access.create_key(session, role='manager', team='e')[0]}"},
        }
    with TestClient(create_app(settings)) as client:
        yield client, keys, settings
    dispose_engines()


def test_webhooks_api_refuses_private_targets_lists_and_deletes(admin_client) -> None:  # noqa: ANN001
    from callcoach.services.coaching import deliver_alerts

    client, keys, settings = admin_client
    for url in ("http://169.254.169.254/latest", "http://127.0.0.1:6379/"):
        r = client.post("/v1/webhooks", headers=keys["admin"], json={"url": url})
        assert r.status_code == 422 and "private, loopback or link-local" in r.json()["detail"], r.text
    r = client.post("/v1/webhooks", headers=keys["admin"], json={"url": "https://8.8.8.8/hook"})
    assert r.status_code == 201
    hook_id = r.json()["id"]
    deliver_alerts(settings)  # registers the configured URL too
    listed = client.get("/v1/webhooks", headers=keys["admin"]).json()
    assert {(h["url"], h["configured"]) for h in listed} == {
        ("https://8.8.8.8/hook", False),
        ("https://configured.example.com/x", True),
    }
    assert client.get("/v1/webhooks", headers=keys["manager"]).status_code == 403
    assert client.delete(f"/v1/webhooks/{hook_id}", headers=keys["manager"]).status_code == 403
    assert client.delete(f"/v1/webhooks/{hook_id}", headers=keys["admin"]).status_code == 204
    assert client.delete(f"/v1/webhooks/{hook_id}", headers=keys["admin"]).status_code == 404
    configured = next(h["id"] for h in listed if h["configured"])
    r = client.delete(f"/v1/webhooks/{configured}", headers=keys["admin"])
    assert r.status_code == 409 and "CALLCOACH_WEBHOOK_URLS" in r.json()["detail"]
    assert [h["url"] for h in client.get("/v1/webhooks", headers=keys["admin"]).json()] == [
        "https://configured.example.com/x"
    ]


def test_webhooks_cli_add_list_delete(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from callcoach.cli import app
    from callcoach.settings import get_settings

    monkeypatch.setenv("CALLCOACH_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("CALLCOACH_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CALLCOACH_WEBHOOK_URLS", "[]")
    get_settings.cache_clear()
    try:
        runner = CliRunner()
        refused = runner.invoke(app, ["webhooks", "add", "http://169.254.169.254/"])
        assert refused.exit_code == 2 and "link-local" in refused.output
        added = runner.invoke(app, ["webhooks", "add", "https://8.8.4.4/hook"])
        assert added.exit_code == 0, added.output
        hook_id = added.output.split("\t", 1)[0]
        listed = runner.invoke(app, ["webhooks", "list"])
        assert listed.exit_code == 0 and "https://8.8.4.4/hook\tactive" in listed.output
        assert runner.invoke(app, ["webhooks", "delete", hook_id]).exit_code == 0
        assert runner.invoke(app, ["webhooks", "list"]).output.strip() == ""
    finally:
        get_settings.cache_clear()
        dispose_engines()
