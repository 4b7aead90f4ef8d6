#!/usr/bin/env python3
"""Does coaching cost grow with the library? The coach stage and the coaching reads at 100, 1,000
and 10,000 stored calls (issue 10, item 4: time per call and per request may grow at most 2x).

For each size a fresh database is seeded (``bench/seed.py``, no models), then:

- **coach stage**: `--new` more calls for existing reps and deals are stored as the analyze stage
  stores them, and each is coached with ``refresh(call_id=...)``, the coach stage's work (metrics,
  prompts, role-play statements with their embedding, that rep's and deal's alerts). Median per call.
- **reads**: ``GET /v1/roleplays``, ``/v1/alerts`` and ``/v1/reps/{rep}/coaching`` through the app
  in-process (one client, sequential, so the figure is the cost of one request), with an admin key
  and with a manager key (scoped reads). Median of `--requests`. The plan is measured twice: as a
  dashboard reads it again (the process keeps a plan until a call of the rep or team is coached)
  and cold (``rep_coaching_cold``: that kept plan dropped before each request).

Ratios are against the smallest size, printed per line. A loaded machine moves every figure;
the sizes run one after the other, so compare the ratios, and rerun when the load changed.

    .venv/bin/python bench/coaching_scale.py --db postgres            # 100, 1000, 10000
    .venv/bin/python bench/coaching_scale.py --db sqlite --sizes 100 1000
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


@contextmanager
def database(kind: str, size: int) -> Iterator[str]:
    """A fresh database URL for one size (dropped afterwards)."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.db"
        return
    import psycopg

    name = f"callcoach_bench_scale_{size}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        from callcoach.storage import dispose_engines

        dispose_engines()
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def median_ms(fn: Callable[[], Any], n: int) -> float:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run_size(kind: str, size: int, args: argparse.Namespace) -> dict[str, Any]:
    import seed
    from fastapi.testclient import TestClient

    from api.app import create_app
    from callcoach.services import coaching as coaching_service
    from callcoach.settings import Settings
    from callcoach.storage import init_db, save_call, session_scope
    from coaching.calls import transcript_of_stored

    with database(kind, size) as url:
        settings = Settings(
            database_url=url,
            data_dir=Path(tempfile.gettempdir()) / "cc_scale_data",
            broker_url=None,
            webhook_urls=[],
        )
        init_db(settings)
        t0 = time.perf_counter()
        calls, roster = seed.generate(size, calls_per_rep=args.calls_per_rep, reps_per_team=8, seed=15)
        seed.write(settings, calls, roster, embeddings=args.embeddings, seed=15)
        seeded_s = time.perf_counter() - t0
        keys = seed.make_keys(settings, roster)

        # New calls for existing reps and deals, stored the way the analyze stage stores them.
        extra, _ = seed.generate(args.new * 5, calls_per_rep=args.calls_per_rep, reps_per_team=8, seed=99)
        latest = max(c.started_at for c in calls)
        fresh = []
        for k, c in enumerate(extra[: args.new]):
            base = calls[(k * 7919) % len(calls)]
            fresh.append(
                dataclasses.replace(
                    c,
                    call_id=f"new-{k:04d}",
                    rep=base.rep,
                    deal_id=base.deal_id,
                    started_at=latest + timedelta(hours=k + 1),
                    analysis={
                        **c.analysis,
                        "call_id": f"new-{k:04d}",
                        "rep": base.rep,
                        "deal_id": base.deal_id,
                    },
                )
            )
        with session_scope(settings) as session:
            for c in fresh:
                save_call(session, transcript_of_stored(c), c.analysis)
        coaching_service.refresh(settings, deliver=False, call_id=fresh[0].call_id)  # loads MiniLM
        coach = []
        for c in fresh[1:]:
            t = time.perf_counter()
            coaching_service.refresh(settings, deliver=False, call_id=c.call_id)
            coach.append((time.perf_counter() - t) * 1000)

        out: dict[str, Any] = {
            "size": size,
            "seed_s": round(seeded_s, 1),
            "coach_stage_ms": round(statistics.median(coach), 1),
        }
        rep = keys["rep_name"]
        with TestClient(create_app(settings)) as client:
            for role in ("admin", "manager"):
                h = {"Authorization": f"Bearer {keys[role]}"}
                for name, path in (
                    ("roleplays", "/v1/roleplays"),
                    ("alerts", "/v1/alerts"),
                    ("rep_coaching", f"/v1/reps/{rep}/coaching"),
                ):
                    r = client.get(path, headers=h)
                    assert r.status_code == 200, (path, role, r.status_code, r.text[:200])
                    out[f"{name}_{role}_ms"] = round(
                        median_ms(lambda p=path, h=h: client.get(p, headers=h), args.requests), 1
                    )
                    if name == "rep_coaching":  # the plan computed afresh: no plan kept from before

                        def cold(p: str = path, h: dict[str, str] = h) -> None:
                            coaching_service._PLANS.clear()
                            client.get(p, headers=h)

                        out[f"{name}_cold_{role}_ms"] = round(median_ms(cold, args.requests), 1)
        return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="postgres")
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000, 10000])
    ap.add_argument("--new", type=int, default=11, help="Calls coached per size (the first warms up).")
    ap.add_argument("--requests", type=int, default=15, help="Requests per endpoint and key.")
    ap.add_argument("--calls-per-rep", type=int, default=25)
    ap.add_argument("--embeddings", choices=("model", "synthetic"), default="model")
    args = ap.parse_args()
    rows = [run_size(args.db, n, args) for n in args.sizes]
    base = rows[0]
    for r in rows:
        ratios = {
            k: round(v / base[k], 2)
            for k, v in r.items()
            if k.endswith("_ms") and isinstance(v, float) and base.get(k)
        }
        print(json.dumps({**r, "ratio_vs_smallest": ratios}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
