"""Storing a long call: ``save_call`` (insert, then replace) against a bare Core bulk insert of the
same rows, side by side in one run, on SQLite and (when reachable) PostgreSQL.

    .venv/bin/python bench/storage.py [--utterances 1200] [--repeat 5] [--postgres URL]

The baseline writes the same rows (call, participants, utterances with word timings, analysis)
with Core ``executemany`` into a fresh call: the least storing this call can cost. The ratio is
what the repository adds: locking the call row, deleting the previous version, ORM bookkeeping.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import insert

from callcoach import storage
from callcoach.analysis import Signals, build_analysis
from callcoach.domain import CallMeta, Participant, Transcript, Utterance, Word
from callcoach.settings import Settings
from callcoach.storage.models import AnalysisRow, CallRow, ParticipantRow, UtteranceRow

# An hour-long call has roughly 1,200 turns of about 12 words (3 s turns).
WORDS_PER_UTTERANCE = 12
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"


def long_call(n: int) -> Transcript:
    meta = CallMeta(call_id="bench-call", rep="Rep One", deal_id="deal-1",
                    started_at=datetime(2026, 1, 5, tzinfo=UTC),
                    participants=(Participant("Rep One", "rep"), Participant("Buyer One", "buyer")))
    utterances = []
    for i in range(n):
        start = 3.0 * i
        words = tuple(Word(f"word{k}", start + 0.2 * k, start + 0.2 * k + 0.18, 0.9)
                      for k in range(WORDS_PER_UTTERANCE))
        utterances.append(Utterance("Rep One" if i % 2 == 0 else "Buyer One", start, start + 2.8,
                                    " ".join(w.text for w in words), "rep" if i % 2 == 0 else "buyer", words))
    return Transcript(meta=meta, utterances=tuple(utterances), duration_s=3.0 * n)


def timed(fn: Callable[[], None], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def bench(settings: Settings, call: Transcript, repeat: int) -> tuple[float, float]:
    analysis = build_analysis(call, Signals()).to_contract()
    storage.init_db(settings)

    def ours() -> None:
        with storage.session_scope(settings) as session:
            storage.save_call(session, call, analysis)

    def baseline() -> None:
        # The same rows (call, participants, utterances with words, analysis), written with Core
        # executemany into a fresh call: no lock, no replacing, no ORM.
        now = datetime.now(UTC)
        with storage.engine_for(settings).begin() as conn:
            call_pk = conn.execute(insert(CallRow).values(
                call_id=f"baseline-{uuid.uuid4().hex}", duration_s=call.duration_s, source="transcript",
                content_hash="", created_at=now, updated_at=now)).inserted_primary_key[0]
            conn.execute(insert(ParticipantRow), [{"call_pk": call_pk, "name": p.name, "side": p.side}
                                                  for p in call.meta.participants])
            conn.execute(insert(UtteranceRow), [
                {"call_pk": call_pk, "idx": i, "speaker": u.speaker, "side": u.side, "start_s": u.start,
                 "end_s": u.end, "text": u.text,
                 "words": [[w.text, w.start, w.end, w.probability] for w in u.words]}
                for i, u in enumerate(call.utterances)])
            conn.execute(insert(AnalysisRow).values(call_pk=call_pk, analysis=analysis, version=1,
                                                    created_at=now))

    ours()  # warm: first insert, later runs replace
    baseline()
    return timed(ours, repeat), timed(baseline, repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--utterances", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default=PG_ADMIN_URL, help="admin URL; a scratch database is made")
    args = parser.parse_args()
    call = long_call(args.utterances)
    words = args.utterances * WORDS_PER_UTTERANCE
    print(f"call: {args.utterances} utterances, {words} words; median of {args.repeat} runs")
    print(f"{'database':<12}{'save_call':>12}{'bare insert':>14}{'ratio':>8}")
    with tempfile.TemporaryDirectory() as tmp:
        ours, base = bench(Settings(data_dir=Path(tmp), database_url="", broker_url=None), call, args.repeat)
        print(f"{'sqlite':<12}{ours * 1000:>10.0f}ms{base * 1000:>12.0f}ms{ours / base:>8.2f}")
    try:
        import psycopg

        admin = psycopg.connect(args.postgres, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001 - PostgreSQL is optional for this bench
        print(f"postgresql  skipped ({exc})")
        return
    name = f"cc_bench_{uuid.uuid4().hex[:8]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
        ours, base = bench(Settings(data_dir=Path("."), database_url=url, broker_url=None), call, args.repeat)
        print(f"{'postgresql':<12}{ours * 1000:>10.0f}ms{base * 1000:>12.0f}ms{ours / base:>8.2f}")
    finally:
        storage.dispose_engines()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
