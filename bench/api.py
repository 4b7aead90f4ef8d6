#!/usr/bin/env python3
"""API and pipeline throughput on this machine, each against a baseline in the same run.

1. Read endpoints under load on loopback: `callcoach serve` as started by default (one worker
   process per core) over a PostgreSQL database seeded by ``bench/seed.py`` (10,000 calls by
   default), and ``wrk`` (a compiled load generator: ``apt-get install wrk``) with `--connections`
   (50) for `--seconds` (10) per endpoint. Reported: requests/s, p50, p99, errors, and a /healthz
   run (a one-row database probe and no auth) right after each endpoint's run as the baseline for a
   machine whose load moves (its p99 ratio), with the 1-minute load average. Each endpoint's run is
   preceded by an unrecorded 2 s warm-up under the same load (the worker processes' first requests
   fill their key and answer caches).
2. Pipeline throughput: `--calls` transcript calls through real Celery workers on Redis, with one
   worker process and then with two (fresh database and queue namespace each), after a warm-up
   that loads the models in every process. Reported: calls per minute and the 2-vs-1 scaling ratio.

    .venv/bin/python bench/api.py                      # needs the machine's Redis and PostgreSQL
    .venv/bin/python bench/api.py --skip-pipeline --seed-calls 100 1000 10000

Numbers depend on the machine and on what else runs on it (the dev machines have 2 shared cores).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
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
# Seconds of unrecorded load on each endpoint before its measured run.
WARMUP_S = 2


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


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if m is None:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def wrk(url: str, headers: dict[str, str], connections: int, seconds: float) -> dict[str, float]:
    """One wrk run (a compiled load generator: one thread, `connections` keep-alive connections)."""
    cmd = ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--latency", "--timeout", "10s"]
    for k, v in headers.items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    pct = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", out, re.M))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {
        "requests": int(total.group(1)) if total else 0,
        "rps": float(rps.group(1)) if rps else 0.0,
        "p50_ms": _ms(pct["50"]),
        "p99_ms": _ms(pct["99"]),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(int(x) for x in sock.groups()) if sock else 0),
        "load1": os.getloadavg()[0],
    }


def seed_database(settings: Any, calls: int) -> dict[str, str]:
    """`calls` stored calls with their coaching aggregates (bench/seed.py), and bench keys."""
    import importlib.util

    from callcoach.storage import init_db

    # Loaded from its file: bench/ on sys.path would shadow the packages named like its scripts
    # (bench/signals.py hid `signals` from the coaching code the seeding runs).
    spec = importlib.util.spec_from_file_location("bench_seed", ROOT / "bench" / "seed.py")
    assert spec is not None and spec.loader is not None
    seed = importlib.util.module_from_spec(spec)
    sys.modules["bench_seed"] = seed
    spec.loader.exec_module(seed)

    init_db(settings)
    stored, roster = seed.generate(calls, calls_per_rep=25, reps_per_team=8, seed=15)
    seed.write(settings, stored, roster, embeddings="synthetic", seed=15)
    keys = seed.make_keys(settings, roster)
    keys["call_id"] = stored[len(stored) // 2].call_id
    return keys


def reads_run(
    connections: int, seconds: float, seed_calls: int, work: Path, workers: int | None,
    read_cache_mb: int | None = None,
) -> list[tuple[str, dict[str, float], dict[str, float]]]:
    """Each read endpoint under wrk, each run followed by a /healthz run (the baseline, side by side
    in time so both see the same machine load): (name, endpoint, healthz)."""
    from callcoach.settings import Settings

    with fresh_database() as db:
        settings = Settings(
            data_dir=work / "reads", database_url=db, broker_url=None, reconcile_interval_s=3600
        )
        keys = seed_database(settings, seed_calls)
        port = free_port()
        env = env_for(data_dir=settings.data_dir, database_url=db, reconcile_interval_s=3600,
                      read_cache_mb=read_cache_mb)
        # `callcoach serve` as started by default (one worker process per core) unless told.
        cmd = [str(BIN / "callcoach"), "serve", "--host", "127.0.0.1", "--port", str(port)]
        if workers:
            cmd += ["--workers", str(workers)]
        base = f"http://127.0.0.1:{port}"
        with process(cmd, env, work / "serve.log"):
            deadline = time.monotonic() + 180
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError("serve did not start; see " + str(work / "serve.log"))
                time.sleep(0.5)
            admin = {"Authorization": f"Bearer {keys['admin']}"}
            manager = {"Authorization": f"Bearer {keys['manager']}"}
            rep = keys["rep_name"].replace(" ", "%20")
            targets = [
                ("GET /v1/calls (admin)", f"{base}/v1/calls", admin),
                ("GET /v1/calls (manager)", f"{base}/v1/calls", manager),
                ("GET /v1/calls/{id} (admin)", f"{base}/v1/calls/{keys['call_id']}", admin),
                ("GET /v1/alerts (admin)", f"{base}/v1/alerts", admin),
                ("GET /v1/alerts (manager)", f"{base}/v1/alerts", manager),
                ("GET /v1/reps/{rep}/coaching (admin)", f"{base}/v1/reps/{rep}/coaching", admin),
                ("GET /v1/roleplays (admin)", f"{base}/v1/roleplays", admin),
                ("GET /v1/roleplays (manager)", f"{base}/v1/roleplays", manager),
            ]
            for _, url, headers in targets:  # every endpoint answers, and warms its process caches
                r = httpx.get(url, headers=headers, timeout=60)
                if r.status_code != 200:
                    raise RuntimeError(f"{url}: {r.status_code} {r.text[:200]}")
            out = []
            for name, url, headers in targets:
                # Warm-up, not recorded: each worker process's first requests verify the key and
                # compute the answer (its own caches); the figure is the steady state after them.
                wrk(url, headers, connections, WARMUP_S)
                endpoint = wrk(url, headers, connections, seconds)
                health = wrk(f"{base}/healthz", {}, connections, seconds)
                out.append((name, endpoint, health))
            return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--connections", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument(
        "--seed-calls", type=int, nargs="+", default=[10_000], help="library sizes (bench/seed.py)"
    )
    ap.add_argument("--workers", type=int, help="serve --workers (default: serve's own default)")
    ap.add_argument(
        "--read-cache-mb",
        type=int,
        help="CALLCOACH_READ_CACHE_MB for serve (default: its own, 64); 0 computes every answer (cold cost)",
    )
    ap.add_argument("--calls", type=int, default=40, help="calls per pipeline run")
    ap.add_argument("--repeats", type=int, default=2, help="interleaved pipeline runs per process count")
    ap.add_argument("--skip-reads", action="store_true")
    ap.add_argument("--skip-pipeline", action="store_true")
    ap.add_argument("--work", type=Path, help="keep logs and data here (default: a temporary folder)")
    args = ap.parse_args()
    if not args.skip_reads and shutil.which("wrk") is None:
        sys.exit("bench/api.py: wrk is not installed (apt-get install wrk, or make bench-api)")
    with tempfile.TemporaryDirectory(prefix="cc_bench_api_") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not args.skip_reads:
            for size in args.seed_calls:
                rows = reads_run(args.connections, args.seconds, size, work, args.workers, args.read_cache_mb)
                serve = f"callcoach serve --workers {args.workers}" if args.workers else "callcoach serve"
                if args.read_cache_mb is not None:
                    serve += f", CALLCOACH_READ_CACHE_MB={args.read_cache_mb}"
                print(
                    f"\nRead endpoints, wrk -t1 -c{args.connections} -d{args.seconds:.0f}s, {size} calls "
                    f"stored (PostgreSQL, {serve}, loopback; cores {os.cpu_count()}); each run followed "
                    "by /healthz"
                )
                print(
                    f"{'endpoint':<36} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'err':>4} | "
                    f"{'healthz p99':>11} {'p99 ratio':>9} {'load1':>6}"
                )
                for name, r, h in rows:
                    print(
                        f"{name:<36} {r['rps']:>7.0f} {r['p50_ms']:>7.1f} {r['p99_ms']:>7.1f} "
                        f"{int(r['errors']):>4} | "
                        f"{h['p99_ms']:>11.1f} {r['p99_ms'] / h['p99_ms']:>9.2f} {r['load1']:>6.1f}"
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
