#!/usr/bin/env python3
"""API and pipeline throughput on this machine, each against a baseline in the same run.

1. Read endpoints under concurrent clients on loopback: a real `callcoach serve` (uvicorn) process
   over a PostgreSQL database seeded with processed calls; `--clients` (50) concurrent httpx clients
   hammer one endpoint at a time for `--seconds`. Reported: p50, p99 latency and requests/s, with
   /healthz (a one-row database probe and no auth) side by side as the baseline.
2. Pipeline throughput: `--calls` transcript calls through real Celery workers on Redis, with one
   worker process and then with two (fresh database and queue namespace each), after a warm-up
   that loads the models in every process. Reported: calls per minute and the 2-vs-1 scaling ratio.

    .venv/bin/python bench/api.py                      # needs the machine's Redis and PostgreSQL
    .venv/bin/python bench/api.py --clients 50 --seconds 10 --calls 40 --repeats 2

Numbers depend on the machine and on what else runs on it (the dev machines have 2 shared cores).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379/0"
BIN = Path(sys.executable).parent


def transcript(call_id: str, rep: str, deal: str) -> dict[str, Any]:
    buyer = "Priya Shah"
    return {
        "call_id": call_id,
        "rep": rep,
        "deal_id": deal,
        "started_at": "2026-03-02T15:00:00Z",
        "participants": [{"name": rep, "side": "rep"}, {"name": buyer, "side": "buyer", "title": "CFO"}],
        "utterances": [
            {"speaker": rep, "start": 0.0, "end": 4.0, "text": "Walk me through how renewals work today?"},
            {
                "speaker": buyer,
                "start": 4.5,
                "end": 11.0,
                "text": "The price is a concern, and we lose about 20% of renewals to churn.",
            },
            {"speaker": rep, "start": 11.5, "end": 15.0, "text": "I'll send the numbers by Friday at noon."},
            {"speaker": buyer, "start": 15.5, "end": 17.0, "text": "Great, thanks."},
        ],
    }


@contextmanager
def fresh_database() -> Iterator[str]:
    import psycopg

    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        from callcoach.storage import dispose_engines

        dispose_engines()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def env_for(**values: Any) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")}
    env.update({f"CALLCOACH_{k.upper()}": str(v) for k, v in values.items() if v is not None})
    env["PYTHONPATH"] = str(ROOT)
    return env


@contextmanager
def process(cmd: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def wait_done(settings: Any, call_ids: list[str], timeout_s: float) -> float:
    from sqlalchemy import func, select

    from callcoach.storage import session_scope
    from callcoach.storage.models import JobRow

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with session_scope(settings) as s:
            n = s.scalar(
                select(func.count())
                .select_from(JobRow)
                .where(JobRow.call_id.in_(call_ids), JobRow.status.in_(("done", "failed")))
            )
        if n == len(call_ids):
            return time.monotonic()
        time.sleep(0.25)
    raise TimeoutError(f"{len(call_ids)} calls not finished within {timeout_s:.0f} s")


def submit_direct(settings: Any, work: Path, call_id: str, rep: str, deal: str) -> None:
    from callcoach.services import jobs
    from workers.dispatch import send_task

    directory = jobs.submission_dir(settings, call_id)
    (directory / "input.json").write_text(json.dumps(transcript(call_id, rep, deal)))
    jobs.write_meta(directory, {"call_id": call_id})
    jobs.submit_call(settings, call_id=call_id, input_path=directory / "input.json", rep=rep, team="bench")
    send_task("transcribe", call_id, settings)


# ----------------------------------------------------------------------------- pipeline


def pipeline_run(processes: int, n_calls: int, work: Path) -> float:
    """Calls per minute through `processes` worker processes (after a warm-up)."""
    from callcoach.settings import Settings

    with fresh_database() as db:
        settings = Settings(
            data_dir=work / f"p{processes}",
            database_url=db,
            broker_url=REDIS_URL,
            broker_namespace=f"cc-bench-{uuid.uuid4().hex[:8]}:",
        )
        env = env_for(
            data_dir=settings.data_dir,
            database_url=db,
            broker_url=REDIS_URL,
            broker_namespace=settings.broker_namespace,
        )
        # The machine's cores shared between the processes: without this each process starts a
        # thread per core for torch and CTranslate2, and two processes oversubscribe the CPU.
        threads = str(max(1, (os.cpu_count() or 1) // processes))
        env.update(OMP_NUM_THREADS=threads, MKL_NUM_THREADS=threads, CALLCOACH_CPU_THREADS=threads)
        cmd = [
            str(BIN / "celery"),
            "-A",
            "workers.app",
            "worker",
            "-Q",
            "transcribe,analyze",
            "--concurrency",
            str(processes),
            "--loglevel",
            "WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"bench{processes}-{uuid.uuid4().hex[:6]}@%h",
        ]
        with process(cmd, env, work / f"worker{processes}.log"):
            warm = [f"warm-{i}" for i in range(2 * processes)]
            for i, cid in enumerate(warm):
                submit_direct(settings, work, cid, f"Warm {i}", "warm")
            wait_done(settings, warm, timeout_s=600)
            ids = [f"call-{i:04d}" for i in range(n_calls)]
            started = time.monotonic()
            for i, cid in enumerate(ids):
                submit_direct(settings, work, cid, f"Rep {i % 10}", f"deal-{i % 20}")
            finished = wait_done(settings, ids, timeout_s=1800)
        _drop_namespace(settings.broker_namespace)
        return n_calls / ((finished - started) / 60.0)


def _drop_namespace(namespace: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{namespace}*", count=1000))
        if keys:
            client.delete(*keys)
    finally:
        client.close()


# ----------------------------------------------------------------------------- reads


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def hammer(url: str, headers: dict[str, str], clients: int, seconds: float) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(headers=headers, limits=limits, timeout=30) as client:

        async def one() -> None:
            nonlocal errors
            while time.monotonic() < stop:
                t = time.perf_counter()
                try:
                    r = await client.get(url)
                    ok = r.status_code == 200
                except httpx.HTTPError:  # a dropped connection counts as an error, not a crash
                    ok = False
                latencies.append(time.perf_counter() - t)
                errors += 0 if ok else 1

        started = time.monotonic()
        await asyncio.gather(*(one() for _ in range(clients)))
        elapsed = time.monotonic() - started
    q = statistics.quantiles(latencies, n=100)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50_ms": q[49] * 1000,
        "p99_ms": q[98] * 1000,
    }


def reads_run(
    clients: int, seconds: float, seed_calls: int, work: Path
) -> list[tuple[str, dict[str, float]]]:
    from callcoach.services import access, jobs
    from callcoach.settings import Settings
    from callcoach.storage import session_scope

    with fresh_database() as db:
        settings = Settings(
            data_dir=work / "reads", database_url=db, broker_url=None, reconcile_interval_s=3600
        )
        with session_scope(settings) as s:
            admin, _ = access.create_key(s, role="admin")
            manager, _ = access.create_key(s, role="manager", team="bench")
        for i in range(seed_calls):  # processed here, in-process: the same job service as the workers
            cid = f"seed-{i:03d}"
            directory = jobs.submission_dir(settings, cid)
            (directory / "input.json").write_text(
                json.dumps(transcript(cid, f"Rep {i % 10}", f"deal-{i % 20}"))
            )
            jobs.write_meta(directory, {"call_id": cid})
            jobs.submit_call(
                settings, call_id=cid, input_path=directory / "input.json", rep=f"Rep {i % 10}", team="bench"
            )
            for stage in jobs.STAGES:
                jobs.run_stage(settings, stage, cid)
        port = free_port()
        env = env_for(data_dir=settings.data_dir, database_url=db, reconcile_interval_s=3600)
        cmd = [str(BIN / "callcoach"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        base = f"http://127.0.0.1:{port}"
        with process(cmd, env, work / "serve.log"):
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("serve did not start; see " + str(work / "serve.log"))
                time.sleep(0.5)
            targets = [
                ("GET /healthz (baseline)", f"{base}/healthz", {}),
                (
                    "GET /v1/calls?limit=50 (admin)",
                    f"{base}/v1/calls?limit=50",
                    {"Authorization": f"Bearer {admin}"},
                ),
                (
                    "GET /v1/calls (manager, team scope)",
                    f"{base}/v1/calls",
                    {"Authorization": f"Bearer {manager}"},
                ),
                ("GET /v1/calls/{id}", f"{base}/v1/calls/seed-001", {"Authorization": f"Bearer {admin}"}),
                ("GET /v1/alerts", f"{base}/v1/alerts", {"Authorization": f"Bearer {admin}"}),
            ]
            return [
                (name, asyncio.run(hammer(url, headers, clients, seconds))) for name, url, headers in targets
            ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--seed-calls", type=int, default=30)
    ap.add_argument("--calls", type=int, default=40, help="calls per pipeline run")
    ap.add_argument("--repeats", type=int, default=2, help="interleaved pipeline runs per process count")
    ap.add_argument("--skip-reads", action="store_true")
    ap.add_argument("--skip-pipeline", action="store_true")
    ap.add_argument("--work", type=Path, help="keep logs and data here (default: a temporary folder)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="cc_bench_api_") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_reads:
            rows = reads_run(args.clients, args.seconds, args.seed_calls, work)
            print(
                f"\nRead endpoints, {args.clients} concurrent clients, {args.seconds:.0f} s each, "
                f"{args.seed_calls} calls stored (PostgreSQL, uvicorn, loopback)"
            )
            print(f"{'endpoint':<38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
            for name, r in rows:
                print(
                    f"{name:<38} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} "
                    f"{int(r['errors']):>7}"
                )
        if not args.skip_pipeline:
            # Alternate 1 and 2 processes: the dev machines are shared, and their load drifts
            # more between two runs than the effect being measured; medians of interleaved runs.
            runs: dict[int, list[float]] = {1: [], 2: []}
            for _ in range(args.repeats):
                for processes in (1, 2):
                    runs[processes].append(pipeline_run(processes, args.calls, work))
            one, two = statistics.median(runs[1]), statistics.median(runs[2])
            print(
                f"\nPipeline throughput, {args.calls} transcript calls per run, {args.repeats} interleaved "
                "run(s) each (Celery on Redis, PostgreSQL)"
            )
            print(f"{'worker processes':<20} {'calls/min (median)':>19}   runs")
            print(f"{'1 (baseline)':<20} {one:>19.1f}   {', '.join(f'{x:.1f}' for x in runs[1])}")
            print(f"{'2':<20} {two:>19.1f}   {', '.join(f'{x:.1f}' for x in runs[2])}")
            print(f"scaling ratio 2 vs 1: {two / one:.2f}  (cores on this machine: {os.cpu_count()})")


if __name__ == "__main__":
    main()
