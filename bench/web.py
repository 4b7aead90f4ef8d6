#!/usr/bin/env python3
"""Server time of the web pages: the call page of a 60-minute call and /team over 10,000 calls.

Seeds a database (SQLite by default, or `--database-url`) with `--calls` stored calls through
``bench/seed.py`` (transcripts, CONTRACT analyses, and what the coach stage keeps: per-call
metrics, prompts, the role-play catalogue, open alerts) plus one 60-minute call (about 700
utterances, evidence quotes, a sentiment curve and prompts), signs in through the form with a
manager key of the first team, then times GET requests in-process (ASGI, no network: the server's
time). Baseline in the same run: GET /healthz (a one-row database probe).

By default every call is on the manager's team (20 reps of 500 calls: /team reads all 10,000);
`--calls-per-rep 25 --reps-per-team 8` gives 50 teams of 200 calls instead. `--data-dir` keeps
the seeded library for later runs (the database too, for `--database-url`), so two checkouts can
be timed on the same data, one run after the other.

    .venv/bin/python bench/web.py                        # 10,000 calls on SQLite
    .venv/bin/python bench/web.py --data-dir /tmp/web-pg \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Generated text is this script's own (no labeled call is copied). Numbers depend on the machine
and on what else runs on it (the dev machines have 2 shared cores: run with `nice`).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from callcoach.domain import Participant, StoredCall  # noqa: E402
from callcoach.settings import Settings  # noqa: E402
from callcoach.storage import dispose_engines  # noqa: E402

LONG_CALL = "bench-60min"
# Budget from issue 13: each page in at most 300 ms of server time.
BUDGET_MS = 300.0
REP_LINES = [
    "How do you handle onboarding for new accounts today?",
    "What happens when a renewal slips past the quarter?",
    "Let me show you how the dashboard groups those accounts.",
    "Who else weighs in before a tool like this gets approved?",
    "I'll send a summary and the pilot plan by Thursday afternoon.",
]
BUYER_LINES = [
    "We track most of it in a shared sheet, and it breaks every month.",
    "Our team loses about ten hours a week reconciling the exports.",
    "Honestly the budget is tight until the next fiscal year.",
    "Our security group will want to review the data flows first.",
    "That sounds reasonable, send it over and we'll take a look.",
]


def _quote(u: dict[str, Any]) -> dict[str, Any]:
    return {k: u[k] for k in ("start", "end", "speaker", "text")}


def _analysis(
    call_id: str, rep: str, buyer: str, started: datetime, rng: random.Random, *, minutes: float
) -> dict[str, Any]:
    n = max(6, int(minutes * 60 / 5))
    transcript, t = [], 0.0
    for i in range(n):
        side = "rep" if i % 2 == 0 else "buyer"
        text = rng.choice(REP_LINES if side == "rep" else BUYER_LINES)
        dur = rng.uniform(2.5, 6.5)
        transcript.append(
            {
                "speaker": rep if side == "rep" else buyer,
                "side": side,
                "start": round(t, 2),
                "end": round(t + dur, 2),
                "text": text,
            }
        )
        t += dur + rng.uniform(0.2, 1.0)
    rep_u = [u for u in transcript if u["side"] == "rep"]
    buyer_u = [u for u in transcript if u["side"] == "buyer"]
    questions = [u for u in rep_u if u["text"].endswith("?")]
    series = [{"t": round(x * t / 60, 1), "score": round(rng.uniform(-0.6, 0.8), 3)} for x in range(60)]
    present = rng.random() < 0.7
    return {
        "version": 1,
        "call_id": call_id,
        "title": f"{buyer.split()[0]} / discovery",
        "started_at": started.isoformat(),
        "deal_id": f"deal-{call_id}",
        "rep": rep,
        "duration_s": round(t, 1),
        "speakers": [
            {"name": rep, "side": "rep", "talk_time_s": t * 0.45, "title": "Account Executive"},
            {"name": buyer, "side": "buyer", "talk_time_s": t * 0.55, "title": "Director of Operations"},
        ],
        "transcript": transcript,
        "signals": {
            "talk_ratio": {"rep": round(rng.uniform(0.3, 0.7), 3), "buyer": 0.5, "evidence": []},
            "longest_monologue_s": round(rng.uniform(20, 150), 1),
            "dynamics": {"longest_monologue": {"seconds": 60.0, "evidence": [_quote(rep_u[0])]}},
            "discovery": {
                "questions": len(questions) if minutes > 5 else rng.randint(3, 18),
                "open_questions": rng.randint(1, 9),
                "quantified_pains": rng.randint(0, 3),
                "score": round(rng.uniform(20, 95), 1),
                "evidence": {
                    "open_questions": [_quote(u) for u in questions[:12]],
                    "quantified_pains": [_quote(buyer_u[0])],
                },
            },
            "sentiment": {
                "drift": round(rng.uniform(-1, 1), 2),
                "direction": rng.choice(["negative", "flat", "positive"]),
                "series": series if minutes > 5 else series[:6],
                "evidence": [_quote(u) for u in buyer_u[:6]],
            },
            "next_step": {
                "present": present,
                "dated": present and rng.random() < 0.6,
                "owned": present,
                "text": rep_u[-1]["text"] if present else None,
                "evidence": [_quote(rep_u[-1])],
            },
            "multithreading": {
                "buyer_participants": 1,
                "stakeholders": [{"name": buyer, "title": "Director of Operations", "on_call": True}]
                * rng.randint(1, 3),
                "evidence": [_quote(buyer_u[1])],
            },
            "objections": [
                {
                    "category": "price",
                    "text": buyer_u[2]["text"],
                    "start": buyer_u[2]["start"],
                    "evidence": [_quote(buyer_u[2])],
                }
            ],
        },
        "coaching": {
            "prompts": [
                {
                    "signal": "discovery",
                    "rule": "discovery-depth",
                    "behavior": "Go deeper in discovery",
                    "message": "Ask about cost and impact before presenting.",
                    "practice": "Write three follow-ups to the pain quoted below.",
                    "next_call_line": "What does that cost you each month?",
                    "evidence": [_quote(buyer_u[1])],
                },
            ],
            "alerts": [],
        },
    }


def _long_call(rep: str, started: datetime) -> StoredCall:
    analysis = _analysis(LONG_CALL, rep, "Morgan Lane", started, random.Random(60), minutes=60)
    # The fields the coach stage records with each issued prompt (bench/seed.py stores them).
    for p in analysis["coaching"]["prompts"]:
        p.update(metric="discovery_score", value=float(analysis["signals"]["discovery"]["score"]), priority=3)
    return StoredCall(
        call_id=LONG_CALL,
        rep=rep,
        deal_id=analysis["deal_id"],
        started_at=started,
        analysis=analysis,
        participants=(
            Participant(rep, "rep", "Account Executive"),
            Participant("Morgan Lane", "buyer", "Director of Operations"),
        ),
    )


def seed_library(settings: Settings, *, calls: int, calls_per_rep: int, reps_per_team: int) -> dict[str, str]:
    """`calls` calls through bench/seed.py (with the coach stage's per-call metrics, prompts,
    role-play catalogue and alerts) plus the 60-minute call on the bench team's first rep; keys."""
    import seed

    stored, roster = seed.generate(calls, calls_per_rep=calls_per_rep, reps_per_team=reps_per_team, seed=15)
    rep, team = next(iter(roster.items()))
    latest = max(c.started_at for c in stored if c.started_at is not None)
    stored.append(_long_call(rep, latest + timedelta(hours=1)))
    seed.write(settings, stored, roster, embeddings="synthetic", seed=15)
    if settings.database_url.startswith("postgresql"):
        # The planner's statistics, as autovacuum would have them after a library grew this large.
        from sqlalchemy import text

        from callcoach.storage import engine_for

        with engine_for(settings).connect() as conn:
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    keys = seed.make_keys(settings, roster)
    keys["team_calls"] = str(sum(1 for c in stored if roster.get(c.rep or "") == team))
    return keys


