"""Findings applied to a transcript: typed placeholders in the text and in the word timings.

A finding is widened to whole words (a placeholder never leaves half a number behind) and
neighbouring findings of one type merge ("415-555-0132" read as two runs is one [PHONE]). In the
text, Presidio's anonymizer replaces each span with its placeholder; in the words, the span's words
become one word, the placeholder, from the first word's start to the last word's end, so a quote
or a muted stretch of audio still points at the moment it was said.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from functools import lru_cache

from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig, RecognizerResult

from callcoach.domain import Utterance, Word
from redact._spans import Finding, placeholder

# Punctuation a word may carry after the PII in it ("...0132." keeps its full stop).
_TRAILING = ".,;:!?)\"'"
_NEIGHBOURS = re.compile(r"[\s,\-]*")


@lru_cache(maxsize=1)
def _anonymizer() -> AnonymizerEngine:
    return AnonymizerEngine()


def widen(text: str, findings: Sequence[Finding]) -> list[Finding]:
    """Findings grown to whole whitespace-separated words (minus trailing punctuation), merged
    where they overlap or touch with the same type; the higher score names a merged span."""
    grown: list[Finding] = []
    for f in sorted(findings, key=lambda f: (f.start, -f.end)):
        start = f.start
        while start > 0 and not text[start - 1].isspace():
            start -= 1
        end = f.end
        while end < len(text) and not text[end].isspace():
            end += 1
        while end > f.end and text[end - 1] in _TRAILING:
            end -= 1
        cur = Finding(f.entity, start, end, f.score)
        if grown:
            last = grown[-1]
            touching = cur.start <= last.end or (
                cur.entity == last.entity and _NEIGHBOURS.fullmatch(text[last.end:cur.start]))
            if touching:
                best = last if last.score >= cur.score else cur
                grown[-1] = Finding(best.entity, last.start, max(last.end, cur.end), best.score)
                continue
        grown.append(cur)
    return grown


def redact_text(text: str, spans: Sequence[Finding]) -> str:
    """`text` with each (already widened) span replaced by its typed placeholder."""
    if not spans:
        return text
    results = [RecognizerResult(s.entity, s.start, s.end, s.score) for s in spans]
    operators = {s.entity: OperatorConfig("replace", {"new_value": placeholder(s.entity)}) for s in spans}
    return _anonymizer().anonymize(text, results, operators=operators).text


def redact_words(words: Sequence[Word], spans: Sequence[Finding]) -> tuple[Word, ...]:
    """`words` (whose text joined by single spaces was analyzed) with each span's words collapsed
    into one placeholder word timed from the first word's start to the last word's end."""
    if not spans:
        return tuple(words)
    out: list[Word] = []
    pos = 0
    span_i = 0
    pending: list[tuple[Word, int, int]] = []  # words of the current span with their offsets

    def flush() -> None:
        if not pending:
            return
        span = spans[span_i]
        first, first_start, _ = pending[0]
        last, last_start, last_end = pending[-1]
        head = first.text[:max(0, span.start - first_start)]
        tail = last.text[max(0, span.end - last_start):]
        out.append(Word(head + placeholder(span.entity) + tail, first.start, last.end,
                        min(w.probability for w, _, _ in pending)))
        pending.clear()

    for word in words:
        start, end = pos, pos + len(word.text)
        pos = end + 1
        while span_i < len(spans) and spans[span_i].end <= start:
            flush()
            span_i += 1
        if span_i < len(spans) and spans[span_i].start < end:
            pending.append((word, start, end))
        else:
            out.append(word)
    flush()
    return tuple(out)


def redact_utterance(u: Utterance, text_spans: Sequence[Finding],
                     word_spans: Sequence[Finding] | None) -> Utterance:
    """The utterance with its text and words redacted (word_spans None: words joined == text)."""
    if not text_spans and not word_spans:
        return u
    text = redact_text(u.text, text_spans)
    words = redact_words(u.words, text_spans if word_spans is None else word_spans)
    return dataclasses.replace(u, text=text, words=words)
