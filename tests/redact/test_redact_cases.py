"""The labeled PII sets: every PII span becomes a placeholder of its type; every look-alike stays."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from redact import RedactionOptions, find_pii, redact_text

pytestmark = pytest.mark.slow  # Presidio runs on the spaCy pipeline

CASES = Path(__file__).resolve().parents[1] / "data" / "redact"
_ALL = [(f.stem, i, c) for f in sorted(CASES.glob("pii_*.yaml"))
        for i, c in enumerate(yaml.safe_load(f.read_text()))]


def _options(case: dict) -> RedactionOptions:
    return RedactionOptions(allow_list=tuple(case.get("allow_list", ())))


def test_redact_case_sets_are_big_enough_and_cover_every_entity_and_form() -> None:
    spans = [(g["type"], g["form"]) for _, _, c in _ALL for g in c.get("pii", ())]
    look_alikes = [k for _, _, c in _ALL for k in c.get("keep", ())]
    assert len(_ALL) >= 60 and len(look_alikes) >= 60
    for entity in RedactionOptions().entities:
        for form in ("digits", "spoken"):
            assert spans.count((entity, form)) >= 3, (entity, form)


@pytest.mark.parametrize(("case_set", "index", "case"), _ALL, ids=[f"{s}-{i}" for s, i, _ in _ALL])
def test_redact_case(case_set: str, index: int, case: dict) -> None:
    text = case["text"]
    options = _options(case)
    found = find_pii([text], options)[0]
    out = redact_text(text, options)
    for gold in case.get("pii", ()):
        start = text.index(gold["text"])
        end = start + len(gold["text"])
        assert any(f.entity == gold["type"] and f.start <= start and end <= f.end for f in found), (
            f"{gold['type']} {gold['text']!r} not redacted: {out!r}")
        assert gold["text"] not in out
        assert f"[{gold['type']}]" in out
    for keep in case.get("keep", ()):
        assert keep in out, f"look-alike {keep!r} lost: {out!r}"
    if not case.get("pii"):
        assert out == text


def test_redact_allow_list_keeps_a_configured_ticket_number_and_only_then() -> None:
    text = "ticket number 555-0134 is the outage from last week"
    assert redact_text(text, RedactionOptions()) == "ticket number [PHONE] is the outage from last week"
    assert redact_text(text, RedactionOptions(allow_list=(r"ticket (?:number )?[\d-]+",))) == text


def test_redact_entity_list_and_threshold_limit_what_is_redacted() -> None:
    text = "call 415-555-0132 or email dana.whitfield@harbrook.com, order ref 88120345"
    assert redact_text(text, RedactionOptions(entities=("EMAIL",))) == (
        "call 415-555-0132 or email [EMAIL], order ref 88120345")
    # An unnamed eight-digit string is a weak finding: the default takes it, a strict threshold not.
    assert "[ACCOUNT]" in redact_text(text, RedactionOptions())
    assert "88120345" in redact_text(text, RedactionOptions(score_threshold=0.7))
