"""The answers of the API's GET reads, kept per process while the database has not changed.

A dashboard asks the same questions over and over (a manager's alerts, a rep's plan, the first page
of calls), and most of a read's cost is building and serialising the answer, not finding it. Each
answer is kept as the bytes that were sent, under the caller's key and the URL, with the database's
data version (``callcoach.storage.data_version``: one round trip that changes with every committed
write, from any process) at the time it was computed:

- same version and younger than ``ttl_s``: the kept bytes are sent;
- same version but older: one request computes it again while the others are sent the kept bytes
  (an answer may depend on the per-key scope and key caches, which promise freshness within
  ``KEY_CACHE_TTL_S``; this keeps the same promise);
- another version, or nothing kept: computed now, by one request per answer at a time (the others
  wait for it rather than computing the same answer fifty times).

Every answer carries an ``ETag``; a request whose ``If-None-Match`` names it gets ``304`` and no
body. ``Cache-Control: private, no-cache``: an answer belongs to one key, and a client revalidates.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from fastapi.security.utils import get_authorization_scheme_param
from pydantic import BaseModel
from starlette.datastructures import Headers as _Headers
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from callcoach.services.access import ApiKey, hash_key
from callcoach.settings import Settings
from callcoach.storage import data_version
from callcoach.storage.versions import data_version_async

# Seconds an answer is sent before one request computes it again: api.deps passes the key and
# scope caches' KEY_CACHE_TTL_S, so an answer keeps their freshness promise.
DEFAULT_TTL_S = 5.0
# Bytes of answers kept per process (settings.read_cache_mb); the least recently used go first. The
# biggest answer of the bench (a page of 12 role-plays) is about 150 KB.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# Locks striped over the answers: two answers sharing a stripe compute one after the other.
LOCK_STRIPES = 64
CACHE_CONTROL = "private, no-cache"


@dataclass(frozen=True, slots=True)
class _Answer:
    version: str
    expires: float
    body: bytes
    etag: str
    route: Any = None  # the route that computed it: the metrics label of an answer sent by the fast path


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _not_modified(wanted: str | None, etag: str) -> bool:
    if not wanted:
        return False
    tags = {t.strip().removeprefix("W/") for t in wanted.split(",")}
    return etag in tags or "*" in tags


class ReadCache:
    """Serialised GET answers by (key, path, query), valid while the data version is unchanged."""

    def __init__(
        self,
        settings: Settings,
        *,
        ttl_s: float = DEFAULT_TTL_S,
        max_bytes: int = DEFAULT_MAX_BYTES,
        clock: Callable[[], float] = time.monotonic,
        version: Callable[[Settings], str | None] = data_version,
        version_async: Callable[[Settings], Awaitable[str | None]] = data_version_async,
    ) -> None:
        self.settings, self.ttl_s, self.max_bytes = settings, ttl_s, max_bytes
        self.clock, self._version, self._version_async = clock, version, version_async
        self._answers: OrderedDict[tuple[int, str, str], _Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]
        # Answers past their TTL that one request is computing again (the fast path's refresh).
        self._refreshing: dict[tuple[int, str, str], float] = {}
        self.hits = self.misses = self.fast_hits = 0  # fast_hits: hits sent by KeptAnswers

    def answer(self, request: Request, key: ApiKey, compute: Callable[[], BaseModel]) -> Response:
        """The response to this GET: kept bytes when still valid, else ``compute()`` serialised.
        Call from a worker thread (the version probe and ``compute`` block)."""
        ident = _ident(key, request.scope)
        try:
            return self._answer(request, ident, compute)
        finally:
            if self._refreshing:
                with self._lock:
                    self._refreshing.pop(ident, None)  # the refresh the fast path let through is over

    def _answer(
        self, request: Request, ident: tuple[int, str, str], compute: Callable[[], BaseModel]
    ) -> Response:
        version = self._version(self.settings) if self.max_bytes else None
        if version is None:  # no version known (an in-memory database), or told to keep nothing
            return self._send(request, self._serialise(compute))
        kept = self._answers.get(ident)
        stripe = self._stripes[hash(ident) % LOCK_STRIPES]
        if kept is not None and kept.version == version:
            if kept.expires > self.clock():
                return self._hit(request.headers.get("if-none-match"), ident, kept)
            if not stripe.acquire(blocking=False):
                # Another request is refreshing it: the kept answer meanwhile.
                return self._hit(request.headers.get("if-none-match"), ident, kept)
        else:
            stripe.acquire()
        try:
            kept = self._answers.get(ident)
            if kept is not None and kept.version == version and kept.expires > self.clock():
                return self._hit(request.headers.get("if-none-match"), ident, kept)
            with self._lock:
                self.misses += 1
            fresh = self._serialise(compute, version, request.scope.get("route"))
            self._put(ident, fresh)
            return self._send(request, fresh)
        finally:
            stripe.release()

    async def kept(self, scope: Scope, key: ApiKey) -> Response | None:
        """The kept response to this GET when it is still valid, else None (the request then takes
        the ordinary way through its route and ``answer``). Asks the data version without blocking
        the event loop and computes nothing: what the fast path (``KeptAnswers``) sends."""
        if not self.max_bytes:
            return None
        ident = _ident(key, scope)
        kept = self._answers.get(ident)
        if kept is None:
            return None
        if await self._version_async(self.settings) != kept.version:
            return None
        now = self.clock()
        if kept.expires <= now:
            # Past its 5 s: one request goes on to the route and computes it again; the others are
            # sent the kept answer meanwhile, here, as the route would (a burst of them through the
            # thread pool while one computes was the tail of the latency under load).
            with self._lock:
                since = self._refreshing.get(ident)
                if since is None or now - since > self.ttl_s:  # none under way (or one that died)
                    self._refreshing[ident] = now
                    return None
        scope["route"] = kept.route
        self.fast_hits += 1
        return self._hit(_Headers(scope=scope).get("if-none-match"), ident, kept)

    def _hit(self, if_none_match: str | None, ident: tuple[int, str, str], kept: _Answer) -> Response:
        with self._lock:
            self.hits += 1
            if ident in self._answers:
                self._answers.move_to_end(ident)  # recently used answers are the last to go
        return self._respond(if_none_match, kept)

    def _serialise(self, compute: Callable[[], BaseModel], version: str = "", route: Any = None) -> _Answer:
        model = compute()
        body = model.model_dump_json(by_alias=True).encode()
        return _Answer(version, self.clock() + self.ttl_s, body, _etag(body), route)

    def _put(self, ident: tuple[int, str, str], answer: _Answer) -> None:
        if len(answer.body) > self.max_bytes:
            return
        with self._lock:
            old = self._answers.pop(ident, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._answers[ident] = answer
            self._bytes += len(answer.body)
            while self._bytes > self.max_bytes:
                _, dropped = self._answers.popitem(last=False)
                self._bytes -= len(dropped.body)

    def _send(self, request: Request, answer: _Answer) -> Response:
        return self._respond(request.headers.get("if-none-match"), answer)

    @staticmethod
    def _respond(if_none_match: str | None, answer: _Answer) -> Response:
        headers = {"ETag": answer.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}
        if _not_modified(if_none_match, answer.etag):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type="application/json", headers=headers)


def _ident(key: ApiKey, scope: Scope) -> tuple[int, str, str]:
    # ?limit=5&offset=0 and ?offset=0&limit=5 are one answer (parsed as the route parses them).
    query = QueryParams(scope.get("query_string", b""))
    return key.id, scope["path"], "&".join(f"{k}={v}" for k, v in sorted(query.multi_items()))


class KeptAnswers:
    """Pure ASGI middleware, the fast path: a GET under /v1/ from a key verified in the last
    KEY_CACHE_TTL_S whose answer is kept and still valid is sent from here, without routing,
    dependency resolution or a worker thread (most of a cached read's cost). Anything else, or
    any doubt, goes on to the app unchanged. Safe because an answer is kept under the key that
    was let through by the route's own checks (role and scope) when it was computed, and a key's
    role and scope never change (a revoked key leaves the key cache within KEY_CACHE_TTL_S, and
    then is checked again by the route)."""

    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app, self.state = app, state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET" and scope["path"].startswith("/v1/"):
            response = await self._kept(scope)
            if response is not None:
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    async def _kept(self, scope: Scope) -> Response | None:
        cache: ReadCache = self.state.read_cache
        keys: Any = getattr(self.state, "key_cache", None)  # made by the first request that needs a key
        if keys is None:
            return None
        scheme, token = get_authorization_scheme_param(_Headers(scope=scope).get("authorization"))
        if scheme.lower() != "bearer" or not token:
            return None
        key = keys.current(hash_key(token))
        return await cache.kept(scope, key) if key is not None else None
