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
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request, Response
from pydantic import BaseModel

from callcoach.services.access import ApiKey
from callcoach.settings import Settings
from callcoach.storage import data_version

# The freshness promise of the key and scope caches (api.deps.KEY_CACHE_TTL_S).
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


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _not_modified(request: Request, etag: str) -> bool:
    wanted = request.headers.get("if-none-match")
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
    ) -> None:
        self.settings, self.ttl_s, self.max_bytes = settings, ttl_s, max_bytes
        self.clock, self._version = clock, version
        self._answers: OrderedDict[tuple[int, str, str], _Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._stripes = [threading.Lock() for _ in range(LOCK_STRIPES)]
        self.hits = self.misses = 0

    def answer(self, request: Request, key: ApiKey, compute: Callable[[], BaseModel]) -> Response:
        """The response to this GET: kept bytes when still valid, else ``compute()`` serialised.
        Call from a worker thread (the version probe and ``compute`` block)."""
        ident = (key.id, request.url.path, _canonical_query(request))
        version = self._version(self.settings) if self.max_bytes else None
        if version is None:  # no version known (an in-memory database), or told to keep nothing
            return self._send(request, self._serialise(compute))
        kept = self._answers.get(ident)
        if kept is not None and kept.version == version:
            if kept.expires > self.clock():
                return self._hit(request, ident, kept)
            stripe = self._stripes[hash(ident) % LOCK_STRIPES]
            if not stripe.acquire(blocking=False):
                return self._hit(request, ident, kept)  # another request is refreshing it
        else:
            stripe = self._stripes[hash(ident) % LOCK_STRIPES]
            stripe.acquire()
        try:
            kept = self._answers.get(ident)
            if kept is not None and kept.version == version and kept.expires > self.clock():
                return self._hit(request, ident, kept)
            with self._lock:
                self.misses += 1
            fresh = self._serialise(compute, version)
            self._put(ident, fresh)
            return self._send(request, fresh)
        finally:
            stripe.release()

    def _hit(self, request: Request, ident: tuple[int, str, str], kept: _Answer) -> Response:
        with self._lock:
            self.hits += 1
            if ident in self._answers:
                self._answers.move_to_end(ident)  # recently used answers are the last to go
        return self._send(request, kept)

    def _serialise(self, compute: Callable[[], BaseModel], version: str = "") -> _Answer:
        model = compute()
        body = model.model_dump_json(by_alias=True).encode()
        return _Answer(version, self.clock() + self.ttl_s, body, _etag(body))

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

    @staticmethod
    def _send(request: Request, answer: _Answer) -> Response:
        headers = {"ETag": answer.etag, "Cache-Control": CACHE_CONTROL, "Vary": "Authorization"}
        if _not_modified(request, answer.etag):
            return Response(status_code=304, headers=headers)
        return Response(answer.body, media_type="application/json", headers=headers)


def _canonical_query(request: Request) -> str:
    # ?limit=5&offset=0 and ?offset=0&limit=5 are one answer.
    return "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
