"""Fixtures for the worker tests: settings on the real PostgreSQL and Redis (namespaced per test),
real `celery worker` subprocesses (always killed at the end), and small transcript fixtures."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from callcoach.services import jobs
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, get_job, session_scope

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).with_name("celery")
# Short timeouts so a lost worker or message is recovered within the test's patience.
TEST_LEASE_S = 6.0
TEST_RECONCILE_INTERVAL_S = 2.0


@pytest.fixture
def service_settings(tmp_path: Path, postgres_url: str, redis_url: str) -> Iterator[Settings]:
    settings = Settings(
        data_dir=tmp_path / "data",
        database_url=postgres_url,
        broker_url=f"{redis_url}/0",
        broker_namespace=f"cc-test-{uuid.uuid4().hex[:10]}:",
        job_lease_s=TEST_LEASE_S,
        reconcile_interval_s=TEST_RECONCILE_INTERVAL_S,
        reconcile_queued_after_s=20.0,
    )
    yield settings
    # The Redis keys of this run go with it; the database is dropped by the postgres_url fixture.
    import redis

    client = redis.Redis.from_url(settings.broker_url or "")
    try:
        keys = list(client.scan_iter(match=f"{settings.broker_namespace}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()
    dispose_engines()


def worker_env(settings: Settings, **overrides: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")}
    values = {
        "data_dir": settings.data_dir,
        "database_url": settings.database_url,
        "broker_url": settings.broker_url,
        "broker_namespace": settings.broker_namespace,
        "job_lease_s": settings.job_lease_s,
        "reconcile_interval_s": settings.reconcile_interval_s,
        "reconcile_queued_after_s": settings.reconcile_queued_after_s,
        **overrides,
    }
    env.update({f"CALLCOACH_{k.upper()}": str(v) for k, v in values.items()})
    env["PYTHONPATH"] = str(ROOT)
    return env


class Worker:
    """A `celery worker` subprocess in its own process group."""

    def __init__(self, proc: subprocess.Popen[bytes], log_path: Path) -> None:
        self.proc = proc
        self.log_path = log_path

    def kill(self, sig: int = signal.SIGKILL) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def full_log(self) -> str:
        return self.log_path.read_text(errors="replace")


@pytest.fixture
def start_worker(service_settings: Settings, tmp_path: Path) -> Iterator[Callable[..., Worker]]:
    """Start real worker processes; every one is killed when the test ends, whatever happens."""
    started: list[Worker] = []

    def start(
        queues: str = "transcribe,analyze", concurrency: int = 1, settings: Settings | None = None, **env: Any
    ) -> Worker:
        name = f"w{len(started)}-{uuid.uuid4().hex[:6]}"
        log_path = tmp_path / f"{name}.log"
        cmd = [
            str(CELERY),
            "-A",
            "workers.app",
            "worker",
            "-Q",
            queues,
            "--concurrency",
            str(concurrency),
            "--pool",
            "prefork",
            "-n",
            f"{name}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ]
        with open(log_path, "wb") as out:
            proc = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env=worker_env(settings or service_settings, **env),
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(proc, log_path)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        for worker in started:
            worker.kill(signal.SIGTERM if worker.proc.poll() is None else signal.SIGKILL)


def write_transcript(
    directory: Path,
    call_id: str,
    *,
    rep: str = "Dana Reyes",
    deal_id: str = "acme-2026",
    buyer: str = "Priya Shah",
) -> Path:
    """A small CONTRACT transcript: discovery question, a quantified pain, a dated next step."""
    directory.mkdir(parents=True, exist_ok=True)
    doc = {
        "call_id": call_id,
        "rep": rep,
        "deal_id": deal_id,
        "started_at": "2026-03-02T15:00:00Z",
        "participants": [{"name": rep, "side": "rep"}, {"name": buyer, "side": "buyer", "title": "VP Sales"}],
        "utterances": [
            {"speaker": rep, "start": 0.0, "end": 4.0, "text": "How do you handle renewals today?"},
            {
                "speaker": buyer,
                "start": 4.5,
                "end": 10.0,
                "text": "We lose about 20% of renewals because reps spend six hours a week on CRM updates.",
            },
            {"speaker": rep, "start": 10.5, "end": 14.0, "text": "I'll send the proposal by Thursday at 2."},
            {"speaker": buyer, "start": 14.5, "end": 16.0, "text": "Sounds good, thank you."},
        ],
    }
    path = directory / f"{call_id}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def submit(settings: Settings, source: Path, call_id: str, meta: dict[str, Any] | None = None) -> str:
    """Submit a call the way the API does (files in the uploads volume, job committed, task sent)."""
    from workers.dispatch import send_task

    directory = jobs.submission_dir(settings, call_id)
    target = directory / f"input{source.suffix}"
    target.write_bytes(source.read_bytes())
    jobs.write_meta(directory, {"call_id": call_id, **(meta or {})})
    jobs.submit_call(settings, call_id=call_id, input_path=target)
    send_task("transcribe", call_id, settings)
    return call_id


def statuses(settings: Settings, call_ids: list[str]) -> dict[str, str]:
    with session_scope(settings) as session:
        out = {}
        for cid in call_ids:
            job = get_job(session, cid)
            out[cid] = job.status if job is not None else "missing"
        return out


def wait_for(
    settings: Settings,
    call_ids: list[str],
    *,
    timeout_s: float,
    until: frozenset[str] = frozenset({"done", "failed"}),
    workers: list[Worker] = (),
) -> dict[str, str]:
    """Poll until every call is in one of `until` (or the timeout; the caller asserts)."""
    deadline = time.monotonic() + timeout_s
    while True:
        current = statuses(settings, call_ids)
        if all(s in until for s in current.values()) or time.monotonic() > deadline:
            return current
        for w in workers:
            assert w.proc.poll() is None, f"worker exited early:\n{w.log()}"
        time.sleep(0.5)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """A redis-server of the test's own, on a free port, without persistence: stopping it loses
    every queued message, as a restarted production Redis without AOF does. The machine's shared
    Redis is never touched."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 20
        while True:
            try:
                if redis.Redis(port=self.port, socket_connect_timeout=1).ping():
                    return
            except redis.RedisError:
                pass
            assert time.monotonic() < deadline, "own redis-server did not start"
            time.sleep(0.1)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()  # no save, no goodbye: what a crash or a restart without AOF loses
            self.proc.wait(timeout=10)
        self.proc = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(tmp_path / "redis")
    server.start()
    try:
        yield server
    finally:
        server.stop()


