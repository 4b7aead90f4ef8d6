"""Rep drift alerts on generated histories: one timely alert for a decline, none for a steady rep."""

from __future__ import annotations

import coaching
from coaching.calls import view_of_stored
from coaching.playbook import load_playbook

from .histories import declining_discovery_rep, make_call, steady_rep


def _alerts(calls):
    return coaching.alerts_for([view_of_stored(c) for c in calls], load_playbook())


def test_drift_declining_discovery_alerts_once_at_the_fourth_weak_call() -> None:
    calls = declining_discovery_rep()
    # Replay the history call by call, as a manager's feed would see it.
    first_seen: dict[str, int] = {}
    for n in range(1, len(calls) + 1):
        for a in _alerts(calls[:n]):
            if a.subject_type == "rep":
                first_seen.setdefault(a.kind, n - 1)
    assert set(first_seen) == {"discovery_drift"}
    # Calls 0-5 are the baseline (~72); 62, 55 and 48 are a slide but could still be a rough patch;
    # at 42 (index 9) the trend is unmistakable, and a manager hears about it then, not at call 12.
    assert first_seen["discovery_drift"] == 9
    final = [a for a in _alerts(calls) if a.kind == "discovery_drift"]
    assert len(final) == 1
    window = [ref.call_id for ref in final[0].window]
    assert window == [c.call_id for c in calls[6:10]]
    assert final[0].subject == "Dana Reyes"
    assert final[0].evidence and all(e["call_id"] in window for e in final[0].evidence)


def test_drift_one_bad_call_is_not_a_drift() -> None:
    scores = [72, 70, 74, 71, 73, 69, 35, 71, 72, 70]
    calls = [make_call(i, discovery=s, deal=f"d{i}") for i, s in enumerate(scores)]
    for n in range(1, len(calls) + 1):
        assert [a.kind for a in _alerts(calls[:n]) if a.subject_type == "rep"] == []


def test_drift_steady_rep_gets_no_alert_over_fifty_calls() -> None:
    calls = steady_rep(50, seed=7)
    for n in range(1, len(calls) + 1):
        assert [a.message for a in _alerts(calls[:n]) if a.subject_type == "rep"] == []


def test_drift_talk_ratio_rising_is_the_worse_side() -> None:
    ratios = [0.45, 0.43, 0.47, 0.44, 0.46, 0.45, 0.58, 0.66, 0.72, 0.75]
    calls = [make_call(i, talk_ratio=r, deal=f"t{i}") for i, r in enumerate(ratios)]
    kinds = [a.kind for a in _alerts(calls) if a.subject_type == "rep"]
    assert kinds == ["talk_ratio_drift"]
    falling = [make_call(i, talk_ratio=0.9 - r, deal=f"t{i}") for i, r in enumerate(ratios)]
    assert [a.kind for a in _alerts(falling) if a.subject_type == "rep"] == []


def test_drift_visible_in_the_per_call_coaching_while_active(settings) -> None:
    from coaching.calls import transcript_of_stored

    calls = declining_discovery_rep()
    kinds_per_call = []
    for i, c in enumerate(calls):
        out = coaching.coach_call(
            transcript_of_stored(c), c.analysis["signals"], history=calls[:i], settings=settings
        )
        kinds_per_call.append([a["kind"] for a in out["alerts"]])
    assert kinds_per_call[:9] == [[]] * 9
    assert kinds_per_call[9:] == [["discovery_drift"]] * 3
    assert (
        out["alerts"][0]["rep"] == "Dana Reyes"
        and out["alerts"][0]["window"][0]["call_id"] == calls[6].call_id
    )
