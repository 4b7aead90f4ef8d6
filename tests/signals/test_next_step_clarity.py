"""Next-step clarity on invented calls: what counts as an agreed next step and what does not."""

from __future__ import annotations

from datetime import datetime

import pytest

from callcoach.analysis import Signals
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.next_step import next_step

pytestmark = pytest.mark.slow

REP, BUYER, BUYER2 = "Alex Romero", "Dana Whitfield", "Omar Haddad"


def _call(lines: list[tuple[str, str]], started: str = "2026-09-07T15:00:00+00:00") -> Transcript:
    """A call from (speaker, text) lines, six seconds apart."""
    people = (
        Participant(REP, "rep", "Account Executive"),
        Participant(BUYER, "buyer", "Controller"),
        Participant(BUYER2, "buyer", "IT Manager"),
    )
    side = {p.name: p.side for p in people}
    utts = tuple(
        Utterance(speaker=s, start=6.0 * i, end=6.0 * i + 5.0, text=t, side=side[s])
        for i, (s, t) in enumerate(lines)
    )
    meta = CallMeta(
        call_id="t", started_at=datetime.fromisoformat(started), deal_id="d", rep=REP, participants=people
    )
    return Transcript(meta=meta, utterances=utts, duration_s=6.0 * len(lines))


def _run(lines: list[tuple[str, str]], **kw: str) -> dict:
    result = next_step(SignalContext(transcript=_call(lines, **kw), settings=Settings()))
    return Signals(**result.to_analysis()).to_contract()["next_step"]


def test_next_step_dated_owned_confirmed() -> None:
    # 2026-09-07 is a Monday: Wednesday is the 9th, "the fourteenth at two" is 14:00 on the 14th.
    ns = _run(
        [
            (REP, "What does a good outcome look like for you this quarter?"),
            (BUYER, "Closing the books in five days instead of nine."),
            (
                REP,
                "I'll send over the rollout plan by Wednesday, and can we book an hour with your team on the "
                "fourteenth at two?",
            ),
            (BUYER, "Yes, the fourteenth at two works for me."),
            (REP, "Great, thanks Dana."),
        ]
    )
    assert (ns["present"], ns["dated"], ns["owned"]) == (True, True, True)
    assert ns["buyer_confirmed"] is True and ns["clarity"] == 3
    assert ns["text"].startswith("I'll send over the rollout plan by Wednesday")
    assert ns["owner"] == REP
    dues = {i["due"] for i in ns["items"]}
    assert "2026-09-09T00:00:00+00:00" in dues and "2026-09-14T14:00:00+00:00" in dues
    quotes = [e["text"] for e in ns["evidence"]]
    assert "Yes, the fourteenth at two works for me." in quotes


def test_past_date_is_not_a_next_step() -> None:
    ns = _run(
        [
            (REP, "How did the last rollout go?"),
            (BUYER, "We signed with our payroll provider in March and went live on the second of April."),
            (REP, "Got it, thanks for walking me through that."),
        ]
    )
    assert ns["present"] is False and ns["text"] is None and ns["clarity"] == 0


def test_conditional_is_not_a_next_step() -> None:
    ns = _run(
        [
            (REP, "Anything else I can send you?"),
            (BUYER, "No, I'll let you know if anything changes on our side."),
            (REP, "Sounds good, I'll reach out if I hear anything from our product team."),
        ]
    )
    assert ns["present"] is False
    assert {r["why"] for r in ns["not_next_steps"]} == {"conditional"}


def test_touch_base_is_not_a_next_step() -> None:
    ns = _run(
        [
            (REP, "This was really helpful."),
            (BUYER, "Likewise."),
            (REP, "Let's touch base soon, and I'll ping you at some point next month."),
            (BUYER, "Sure."),
        ]
    )
    assert ns["present"] is False


@pytest.mark.parametrize(
    "line",
    [
        "Let me show you the approval screen.",
        "Let me walk you through the dashboard.",
        "I'll do a quick demo of the reporting.",
        "Let me pull up last month's report.",
    ],
)
def test_in_call_action_is_not_a_next_step(line: str) -> None:
    ns = _run([(REP, line), (BUYER, "Okay, sure.")])
    assert ns["present"] is False