class TcpProxy:
    """A TCP proxy the test controls, in front of PostgreSQL: `cut()` refuses new connections and
    drops every open one (the database "goes away" for its clients), `restore()` accepts again on
    the same port. Runs an asyncio loop on its own thread."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="pg-proxy", daemon=True)
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            up_r, up_w = await asyncio.open_connection(*self.upstream)
        except OSError:
            client_w.close()
            return
        self.writers |= {client_w, up_w}
        await asyncio.gather(self._pipe(client_r, up_w), self._pipe(up_r, client_w))
        self.writers -= {client_w, up_w}

    async def _listen(self) -> None:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", self.port, reuse_address=True)

    async def _cut(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
        for w in list(self.writers):
            w.transport.abort()
        self.writers.clear()

    def start(self) -> None:
        self.thread.start()
        self.restore()

    def restore(self) -> None:
        asyncio.run_coroutine_threadsafe(self._listen(), self.loop).result(timeout=10)

    def cut(self) -> None:
        asyncio.run_coroutine_threadsafe(self._cut(), self.loop).result(timeout=10)

    def close(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


@pytest.fixture
def pg_proxy(postgres_url: str) -> Iterator[TcpProxy]:
    from sqlalchemy.engine import make_url

    url = make_url(postgres_url)
    proxy = TcpProxy(url.host or "127.0.0.1", url.port or 5432)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.close()


def proxied(postgres_url: str, proxy: TcpProxy) -> str:
    """The database URL through the proxy (what the workers use in a database-outage test)."""
    from sqlalchemy.engine import make_url

    return make_url(postgres_url).set(port=proxy.port).render_as_string(hide_password=False)
