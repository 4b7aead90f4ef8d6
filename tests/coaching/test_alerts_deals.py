"""Deal alerts on generated deal histories: souring sentiment, single-threading, no dated next step."""

from __future__ import annotations

import coaching
from coaching.calls import view_of_stored
from coaching.playbook import load_playbook

from .histories import make_call


def _deal_kinds(calls):
    return sorted(
        a.kind
        for a in coaching.alerts_for([view_of_stored(c) for c in calls], load_playbook())
        if a.subject_type == "deal"
    )


def test_deal_sentiment_souring_over_three_calls_alerts() -> None:
    calls = [
        make_call(i, deal="acme", sentiment=s, buyer_participants=2 + i)
        for i, s in enumerate([0.4, 0.05, -0.35])
    ]
    alerts = [
        a
        for a in coaching.alerts_for([view_of_stored(c) for c in calls], load_playbook())
        if a.kind == "deal_sentiment_souring"
    ]
    assert len(alerts) == 1
    a = alerts[0]
    assert a.subject == "acme" and a.subject_type == "deal"
    assert [w.call_id for w in a.window] == [c.call_id for c in calls]
    assert a.evidence and {e["call_id"] for e in a.evidence} <= {c.call_id for c in calls}
    # Two calls are not yet a trend.
    assert "deal_sentiment_souring" not in _deal_kinds(calls[:2])


def test_deal_steady_sentiment_has_no_souring_alert() -> None:
    calls = [
        make_call(i, deal="acme", sentiment=s, buyer_participants=2) for i, s in enumerate([0.3, 0.25, 0.3])
    ]
    assert "deal_sentiment_souring" not in _deal_kinds(calls)


def test_deal_single_threaded_after_three_calls() -> None:
    calls = [make_call(i, deal="solo", buyer_participants=1) for i in range(3)]
    assert "deal_single_threaded" in _deal_kinds(calls)
    assert "deal_single_threaded" not in _deal_kinds(calls[:2])
    multi = [make_call(i, deal="multi", buyer_participants=2 if i == 1 else 1) for i in range(3)]
    assert "deal_single_threaded" not in _deal_kinds(multi)


def test_deal_no_dated_next_step_in_three_consecutive_calls() -> None:
    undated = [
        make_call(i, deal="drifting", next_step=(True, False, True), buyer_participants=2) for i in range(3)
    ]
    assert "deal_no_dated_next_step" in _deal_kinds(undated)
    # A dated step on the latest call clears it.
    fixed = [*undated, make_call(3, deal="drifting", next_step=(True, True, True), buyer_participants=2)]
    assert "deal_no_dated_next_step" not in _deal_kinds(fixed)
