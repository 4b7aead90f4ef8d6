"""Quantified pains: buyer problems with a number count; bare numbers, targets, improvements,
prices and rep claims do not."""

from __future__ import annotations

import pytest

from callcoach.analysis import Signals
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.discovery import discovery
from tests.signals._calls import BUYER, BUYER2, REP, call

pytestmark = pytest.mark.slow


def _pains(lines: list[tuple[str, str]]) -> list[str]:
    found = discovery(SignalContext(transcript=call(lines), settings=Settings()))
    result = Signals(**found.to_analysis()).to_contract()
    return [p["text"] for p in result["discovery"]["pains"]]


@pytest.mark.parametrize(
    "text",
    [
        "we lose about fifteen percent of our renewals because nobody follows up",
        "Our planners spend nine hours a week copying orders into the ERP.",
        "our three planners burn about a day a week each on rework",  # spelled-out rate
        "We paid roughly forty thousand dollars in late fees last year.",
        "we had six missed deliveries last month and two customers left over it",
        "One supplier took four months to fix the billing error.",
        "about a third of our invoices come in with errors",  # a fraction
        "we get maybe ten complaints a week about billing",
        "my four coordinators spend half their week chasing signatures",  # a share of a week is time
    ],
)
def test_discovery_pains_counts_buyer_problem_with_number(text: str) -> None:
    assert _pains([(REP, "What's not working today?"), (BUYER, text)]) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "We have about sixty reps across four regions.",  # a number with no pain
        "usage is like eighty percent across the company now",
        "We want overtime down twenty percent next year.",  # a target
        "Payback inside twelve months is what our CFO expects.",
        "Since we switched, we saved about ten percent on freight.",  # an improvement
        "Their quote came in at fifty thousand a year.",  # a price
        "That's roughly double what we pay for our current tool.",
        "We signed with them in 2021 for three years.",
        "It'd take us about three months to migrate everything.",  # a switching cost (objection)
        "renewals are in about four months",  # a point in time
        "If the export took ten minutes I'd have a real problem with it.",  # a supposition
        "unless we lose more than two drivers a month it's manageable",
        "We had zero late shipments in March.",  # no problem had
        "Forty seats is fine.",  # "fine" as agreement, not a penalty
    ],
)
def test_discovery_pains_ignores_numbers_without_pain(text: str) -> None:
    assert _pains([(REP, "Tell me about your setup."), (BUYER, text)]) == []


def test_discovery_pains_ignores_rep_price_and_buyer_questions() -> None:
    lines = [
        (REP, "For your team it's forty two thousand a year, and most customers cut errors by half."),
        (BUYER2, "How much would the extra forty seats cost us?"),
        (BUYER, "Honestly our close takes twelve days and the auditors flagged it twice."),
    ]
    assert _pains(lines) == ["Honestly our close takes twelve days and the auditors flagged it twice."]
