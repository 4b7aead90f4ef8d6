"""The read cache (api.read_cache): kept answers are sent only while the database is unchanged, to
the key they were computed for; a write from anywhere is seen by the next read."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel
from starlette.requests import Request

from api.app import create_app
from api.read_cache import ReadCache
from callcoach.services import access, jobs
from callcoach.services.access import ApiKey
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope


class Page(BaseModel):
    n: int


def _request(path: str = "/v1/calls", query: str = "", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "method": "GET", "path": path, "query_string": query.encode(),
                    "headers": raw, "scheme": "http", "server": ("test", 80)})


class World:
    """A ReadCache on a fake clock and a fake data version, counting computations."""

    def __init__(self, **kw: float) -> None:
        self.now, self.version, self.computed = 0.0, "v1", 0
        self.cache = ReadCache(Settings(database_url="sqlite:///:memory:"), clock=lambda: self.now,
                               version=lambda _s: self.version, **kw)  # type: ignore[arg-type]

    def compute(self) -> Page:
        self.computed += 1
        return Page(n=self.computed)


ADMIN, REP = ApiKey(id=1, role="admin"), ApiKey(id=2, role="rep", rep="Dana Reyes")


def test_kept_answer_is_sent_while_the_version_holds_and_recomputed_when_it_moves() -> None:
    w = World()
    bodies = [w.cache.answer(_request(), ADMIN, w.compute).body for _ in range(3)]
    assert bodies == [b'{"n":1}'] * 3 and w.computed == 1
    w.version = "v2"  # a commit, from any process
    assert w.cache.answer(_request(), ADMIN, w.compute).body == b'{"n":2}'
    assert (w.cache.hits, w.cache.misses) == (2, 2)


def test_answers_never_cross_keys_or_urls() -> None:
    w = World()
    assert w.cache.answer(_request(), ADMIN, w.compute).body == b'{"n":1}'
    assert w.cache.answer(_request(), REP, w.compute).body == b'{"n":2}'  # not the admin's answer
    assert w.cache.answer(_request("/v1/alerts"), ADMIN, w.compute).body == b'{"n":3}'
    assert w.cache.answer(_request(query="limit=5"), ADMIN, w.compute).body == b'{"n":4}'
    # The same parameters in another order are the same question.
    assert w.cache.answer(_request(query="offset=0&limit=5"), ADMIN, w.compute).body == b'{"n":5}'
    assert w.cache.answer(_request(query="limit=5&offset=0"), ADMIN, w.compute).body == b'{"n":5}'


def test_expired_answer_is_refreshed_by_one_request_while_the_others_get_the_kept_one() -> None:
    w = World(ttl_s=5.0)
    w.cache.answer(_request(), ADMIN, w.compute)
    w.now = 10.0
    started, release = threading.Event(), threading.Event()

    def slow() -> Page:
        started.set()
        release.wait(5)
        return Page(n=99)

    refresher = threading.Thread(target=lambda: w.cache.answer(_request(), ADMIN, slow))
    refresher.start()
    assert started.wait(5)
    assert w.cache.answer(_request(), ADMIN, w.compute).body == b'{"n":1}'  # kept, not recomputed
    release.set()
    refresher.join(5)
    assert w.cache.answer(_request(), ADMIN, w.compute).body == b'{"n":99}'
    assert w.computed == 1


def test_etag_revalidation_gives_304_until_the_answer_changes() -> None:
    w = World()
    first = w.cache.answer(_request(), ADMIN, w.compute)
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "private, no-cache"
    again = w.cache.answer(_request(headers={"If-None-Match": etag}), ADMIN, w.compute)
    assert again.status_code == 304 and again.body == b"" and again.headers["etag"] == etag
    w.version = "v2"
    changed = w.cache.answer(_request(headers={"If-None-Match": etag}), ADMIN, w.compute)
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_no_version_means_nothing_is_kept() -> None:
    w = World()
    w.version = None  # type: ignore[assignment]
    for _ in range(3):
        w.cache.answer(_request(), ADMIN, w.compute)
    assert w.computed == 3


def test_least_recently_used_answers_go_first_beyond_the_byte_budget() -> None:
    w = World(max_bytes=3 * len(b'{"n":1}'))
    for path in ("/a", "/b", "/c"):
        w.cache.answer(_request(path), ADMIN, w.compute)
    w.cache.answer(_request("/a"), ADMIN, w.compute)  # /a used again: /b is now the oldest
    w.cache.answer(_request("/d"), ADMIN, w.compute)
    assert w.computed == 4
    w.cache.answer(_request("/a"), ADMIN, w.compute)
    assert w.computed == 4  # kept
    w.cache.answer(_request("/b"), ADMIN, w.compute)
    assert w.computed == 5  # dropped


def test_an_error_is_not_kept() -> None:
    from fastapi import HTTPException

    w = World()

    def missing() -> Page:
        w.computed += 1
        raise HTTPException(404, "not found")

    for _ in range(2):
        with pytest.raises(HTTPException):
            w.cache.answer(_request(), ADMIN, missing)
    assert w.computed == 2


# ----------------------------------------------------------------------------- through the API


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Settings, TestClient, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path / "data", database_url="", broker_url=None, reconcile_interval_s=3600
    )
    with session_scope(settings) as session:
        keys = {
            "admin": access.create_key(session, role="admin")[0],
            "rep": access.create_key(session, role="rep", rep="Dana Reyes", team="east")[0],
        }
    try:
        with TestClient(create_app(settings)) as client:
            yield settings, client, keys
    finally:
        dispose_engines()


def _submit(settings: Settings, call_id: str, rep: str, team: str) -> None:
    """A queued call, written the way a worker process would: its own session, no API involved."""
    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_text(json.dumps({"call_id": call_id}), encoding="utf-8")
    jobs.submit_call(settings, call_id=call_id, input_path=directory / "input.json", rep=rep, team=team)


def test_a_write_outside_the_api_is_seen_by_the_next_read(
    served: tuple[Settings, TestClient, dict[str, str]],
) -> None:
    settings, client, keys = served
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    _submit(settings, "c-1", "Dana Reyes", "east")
    first = client.get("/v1/calls", headers=admin)
    assert first.json()["total"] == 1
    assert client.get("/v1/calls", headers=admin).content == first.content
    assert client.app.state.read_cache.hits == 1  # type: ignore[attr-defined]
    _submit(settings, "c-2", "Sam Lee", "west")
    assert client.get("/v1/calls", headers=admin).json()["total"] == 2  # at once, no waiting
    # The rep asks the same URL and gets their own answer, not the admin's kept one.
    rep = client.get("/v1/calls", headers={"Authorization": f"Bearer {keys['rep']}"}).json()
    assert [c["id"] for c in rep["items"]] == ["c-1"]


def test_conditional_get_through_the_api(served: tuple[Settings, TestClient, dict[str, str]]) -> None:
    settings, client, keys = served
    admin = {"Authorization": f"Bearer {keys['admin']}"}
    _submit(settings, "c-1", "Dana Reyes", "east")
    first = client.get("/v1/calls/c-1", headers=admin)
    assert first.status_code == 200 and first.json()["id"] == "c-1"
    etag = first.headers["etag"]
    assert client.get("/v1/calls/c-1", headers={**admin, "If-None-Match": etag}).status_code == 304
    _submit(settings, "c-2", "Dana Reyes", "east")  # another call: this answer is recomputed, same bytes
    assert client.get("/v1/calls/c-1", headers={**admin, "If-None-Match": etag}).status_code == 304
    assert client.get("/v1/calls/nope", headers=admin).status_code == 404
    assert client.get("/v1/calls/c-1", headers={"Authorization": "Bearer cc_nope"}).status_code == 401


def test_a_zero_budget_keeps_nothing_and_never_asks_the_version() -> None:
    asked: list[Settings] = []

    def version(settings: Settings) -> str:
        asked.append(settings)
        return "v1"

    w = World()
    w.cache = ReadCache(Settings(database_url="sqlite:///:memory:"), max_bytes=0, version=version)
    for _ in range(2):
        w.cache.answer(_request(), ADMIN, w.compute)
    assert w.computed == 2 and asked == []


def test_fast_path_sends_kept_answers_only_to_keys_still_trusted(tmp_path: Path) -> None:
    """The middleware answers from the kept bytes while the key is in the key cache; once a revoked
    key has left it, the route checks the key again and refuses, kept answer or not."""
    from prometheus_client import generate_latest

    from api.deps import KEY_CACHE_TTL_S, TTLCache

    settings = Settings(
        data_dir=tmp_path / "data", database_url="", broker_url=None, reconcile_interval_s=3600
    )
    now = [1000.0]
    try:
        with session_scope(settings) as session:
            key, record = access.create_key(session, role="admin")
        _submit(settings, "c-1", "Dana Reyes", "east")
        app = create_app(settings)
        app.state.key_cache = TTLCache(clock=lambda: now[0])
        h = {"Authorization": f"Bearer {key}"}
        with TestClient(app) as client:
            first = client.get("/v1/calls", headers=h)
            cache = app.state.read_cache
            cache.clock = lambda: now[0]
            assert client.get("/v1/calls", headers=h).content == first.content
            assert (cache.hits, cache.fast_hits) == (1, 1)  # sent by the middleware, not the route
            # Counted under the route's own label, like an answer the route sent.
            scraped = generate_latest(app.state.metrics.registry).decode()
            assert 'route="/v1/calls",status="200"} 2.0' in scraped
            with session_scope(settings) as session:
                access.revoke_key(session, record.prefix)
            now[0] += KEY_CACHE_TTL_S * 2
            assert client.get("/v1/calls", headers=h).status_code == 401
    finally:
        dispose_engines()


def test_fast_path_lets_one_request_refresh_an_expired_answer_and_serves_the_rest() -> None:
    import asyncio

    w = World(ttl_s=5.0)

    async def version_async(_s: Settings) -> str:
        return w.version

    w.cache._version_async = version_async
    scope = _request().scope
    assert asyncio.run(w.cache.kept(dict(scope), ADMIN)) is None  # nothing kept yet
    w.cache.answer(_request(), ADMIN, w.compute)
    assert asyncio.run(w.cache.kept(dict(scope), ADMIN)).body == b'{"n":1}'  # type: ignore[union-attr]
    w.now = 10.0  # expired
    assert asyncio.run(w.cache.kept(dict(scope), ADMIN)) is None  # this one goes on and refreshes
    for _ in range(3):  # the others meanwhile: the kept answer, from the fast path
        assert asyncio.run(w.cache.kept(dict(scope), ADMIN)).body == b'{"n":1}'  # type: ignore[union-attr]
    w.cache.answer(_request(), ADMIN, w.compute)  # the refresher's route call
    assert asyncio.run(w.cache.kept(dict(scope), ADMIN)).body == b'{"n":2}'  # type: ignore[union-attr]
    w.now = 20.0
    assert asyncio.run(w.cache.kept(dict(scope), ADMIN)) is None  # the next expiry: a new refresh
    w.version = "v2"
    assert asyncio.run(w.cache.kept(dict(scope), ADMIN)) is None  # moved: never the kept answer
