"""A verified API key is remembered for KEY_CACHE_TTL_S: revocation takes effect within that time."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.deps import KEY_CACHE_TTL_S, TTLCache
from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope


def test_key_cache_revocation_is_honoured_after_the_ttl(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path / "data", database_url="", broker_url=None, reconcile_interval_s=3600
    )
    now = [1000.0]
    try:
        with session_scope(settings) as session:
            key, record = access.create_key(session, role="admin")
        app = create_app(settings)
        app.state.key_cache = TTLCache(clock=lambda: now[0])
        h = {"Authorization": f"Bearer {key}"}
        with TestClient(app) as client:
            assert client.get("/v1/calls", headers=h).status_code == 200
            with session_scope(settings) as session:
                access.revoke_key(session, record.prefix)
            now[0] += KEY_CACHE_TTL_S / 2
            assert client.get("/v1/calls", headers=h).status_code == 200  # still trusted
            now[0] += KEY_CACHE_TTL_S
            assert client.get("/v1/calls", headers=h).status_code == 401  # read again: revoked
            assert client.get("/v1/calls", headers={"Authorization": "Bearer cc_nope"}).status_code == 401
    finally:
        dispose_engines()
