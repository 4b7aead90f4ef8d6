#!/usr/bin/env python3
"""Server time of the web pages: the call page of a 60-minute call and /team over 10,000 calls.

Seeds a fresh database (SQLite by default, or `--database-url`) with `--calls` stored calls of
`--reps` reps on one team (generated analyses with the CONTRACT's signal keys, short transcripts)
plus one 60-minute call (about 700 utterances, evidence quotes, a sentiment curve and prompts),
signs in through the form, then times GET requests in-process (ASGI, no network: the server's
time). The per-call metrics the coach stage keeps are seeded with the calls.
Baseline in the same run: GET /healthz (a one-row database probe).

    .venv/bin/python bench/web.py                        # 10,000 calls on SQLite
    .venv/bin/python bench/web.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Generated text is this script's own (no labeled call is copied). Numbers depend on the machine
and on what else runs on it (the dev machines have 2 shared cores: run with `nice`).
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from callcoach.services import access  # noqa: E402
from callcoach.settings import Settings  # noqa: E402
from callcoach.storage import dispose_engines, session_scope  # noqa: E402

TEAM = "bench"
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


def _store(settings: Settings, analyses: list[dict[str, Any]]) -> None:
    """Store calls as the pipeline leaves them (call, utterances, analysis, job, owner), in bulk:
    seeding speed is not what this bench measures."""
    from sqlalchemy import insert, select

    from callcoach.storage.access_models import CallAccessRow
    from callcoach.storage.models import AnalysisRow, CallRow, JobRow, UtteranceRow

    now = datetime.now(UTC)
    with session_scope(settings) as session:
        session.execute(
            insert(CallRow),
            [
                {
                    "call_id": a["call_id"],
                    "title": a["title"],
                    "rep": a["rep"],
                    "deal_id": a["deal_id"],
                    "started_at": datetime.fromisoformat(a["started_at"]),
                    "duration_s": a["duration_s"],
                    "source": "transcript",
                    "content_hash": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for a in analyses
            ],
        )
        ids = dict(
            session.execute(
                select(CallRow.call_id, CallRow.id).where(
                    CallRow.call_id.in_([a["call_id"] for a in analyses])
                )
            ).all()
        )
        session.execute(
            insert(AnalysisRow),
            [
                {"call_pk": ids[a["call_id"]], "analysis": a, "version": 1, "created_at": now}
                for a in analyses
            ],
        )
        session.execute(
            insert(UtteranceRow),
            [
                {
                    "call_pk": ids[a["call_id"]],
                    "idx": i,
                    "speaker": u["speaker"],
                    "side": u["side"],
                    "start_s": u["start"],
                    "end_s": u["end"],
                    "text": u["text"],
                    "words": [],
                }
                for a in analyses
                for i, u in enumerate(a["transcript"])
            ],
        )
        session.execute(
            insert(JobRow),
            [
                {
                    "call_id": a["call_id"],
                    "status": "done",
                    "attempts": 1,
                    "created_at": now,
                    "updated_at": now,
                }
                for a in analyses
            ],
        )
        session.execute(
            insert(CallAccessRow),
            [
                {
                    "call_id": a["call_id"],
                    "rep": a["rep"],
                    "team": TEAM,
                    "deal_id": a["deal_id"],
                    "created_at": now,
                }
                for a in analyses
            ],
        )


def seed(settings: Settings, *, calls: int, reps: int, batch: int = 1000) -> tuple[str, float]:
    rng = random.Random(13)
    names = [f"Rep {i:02d}" for i in range(reps)]
    with session_scope(settings) as session:
        key = access.create_key(session, role="manager", team=TEAM)[0]
        for r in names:
            access.set_team(session, rep=r, team=TEAM)
    t0 = time.perf_counter()
    start = datetime(2025, 1, 6, 15, tzinfo=UTC)
    pending = []
    for i in range(calls):
        rep = names[i % reps]
        pending.append(
            _analysis(
                f"bench-{i:05d}",
                rep,
                f"Buyer{i % 97} Person",
                start + timedelta(hours=2 * i),
                rng,
                minutes=0.6,
            )
        )
        if len(pending) == batch:
            _store(settings, pending)
            pending = []
    long_call = _analysis(
        LONG_CALL, names[0], "Morgan Lane", start + timedelta(hours=2 * calls), rng, minutes=60
    )
    _store(settings, [*pending, long_call])
    return key, time.perf_counter() - t0


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cc-bench-web-") as tmp:
        settings = Settings(
            data_dir=Path(tmp), database_url=args.database_url, broker_url=None, reconcile_interval_s=3600
        )
        key, seeded_s = seed(settings, calls=args.calls, reps=args.reps)
        print(
            f"seeded {args.calls} calls of {args.reps} reps + one 60-minute call in {seeded_s:.0f} s "
            f"({settings.database_url.split(':')[0]})"
        )
        with TestClient(create_app(settings)) as client:
            _sign_in(client, key)
            pages = {
                "/healthz (baseline)": "/healthz",
                "call page, 60-minute call": f"/calls/{LONG_CALL}",
                f"/team, {args.calls} calls": "/team",
                "/calls (manager, page 1)": "/calls",
            }
            for path in pages.values():
                _time(client, path, 2)  # warm
            results = {label: _time(client, path, args.repeats) for label, path in pages.items()}
            size = len(client.get(f"/calls/{LONG_CALL}").text)
        print(f"{'page':34} {'median ms':>10} {'p90 ms':>8} {'max ms':>8}  budget {BUDGET_MS:.0f} ms")
        for label, times in results.items():
            p90 = statistics.quantiles(times, n=10)[-1]
            verdict = "" if "baseline" in label else ("  ok" if p90 <= BUDGET_MS else "  OVER")
            print(f"{label:34} {statistics.median(times):10.1f} {p90:8.1f} {max(times):8.1f}{verdict}")
        print(f"call page size: {size / 1024:.0f} KiB")
        dispose_engines()


if __name__ == "__main__":
    main()
