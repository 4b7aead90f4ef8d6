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
    assert "share of talk time: rep 60%" in text
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


def _sample_like() -> dict[str, Any]:
    """A call shaped like the sample call's analysis: every number a person reads in the report."""
    a = _analysis(
        talk_ratio={"rep": 0.543, "buyer": 0.457, "unknown": 0.0,
                    "per_speaker": {"Dana Reyes": 0.543, "Priya Shah": 0.457}},
        discovery={"questions": 3, "open_questions": 3, "quantified_pains": 1, "score": 81.4,
                   "score_parts": {"volume": 1.0}, "framework": {"covered": 4}},
        sentiment={"drift": 0.35, "direction": "positive", "threshold": 0.2, "early": 0.2, "late": 0.55,
                   "scores": [{"start": 5.0, "score": 0.4}], "series": [{"t": 6.0, "score": 0.2}]},
        next_step={"present": True, "dated": True, "owned": True, "text": "I will send it on Thursday.",
                   "due": "2026-03-12T00:00:00+00:00",
                   "items": [{"kind": "commitment", "text": "I will send it on Thursday",
                              "due": "2026-03-12T00:00:00+00:00", "score": 3.78}]},
        objections=[{"category": "price", "text": "The price is too high.", "start": 35.0,
                     "cue": "too high", "similarity": 0.68}],
        dynamics={"interactivity": {"switches": 11, "switches_per_min": 11.38},
                  "patience": {"mean_pause_s": 0.4, "median_pause_s": 0.4, "replies": 5},
                  "question_rate": {"questions": 3, "per_min": 3.1},
                  "filler_rate": {"rep_per_min": 0.5, "per_speaker": {}}},
    )
    a["started_at"] = "2026-03-10T15:00:00+00:00"
    a["coaching"]["prompts"][0]["next_call_line"] = 'You mentioned "churn". What does it cost you each month?'
    a["coaching"]["alerts"][0]["evidence"] = [
        {**QUOTE, "call_id": "acme-disco-00", "call_date": "2026-02-24"},
        {**QUOTE, "call_id": "acme-disco-01", "call_date": "2026-03-10"},
    ]
    return a


def test_report_render_shows_what_a_person_reads_not_internals() -> None:
    text = _render(_sample_like())
    assert "(see --json)" not in text
    assert "similarity" not in text and "0.68" not in text and "cue" not in text
    assert "T00:00:00" not in text and "2026-03-10T15" not in text  # no raw ISO timestamps
    assert "started Tue 10 Mar 2026, 15:00 UTC" in text
    assert "due Thu 12 Mar 2026" in text
    assert "share of talk time: rep 54%, buyer 46%" in text and "unknown" not in text
    assert ("dynamics: interactivity 11.4 speaker changes/min, patience 0.4 s pause before the rep replies, "
            "3.1 rep questions/min, 0.5 rep fillers/min") in text
    assert 'next call: You mentioned "churn". What does it cost you each month?' in text


def test_report_render_names_the_call_of_an_alert_quote_from_another_call() -> None:
    lines = _render(_sample_like()).splitlines()
    other = [ln for ln in lines if "We lose about 20%" in ln and "acme-disco-00" in ln]
    assert other and "Tue 24 Feb 2026" in other[0]
    # A quote from the call itself is not labelled with its own id.
    assert not [ln for ln in lines if "[acme-disco-01" in ln]


def test_report_render_full_prints_the_whole_transcript() -> None:
    console = Console(width=200, record=True, color_system=None)
    render_report(_sample_like(), console, full=True)
    text = console.export_text()
    assert "Transcript (20 utterances)" in text
    assert all(f"utterance number {i} " in text for i in range(20))
    assert "more (--full" not in text
