"""A stored call reads back as it went in, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from callcoach import storage
from callcoach.domain import CallMeta
from callcoach.settings import Settings
from tests.storage.conftest import analysis_of, make_call


def test_calls_roundtrip_transcript_and_analysis(db_settings: Settings) -> None:
    call = make_call()
    quote = {"start": 0.0, "end": 3.5, "speaker": "Nadia Brooks",
             "text": "What made you take this call today?"}
    analysis = analysis_of(call, talk_ratio={"rep": 0.47, "evidence": [quote]})
    with storage.session_scope(db_settings) as session:
        assert storage.save_call(session, call, analysis) == "globex-disco-01"

    with storage.session_scope(db_settings) as session:
        stored = storage.get_call(session, "globex-disco-01")
        transcript = storage.get_transcript(session, "globex-disco-01")
    assert stored is not None and transcript is not None
    assert stored.analysis == analysis
    assert list(stored.analysis) == list(analysis), "key order of the analysis survives storage"
    assert (stored.rep, stored.deal_id) == ("Nadia Brooks", "globex-2026")
    assert stored.started_at == datetime(2026, 5, 4, 15, 0, tzinfo=UTC)
    assert [(p.name, p.side, p.title) for p in stored.participants] == [
        ("Nadia Brooks", "rep", "Account Executive"), ("Omar Haddad", "buyer", "Head of IT")]
    assert transcript.utterances == call.utterances  # text, sides, times and word timings
    assert transcript.meta.call_id == call.meta.call_id and transcript.meta.title == call.meta.title
    assert transcript.duration_s == call.duration_s


def test_calls_roundtrip_unknown_call_is_none(db_settings: Settings) -> None:
    with storage.session_scope(db_settings) as session:
        assert storage.get_call(session, "no-such-call") is None
        assert storage.get_transcript(session, "no-such-call") is None


def test_calls_list_filters_and_orders_by_start(db_settings: Settings) -> None:
    t0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    calls = [make_call("c-late", started_at=t0 + timedelta(days=3)),
             make_call("c-undated", started_at=None),
             make_call("c-early", started_at=t0),
             make_call("c-other-rep", rep="Leo Park", deal_id="initech", started_at=t0 + timedelta(days=1))]
    with storage.session_scope(db_settings) as session:
        for c in calls:
            storage.save_call(session, c, analysis_of(c))

    with storage.session_scope(db_settings) as session:
        assert [c.call_id for c in storage.list_calls(session)] == ["c-early", "c-other-rep", "c-late",
                                                                     "c-undated"]
        assert [c.call_id for c in storage.list_calls(session, rep="Nadia Brooks")] == [
            "c-early", "c-late", "c-undated"]
        assert [c.call_id for c in storage.list_calls(session, deal_id="initech")] == ["c-other-rep"]
        assert [c.call_id for c in storage.list_calls(session, since=t0 + timedelta(hours=1))] == [
            "c-other-rep", "c-late"]
        assert [c.call_id for c in storage.list_calls(session, until=t0 + timedelta(days=2))] == [
            "c-early", "c-other-rep"]
        assert [c.call_id for c in storage.list_calls(session, limit=2, offset=1)] == [
            "c-other-rep", "c-late"]
        assert storage.count_calls(session) == 4
        assert storage.count_calls(session, rep="Nadia Brooks") == 3


def test_calls_history_is_same_rep_or_deal_earlier_oldest_first(db_settings: Settings) -> None:
    t0 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    calls = [
        make_call("rep-deal-a-1", deal_id="deal-a", started_at=t0),
        make_call("other-rep-deal-a", rep="Leo Park", deal_id="deal-a", started_at=t0 + timedelta(days=1)),
        make_call("rep-deal-b", deal_id="deal-b", started_at=t0 + timedelta(days=2)),
        make_call("stranger", rep="Leo Park", deal_id="deal-z", started_at=t0 + timedelta(days=3)),
        make_call("rep-deal-a-later", deal_id="deal-a", started_at=t0 + timedelta(days=9)),
    ]
    with storage.session_scope(db_settings) as session:
        for c in calls:
            storage.save_call(session, c, analysis_of(c))
    now = CallMeta(call_id="rep-deal-a-now", rep="Nadia Brooks", deal_id="deal-a",
                   started_at=t0 + timedelta(days=5))
    with storage.session_scope(db_settings) as session:
        history = storage.history_for(session, now)
        assert [c.call_id for c in history] == ["rep-deal-a-1", "other-rep-deal-a", "rep-deal-b"]
        assert history[0].analysis["call_id"] == "rep-deal-a-1"
        # an explicit cutoff, and the call itself never counts as its own history
        stored_self = CallMeta(call_id="rep-deal-b", rep="Nadia Brooks", deal_id="deal-b")
        assert [c.call_id for c in storage.history_for(session, stored_self, before=t0 + timedelta(days=30))
                ] == ["rep-deal-a-1", "rep-deal-a-later"]
        assert storage.history_for(session, CallMeta(call_id="x")) == []
