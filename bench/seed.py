#!/usr/bin/env python3
"""Seed the configured database with N realistic stored calls, fast, without running the models.

The fixture for every scale figure (``bench/coaching_scale.py``, ``bench/api.py``): reps on teams,
deals of two to five calls, transcripts with buyer objections and pains, CONTRACT analyses with
signals and practice prompts, done jobs and call scopes, and everything the coach stage maintains
(per-call metrics, issued prompts, the role-play catalogue, open alerts), computed by the same
coaching functions the coach stage calls and written with bulk inserts.

No model runs per call. The role-play catalogue needs sentence embeddings: the generator draws
its buyer turns from a small pool of phrasings (written for this bench), so the pool is embedded
once (``--embeddings model``, one MiniLM batch), or given random unit vectors, one per phrasing
(``--embeddings synthetic``, no model at all).

    CALLCOACH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/callcoach_bench \\
        .venv/bin/python bench/seed.py --calls 10000 --keys-out /tmp/keys.json

Reps grow with the library (``--calls-per-rep``, 25 by default: about a month of a rep's calls),
teams of ``--reps-per-team`` reps. The run prints what it wrote and how long it took.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import random
import sys
import time
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from callcoach.domain import Participant, StoredCall  # noqa: E402
from callcoach.settings import Settings, get_settings  # noqa: E402

T0 = datetime(2026, 1, 5, 14, 0, tzinfo=UTC)
# Rows per INSERT batch: large enough to amortise round trips, small enough for SQLite's limits.
BATCH = 500

FIRST = [
    "Ava",
    "Ben",
    "Cleo",
    "Dev",
    "Eli",
    "Fay",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kai",
    "Lena",
    "Milo",
    "Nora",
]
LAST = ["Abbott", "Brandt", "Castro", "Dietz", "Ekwueme", "Fischer", "Garza", "Holm", "Iqbal", "Janssen"]
BUYER_TITLES = ["VP Finance", "Controller", "Head of Operations", "IT Director", "CFO", "RevOps Lead"]
INDUSTRIES = ["logistics", "healthcare", "retail", "manufacturing", "fintech", "education"]

# Buyer turns, written for this bench: objections by category, then pains.
OBJECTIONS: dict[str, list[str]] = {
    "price": [
        "Frankly the quote is well above what we set aside for tooling this year.",
        "At that price per seat we would need to cut the rollout in half.",
        "Your number is roughly double the tool we run today.",
    ],
    "timing": [
        "We are mid-migration, so nothing new lands before next quarter.",
        "Our freeze runs until the fiscal year closes, so this would have to wait.",
    ],
    "competitor": [
        "We already pay for a similar module inside our ERP suite.",
        "Another vendor offered us a pilot with the first three months free.",
    ],
    "authority": [
        "Anything over fifty thousand needs the board to sign off, not me.",
        "Procurement and the CFO will want their own review before we commit.",
    ],
    "security": [
        "Our security team will ask where the data is hosted and who can see it.",
        "We cannot move forward without a current SOC 2 report.",
    ],
    "integration": [
        "If it does not sync with our warehouse system we would be re-keying orders by hand.",
        "The last integration we bought broke every time the ERP was patched.",
    ],
}
PAINS = [
    "We lose about eleven hours a week reconciling shipments by hand.",
    "Roughly one invoice in eight goes out with the wrong rate.",
    "Onboarding a new planner takes us close to two months.",
    "Our forecast misses by fifteen percent most quarters.",
]
REP_OPENERS = [
    "Thanks for making the time. What prompted you to look at this now?",
    "Before I show anything, how does your team handle this today?",
    "Appreciate you joining. Where does the current process hurt most?",
]
REP_REPLIES = [
    "That makes sense. What would it need to look like for this to work for you?",
    "Understood. Let me show how other teams in your position handled that.",
    "Fair point. How are you measuring that cost today?",
    "We can walk through the numbers together on our side.",
]
REP_PITCH = (
    "Our platform automates the matching, routes exceptions to the right owner and keeps an audit "
    "trail, so month-end stops being a fire drill for your team."
)
CLOSINGS = [
    ("I will send the proposal by Thursday and book a review with your CFO for the 14th.", True, True, True),
    ("Let me follow up with some material next week.", True, False, True),
    ("Thanks, talk soon.", False, False, False),
]
BUYER_ACKS = ["That would help, thank you.", "Okay, send it over.", "Sounds reasonable.", "Hm, maybe."]


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        n = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        if n not in used:
            used.add(n)
            return n
        if len(used) >= len(FIRST) * len(LAST):
            n = f"{n} {len(used)}"
            used.add(n)
            return n


def _turns(rows: Sequence[tuple[str, str, str]]) -> list[dict[str, Any]]:
    out, t = [], 0.0
    for speaker, side, text in rows:
        dur = max(2.0, len(text.split()) * 0.38)
        out.append(
            {"speaker": speaker, "side": side, "start": round(t, 2), "end": round(t + dur, 2), "text": text}
        )
        t += dur + 0.6
    return out


def _call(
    rng: random.Random,
    i: int,
    rep: str,
    profile: dict[str, float],
    drift: float,
    deal: str,
    buyer: str,
    title: str,
    industry: str,
    when: datetime,
    single_threaded: bool,
    souring: float,
) -> StoredCall:
    """One call: a transcript of 10-14 turns and the analysis the pipeline would store for it."""
    call_id = f"seed-{i:06d}"
    objection_cats = rng.sample(sorted(OBJECTIONS), k=rng.choice([0, 1, 1, 2]))
    rows: list[tuple[str, str, str]] = [(rep, "rep", rng.choice(REP_OPENERS))]
    objections_at: list[tuple[int, str, str]] = []
    pains_at: list[int] = []
    if rng.random() < 0.6:
        rows.append((buyer, "buyer", rng.choice(PAINS)))
        pains_at.append(len(rows) - 1)
        rows.append((rep, "rep", rng.choice(REP_REPLIES)))
    rows.append((rep, "rep", REP_PITCH))
    for cat in objection_cats:
        text = rng.choice(OBJECTIONS[cat])
        rows.append((buyer, "buyer", text))
        objections_at.append((len(rows) - 1, cat, text))
        rows.append((rep, "rep", rng.choice(REP_REPLIES)))
        rows.append((buyer, "buyer", rng.choice(BUYER_ACKS)))
    closing, present, dated, owned = rng.choices(CLOSINGS, weights=[0.5, 0.3, 0.2])[0]
    rows.append((rep, "rep", closing))
    rows.append((buyer, "buyer", rng.choice(BUYER_ACKS)))
    transcript = _turns(rows)

    open_q = max(0, round(rng.gauss(profile["open_questions"] - 2 * drift, 1.2)))
    score = min(100.0, max(0.0, rng.gauss(profile["discovery"] - 15 * drift, 6)))
    sentiment = max(-1.0, min(1.0, rng.gauss(0.1 - souring, 0.15)))
    direction = "negative" if sentiment <= -0.25 else "positive" if sentiment >= 0.25 else "flat"
    buyer_turns = [u for u in transcript if u["side"] == "buyer"]
    signals = {
        "talk_ratio": {"rep": round(min(0.95, max(0.2, rng.gauss(profile["talk"] + 0.1 * drift, 0.05))), 3)},
        "longest_monologue_s": round(rng.uniform(15, 70), 1),
        "discovery": {
            "questions": open_q + rng.randint(1, 4),
            "open_questions": open_q,
            "quantified_pains": len(pains_at),
            "score": round(score, 1),
            "pains": [{k: transcript[j][k] for k in ("start", "end", "speaker", "text")} for j in pains_at],
        },
        "sentiment": {
            "drift": round(sentiment, 3),
            "direction": direction,
            "call_score": round(sentiment, 3),
            "scores": [{"start": u["start"], "score": round(rng.uniform(-0.3, 0.5), 2)} for u in buyer_turns],
            "evidence": [{k: buyer_turns[-1][k] for k in ("start", "end", "speaker", "text")}],
        },
        "next_step": {
            "present": present,
            "dated": dated,
            "owned": owned,
            "text": closing if present else None,
            "items": [],
        },
        "multithreading": {
            "buyer_participants": 1,
            "stakeholders": [{"name": buyer, "title": title, "on_call": True}]
            + ([] if single_threaded else [{"name": None, "title": "CFO", "on_call": False}]),
        },
        "objections": [
            {"category": cat, "text": text, "start": transcript[j]["start"], "speaker": buyer}
            for j, cat, text in objections_at
        ],
    }
    prompts = []
    if open_q < 3:
        prompts.append(
            {
                "signal": "discovery",
                "rule": "open-questions",
                "metric": "open_questions",
                "behavior": "open questions",
                "value": float(open_q),
                "priority": 3,
                "message": f"You asked {open_q} open questions.",
                "practice": "Ask three.",
                "evidence": [],
                "next_call_line": None,
                "reasons": [],
            }
        )
    if not dated:
        prompts.append(
            {
                "signal": "next_step",
                "rule": "next-step",
                "metric": "next_step_clarity",
                "behavior": "dated next step",
                "value": float(present + dated + owned),
                "priority": 4,
                "message": "No dated next step.",
                "practice": "Close on a date.",
                "evidence": [],
                "next_call_line": None,
                "reasons": [],
            }
        )
    title_text = f"{deal} / call {i}"
    analysis = {
        "version": 1,
        "call_id": call_id,
        "title": title_text,
        "started_at": when.isoformat(),
        "deal_id": deal,
        "rep": rep,
        "duration_s": transcript[-1]["end"],
        "speakers": [
            {"name": rep, "side": "rep", "talk_time_s": 0.0, "title": "Account Executive"},
            {"name": buyer, "side": "buyer", "talk_time_s": 0.0, "title": title},
        ],
        "transcript": transcript,
        "signals": signals,
        "coaching": {"account": {"industry": industry}, "prompts": prompts, "alerts": []},
    }
    return StoredCall(
        call_id=call_id,
        rep=rep,
        deal_id=deal,
        started_at=when,
        analysis=analysis,
        participants=(Participant(rep, "rep", "Account Executive"), Participant(buyer, "buyer", title)),
    )


def generate(
    n: int, *, calls_per_rep: int, reps_per_team: int, seed: int
) -> tuple[list[StoredCall], dict[str, str]]:
    """N calls in time order and the roster (rep -> team)."""
    rng = random.Random(seed)
    n_reps = max(1, math.ceil(n / calls_per_rep))
    used: set[str] = set()
    reps = [_name(rng, used) for _ in range(n_reps)]
    roster = {r: f"team-{k // reps_per_team + 1:03d}" for k, r in enumerate(reps)}
    profiles = {
        r: {
            "open_questions": rng.uniform(3, 7),
            "discovery": rng.uniform(55, 80),
            "talk": rng.uniform(0.38, 0.6),
        }
        for r in reps
    }
    # A quarter of the reps slide in their later calls: the drift alerts a manager should see.
    drifting = set(rng.sample(reps, k=max(1, n_reps // 4)))
    calls: list[StoredCall] = []
    per_rep = [n // n_reps + (1 if k < n % n_reps else 0) for k in range(n_reps)]
    i = 0
    for k, rep in enumerate(reps):
        left, j, d = per_rep[k], 0, 0
        while left > 0:
            size = min(left, rng.randint(2, 5))
            deal = f"deal-{k:04d}-{d:02d}"
            buyer = _name(rng, used) if len(used) < len(FIRST) * len(LAST) else f"Buyer {k}-{d}"
            title, industry = rng.choice(BUYER_TITLES), rng.choice(INDUSTRIES)
            single, souring = rng.random() < 0.3, rng.choice([0.0, 0.0, 0.0, 0.15])
            for c in range(size):
                frac = j / max(1, per_rep[k] - 1)
                drift = max(0.0, (frac - 0.6) / 0.4) if rep in drifting else 0.0
                when = T0 + timedelta(days=j * 2, hours=k % 8, minutes=c)
                calls.append(
                    _call(
                        rng,
                        i,
                        rep,
                        profiles[rep],
                        drift,
                        deal,
                        buyer,
                        title,
                        industry,
                        when,
                        single,
                        souring * c,
                    )
                )
                i, j = i + 1, j + 1
            left -= size
            d += 1
    calls.sort(key=lambda c: (c.started_at, c.call_id))
    return calls, roster


def _batches(rows: Sequence[dict[str, Any]]) -> Iterator[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), BATCH):
        yield rows[i : i + BATCH]


def _insert(session: Any, model: Any, rows: Sequence[dict[str, Any]]) -> None:
    """`rows` (dicts with the same keys) into `model`'s table, values converted by the columns' types
    exactly as an INSERT would bind them: one COPY on PostgreSQL, a Core executemany per batch
    elsewhere. Not the ORM bulk insert: it leaves out the None values, so rows with and without a
    None (a pain's category, a job's error) fall into groups of their own, mostly of one row
    (10,000 calls took some 6,600 single-row statements)."""
    if not rows:
        return
    table = model.__table__
    unset = [c.key for c in table.columns if c.key not in rows[0] and c.default is not None
             and not (c.default.is_scalar and c.default.arg is None)]
    if unset:  # COPY would leave them NULL where an INSERT fills in the column's default
        raise ValueError(f"{table.name}: rows leave out {unset}, which have defaults")
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        for chunk in _batches(rows):
            conn.execute(table.insert(), list(chunk))
        return
    dialect = conn.dialect
    columns = [c for c in table.columns if c.key in rows[0]]
    keys = [c.key for c in columns]
    procs = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    names = ", ".join(dialect.identifier_preparer.quote(c.name) for c in columns)
    # The session's own connection: the COPY is part of the seeding transaction.
    cursor = conn.connection.driver_connection.cursor()
    with cursor.copy(f"COPY {dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([p(row[k]) if p else row[k] for k, p in zip(keys, procs, strict=True)])


def _vectors(texts: Sequence[str], mode: str, seed: int) -> dict[str, np.ndarray]:
    unique = sorted(set(texts))
    if mode == "model":
        from callcoach.nlp import embed

        return dict(zip(unique, embed(unique), strict=True))
    rng = np.random.default_rng(seed)
    out = {}
    for t in unique:
        v = rng.standard_normal(384).astype(np.float32)
        out[t] = v / np.linalg.norm(v)
    return out


def write(
    settings: Settings, calls: Sequence[StoredCall], roster: dict[str, str], *, embeddings: str, seed: int
) -> dict[str, int]:
    """Bulk-insert the calls and what the coach stage would have stored for them."""
    from sqlalchemy import insert, select

    import coaching
    import coaching.lines
    from callcoach.services.coaching import metric_values
    from callcoach.storage import session_scope
    from callcoach.storage.access_models import CallAccessRow, TeamMemberRow
    from callcoach.storage.coaching import to_bytes
    from callcoach.storage.coaching_models import (
        CallMetricsRow,
        CoachingAlertRow,
        CoachingPromptRow,
        RoleplayClusterRow,
        RoleplayStatementRow,
    )
    from callcoach.storage.models import AnalysisRow, CallRow, JobRow, ParticipantRow, UtteranceRow, utcnow
    from coaching.calls import view_of_stored
    from coaching.catalogue import nearest_cluster, statement_records

    # The generator's buyer turns come from a small pool: parse each phrasing once, not per call.
    coaching.lines.key_phrase = functools.lru_cache(maxsize=None)(coaching.lines.key_phrase)  # type: ignore[assignment]
    now = utcnow()
    views = [view_of_stored(c) for c in calls]
    records = [(c, r) for c, v in zip(calls, views, strict=True) for r in statement_records(v)]
    vectors = _vectors([r["text"] for _, r in records], embeddings, seed)
    # The catalogue, built in call order exactly as the coach stage adds to it.
    clusters: dict[tuple[str, str | None], list[list[Any]]] = {}  # group -> [[key, sum, size, calls]]
    assigned: list[int] = []
    for _call, r in records:
        group = clusters.setdefault((r["kind"], r["category"]), [])
        vec = vectors[r["text"]]
        key = nearest_cluster(vec, [(k, s, n) for k, (_, s, n, _) in enumerate(group)], r["kind"])
        if key is None:
            group.append([None, vec.copy(), 1, {_call.call_id}])
            key = len(group) - 1
        else:
            group[key][1] = group[key][1] + vec
            group[key][2] += 1
            group[key][3].add(_call.call_id)
        assigned.append(key)
    playbook = coaching.playbook_for(settings)
    alerts = coaching.alerts_for(views, playbook)

    counts: dict[str, int] = {}
    with session_scope(settings) as session:
        _insert(session, TeamMemberRow, [{"rep": r, "team": t, "updated_at": now} for r, t in roster.items()])
        _insert(
            session,
            CallRow,
            [
                {
                    "call_id": c.call_id,
                    "title": c.analysis["title"],
                    "rep": c.rep,
                    "deal_id": c.deal_id,
                    "started_at": c.started_at,
                    "duration_s": c.analysis["duration_s"],
                    "source": "transcript",
                    "content_hash": "",
                    "created_at": now,
                    "updated_at": now,
                }
                for c in calls
            ],
        )
        seeded = {c.call_id for c in calls}
        call_pk = {
            cid: pk for pk, cid in session.execute(select(CallRow.id, CallRow.call_id)) if cid in seeded
        }
        tables: list[tuple[Any, list[dict[str, Any]]]] = [
            (
                ParticipantRow,
                [
                    {"call_pk": call_pk[c.call_id], "name": p.name, "side": p.side, "title": p.title}
                    for c in calls
                    for p in c.participants
                ],
            ),
            (
                UtteranceRow,
                [
                    {
                        "call_pk": call_pk[c.call_id],
                        "idx": k,
                        "speaker": u["speaker"],
                        "side": u["side"],
                        "start_s": u["start"],
                        "end_s": u["end"],
                        "text": u["text"],
                        "words": [],
                    }
                    for c in calls
                    for k, u in enumerate(c.analysis["transcript"])
                ],
            ),
            (
                AnalysisRow,
                [
                    {"call_pk": call_pk[c.call_id], "analysis": c.analysis, "version": 1, "created_at": now}
                    for c in calls
                ],
            ),
            (
                JobRow,
                [
                    {
                        "call_id": c.call_id,
                        "status": "done",
                        "error": None,
                        "attempts": 1,
                        "input_path": None,
                        "created_at": c.started_at,
                        "updated_at": c.started_at,
                    }
                    for c in calls
                ],
            ),
            (
                CallAccessRow,
                [
                    {
                        "call_id": c.call_id,
                        "rep": c.rep,
                        "team": roster[c.rep or ""],
                        "deal_id": c.deal_id,
                        "submitted_by": None,
                        "created_at": now,
                    }
                    for c in calls
                ],
            ),
            (
                CallMetricsRow,
                [
                    {
                        "call_id": c.call_id,
                        "rep": c.rep,
                        "deal_id": c.deal_id,
                        "started_at": c.started_at,
                        "values": metric_values(v),
                        "updated_at": now,
                    }
                    for c, v in zip(calls, views, strict=True)
                ],
            ),
            (
                CoachingPromptRow,
                [
                    {
                        "call_id": c.call_id,
                        "rep": c.rep,
                        "rule_id": p["rule"],
                        "signal": p["signal"],
                        "metric": p["metric"],
                        "value": p["value"],
                        "priority": p["priority"],
                        "payload": p,
                        "issued_at": c.started_at,
                        "created_at": now,
                    }
                    for c in calls
                    for p in c.analysis["coaching"]["prompts"]
                ],
            ),
        ]
        for table, rows in tables:
            _insert(session, table, rows)
            counts[table.__tablename__] = len(rows)
        cluster_ids: dict[tuple[tuple[str, str | None], int], int] = {}
        for group, members in clusters.items():
            for k, (_, vec_sum, size, call_set) in enumerate(members):
                cluster_ids[(group, k)] = session.execute(
                    insert(RoleplayClusterRow).returning(RoleplayClusterRow.id),
                    {
                        "kind": group[0],
                        "category": group[1],
                        "vec_sum": to_bytes(vec_sum),
                        "size": size,
                        "n_calls": len(call_set),
                        "updated_at": now,
                    },
                ).scalar_one()
        statements = [
            {
                "call_id": c.call_id,
                "cluster_id": cluster_ids[((r["kind"], r["category"]), key)],
                "kind": r["kind"],
                "category": r["category"],
                "call_started_at": c.started_at,
                "embedding": to_bytes(vectors[r["text"]]),
                "record": r,
            }
            for (c, r), key in zip(records, assigned, strict=True)
        ]
        _insert(session, RoleplayStatementRow, statements)
        counts["roleplay_statements"] = len(statements)
        counts["roleplay_clusters"] = len(cluster_ids)
        seen: set[tuple[str, str, str]] = set()
        alert_rows = []
        for a in alerts:
            if (a.subject_type, a.subject, a.kind) in seen:
                continue
            seen.add((a.subject_type, a.subject, a.kind))
            alert_rows.append(
                {
                    "kind": a.kind,
                    "subject_type": a.subject_type,
                    "subject": a.subject,
                    "severity": a.severity,
                    "status": "open",
                    "message": a.message,
                    "window": [
                        {"call_id": w.call_id, "started_at": w.started_at, "value": w.value} for w in a.window
                    ],
                    "evidence": list(a.evidence),
                    "details": a.details,
                    "opened_at": now,
                    "updated_at": now,
                }
            )
        _insert(session, CoachingAlertRow, alert_rows)
        counts["coaching_alerts"] = len(alert_rows)
    return counts


def make_keys(settings: Settings, roster: dict[str, str]) -> dict[str, str]:
    """An admin key, a manager key for the first team and a rep key for its first rep."""
    from callcoach.services import access
    from callcoach.storage import session_scope

    rep, team = next(iter(roster.items()))
    with session_scope(settings) as session:
        return {
            "admin": access.create_key(session, role="admin", label="bench")[0],
            "manager": access.create_key(session, role="manager", team=team, label="bench")[0],
            "rep": access.create_key(session, role="rep", rep=rep, team=team, label="bench")[0],
            "rep_name": rep,
            "team": team,
        }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=int, required=True)
    ap.add_argument("--calls-per-rep", type=int, default=25)
    ap.add_argument("--reps-per-team", type=int, default=8)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--embeddings", choices=("model", "synthetic"), default="model")
    ap.add_argument("--keys-out", type=Path, help="Write an admin, a manager and a rep key here (JSON).")
    args = ap.parse_args(argv)
    settings = get_settings()
    from callcoach.storage import init_db

    init_db(settings)
    t0 = time.perf_counter()
    calls, roster = generate(
        args.calls, calls_per_rep=args.calls_per_rep, reps_per_team=args.reps_per_team, seed=args.seed
    )
    t1 = time.perf_counter()
    counts = write(settings, calls, roster, embeddings=args.embeddings, seed=args.seed)
    t2 = time.perf_counter()
    if args.keys_out:
        args.keys_out.write_text(json.dumps(make_keys(settings, roster)), encoding="utf-8")
    print(
        json.dumps(
            {
                "calls": len(calls),
                "reps": len(roster),
                "teams": len(set(roster.values())),
                "rows": counts,
                "generate_s": round(t1 - t0, 1),
                "write_s": round(t2 - t1, 1),
                "total_s": round(t2 - t0, 1),
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
