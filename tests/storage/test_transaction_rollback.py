"""A failure part-way through storing a call leaves nothing half-written."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from callcoach import storage
from callcoach.domain import Transcript
from callcoach.errors import StorageError
from callcoach.settings import Settings
from callcoach.storage.models import CallRow, UtteranceRow
from tests.storage.conftest import analysis_of, make_call


def _counts(settings: Settings) -> tuple[int, int]:
    with storage.session_scope(settings) as session:
        return (int(session.scalar(select(func.count()).select_from(CallRow)) or 0),
                int(session.scalar(select(func.count()).select_from(UtteranceRow)) or 0))


def _broken_last_utterance(call: Transcript) -> Transcript:
    # A text-less last utterance (a bug upstream) breaks the NOT NULL constraint: the database
    # refuses it after the call, participants and earlier utterances were written in the transaction.
    *good, last = call.utterances
    return dataclasses.replace(call, utterances=(*good, dataclasses.replace(last, text=None)))


def test_rollback_failed_insert_leaves_no_call(db_settings: Settings) -> None:
    broken = _broken_last_utterance(make_call())
    with pytest.raises(StorageError, match="saving the call failed"), \
            storage.session_scope(db_settings) as session:
        storage.save_call(session, broken, analysis_of(make_call()))
    assert _counts(db_settings) == (0, 0)


def test_rollback_failed_replace_keeps_previous_version(db_settings: Settings) -> None:
    good = make_call()
    with storage.session_scope(db_settings) as session:
        storage.save_call(session, good, analysis_of(good))
    shorter = make_call(lines=(("Nadia Brooks", "Two lines now."), ("Omar Haddad", "Fine.")))
    broken = _broken_last_utterance(shorter)
    with pytest.raises(StorageError), storage.session_scope(db_settings) as session:
        storage.save_call(session, broken, analysis_of(good))

    with storage.session_scope(db_settings) as session:
        transcript = storage.get_transcript(session, "globex-disco-01")
    assert transcript is not None and transcript.utterances == good.utterances
    assert _counts(db_settings) == (1, 4)


def test_rollback_error_after_save_in_same_transaction(db_settings: Settings) -> None:
    call = make_call()

    class AnalysisFailed(RuntimeError):
        pass

    with pytest.raises(AnalysisFailed), storage.session_scope(db_settings) as session:
        storage.save_call(session, call, analysis_of(call))
        raise AnalysisFailed("coaching crashed after the rows were flushed")
    assert _counts(db_settings) == (0, 0)


def test_rollback_call_without_id_is_refused(db_settings: Settings) -> None:
    call = make_call(call_id="")
    with pytest.raises(StorageError, match="without a call_id"), \
            storage.session_scope(db_settings) as session:
        storage.save_call(session, call, analysis_of(call))
    assert _counts(db_settings) == (0, 0)


def test_rollback_unstorable_analysis_refused_before_writing(db_settings: Settings) -> None:
    call = make_call()
    # A signal that leaves a datetime in the analysis: refused with a message, nothing written.
    analysis = {**analysis_of(call), "signals": {"next_step": {"due": datetime(2026, 5, 7, tzinfo=UTC)}}}
    with pytest.raises(StorageError, match="not storable as JSON"), \
            storage.session_scope(db_settings) as session:
        storage.save_call(session, call, analysis)
    assert _counts(db_settings) == (0, 0)
