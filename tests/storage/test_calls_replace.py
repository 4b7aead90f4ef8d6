"""Re-ingesting a call replaces it: one call, the new utterances and analysis, never duplicates."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from callcoach import storage
from callcoach.analysis import Signals
from callcoach.settings import Settings
from callcoach.storage.models import AnalysisRow, CallRow, ParticipantRow, UtteranceRow
from tests.storage.conftest import analysis_of, make_call


def _row_counts(settings: Settings) -> dict[str, int]:
    with storage.session_scope(settings) as session:
        return {m.__tablename__: int(session.scalar(select(func.count()).select_from(m)) or 0)
                for m in (CallRow, ParticipantRow, UtteranceRow, AnalysisRow)}


def test_calls_reingest_replaces_not_duplicates(db_settings: Settings) -> None:
    first = make_call()
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, first, analysis_of(first))
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, first, analysis_of(first))
    assert _row_counts(db_settings) == {"calls": 1, "participants": 2, "utterances": 4, "analyses": 1}

    edited = make_call(lines=(("Nadia Brooks", "Where does the backlog come from?"),
                              ("Omar Haddad", "Mostly password resets, about 40% of tickets.")))
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, edited, analysis_of(edited, talk_ratio={"rep": 0.31}))

    assert _row_counts(db_settings) == {"calls": 1, "participants": 2, "utterances": 2, "analyses": 1}
    with storage.session_scope(db_settings) as session:
        stored = storage.get_call(session, "globex-disco-01")
        transcript = storage.get_transcript(session, "globex-disco-01")
        assert storage.count_calls(session) == 1
    assert stored is not None and transcript is not None
    assert Signals.from_contract(stored.analysis["signals"]).talk_ratio.rep == 0.31
    assert [u.text for u in transcript.utterances] == ["Where does the backlog come from?",
                                                       "Mostly password resets, about 40% of tickets."]


def test_calls_reingest_concurrently_keeps_one_call(db_settings: Settings) -> None:
    # Several processes (CLI, workers) may store the same call at once: each replaces, none duplicates.
    call = make_call()

    def ingest(_: int) -> str:
        with storage.session_scope(db_settings) as session:
            return storage.save_call(session, call, analysis_of(call))

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert set(pool.map(ingest, range(8))) == {"globex-disco-01"}
    assert _row_counts(db_settings) == {"calls": 1, "participants": 2, "utterances": 4, "analyses": 1}
