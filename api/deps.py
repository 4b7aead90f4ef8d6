"""Request dependencies: settings, a database session, the caller's API key, role checks."""

from __future__ import annotations

import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.read_cache import ReadCache
from callcoach.services.access import ApiKey, Role, hash_key, verify_key
from callcoach.services.dispatch import Dispatcher
from callcoach.settings import Settings
from callcoach.storage import Session, session_scope

K = TypeVar("K")
V = TypeVar("V")

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `callcoach keys create`, sent as `Authorization: Bearer <key>`.",
)


# Dependencies that do not block are coroutines: FastAPI runs a plain function dependency on a worker
# thread, a hop per dependency per request that costs more than the work itself.


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


async def get_dispatcher(request: Request) -> Dispatcher:
    dispatcher: Dispatcher = request.app.state.dispatcher
    return dispatcher


DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


def get_db(settings: SettingsDep) -> Iterator[Session]:
    with session_scope(settings) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


# A verified key is trusted this long without reading the database again: every request of a
# dashboard would otherwise spend a transaction on the same lookup. The price: a revoked key keeps
# working in a process for at most this long after `callcoach keys revoke`.
KEY_CACHE_TTL_S = 5.0
# Entries remembered per process; beyond this a cache is emptied (a flood of distinct keys).
CACHE_MAX_ENTRIES = 10_000


class TTLCache(Generic[K, V]):
    """Values kept for `ttl_s` seconds each, per process (thread-safe; misses are not remembered)."""

    def __init__(self, ttl_s: float = KEY_CACHE_TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl_s, self.clock = ttl_s, clock
        self._items: dict[K, tuple[float, V]] = {}
        self._refreshing: dict[K, threading.Lock] = {}
        self._claims: dict[K, float] = {}  # expired values one caller is reading again (claim)
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        hit = self._items.get(key)
        if hit is None or hit[0] <= self.clock():
            return None
        return hit[1]

    def current(self, key: K) -> V | None:
        """The value while fresh, and while a claimed refresh of it is under way (see ``claim``)."""
        hit = self._items.get(key)
        if hit is None:
            return None
        if hit[0] > self.clock() or key in self._claims:
            return hit[1]
        return None

    def claim(self, key: K) -> tuple[V | None, bool]:
        """For callers that refresh a value themselves (on an event loop, in a thread of their
        choosing): (value, False) when it is fresh, or expired while another caller refreshes it;
        (previous value or None, True) when this caller must read it again, and then ``put`` it or
        ``drop`` it, and ``release`` the claim. One refresh per expiry, not one per request."""
        now = self.clock()
        hit = self._items.get(key)
        if hit is not None and hit[0] > now:
            return hit[1], False
        with self._lock:
            since = self._claims.get(key)
            if hit is not None and since is not None and now - since <= self.ttl_s:
                return hit[1], False
            self._claims[key] = now
        return (hit[1] if hit else None), True

    def release(self, key: K) -> None:
        with self._lock:
            self._claims.pop(key, None)

    def drop(self, key: K) -> None:
        with self._lock:
            self._items.pop(key, None)

    def put(self, key: K, value: V) -> None:
        with self._lock:
            if len(self._items) >= CACHE_MAX_ENTRIES:
                self._items.clear()
            self._items[key] = (self.clock() + self.ttl_s, value)

    def get_or_compute(self, key: K, compute: Callable[[], V]) -> V:
        """The value, computed by one caller at a time per key. Once it is older than the TTL, the
        caller that takes the refresh computes it while the others keep getting the previous value:
        under 50 concurrent requests an expiry costs one computation, not fifty at once."""
        hit = self._items.get(key)
        if hit is not None and hit[0] > self.clock():
            return hit[1]
        with self._lock:
            lock = self._refreshing.setdefault(key, threading.Lock())
        if hit is not None and not lock.acquire(blocking=False):
            return hit[1]  # another request is refreshing it
        if hit is None:
            lock.acquire()
        try:
            hit = self._items.get(key)
            if hit is not None and hit[0] > self.clock():
                return hit[1]
            value = compute()
            self.put(key, value)
            return value
        finally:
            lock.release()


def _app_cache(request: Request, name: str) -> TTLCache[Any, Any]:
    cache: TTLCache[Any, Any] | None = getattr(request.app.state, name, None)
    if cache is None:
        cache = TTLCache()
        setattr(request.app.state, name, cache)
    return cache


async def get_key_cache(request: Request) -> TTLCache[str, ApiKey]:
    """Verified keys by their sha256. Invalid keys are not remembered: a new key works at once."""
    return _app_cache(request, "key_cache")


async def get_scope_cache(request: Request) -> TTLCache[Any, Any]:
    """Read scopes (access.read_scope) by key, refreshed once they are older than KEY_CACHE_TTL_S
    (by one request while the others keep the previous scope): a call stored a moment ago joins a
    manager's alert and role-play scope within a few seconds."""
    return _app_cache(request, "scope_cache")


def _verify(settings: Settings, presented: str) -> ApiKey | None:
    # A session of its own, closed at once: an upload streams for minutes and must not hold a
    # pooled connection meanwhile (200 concurrent uploads would drain the pool).
    with session_scope(settings) as session:
        return verify_key(session, presented)


async def get_current_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    cache: Annotated[TTLCache[str, ApiKey], Depends(get_key_cache)],
) -> ApiKey:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    digest = hash_key(credentials.credentials)
    key, must_read = cache.claim(digest)
    if must_read:
        # One request per key and process reads it again when it expires; the others meanwhile
        # go on with the previous record (a revocation takes effect one read later, not five
        # seconds later): 25 concurrent verifications at every expiry were a latency spike.
        try:
            key = await run_in_threadpool(_verify, settings, credentials.credentials)
        finally:
            cache.release(digest)
        if key is None:
            cache.drop(digest)
        else:
            cache.put(digest, key)
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return key


CurrentKey = Annotated[ApiKey, Depends(get_current_key)]


def require_role(*roles: Role) -> Callable[[ApiKey], Awaitable[ApiKey]]:
    """A dependency that lets only keys of `roles` through (403 for the others)."""

    async def check(key: CurrentKey) -> ApiKey:
        if key.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"{'an' if key.role[:1] in 'aeiou' else 'a'} {key.role} key may not do this; "
                f"it needs one of: {', '.join(roles)}",
            )
        return key

    return check


def make_read_cache(settings: Settings) -> ReadCache:
    """The app's kept GET answers (api.read_cache), fresh as long as the key and scope caches."""
    return ReadCache(settings, ttl_s=KEY_CACHE_TTL_S, max_bytes=settings.read_cache_mb * 2**20)


async def get_read_cache(request: Request) -> ReadCache:
    cache: ReadCache = request.app.state.read_cache
    return cache


ReadCacheDep = Annotated[ReadCache, Depends(get_read_cache)]
