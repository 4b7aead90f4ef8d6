"""Which rep sentences count as questions, and which are open (CONTRACT section 3)."""

from __future__ import annotations

import pytest

from callcoach.nlp import load_spacy
from callcoach.settings import Settings
from signals.base import SignalContext
from signals.questions import classify_sentence, rep_questions
from signals.text import sentences
from tests.signals._calls import BUYER, REP, call

pytestmark = pytest.mark.slow


def _kinds(text: str) -> list[tuple[str, bool] | None]:
    doc = load_spacy()(text)
    out = []
    for s in sentences(doc):
        k = classify_sentence(s)
        out.append(None if k is None else (k[0], k[1]))
    return out


@pytest.mark.parametrize(
    ("text", "is_open"),
    [
        ("so how does your team handle renewals these days", True),  # lowercase, no "?"
        ("and what's not going well with the current setup", True),
        ("Walk me through how an order gets approved.", True),
        ("Before we start, tell me about your month-end close.", True),
        ("help me understand why the audit flagged that", True),
        ("Could you describe what happens when a shipment is late?", True),
        ("Why did the last rollout stall?", True),
        ("Who signs off on something like this?", False),  # one fact
        ("When does your current contract end?", False),
        ("How many people are on the finance team?", False),
        ("How much are you spending on overtime?", False),
        ("Which system do the planners use?", False),
        # Not small talk: the greeting's words, then a question about the day's work.
        ("Sam, how's the weather data feeding into your routing today?", True),
        ("what if we started with one site and a shorter term?", False),  # a proposal, like "how about"
        ("What if a shipment goes missing overnight?", True),  # a hypothetical to talk through
        ("do you use salesforce today", False),  # aux inversion, no "?"
        ("would a pilot in one region work for you", False),
        ("Is there a deadline driving this?", False),
        ("I'll send the notes tonight, and can we book an hour with Priya on Friday?", False),
        ("Anything else I should know?", False),
        ("so if you had a magic wand what would you change", True),  # after an if-clause
        ("curious what your process is for renewals", True),  # indirect
        ("How long does keying them in take your team?", False),
    ],
)
def test_questions_detection_counts_and_types(text: str, is_open: bool) -> None:
    found = [k for k in _kinds(text) if k is not None]
    assert len(found) == 1, found
    assert found[0][1] is is_open


@pytest.mark.parametrize(
    "text",
    [
        "You're running everything on spreadsheets today, right?",  # tag question
        "and that's pretty painful right",  # ASR tag question
        "It's a quick setup, isn't it?",
        "Does that make sense?",
        "can you hear me okay",
        "Hey Tom! Can you see my screen?",
        "can you share your screen",
        "Any questions so far?",
        "How are you doing today?",
        "Let me walk you through the dashboard.",  # the rep presents, asks nothing
        "That's how most teams start.",  # embedded wh-word
        "What we usually see is fewer tickets.",
        "I know what you mean.",
        "how we do it is pretty simple",  # free relative in lowercase ASR
        "which is why we built the approval flow",
        "so do it once and it runs",  # "do" as a main verb, not an inverted auxiliary
        "did a demo for them last week",
        "who knows, maybe next year",
        # a non-restrictive relative after a comma, not a question word
        "We rebuilt the importer over the summer, which is why setup takes a day now.",
        "we brought in our controller, who runs the month-end close",
        "Priya from Lumenworks, how's your Tuesday going?",  # small talk after an introduction
        "how's the weather treating you up there",
    ],
)
def test_questions_detection_excludes_checks_tags_and_statements(text: str) -> None:
    assert all(k is None for k in _kinds(text))


def test_questions_detection_ignores_buyer_questions_and_joins_split_question() -> None:
    transcript = call([
        (REP, "thanks for the time today", 0.0, 2.0),
        (REP, "so walk me through", 2.2, 3.5),
        (REP, "how a new hire gets access on day one", 4.0, 6.5),
        (BUYER, "what does your onboarding cost?", 7.0, 9.0),
        (BUYER, "and how long does it take", 9.2, 10.5),
        (REP, "about three weeks. who approves access today", 11.0, 14.0),
    ])
    qs = rep_questions(SignalContext(transcript=transcript, settings=Settings()))
    assert [(q.text, q.open) for q in qs] == [
        ("so walk me through how a new hire gets access on day one", True),
        ("who approves access today", False),
    ]
    # the joined question spans both utterances
    assert (qs[0].start, qs[0].end) == (2.2, 6.5)