def test_obligation_is_not_a_commitment_but_a_dated_have_is() -> None:
    assert _run([(BUYER, "I'll have to check with my boss."), (REP, "Of course.")])["present"] is False
    ready = _run([(BUYER, "I'll have the usage export ready by Thursday."), (REP, "Perfect.")])
    assert (ready["present"], ready["dated"], ready["owned"]) == (True, True, True)


def test_scheduled_event_is_dated_but_not_owned() -> None:
    # 2026-10-20 is a Tuesday; "the third" is the next 3rd after it: November 3rd.
    ns = _run(
        [
            (BUYER, "our auditors keep flagging the manual journal entries"),
            (REP, "understood. so the onsite workshop is on the third at nine"),
            (BUYER, "works for me"),
        ],
        started="2026-10-20T14:00:00+00:00",
    )
    assert (ns["present"], ns["dated"], ns["owned"]) == (True, True, False)
    assert ns["due"] == "2026-11-03T09:00:00+00:00"
    assert ns["buyer_confirmed"] is True and ns["clarity"] == 2


def test_buyer_owned_next_step() -> None:
    ns = _run(
        [
            (REP, "Would a reference call help?"),
            (BUYER, "Yes. And I'll email you our vendor security form by Friday."),
            (REP, "Perfect."),
        ]
    )
    assert (ns["present"], ns["dated"], ns["owned"]) == (True, True, True)
    assert ns["owner"] == BUYER
    assert ns["due"] == "2026-09-11T00:00:00+00:00"


def test_relative_dates_resolve_against_call_start() -> None:
    # 2026-02-04 is a Wednesday: "next Tuesday at ten thirty" is Feb 10, "the twenty first" Feb 21.
    ns = _run(
        [
            (
                REP,
                "Omar will loop in your security lead, and let's hold next Tuesday at ten thirty "
                "for the review.",
            ),
            (BUYER2, "That works. I'll have the export ready by the twenty first."),
        ],
        started="2026-02-04T16:00:00+00:00",
    )
    dues = {i["text"]: i["due"] for i in ns["items"]}
    assert dues["let's hold next Tuesday at ten thirty for the review."] == "2026-02-10T10:30:00+00:00"
    assert dues["I'll have the export ready by the twenty first."] == "2026-02-21T00:00:00+00:00"
    owners = {i["owner"] for i in ns["items"]}
    assert "Omar" in owners


def test_next_week_alone_is_not_dated() -> None:
    ns = _run([(REP, "I'll send the proposal next week."), (BUYER, "Okay, great.")])
    assert (ns["present"], ns["dated"], ns["owned"]) == (True, False, True)
    assert ns["clarity"] == 2


def test_unowned_undated_step_from_declined_offer_is_dropped() -> None:
    ns = _run([(REP, "I can put together a savings estimate for you."), (BUYER, "No, we're not interested.")])
    assert ns["present"] is False
    assert ns["not_next_steps"][0]["why"] == "buyer declined"


def test_polite_if_keeps_the_offer_and_named_next_step_needs_acceptance() -> None:
    offered = _run([(REP, "If it helps, I can send over a case study."), (BUYER, "Sure, thanks.")])
    assert (offered["present"], offered["owned"], offered["dated"]) == (True, True, False)
    proposed = _run(
        [
            (REP, "So the next step would be a technical review with your IT team."),
            (BUYER, "That sounds right."),
        ]
    )
    assert (proposed["present"], proposed["owned"]) == (True, False)
    ignored = _run(
        [
            (REP, "So the next step would be a technical review with your IT team."),
            (BUYER, "Let me think about it."),
        ]
    )
    assert ignored["present"] is False


def test_buyer_request_counts_once_the_rep_agrees() -> None:
    agreed = _run([(BUYER, "Can you send me the proposal by Friday?"), (REP, "Absolutely.")])
    assert (agreed["present"], agreed["dated"], agreed["owner"]) == (True, True, "rep side")
    refused = _run(
        [(BUYER, "Can you send me the proposal by Friday?"), (REP, "I can't promise Friday, sorry.")]
    )
    assert refused["present"] is False
    assert _run([(REP, "Can you see my screen?"), (BUYER, "Yes.")])["present"] is False


def test_vague_follow_up_beside_a_concrete_action_keeps_the_action() -> None:
    ns = _run([(REP, "I'll send the proposal and check in next week."), (BUYER, "Okay.")])
    assert (ns["present"], ns["dated"], ns["owned"]) == (True, False, True)
    assert ns["action"].startswith("send the proposal")
