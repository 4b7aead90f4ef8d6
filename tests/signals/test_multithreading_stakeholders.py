"""Multithreading on invented calls: buyer speakers, deduplicated stakeholders, and the deal map."""

from __future__ import annotations

from datetime import datetime

import pytest

from callcoach.analysis import Signals
from callcoach.domain import CallMeta, Participant, StoredCall, Transcript, Utterance
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.multithreading import multithreading

pytestmark = pytest.mark.slow

REP, HELEN, TOM = "Sam Ortiz", "Helen Park", "Tom Reilly"
PEOPLE = (
    Participant(REP, "rep", "Account Executive"),
    Participant(HELEN, "buyer", "VP Operations"),
    Participant(TOM, "buyer", "Data Analyst"),
)


def _call(
    lines: list[tuple[str, str]],
    call_id: str = "c2",
    started: str = "2026-05-04T15:00:00+00:00",
    people: tuple[Participant, ...] = PEOPLE,
) -> Transcript:
    side = {p.name: p.side for p in people}
    utts = tuple(
        Utterance(speaker=s, start=6.0 * i, end=6.0 * i + 5.0, text=t, side=side[s])
        for i, (s, t) in enumerate(lines)
    )
    meta = CallMeta(
        call_id=call_id,
        started_at=datetime.fromisoformat(started),
        deal_id="orbit-2026",
        rep=REP,
        participants=people,
    )
    return Transcript(meta=meta, utterances=utts, duration_s=6.0 * len(lines))


def _run(t: Transcript, history: tuple[StoredCall, ...] = ()) -> dict:
    ctx = SignalContext(transcript=t, settings=Settings(), history=history)
    return Signals(**multithreading(ctx).to_analysis()).to_contract()["multithreading"]


LINES = [
    (REP, "Thanks Helen, thanks Tom. My colleague Jordan from our solutions team may join later."),
    (HELEN, "Happy to. Our CFO, Martin Cole, will want to see hard numbers before anything moves."),
    (REP, "What does Martin usually look for?"),
    (
        HELEN,
        "Martin always asks for a payback model, and procurement will need about three weeks for the MSA.",
    ),
    (TOM, "I can pull the usage data. Procurement also likes a standard security addendum."),
    (
        HELEN,
        "We spoke to Dana at Brightline, one of your customers, and your CEO was at the same conference.",
    ),
    (TOM, "Sam, can you send the deck to Helen?"),
    (HELEN, "Tom will share it with the finance team."),
]


def test_stakeholders_are_linked_and_deduplicated() -> None:
    mt = _run(_call(LINES))
    assert mt["buyer_participants"] == 2
    people = {(s["name"], s["title"], s["on_call"]) for s in mt["stakeholders"]}
    # Helen and Tom speak; "Our CFO, Martin Cole" and later "Martin" are one person; procurement is
    # one function however often it is named; the finance team is Martin's function (CFO).
    assert people == {
        (HELEN, "VP Operations", True),
        (TOM, "Data Analyst", True),
        ("Martin Cole", "CFO", False),
        (None, "procurement", False),
    }
    martin = next(s for s in mt["stakeholders"] if s["name"] == "Martin Cole")
    assert martin["mentions"] >= 2
    assert martin["evidence"][0]["text"].startswith("Happy to. Our CFO, Martin Cole")


def test_seller_customers_and_other_orgs_are_not_stakeholders() -> None:
    names = {s["name"] for s in _run(_call(LINES))["stakeholders"]}
    assert not names & {"Jordan", "Dana", "Sam", "Sam Ortiz", REP}
    titles = {s["title"] for s in _run(_call(LINES))["stakeholders"]}
    assert "CEO" not in titles


def test_my_boss_counts_as_a_person() -> None:
    mt = _run(
        _call([(REP, "Who else weighs in?"), (HELEN, "My boss does, and she is careful with new tools.")])
    )
    assert {(s["name"], s["title"]) for s in mt["stakeholders"]} == {(HELEN, "VP Operations"), (None, "boss")}


def test_deal_map_and_single_threaded_flag() -> None:
    first = StoredCall(
        call_id="c1",
        rep=REP,
        deal_id="orbit-2026",
        started_at=datetime.fromisoformat("2026-04-20T15:00:00+00:00"),
        analysis={
            "signals": {
                "multithreading": {
                    "stakeholders": [
                        {"name": HELEN, "title": "VP Operations", "on_call": True, "kind": "person"},
                        {"name": "Martin", "title": "CFO", "on_call": False, "kind": "person"},
                    ]
                }
            }
        },
    )
    other_deal = StoredCall(
        call_id="x9",
        rep=REP,
        deal_id="another-deal",
        started_at=datetime.fromisoformat("2026-04-01T15:00:00+00:00"),
        analysis={
            "signals": {
                "multithreading": {"stakeholders": [{"name": "Quinn Lee", "title": None, "on_call": True}]}
            }
        },
    )
    only_helen = _call(
        [(REP, "Good to see you again."), (HELEN, "You too. Martin Cole liked the summary.")],
        people=PEOPLE[:2],
    )
    mt = _run(only_helen, history=(other_deal, first))
    deal = {s["name"]: s for s in mt["deal"]["stakeholders"]}
    assert set(deal) == {HELEN, "Martin Cole"}
    assert deal[HELEN]["first_seen"] == "c1" and deal[HELEN]["calls_seen"] == 2 and deal[HELEN]["on_call"]
    assert deal["Martin Cole"]["on_call"] is False and deal["Martin Cole"]["call_ids"] == ["c1", "c2"]
    assert mt["deal"]["calls"] == 2
    assert mt["single_threaded"] is True

    with_tom = _call([(REP, "Welcome, Tom."), (TOM, "Thanks, Helen asked me to join.")])
    assert _run(with_tom, history=(first,))["single_threaded"] is False


def test_unnamed_speakers_from_audio_have_no_name() -> None:
    people = (Participant("SPEAKER_0", "rep"), Participant("SPEAKER_1", "buyer"))
    mt = _run(
        _call([("SPEAKER_0", "How do you run approvals?"), ("SPEAKER_1", "By email, mostly.")], people=people)
    )
    assert mt["buyer_participants"] == 1
    assert [(s["name"], s["on_call"]) for s in mt["stakeholders"]] == [(None, True)]


def test_name_with_function_is_one_person_and_products_are_not_people() -> None:
    mt = _run(
        _call(
            [
                (HELEN, "Raj from finance will run the numbers, and finance also wants the audit report."),
                (TOM, "We use Salesforce today, and it integrates with Okta."),
                (HELEN, "I'll loop in Jenna from procurement once we have a quote."),
            ]
        )
    )
    others = {(s["name"], s["title"]) for s in mt["stakeholders"] if not s["on_call"]}
    assert others == {("Raj", "finance"), ("Jenna", "procurement")}


@pytest.mark.parametrize(
    ("line", "functions"),
    [
        ("I'll send it to legal and finance.", {"legal", "finance"}),
        ("IT wants a security review before we sign.", {"IT"}),
        ("Is that even legal in Ohio?", set()),
        ("They bill us forty dollars an hr for that.", set()),
        ("Our finance system is a mess and the whole team is on board.", set()),
    ],
)
def test_decision_functions_are_references_not_adjectives(line: str, functions: set[str]) -> None:
    mt = _run(_call([(HELEN, line)]))
    assert {s["title"] for s in mt["stakeholders"] if s["kind"] == "function"} == functions
