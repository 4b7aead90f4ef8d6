#!/usr/bin/env python3
"""Per-call `callcoach analyze` wall time with torch given one thread vs. two, alone and side by side.

Each configuration runs `callcoach analyze FILE --json` in fresh processes (model loads included,
as a CLI user or a worker's first call sees it): `--parallel` processes at once, `--rounds` times,
the configurations interleaved so machine load hits both alike. The thread count goes through
``CALLCOACH_CPU_THREADS`` (``callcoach.nlp.bound_threads``); 0 is the default (half the cores).

    .venv/bin/python bench/threads.py tests/data/transcripts/harbor_discovery.json
    .venv/bin/python bench/threads.py CALL.json --parallel 2 --threads 0 1 2 --rounds 3

Prints the median and the range of the per-process wall and CPU seconds per configuration.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _run_batch(call: Path, threads: int, parallel: int) -> list[tuple[float, float]]:
    """`parallel` analyze processes started together; (wall, cpu) seconds of each."""
    env = {**os.environ, "CALLCOACH_CPU_THREADS": str(threads)}
    cmd = [sys.executable, "-m", "callcoach.cli", "analyze", str(call), "--json"]
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for _ in range(parallel)]
    out = []
    for p in procs:
        # wait4 rather than wait(): it also gives the child's own CPU time.
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - started
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode:
            raise SystemExit(f"{' '.join(cmd)} exited with {p.returncode}")
        out.append((wall, usage.ru_utime + usage.ru_stime))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("call", type=Path, help="A transcript (or recording) to analyze.")
    ap.add_argument("--threads", type=int, nargs="+", default=[2, 1], help="CALLCOACH_CPU_THREADS values.")
    ap.add_argument("--parallel", type=int, default=1, help="Processes started at once per batch.")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    results: dict[int, list[tuple[float, float]]] = {t: [] for t in args.threads}
    for _ in range(args.rounds):
        for t in args.threads:
            results[t] += _run_batch(args.call.resolve(), t, args.parallel)
    print(f"{args.call.name}: {args.parallel} process(es) at once, {args.rounds} rounds, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    for t, runs in results.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        print(f"  threads={t}: wall median {statistics.median(walls):.2f} s "
              f"({min(walls):.2f}-{max(walls):.2f}), cpu median {statistics.median(cpus):.2f} s")


if __name__ == "__main__":
    main()
