"""The transcript is stored once (utterance rows); every read gives the whole CONTRACT analysis."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select, update

from callcoach import storage
from callcoach.settings import Settings
from callcoach.storage.models import AnalysisRow, CallRow
from tests.storage.conftest import analysis_of, make_call


def _stored_json(settings: Settings, call_id: str) -> dict:
    with storage.session_scope(settings) as session:
        stmt = select(AnalysisRow.analysis).join(CallRow, CallRow.id == AnalysisRow.call_pk)
        return dict(session.scalar(stmt.where(CallRow.call_id == call_id)))


def test_calls_analysis_json_does_not_repeat_the_transcript(db_settings: Settings) -> None:
    call = make_call()
    analysis = analysis_of(call)
    assert analysis["transcript"][1]["words"]  # the analysis carries utterances with word timings
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, call, analysis)

    stored = _stored_json(db_settings, "globex-disco-01")
    assert stored["transcript"] == "rows"
    assert "Our ticket backlog doubled" not in json.dumps(stored)
    with storage.session_scope(db_settings) as session:
        got = storage.get_call(session, "globex-disco-01")
        listed = storage.list_calls(session)
    assert got is not None
    assert json.dumps(got.analysis) == json.dumps(analysis)  # same JSON, key order included
    assert [c.analysis for c in listed] == [analysis]


def test_calls_save_analysis_stores_the_transcript_once_too(db_settings: Settings) -> None:
    call = make_call()
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, call, analysis_of(call))
    updated = analysis_of(call, talk_ratio={"rep": 0.61})
    with storage.session_scope(db_settings) as session:
        storage.save_analysis(session, "globex-disco-01", updated)

    assert _stored_json(db_settings, "globex-disco-01")["transcript"] == "rows"
    with storage.session_scope(db_settings) as session:
        got = storage.get_call(session, "globex-disco-01")
        later = make_call("globex-disco-02", started_at=datetime(2026, 5, 11, 15, 0, tzinfo=UTC))
        history = storage.history_for(session, later.meta)
    assert got is not None and json.dumps(got.analysis) == json.dumps(updated)
    assert [c.analysis for c in history] == [updated]


def test_calls_rows_stored_with_their_transcript_read_as_before(db_settings: Settings) -> None:
    """An analysis stored before the transcript was stored once still holds transcript[]."""
    call = make_call()
    analysis = analysis_of(call)
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, call, analysis)
    older = {**analysis, "transcript": [{**analysis["transcript"][0], "text": "as stored back then"}]}
    with storage.session_scope(db_settings) as session:
        session.execute(update(AnalysisRow).values(analysis=older))

    with storage.session_scope(db_settings) as session:
        got = storage.get_call(session, "globex-disco-01")
    assert got is not None and got.analysis == older


def test_calls_analysis_of_another_transcript_keeps_its_own(db_settings: Settings) -> None:
    call = make_call()
    other = analysis_of(make_call(lines=(("Nadia Brooks", "A different call."),)))
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, call, other)

    assert _stored_json(db_settings, "globex-disco-01")["transcript"] == other["transcript"]
    with storage.session_scope(db_settings) as session:
        got = storage.get_call(session, "globex-disco-01")
    assert got is not None and got.analysis == other
