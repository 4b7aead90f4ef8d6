"""The readable report: speakers, each signal with its quotes, coaching, a transcript excerpt;
it degrades gracefully when signals are missing or shaped differently."""

from __future__ import annotations

from typing import Any

import pytest
from rich.console import Console

from callcoach.cli.report import EXCERPT_UTTERANCES, clock, render_report

QUOTE = {"start": 71.0, "end": 76.5, "speaker": "Priya Shah",
         "text": "We lose about 20% of renewals because nobody sees the risk early."}


def _analysis(**signals: Any) -> dict[str, Any]:
    return {
        "call_id": "acme-disco-01", "title": "Acme / discovery", "rep": "Dana Reyes", "duration_s": 754.0,
        "speakers": [{"name": "Dana Reyes", "side": "rep", "talk_time_s": 300.0, "title": "AE"},
                     {"name": "Priya Shah", "side": "buyer", "talk_time_s": 200.0, "title": "VP RevOps"}],
        "transcript": [{"speaker": "Dana Reyes" if i % 2 == 0 else "Priya Shah",
                        "side": "rep" if i % 2 == 0 else "buyer", "start": 10.0 * i, "end": 10.0 * i + 8,
                        "text": f"utterance number {i} [bold]not markup[/bold]"} for i in range(20)],
        "signals": signals,
        "coaching": {"prompts": [{"signal": "discovery", "message": "Ask what the churn costs them.",
                                  "practice": "Try: what does a lost renewal cost you?",
                                  "evidence": [QUOTE]}],
                     "alerts": [{"kind": "deal_single_threaded", "severity": "high",
                                 "message": "Only one buyer has spoken on this deal.", "evidence": []}]},
    }


def _render(analysis: dict[str, Any]) -> str:
    console = Console(width=200, record=True, color_system=None)
    render_report(analysis, console)
    return console.export_text()


def test_report_render_full_analysis() -> None:
    text = _render(_analysis(
        talk_ratio={"rep": 0.6, "evidence": [QUOTE]},
        longest_monologue_s=93.0,
        discovery={"questions": 7, "open_questions": 3, "quantified_pains": 1, "score": 64.0,
                   "evidence": [QUOTE] * 5},
        next_step={"present": True, "dated": True, "owned": False, "text": "Review on Thursday at 2"},
        objections=[{"category": "price", "text": "That is above our budget.", "start": 300.0,
                     "evidence": [QUOTE]}],
    ))
    assert "Acme / discovery" in text and "12:34" in text
    assert "Dana Reyes" in text and "VP RevOps" in text and "60%" in text
    assert "rep talks 60% of the time" in text
    assert "longest rep monologue: 01:33" in text
    assert "7 questions, 3 open, 1 quantified pains, score 64/100" in text
    assert "01:11 Priya Shah: “We lose about 20% of renewals" in text
    assert "+2 more" in text  # five quotes, three shown
    assert "“Review on Thursday at 2” (dated, not owned)" in text
    assert "price: “That is above our budget.” at 05:00" in text
    assert "Only one buyer has spoken on this deal." in text
    assert "practice: Try: what does a lost renewal cost you?" in text
    assert f"first {EXCERPT_UTTERANCES} of 20 utterances" in text
    assert "[bold]not markup[/bold]" in text, "transcript text is printed literally, never as markup"


@pytest.mark.parametrize("signals", [
    {},
    {"discovery": None, "sentiment": "n/a", "next_step": {}},
    {"talk_ratio": 0.5, "objections": "none", "multithreading": {"stakeholders": [None, "x"]}},
    {"brand_new_signal": {"level": 2, "items": [{"text": "said something", "start": 5}],
                          "series": [0.1, 0.2], "evidence": [QUOTE, {"no": "quote"}]}},
])
def test_report_render_survives_missing_or_unknown_signals(signals: dict[str, Any]) -> None:
    text = _render(_analysis(**signals))
    assert "Speakers" in text and "Transcript" in text


def test_report_render_unknown_signal_shows_its_fields_and_quotes() -> None:
    text = _render(_analysis(brand_new_signal={"level": 2, "items": [{"text": "said something", "start": 5}],
                                               "evidence": [QUOTE]}))
    assert "brand new signal: level 2" in text
    assert "00:05 “said something”" in text
    assert "Priya Shah: “We lose about 20%" in text


def test_report_render_empty_analysis() -> None:
    assert "call" in _render({})


def test_report_clock() -> None:
    assert (clock(0), clock(59.6), clock(3725), clock(None)) == ("00:00", "01:00", "1:02:05", "?")
