"""Objections on invented calls: each category in the buyer's own words and time; no false alarms."""

from __future__ import annotations

from datetime import datetime

import pytest

from callcoach.analysis import Signals
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.objections import objections

pytestmark = pytest.mark.slow

REP, BUYER = "Lena Brooks", "Victor Nash"


def _run(lines: list[tuple[str, str]], competitors: list[str] | None = None) -> list[dict]:
    people = (Participant(REP, "rep"), Participant(BUYER, "buyer"))
    side = {p.name: p.side for p in people}
    utts = tuple(
        Utterance(speaker=s, start=10.0 * i, end=10.0 * i + 8.0, text=t, side=side[s])
        for i, (s, t) in enumerate(lines)
    )
    meta = CallMeta(
        call_id="o",
        started_at=datetime.fromisoformat("2026-03-02T15:00:00+00:00"),
        rep=REP,
        participants=people,
    )
    t = Transcript(meta=meta, utterances=utts, duration_s=10.0 * len(lines))
    settings = Settings(competitors=competitors or [])
    found = objections(SignalContext(transcript=t, settings=settings))
    return Signals(**found.to_analysis()).to_contract()["objections"]


@pytest.mark.parametrize(
    ("category", "words"),
    [
        ("price", "Honestly, that's way over our budget for this year."),
        ("timing", "We'd have to push this out until after our ERP cutover next spring."),
        ("competitor", "We're already trialing Acmely with two of our teams."),
        ("authority", "Anything over fifty thousand needs sign-off from our COO."),
        ("need", "To be honest, I don't see the need, our spreadsheets work fine."),
        (
            "security",
            "My worry is security, our auditors are nervous about customer data leaving our network.",
        ),
        ("integration", "I'm not sure this will integrate with our warehouse system."),
    ],
)
def test_objection_category_with_buyer_words_and_time(category: str, words: str) -> None:
    found = _run(
        [(REP, "So that's the overview of the platform."), (BUYER, words), (REP, "Understood.")],
        competitors=["Acmely"],
    )
    assert [o["category"] for o in found] == [category]
    assert found[0]["text"] == words
    assert found[0]["speaker"] == BUYER and found[0]["start"] == 10.0
    assert found[0]["evidence"][0]["text"] == words


@pytest.mark.parametrize(
    ("category", "words"),
    [
        ("price", "We were hoping for something closer to half that."),
        ("timing", "We're under contract until next June, so it would have to wait."),
        ("competitor", "Honestly we've been pretty happy with Zendesk."),
        ("authority", "At the end of the day it's the partners who decide."),
        ("need", "We've gotten by fine with spreadsheets so far."),
        ("security", "We'd need to see your pen test results before anything moves."),
        ("integration", "The problem is our billing runs on a custom Oracle setup."),
    ],
)
def test_objection_phrasings_without_the_obvious_words(category: str, words: str) -> None:
    assert [o["category"] for o in _run([(BUYER, words)])] == [category]


def test_enthusiasm_about_an_objection_topic_is_not_an_objection() -> None:
    found = _run(
        [
            (BUYER, "Security is a big focus for us this year, so this is timely."),
            (BUYER, "My boss is really excited about this."),
            (BUYER, "Budget was approved last month for this project."),
        ]
    )
    assert found == []


def test_objection_time_is_the_sentence_inside_a_longer_turn() -> None:
    found = _run(
        [(BUYER, "Thanks for the demo. It looked clean. Honestly though, it's too expensive for us.")]
    )
    assert [(o["category"], o["text"]) for o in found] == [
        ("price", "Honestly though, it's too expensive for us.")
    ]
    assert 0.0 < found[0]["start"] < found[0]["end"] <= 8.0


def test_incumbent_vendor_is_a_competitor_without_a_configured_list() -> None:
    found = _run([(BUYER, "We've been on Brightmail for six years and the team knows it inside out.")])
    assert [o["category"] for o in found] == ["competitor"]


def test_former_vendor_failure_counts_as_what_failed_not_competitor() -> None:
    found = _run([(BUYER, "Our old ticketing vendor couldn't connect to our HR system at all.")])
    assert [o["category"] for o in found] == ["integration"]


def test_pain_question_and_rep_words_are_not_objections() -> None:
    found = _run(
        [
            (BUYER, "We lose about eight hours a week reconciling invoices by hand."),
            (BUYER, "What would pricing look like for forty seats?"),
            (
                REP,
                "A lot of teams think it's too expensive at first, and some are also looking at "
                "other vendors.",
            ),
            (BUYER, "That would make my month-end a lot calmer."),
            (BUYER, "Price isn't a concern for us if it saves that time."),
        ]
    )
    assert found == []


def test_objection_wrapped_in_thanks_still_fires() -> None:
    # The stance model reads the thanks as warm; the security reading outweighs it.
    words = ("Thanks, that was really clear, but our privacy office will want a full data review "
             "before anything is switched on.")
    found = _run([(REP, "That's the reporting side."), (BUYER, words)])
    assert [(o["category"], o["text"]) for o in found] == [("security", words)]
    assert found[0]["cue"] is None  # the classifier, not a cue
