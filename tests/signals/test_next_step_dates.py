"""Spoken dates in next steps, resolved against the call's start (no models needed)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from signals._next_step_dates import find_dates

# A Tuesday afternoon call.
START = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "phrase", "when"),
    [
        ("I'll send it by Thursday", "by Thursday", datetime(2026, 3, 12)),
        ("can we meet next Monday at eleven?", "next Monday at eleven", datetime(2026, 3, 16, 11)),
        ("so the workshop is on the twelfth at ten", "on the twelfth at ten", datetime(2026, 3, 12, 10)),
        ("let's do the ninth", "the ninth", datetime(2026, 4, 9)),  # the 9th has passed: next month
        ("kickoff on the twenty first of april", "the twenty first of april", datetime(2026, 4, 21)),
        ("how about March 24th at 2:30 pm", "March 24th at 2:30 pm", datetime(2026, 3, 24, 14, 30)),
        ("talk tomorrow at three", "tomorrow at three", datetime(2026, 3, 11, 15)),
        ("at two forty five on wednesday", "at two forty five on wednesday", datetime(2026, 3, 11, 14, 45)),
        ("see you Tuesday", "Tuesday", datetime(2026, 3, 17)),  # today's weekday means next week's
    ],
)
def test_spoken_dates_resolve_against_call_start(text: str, phrase: str, when: datetime) -> None:
    dated = [d for d in find_dates(text, START) if d.dated]
    assert [d.text for d in dated] == [phrase]
    assert dated[0].when == when.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "I'll send the proposal next week",
        "we opened a second plant in May",
        "sometime next month",
        "by the end of Q2",
        "we were the first company in our region to do it",
        "it's priced at ten thousand a year",
        "the third largest expense after rent",
    ],
)
def test_periods_and_non_dates_are_not_dated(text: str) -> None:
    assert not any(d.dated for d in find_dates(text, START))


def test_without_a_call_start_dates_are_found_but_not_resolved() -> None:
    (mention,) = find_dates("let's meet Friday at 9am", None)
    assert mention.dated and mention.when is None and mention.text == "Friday at 9am"
