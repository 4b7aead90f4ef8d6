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


def test_key_cache_stale_value_served_while_one_caller_refreshes() -> None:
    import threading

    now = [0.0]
    cache: TTLCache[str, int] = TTLCache(ttl_s=5.0, clock=lambda: now[0])
    assert cache.get_or_compute("k", lambda: 1) == 1
    now[0] = 10.0  # expired
    started, release = threading.Event(), threading.Event()

    def slow() -> int:
        started.set()
        release.wait(5)
        return 2

    refresher = threading.Thread(target=lambda: cache.get_or_compute("k", slow))
    refresher.start()
    assert started.wait(5)
    assert cache.get_or_compute("k", lambda: 3) == 1  # the previous value, no second computation
    release.set()
    refresher.join(5)
    assert cache.get_or_compute("k", lambda: 4) == 2


def test_key_cache_claim_gives_one_refresh_per_expiry() -> None:
    now = [0.0]
    cache: TTLCache[str, int] = TTLCache(ttl_s=5.0, clock=lambda: now[0])
    assert cache.claim("k") == (None, True)  # unknown: read it
    cache.release("k")
    cache.put("k", 1)
    assert cache.claim("k") == (1, False) and cache.current("k") == 1
    now[0] = 10.0  # expired
    assert cache.current("k") is None  # nobody refreshing: not trusted any more
    assert cache.claim("k") == (1, True)  # this caller reads it again
    assert cache.claim("k") == (1, False)  # the others meanwhile: the previous record
    assert cache.current("k") == 1
    cache.drop("k")  # the read found it revoked
    cache.release("k")
    assert cache.current("k") is None and cache.claim("k") == (None, True)
