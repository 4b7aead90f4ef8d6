#!/usr/bin/env python3
"""Calls per minute through the whole analyze pipeline with 1 and with 2 worker processes.

    .venv/bin/python bench/workers.py                         # the sample call, 4 calls per setting
    .venv/bin/python bench/workers.py CALL.wav --meta M.json --calls 6 --workers 1 2

Each worker is a process like a Celery worker with prefetch 1: it loads the models once (untimed,
before the start line), then takes calls from a shared queue and runs
`callcoach.services.pipeline.analyze_path` (decode, batched transcription, sides, signals,
coaching). The cores are split between the workers
(`CALLCOACH_CPU_THREADS` = cores // workers, for CTranslate2 and torch). Figure: calls / wall minutes
from the start line to the last call done. Settings run alternately, `--rounds` times; medians.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

SAMPLE = REPO / "samples" / "sample_call.wav"
SAMPLE_META = REPO / "samples" / "sample_call.meta.json"


def _worker(threads: int, call: Path, meta: Path | None, queue: Any, ready: Any) -> None:
    os.environ["CALLCOACH_CPU_THREADS"] = str(threads)
    from callcoach.services.pipeline import analyze_path
    from callcoach.settings import Settings

    settings = Settings()
    analyze_path(call, meta_path=meta, settings=settings)  # warm: model loads, first-call costs
    ready.wait()
    while queue.get() is not None:
        analyze_path(call, meta_path=meta, settings=settings)


def run(workers: int, calls: int, call: Path, meta: Path | None) -> float:
    """Calls per minute with `workers` processes."""
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    ready = ctx.Barrier(workers + 1)
    threads = max(1, (os.cpu_count() or 1) // workers)
    procs = [ctx.Process(target=_worker, args=(threads, call, meta, queue, ready)) for _ in range(workers)]
    for p in procs:
        p.start()
    ready.wait()
    t0 = time.perf_counter()
    for _ in range(calls):
        queue.put(1)
    for _ in procs:
        queue.put(None)
    for p in procs:
        p.join()
        if p.exitcode:
            raise SystemExit(f"worker exited with {p.exitcode}")
    return calls / (time.perf_counter() - t0) * 60


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("call", type=Path, nargs="?", default=SAMPLE)
    ap.add_argument("--meta", type=Path, default=None)
    ap.add_argument("--calls", type=int, default=4)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    meta = args.meta or (SAMPLE_META if args.call == SAMPLE else None)
    results: dict[int, list[float]] = {w: [] for w in args.workers}
    for i in range(args.rounds):
        order = args.workers if i % 2 == 0 else args.workers[::-1]
        for w in order:
            results[w].append(run(w, args.calls, args.call, meta))
            print(f"  round {i + 1}: {w} worker(s) {results[w][-1]:.2f} calls/min", flush=True)
    print(f"{args.call.name}, {args.calls} calls per setting, {os.cpu_count()} CPUs, "
          f"load {os.getloadavg()[0]:.1f}")
    for w, rates in results.items():
        print(f"  {w} worker(s) x {max(1, (os.cpu_count() or 1) // w)} thread(s): "
              f"{statistics.median(rates):.2f} calls/min (median of {len(rates)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
