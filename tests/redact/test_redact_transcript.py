"""redact_transcript: placeholders in text and words, timings kept, names and amounts untouched."""

from __future__ import annotations

import logging

import pytest

from callcoach.domain import CallMeta, Participant, Transcript, Utterance, Word
from redact import RedactionOptions, redact_transcript, redacted_spans

pytestmark = pytest.mark.slow


def _words(text: str, start: float, step: float = 0.4) -> tuple[Word, ...]:
    return tuple(Word(w, round(start + i * step, 2), round(start + i * step + 0.3, 2), 0.9)
                 for i, w in enumerate(text.split()))


def _transcript(*utts: Utterance) -> Transcript:
    meta = CallMeta(call_id="pii-unit", rep="Nora Quinn",
                    participants=(Participant("Nora Quinn", "rep"), Participant("Tomas Berg", "buyer")))
    return Transcript(meta=meta, utterances=utts, duration_s=utts[-1].end)


def test_redact_transcript_collapses_the_words_of_a_span_into_one_timed_placeholder() -> None:
    text = "sure Nora my cell is four one five, five five five, oh one three two. Thanks."
    words = _words(text, 10.0)
    u = Utterance("Tomas Berg", 10.0, words[-1].end, text, "buyer", words)
    out = redact_transcript(_transcript(u), RedactionOptions()).utterances[0]

    assert out.text == "sure Nora my cell is [PHONE]. Thanks."
    assert [w.text for w in out.words] == ["sure", "Nora", "my", "cell", "is", "[PHONE].", "Thanks."]
    placeholder = out.words[5]
    # From the start of "four" (word 5) to the end of "two." (word 14).
    assert (placeholder.start, placeholder.end) == (words[5].start, words[14].end)
    assert placeholder.probability == pytest.approx(0.9)
    assert redacted_spans(_transcript(out)) == [(words[5].start, words[14].end, "PHONE")]


def test_redact_transcript_handles_text_and_words_that_differ() -> None:
    # Imported transcripts may carry punctuated text and bare words; each is redacted on its own.
    text = "Card is 4111-1111-1111-1111, charge the $2,500 deposit."
    words = _words("card is 4111 1111 1111 1111 charge the 2500 deposit", 0.0)
    u = Utterance("Tomas Berg", 0.0, 4.0, text, "buyer", words)
    out = redact_transcript(_transcript(u), RedactionOptions()).utterances[0]
    assert out.text == "Card is [CARD], charge the $2,500 deposit."
    assert [w.text for w in out.words] == ["card", "is", "[CARD]", "charge", "the", "2500", "deposit"]
    assert (out.words[2].start, out.words[2].end) == (words[2].start, words[5].end)


def test_redact_transcript_leaves_amounts_dates_names_and_questions_alone(caplog) -> None:
    question = "How many of your 200 reps touch renewals before March 12?"
    rep = Utterance("Nora Quinn", 0.0, 4.0, question, "rep")
    buyer = Utterance("Tomas Berg", 4.5, 9.0, "About 40 hours a week, it costs us $36,000 a year.", "buyer")
    pii = Utterance("Tomas Berg", 9.5, 12.0, "Email me at tomas.berg@kestrelfoods.com.", "buyer")
    transcript = _transcript(rep, buyer, pii)
    with caplog.at_level(logging.DEBUG):
        out = redact_transcript(transcript, RedactionOptions())
    assert out.utterances[:2] == transcript.utterances[:2]
    assert out.utterances[2].text == "Email me at [EMAIL]."
    assert out.meta == transcript.meta and out.duration_s == transcript.duration_s
    assert "kestrelfoods" not in caplog.text and "{'EMAIL': 1}" in caplog.text


def test_redact_transcript_disabled_returns_the_transcript_unchanged() -> None:
    u = Utterance("Tomas Berg", 0.0, 3.0, "my social is 512-43-8876", "buyer")
    transcript = _transcript(u)
    assert redact_transcript(transcript, RedactionOptions(enabled=False)) is transcript
    assert redact_transcript(transcript, RedactionOptions()).utterances[0].text == "my social is [SSN]"


def test_redacted_spans_mutes_a_whole_utterance_without_word_timings() -> None:
    u = Utterance("Tomas Berg", 3.0, 6.5, "my social is 512-43-8876", "buyer")
    out = redact_transcript(_transcript(u), RedactionOptions())
    assert redacted_spans(out) == [(3.0, 6.5, "SSN")]
