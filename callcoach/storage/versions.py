"""The database's data version: a short token that changes whenever a write is committed.

A process that keeps answers computed from the database (the API's read cache) asks for the token
before each use: an equal token means nothing was committed since, by any process, so the kept
answer is still the answer. One round trip on a connection of its own, held by this module:

- PostgreSQL: ``pg_current_snapshot()``. Its text (xmin:xmax:in-progress ids) changes whenever a
  transaction that wrote anything finishes, and only then (a read-only transaction is given no
  transaction id). It is server-wide, so writes to other databases of the server change it too:
  a needless recompute, never a stale answer.
- SQLite: ``PRAGMA data_version`` on a connection that never writes. SQLite changes it for every
  commit made by any other connection, from this process or another.

``None`` means "no version known" (an in-memory database, a probe that failed): keep nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
from typing import Any

from callcoach.settings import Settings
from callcoach.storage.engine import engine_for

log = logging.getLogger("callcoach.storage")

_QUERIES = {
    "postgresql": "SELECT pg_current_snapshot()::text",
    "sqlite": "PRAGMA data_version",
}


class _Probe:
    """One dedicated connection per database URL, used by one thread at a time."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.lock = threading.Lock()
        self.conn: Any = None
        engine = engine_for(settings)
        self.dialect, database = engine.dialect.name, engine.url.database
        self.supported = self.dialect in _QUERIES and not (
            self.dialect == "sqlite" and (not database or database == ":memory:")
        )

    def _connect(self) -> Any:
        engine = engine_for(self.settings)
        pooled = engine.raw_connection()
        conn = pooled.dbapi_connection
        # Out of the pool for good: a version check must not wait behind the requests' own
        # connections, nor take one of them.
        pooled.detach()
        if self.dialect == "postgresql":
            conn.autocommit = True  # one round trip per check, no BEGIN/COMMIT around it
        return conn

    def read(self) -> str | None:
        if not self.supported:
            return None
        with self.lock:
            for attempt in (1, 2):  # a dropped connection (server restart) is reopened once
                try:
                    if self.conn is None:
                        self.conn = self._connect()
                    cur = self.conn.execute(_QUERIES[self.dialect])
                    row = cur.fetchone()
                    cur.close()
                    return f"{self.dialect}:{row[0]}"
                except Exception as exc:  # noqa: BLE001 - any driver or pool error
                    self.close()
                    if attempt == 2:
                        log.warning("data version probe failed: %s", type(exc).__name__)
            return None

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(Exception):  # closing a broken connection
                self.conn.close()
            self.conn = None


class _AsyncProbe:
    """The PostgreSQL probe for an event loop (the API's fast path for kept answers): the same query
    on an asyncio connection of its own, so a check never blocks the loop nor takes a thread.

    Requests that arrive while a probe is waiting to start share it: a probe that starts after a
    request arrived answers for that request as exactly as one of its own would (anything committed
    before the request came is in it), so fifty concurrent requests cost a few round trips, not
    fifty."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.conn: Any = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self.lock: asyncio.Lock | None = None
        self.next: asyncio.Future[str | None] | None = None  # a probe not started yet
        self.queries = 0

    async def read(self) -> str | None:
        loop = asyncio.get_running_loop()
        if self.loop is not loop:  # a new loop (tests start one per client): its own connection
            self.loop, self.lock, self.conn, self.next = loop, asyncio.Lock(), None, None
        if self.next is not None:
            return await asyncio.shield(self.next)
        shared = self.next = loop.create_future()
        result: str | None = None
        try:
            assert self.lock is not None
            async with self.lock:
                if self.next is shared:
                    self.next = None  # started: later arrivals wait for the next one
                result = await self._query()
        finally:
            if not shared.done():
                shared.set_result(result)
            if self.next is shared:
                self.next = None
        return result

    async def _query(self) -> str | None:
        import psycopg

        for attempt in (1, 2):
            try:
                if self.conn is None or self.conn.closed:
                    engine = engine_for(self.settings)
                    cargs, cparams = engine.dialect.create_connect_args(engine.url)
                    self.conn = await psycopg.AsyncConnection.connect(*cargs, **cparams, autocommit=True)
                self.queries += 1
                cur = await self.conn.execute(_QUERIES["postgresql"])
                row = await cur.fetchone()
                return f"postgresql:{row[0]}" if row else None
            except Exception as exc:  # noqa: BLE001 - any driver error: reconnect once, then give up
                if self.conn is not None:
                    with contextlib.suppress(Exception):
                        await self.conn.close()
                self.conn = None
                if attempt == 2:
                    log.warning("data version probe failed: %s", type(exc).__name__)
        return None


_probes: dict[str, _Probe] = {}
_async_probes: dict[str, _AsyncProbe] = {}
_probes_lock = threading.Lock()


def _probe(settings: Settings) -> _Probe:
    probe = _probes.get(settings.database_url)
    if probe is None:
        with _probes_lock:
            probe = _probes.get(settings.database_url)
            if probe is None:
                probe = _probes[settings.database_url] = _Probe(settings)
    return probe


def data_version(settings: Settings) -> str | None:
    """A token equal between two calls only if no write was committed in between (see module)."""
    return _probe(settings).read()


async def data_version_async(settings: Settings) -> str | None:
    """``data_version`` for code on an event loop: PostgreSQL is asked without blocking the loop;
    SQLite's answer is a read of shared memory, asked in place."""
    probe = _probe(settings)
    if not probe.supported:
        return None
    if probe.dialect != "postgresql":
        return probe.read()
    aprobe = _async_probes.get(settings.database_url)
    if aprobe is None:
        aprobe = _async_probes.setdefault(settings.database_url, _AsyncProbe(settings))
    return await aprobe.read()


def close_probes() -> None:
    """Close the probes' connections (tests; a process about to fork)."""
    with _probes_lock:
        for probe in _probes.values():
            with probe.lock:
                probe.close()
        _probes.clear()
        # An asyncio connection can be closed only on its own loop; dropped here, the server ends
        # the session when the socket is collected.
        _async_probes.clear()


def _after_fork_in_child() -> None:
    # The parent owns the sockets: forget them without closing; the child opens its own.
    for probe in _probes.values():
        probe.conn = None
    _probes.clear()
    _async_probes.clear()


os.register_at_fork(after_in_child=_after_fork_in_child)
