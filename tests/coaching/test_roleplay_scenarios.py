"""Role-play scenarios: buyer objections clustered across calls, with a rubric from replies that worked."""

from __future__ import annotations

import dataclasses

import pytest

from callcoach.analysis import Signals
from callcoach.domain import Participant, Utterance
from coaching.calls import CallView
from coaching.roleplay import build_roleplays, deidentify, people_named, roleplays_markdown

PRICE = [
    "Honestly this is more expensive than we budgeted for this year.",
    "The price is way above what we pay for our current tool.",
    "That cost is too high for us right now, the budget is tight.",
]
INTEGRATION = [
    "I'm worried it won't integrate with our NetSuite instance.",
    "Does it connect to NetSuite? Our last tool broke the ERP sync.",
]


def _call(
    i: int, objection: str, category: str, reply: str, buyer_after: str, before: float, after: float
) -> CallView:
    rows = [
        ("Dana Reyes", "rep", "Here is the pricing for the team plan."),
        ("Lee Park", "buyer", objection),
        ("Dana Reyes", "rep", reply),
        ("Lee Park", "buyer", buyer_after),
    ]
    utts, t = [], 0.0
    for speaker, side, text in rows:
        utts.append(Utterance(speaker, t, t + 4.0, text, side))
        t += 4.5
    return CallView(
        call_id=f"c{i}",
        rep="Dana Reyes",
        deal_id=f"deal{i}",
        started_at=None,
        title=f"Deal {i} / pricing",
        participants=(Participant("Lee Park", "buyer", "VP Finance"),),
        extra={"industry": "Logistics"},
        utterances=tuple(utts),
        signals=Signals.from_contract({
            "objections": [{"category": category, "text": objection, "start": utts[1].start}],
            "sentiment": {
                "scores": [
                    {"start": utts[1].start, "score": before},
                    {"start": utts[3].start, "score": after},
                ]
            },
        }),
    )


@pytest.mark.slow
def test_roleplay_clusters_objections_and_builds_rubric_from_replies_that_warmed_the_buyer() -> None:
    calls = [
        _call(
            0,
            PRICE[0],
            "price",
            "What were you expecting to spend, and what is the duplicate-payment problem costing you today?",
            "Fair question, probably forty thousand a year in rework.",
            -0.4,
            0.2,
        ),
        _call(
            1, PRICE[1], "price", "We are the best value on the market.", "I am not convinced.", -0.3, -0.5
        ),
        _call(2, PRICE[2], "price", "Understood. We can discuss discounts.", "Okay.", -0.3, -0.3),
        _call(
            3,
            INTEGRATION[0],
            "integration",
            "We have a native NetSuite connector.",
            "Good to know.",
            -0.2,
            0.0,
        ),
        _call(4, INTEGRATION[1], "integration", "Yes, it does.", "Hm.", -0.2, -0.2),
    ]
    scenarios = build_roleplays(calls)
    price = [s for s in scenarios if s["category"] == "price"]
    assert len(price) == 1
    sc = price[0]
    assert sorted(sc["variants"]) == sorted(PRICE)
    assert sc["persona"] == {"title": "VP Finance", "industry": "Logistics", "speakers": ["Lee Park"]}
    # Only the reply that asked back and warmed the buyer makes the rubric.
    assert [r["call_id"] for r in sc["best_responses"]] == ["c0"]
    criteria = {r["criterion"]: r for r in sc["rubric"]}
    assert "Asks a question back before answering" in criteria
    assert criteria["Asks a question back before answering"]["examples"][0]["call_id"] == "c0"
    assert not any(set(s["variants"]) & set(PRICE) for s in scenarios if s is not sc)
    md = roleplays_markdown(scenarios)
    assert "VP Finance, Logistics" in md and PRICE[1] in md


def test_roleplay_nothing_to_mine_gives_no_scenarios() -> None:
    assert build_roleplays([]) == []
    assert "No buyer objections" in roleplays_markdown([])


PAINS = [
    "We lose about six hours a week re-keying orders by hand, and it is painful.",
    "Our late shipments cost us two big customers last year, which really hurt.",
    "The warehouse team wastes every Monday morning fixing duplicate pick lists.",
    "Refunds take three weeks because every one is checked manually.",
    "Drivers miss about one delivery window in ten and customers complain.",
]


@pytest.mark.slow
def test_roleplay_pages_balance_categories_and_titles_read_as_titles() -> None:
    from coaching.roleplay import page_of

    calls = [_call(i, PAINS[i], "price", "We can help.", "Okay.", 0.0, 0.0) for i in range(len(PAINS))]
    # Pains only (no objection signal on these calls) plus one objection of each of two categories.
    calls = [dataclasses.replace(c, signals=Signals()) for c in calls]
    calls += [
        _call(10, PRICE[0], "price", "We can discuss discounts.", "Okay.", 0.0, 0.0),
        _call(11, INTEGRATION[0], "integration", "It does.", "Hm.", 0.0, 0.0),
    ]
    scenarios = build_roleplays(calls)
    assert len(scenarios) == 7  # nothing dropped
    first = page_of(scenarios, limit=3)
    # Both objection categories make the first page although pains are more numerous.
    assert {s["category"] for s in first["scenarios"]} >= {"price", "integration"}
    assert first["omitted"] == 4 and first["total"] == 7
    for s in scenarios:
        label, _, quoted = s["name"].partition(": ")
        assert label in {"Pain", "Price objection", "Integration objection"}
        assert quoted.startswith("\u201c") and quoted.endswith("\u201d")
        words = quoted.strip("\u201c\u201d …").split()
        assert len(words) <= 9 and words[-1].lower() not in {"and", "the", "of", "to", "a"}
    md = roleplays_markdown(first["scenarios"], total=first["total"], offset=0)
    assert "Scenarios 1-3 of 7; 4 more after these" in md


def test_roleplay_markdown_names_the_reps_team_and_segment_from_the_roster() -> None:
    scenario = {
        "id": "scenario-1",
        "name": "Price objection: \u201cToo expensive\u201d",
        "persona": {"title": "CFO", "industry": None},
        "variants": ["Too expensive."],
        "context": [
            {
                "call_id": "c1",
                "call_title": "Acme / pricing",
                "rep": "Dana Reyes",
                "at_s": 65.0,
                "speaker": "Lee Park",
                "rep_before": None,
                "team": "East",
                "segment": "enterprise",
            }
        ],
        "rubric": [],
        "observed_responses": 0,
    }
    md = roleplays_markdown([scenario])
    assert "rep Dana Reyes (team East, segment enterprise)" in md


def test_roleplay_deidentify_replaces_whole_names_and_their_longer_parts() -> None:
    names = people_named(["Priya Shah", "Al Jo", None, "Dana Reyes"])
    assert names == {"Priya Shah", "Priya", "Shah", "Al Jo", "Dana Reyes", "Dana", "Reyes"}
    scenario = {"variants": ["Priya said Shah approves; Al will call.", "ask Dana Reyes"], "rep": "Dana"}
    clean = deidentify([scenario], names)[0]
    # "Al" alone is too short to replace: it would hit ordinary words.
    assert clean["variants"] == ["[NAME] said [NAME] approves; Al will call.", "ask [NAME]"]
    assert clean["rep"] is None
