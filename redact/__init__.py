"""PII redaction: card numbers, SSNs, phone and account numbers, emails and street addresses
become typed placeholders (``[CARD]``, ``[SSN]``, ``[PHONE]``, ``[ACCOUNT]``, ``[EMAIL]``,
``[ADDRESS]``) before a call is stored, analyzed or printed.

Entry points: :func:`redact_transcript` (a Transcript in, the same transcript with placeholders in
its text and its word timings out), :func:`redact_recording` (a copy of the recording with those
spans silenced) and :func:`replace_names` (buyer names out of texts such as role-play exports).
Detection is Microsoft Presidio with recognizers written for what ASR produces: digits with spaces
or dashes, numbers read as words, emails read aloud. Amounts, dates, headcounts and quantities are
not PII and stay, so the signals measured on redacted text are the same. Method, figures and
limits: docs/redaction.md.

Pure: no database, no network; spaCy is the pipeline the signals already load.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from callcoach.domain import Transcript
from callcoach.settings import Settings, get_settings
from redact._audio import redact_recording, redacted_spans, silence_spans
from redact._names import buyer_names, replace_names
from redact._spans import PLACEHOLDER, Finding, placeholder

__all__ = ["ENTITIES", "Finding", "RedactionOptions", "buyer_names", "find_pii", "placeholder",
           "redact_recording", "redact_text", "redact_transcript", "redacted_spans", "replace_names",
           "silence_spans", "PLACEHOLDER"]

log = logging.getLogger("callcoach.redact")

ENTITIES: tuple[str, ...] = ("CARD", "SSN", "PHONE", "EMAIL", "ADDRESS", "ACCOUNT")


@dataclass(frozen=True, slots=True)
class RedactionOptions:
    """What to redact; `from_settings` reads the CALLCOACH_REDACT_* settings."""

    enabled: bool = True
    entities: tuple[str, ...] = ENTITIES
    score_threshold: float = 0.5
    allow_list: tuple[str, ...] = ()
    spacy_model: str = "en_core_web_sm"

    @classmethod
    def from_settings(cls, settings: Settings) -> RedactionOptions:
        return cls(enabled=settings.redact_enabled, entities=tuple(settings.redact_entities),
                   score_threshold=settings.redact_score_threshold,
                   allow_list=tuple(settings.redact_allow_list), spacy_model=settings.spacy_model)


def find_pii(texts: Sequence[str], options: RedactionOptions) -> list[list[Finding]]:
    """PII findings per text, widened to whole words and merged, in text order."""
    # Presidio is imported on first use: it pulls in transformers and torch.
    from redact._engine import find_pii as _find_raw
    from redact._transcript import widen

    found = _find_raw(texts, entities=options.entities, score_threshold=options.score_threshold,
                     allow_list=options.allow_list, model_name=options.spacy_model)
    return [widen(t, f) for t, f in zip(texts, found, strict=True)]


def redact_text(text: str, options: RedactionOptions | None = None) -> str:
    """One text with its PII replaced by typed placeholders."""
    from redact._transcript import redact_text as _apply

    options = options or RedactionOptions.from_settings(get_settings())
    return _apply(text, find_pii([text], options)[0])


def redact_transcript(transcript: Transcript, options: RedactionOptions | None = None) -> Transcript:
    """`transcript` with PII replaced in every utterance's text and words (word timings kept: the
    span's words become one placeholder word from the first one's start to the last one's end).

    Utterances whose words, joined by spaces, differ from their text (imported transcripts that
    carry both) have each analyzed on its own.
    """
    from redact._transcript import redact_utterance

    options = options or RedactionOptions.from_settings(get_settings())
    if not options.enabled or not options.entities:
        return transcript
    utts = transcript.utterances
    texts = [u.text for u in utts]
    joined = [" ".join(w.text for w in u.words) if u.words else "" for u in utts]
    extra = [j for j, t in zip(joined, texts, strict=True) if j and j != t]
    found = find_pii(texts + extra, options)
    text_found, extra_found = found[:len(texts)], iter(found[len(texts):])
    out = []
    counts: Counter[str] = Counter()
    for u, j, spans in zip(utts, joined, text_found, strict=True):
        word_spans = next(extra_found) if j and j != u.text else None
        counts.update(s.entity for s in spans)
        out.append(redact_utterance(u, spans, word_spans))
    if counts:
        # Counts only: a log line must never carry what was redacted.
        log.info("redacted %s in call %s", dict(sorted(counts.items())), transcript.meta.call_id)
    return replace(transcript, utterances=tuple(out))