def _sign_in(client: TestClient, key: str) -> None:
    form = client.get("/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    assert client.post("/", data={"key": key, "csrf_token": token}, follow_redirects=False).status_code == 303


def _time(client: TestClient, path: str, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        response = client.get(path)
        out.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
    return out


def _settings(args: argparse.Namespace, data_dir: Path) -> Settings:
    return Settings(
        data_dir=data_dir, database_url=args.database_url, broker_url=None, reconcile_interval_s=3600
    )


def _percentile(times: list[float], q: int) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[q - 1]


def measure(args: argparse.Namespace, data_dir: Path) -> dict[str, Any]:
    """Seed `data_dir` (and the database) unless a previous run did, then time the pages."""
    settings = _settings(args, data_dir)
    keys_file = data_dir / "bench-web-keys.json"
    seeded_s = None
    if not keys_file.exists():
        t0 = time.perf_counter()
        keys = seed_library(
            settings, calls=args.calls, calls_per_rep=args.calls_per_rep, reps_per_team=args.reps_per_team
        )
        seeded_s = time.perf_counter() - t0
        keys_file.write_text(json.dumps(keys), encoding="utf-8")
    keys = json.loads(keys_file.read_text(encoding="utf-8"))
    out: dict[str, Any] = {
        "database": settings.database_url.split(":")[0],
        "seeded_s": seeded_s,
        "team_calls": int(keys["team_calls"]),
        "pages": {},
    }
    if args.seed_only:
        return out
    with TestClient(create_app(settings)) as client:
        _sign_in(client, keys["manager"])
        team_calls = out["team_calls"]
        pages = {
            "/healthz (baseline)": "/healthz",
            "call page, 60-minute call": f"/calls/{LONG_CALL}",
            f"/team, {team_calls} calls of the team": "/team",
            "/calls (manager, page 1)": "/calls",
        }
        for path in pages.values():
            _time(client, path, 2)  # warm
        for label, path in pages.items():
            out["pages"][label] = _time(client, path, args.repeats)
        out["call_page_kib"] = len(client.get(f"/calls/{LONG_CALL}").text) / 1024
    dispose_engines()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--calls-per-rep", type=int, default=500)
    parser.add_argument("--reps-per-team", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--database-url", default="")
    parser.add_argument(
        "--data-dir", type=Path, help="Keep the seeded library here (and its keys): a later run reuses it."
    )
    parser.add_argument("--seed-only", action="store_true", help="Seed --data-dir, time nothing.")
    parser.add_argument("--json-out", type=Path, help="Also write every timing here (JSON).")
    args = parser.parse_args()
    if args.data_dir is not None:
        args.data_dir.mkdir(parents=True, exist_ok=True)
        result = measure(args, args.data_dir)
    else:
        with tempfile.TemporaryDirectory(prefix="cc-bench-web-") as tmp:
            result = measure(args, Path(tmp))
    if result["seeded_s"] is not None:
        print(
            f"seeded {args.calls} calls + one 60-minute call in {result['seeded_s']:.0f} s "
            f"({result['database']})"
        )
    if args.json_out:
        args.json_out.write_text(json.dumps(result), encoding="utf-8")
    if not result["pages"]:
        return
    print(f"{'page':38} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  budget {BUDGET_MS:.0f} ms")
    for label, times in result["pages"].items():
        p95 = _percentile(times, 95)
        verdict = "" if "baseline" in label else ("  ok" if p95 <= BUDGET_MS else "  OVER")
        print(f"{label:38} {statistics.median(times):10.1f} {p95:8.1f} {max(times):8.1f}{verdict}")
    print(f"call page size: {result['call_page_kib']:.0f} KiB")


if __name__ == "__main__":
    main()
