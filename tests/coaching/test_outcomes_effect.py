"""Outcome tracking: before/after effect of a prompt on the targeted behaviour, by rep, team, cohort."""

from __future__ import annotations

import pytest

from coaching.calls import view_of_stored
from coaching.outcomes import IssuedPrompt, hedges_g, track_outcomes
from coaching.roster import MalformedRoster, parse_roster

from .histories import make_call

ROSTER = """rep,team,manager,band,tenure_months,segment
Dana Reyes,East,Maya Cole,top,30,enterprise
Ravi Nair,East,Maya Cole,core,4,mid-market
"""


def _history():
    dana = [
        make_call(i, rep="Dana Reyes", deal=f"d{i}", open_questions=q)
        for i, q in enumerate([2, 1, 2, 1, 2, 6, 5, 7, 6])
    ]
    ravi = [
        make_call(i, rep="Ravi Nair", deal=f"r{i}", open_questions=q) for i, q in enumerate([3, 2, 3, 2, 3])
    ]
    return dana, ravi


def test_outcomes_improvement_after_a_prompt_is_measured() -> None:
    dana, ravi = _history()
    prompts = [
        IssuedPrompt(dana[4].call_id, "Dana Reyes", "open-questions", "discovery", "open_questions"),
        IssuedPrompt(ravi[3].call_id, "Ravi Nair", "open-questions", "discovery", "open_questions"),
    ]
    result = track_outcomes(prompts, [view_of_stored(c) for c in dana + ravi], parse_roster(ROSTER))
    d, r = result["prompts"]
    assert d["status"] == "improved" and d["n_before"] == 5 and d["n_after"] == 4
    assert d["mean_before"] == pytest.approx(1.6) and d["mean_after"] == pytest.approx(6.0)
    assert d["effect_size_g"] > 3
    assert r["status"] == "too early" and r["n_after"] == 1
    assert result["per_rep"]["Dana Reyes"]["open_questions"]["improved"] == 1
    assert result["per_team"]["East"]["all"]["prompts"] == 2
    assert result["cohorts"]["tenure"]["24+ months"]["all"]["improved"] == 1
    assert result["cohorts"]["tenure"]["0-6 months"]["all"]["too_early"] == 1
    assert result["cohorts"]["segment"]["enterprise"]["all"]["mean_effect_size_g"] == d["effect_size_g"]


def test_outcomes_lower_is_better_metrics_are_signed_as_improvement() -> None:
    calls = [
        make_call(i, rep="Dana Reyes", deal=f"t{i}", talk_ratio=t)
        for i, t in enumerate([0.7, 0.72, 0.69, 0.45, 0.42, 0.44])
    ]
    res = track_outcomes(
        [IssuedPrompt(calls[2].call_id, "Dana Reyes", "talk-too-much", "talk_ratio", "talk_ratio")],
        [view_of_stored(c) for c in calls],
    )
    assert res["prompts"][0]["status"] == "improved" and res["prompts"][0]["effect_size_g"] > 0


def test_outcomes_hedges_g_matches_the_textbook_formula() -> None:
    # means 2 and 4, both sample variances 1 -> d = 2; J = 1 - 3/(4*6-9) = 0.8
    assert hedges_g([1, 2, 3], [3, 4, 5]) == pytest.approx(1.6)
    assert hedges_g([1], [2, 3]) is None


def test_outcomes_roster_without_rep_column_is_rejected() -> None:
    with pytest.raises(MalformedRoster, match="entry 1"):
        parse_roster("team,band\nEast,top\n", source="roster.csv")
    yaml_roster = parse_roster("reps:\n  - {rep: A, team: T, tenure_months: 13}\n", fmt="yaml")
    assert yaml_roster["A"].tenure_bucket == "12-24 months"


def test_outcomes_every_prompt_in_one_bucket_and_later_calls_counted_once() -> None:
    dana, ravi = _history()
    # A prompt on every one of Dana's calls: windows of neighbouring prompts overlap.
    prompts = [
        IssuedPrompt(c.call_id, "Dana Reyes", "open-questions", "discovery", "open_questions") for c in dana
    ]
    result = track_outcomes(prompts, [view_of_stored(c) for c in dana + ravi], parse_roster(ROSTER))
    a = result["per_rep"]["Dana Reyes"]["all"]
    buckets = ("improved", "worsened", "no_clear_change", "too_early", "no_data")
    assert sum(a[b] for b in buckets) == a["prompts"] == len(dana)
    assert a["calls_after"] <= len(dana) - 1  # distinct later calls, not a sum over prompts
    assert (
        "improvement" in a["mean_effect"] or "worsening" in a["mean_effect"] or "no real" in a["mean_effect"]
    )
    assert "rep's own" in result["effect_size"]


def test_outcomes_tenure_groups_in_numeric_order() -> None:
    roster = parse_roster("rep,tenure_months\nA,30\nB,14\nC,8\nD,2\n")
    calls = [
        make_call(i, rep=r, deal=f"{r}{i}", open_questions=q) for r in "ABCD" for i, q in enumerate([2, 3, 2])
    ]
    prompts = [
        IssuedPrompt(f"{r.lower()}-{r}0-00", r, "open-questions", "discovery", "open_questions")
        for r in "ABCD"
    ]
    result = track_outcomes(prompts, [view_of_stored(c) for c in calls], roster)
    assert list(result["cohorts"]["tenure"]) == ["0-6 months", "6-12 months", "12-24 months", "24+ months"]
