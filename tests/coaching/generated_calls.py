"""Generated sales calls (CONTRACT section 1 transcripts) for two reps, written for these tests.

Each call is assembled from building blocks chosen by a seeded generator: how the rep opens, which
questions they ask (open, closed, or none), whether the buyer states a pain (with a number or
without), an objection and the rep's reply (a question back, or a pitch), a long pitch or not, and
how the call ends (a dated step, a vague one, the buyer agreeing to invite a colleague). The mix
covers the situations where a prompt's quotes could contradict its claim: no closed question, no
pain, an invite already agreed, alerts across a deal's calls.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any

REPS = (("Ravi Menon", "Account Executive"), ("Elsa Brandt", "Account Executive"))
BUYERS = (
    ("Tomas Ruiz", "Head of Field Service"),
    ("Hannah Cole", "Operations Director"),
    ("Kofi Mensah", "IT Manager"),
    ("Ingrid Lund", "Controller"),
)
PRODUCT = "Routewise"

OPEN_QUESTIONS = (
    "How do your technicians get their schedules each morning?",
    "What happens when a job runs over and the next customer is waiting?",
    "Walk me through what your dispatcher does when someone calls in sick.",
    "What would a good quarter look like for your team?",
)
CLOSED_QUESTIONS = (
    "Do you use a scheduling tool today?",
    "Is the dispatcher the one who decides the routes?",
    "Would a mobile app help your technicians?",
    "Are you the person who signs off on software?",
)
PAINS_WITH_NUMBER = (
    "We reschedule about thirty visits a week because the routes are wrong, and each one costs us a "
    "technician hour.",
    "Our overtime bill went up by forty thousand last year, mostly from technicians driving back and forth.",
)
PAINS_WITHOUT_NUMBER = (
    "The dispatcher rebuilds the whole plan by hand whenever a job slips, and it is painful.",
    "Customers complain that nobody tells them when the technician is late.",
)
NEUTRAL_BUYER = (
    "We have a small team that covers the northern region.",
    "Mostly we are fine with how things run right now.",
    "I joined the company last spring, so I am still learning the setup.",
)
OBJECTIONS = (
    ("price", "Honestly the price is a lot higher than what we budgeted for this."),
    ("timing", "This is not a good time, we are in the middle of our busy season until autumn."),
    ("competitor", "We already looked at FieldFlow and it seemed to do the same thing."),
    ("security", "Our security team will want to review how you store customer addresses."),
)
REPLY_WITH_QUESTION = "That is fair. What would it need to save you for the cost to make sense?"
REPLY_PITCH = (
    "We hear that a lot, but once the routes are optimised most teams see the value in the first month."
)
PITCH = (
    f"So {PRODUCT} plans every technician's day automatically. It takes the jobs, the skills, the "
    "traffic and the customer windows, builds the routes overnight, pushes them to the mobile app, "
    "and when a job runs long it moves the next visits and texts the customers on its own, so your "
    "dispatcher only handles the exceptions instead of rebuilding the plan by hand every morning."
)
CLOSINGS = (
    # (rep line, buyer line): dated and owned / vague / buyer agrees to invite a colleague.
    (
        "I will send the pilot plan on Wednesday, and let's meet on Friday at ten to go through it.",
        "That works, Friday at ten.",
    ),
    ("Okay, I will follow up at some point.", "Sure, talk soon."),
    (
        "Could we bring your finance lead into the next conversation?",
        "Yes, I will invite her to the next call.",
    ),
)


def _utterances(lines: list[tuple[str, str]]) -> list[dict[str, Any]]:
    out, t = [], 0.0
    for speaker, text in lines:
        dur = round(max(1.5, len(text.split()) * 0.38), 2)
        out.append({"speaker": speaker, "start": round(t, 2), "end": round(t + dur, 2), "text": text})
        t += dur + 0.6
    return out


def generated_call(i: int, rng: random.Random) -> dict[str, Any]:
    """One call: CONTRACT section 1 transcript with call_id, rep, deal, participants, start time."""
    rep, rep_title = REPS[i % 2]
    buyer, buyer_title = BUYERS[(i // 2) % len(BUYERS)]
    lines: list[tuple[str, str]] = [
        (rep, f"Thanks for making time today, {buyer.split()[0]}."),
        (buyer, "Happy to."),
    ]
    style = rng.choice(("open", "closed", "none", "mixed"))
    questions = {
        "open": rng.sample(OPEN_QUESTIONS, 3),
        "closed": rng.sample(CLOSED_QUESTIONS, 2),
        "none": [],
        "mixed": [rng.choice(OPEN_QUESTIONS), rng.choice(CLOSED_QUESTIONS)],
    }[style]
    pain = rng.choice(("number", "words", "none"))
    for q in questions:
        lines.append((rep, q))
        if pain == "number" and rng.random() < 0.5:
            answer = rng.choice(PAINS_WITH_NUMBER)
        elif pain == "words" and rng.random() < 0.5:
            answer = rng.choice(PAINS_WITHOUT_NUMBER)
        else:
            answer = rng.choice(NEUTRAL_BUYER)
        lines.append((buyer, answer))
    if pain != "none" and not any(t in PAINS_WITH_NUMBER + PAINS_WITHOUT_NUMBER for _, t in lines):
        lines.append((buyer, rng.choice(PAINS_WITH_NUMBER if pain == "number" else PAINS_WITHOUT_NUMBER)))
    if rng.random() < 0.6:
        lines.append((rep, PITCH))
        lines.append((buyer, "Okay, I see."))
    if rng.random() < 0.6:
        _, objection = rng.choice(OBJECTIONS)
        lines.append((buyer, objection))
        lines.append((rep, REPLY_WITH_QUESTION if rng.random() < 0.4 else REPLY_PITCH))
        lines.append((buyer, "Let me think about it."))
    closing = rng.choice(CLOSINGS)
    lines += [(rep, closing[0]), (buyer, closing[1])]
    deal = f"deal-{(i // 2) % 4}"
    return {
        "call_id": f"gen-{i:02d}",
        "title": f"{buyer.split()[1]} / call {i}",
        "started_at": (datetime(2026, 2, 2, 15, tzinfo=UTC) + timedelta(days=2 * i)).isoformat(),
        "deal_id": deal,
        "rep": rep,
        "participants": [
            {"name": rep, "side": "rep", "title": rep_title},
            {"name": buyer, "side": "buyer", "title": buyer_title},
        ],
        "utterances": _utterances(lines),
    }


def generated_calls(n: int = 19, seed: int = 14) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    return [generated_call(i, rng) for i in range(n)]
