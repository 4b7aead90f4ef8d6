"""Presidio, set up once per process for call transcripts: which recognizers, which NLP engine.

The analyzer runs only this package's recognizers (cards, SSNs, phones, accounts, addresses, spoken
and written emails); Presidio's name recognizer is left out because coaching needs people's names.
Its NLP engine is Presidio's slim spaCy engine (tokens and lemmas for context words, no NER) on the
spaCy pipeline the signals already loaded (``callcoach.nlp.load_spacy``): nothing is downloaded
and no second model is held in memory. Texts that cannot hold PII (no digit, number word, "@" or
"at ... dot") skip the analyzer altogether, which is most of a sales call.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Generator, Sequence
from functools import lru_cache
from typing import Any

from presidio_analyzer import AnalyzerEngine, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts, SlimSpacyNlpEngine
from presidio_analyzer.predefined_recognizers import IbanRecognizer

from callcoach.nlp import load_spacy
from redact._addresses import AddressRecognizer
from redact._emails import SpokenEmailRecognizer, WrittenEmailRecognizer
from redact._identifiers import ACCOUNT, IdentifierRecognizer
from redact._numbers import NUMBER_WORDS
from redact._spans import Finding

LANGUAGE = "en"
# The slim engine needs tokens and lemmas (Presidio's context words); the parser and NER are the
# costly parts of en_core_web_sm and nothing here reads them.
_UNUSED_PIPES = ("parser", "ner")
# Utterances per nlp.pipe batch: spaCy's default, fine for short turns.
PIPE_BATCH = 64

_MAYBE_PII = re.compile(
    r"\d|@|\bat\b.*(?:\bdot\b|\.\w)|\b(?:" + "|".join(sorted(NUMBER_WORDS)) + r")\b", re.IGNORECASE)


class _LoadedSpacyEngine(SlimSpacyNlpEngine):
    """Presidio's slim spaCy engine on an already-loaded pipeline (no spacy.load, no download)."""

    def __init__(self, model_name: str) -> None:
        super().__init__(models=[{"lang_code": LANGUAGE, "model_name": model_name}], auto_download=False)
        self._model_name = model_name

    def load(self) -> None:
        # Presidio declares the attribute as None until loaded; it holds {language: pipeline}.
        self.nlp = {LANGUAGE: load_spacy(self._model_name)}  # type: ignore[assignment]

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        return next(iter(self.process_batch([text], language)))[1]

    # `texts: Any`: Presidio's NlpEngine and SlimSpacyNlpEngine declare it differently.
    def process_batch(self, texts: Any, language: str, batch_size: int = PIPE_BATCH, n_process: int = 1,
                      as_tuples: bool = False, **kwargs: Any,
                      ) -> Generator[tuple[str, NlpArtifacts], Any, None]:
        if as_tuples:
            raise ValueError("texts with context tuples are not used here")
        nlp = self.nlp[language]  # type: ignore[index]
        disable = [p for p in _UNUSED_PIPES if p in nlp.pipe_names]
        for doc in nlp.pipe((str(t) for t in texts), batch_size=batch_size, disable=disable):
            yield doc.text, self._doc_to_nlp_artifact(doc, language)


# Presidio's loggers print the analyzed text at DEBUG (its context enhancer logs the words around
# each finding), so `callcoach -v` would write the PII we remove into the logs: they stay at WARNING.
_PRESIDIO_LOGGERS = ("presidio-analyzer", "presidio-anonymizer")


@lru_cache(maxsize=2)
def analyzer(model_name: str) -> AnalyzerEngine:
    """The analyzer for `model_name` (settings.spacy_model), built once per process."""
    for name in _PRESIDIO_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    # IBANs are letters and digits with a checksum: Presidio's own recognizer, reported as ACCOUNT.
    iban = IbanRecognizer(supported_entity=ACCOUNT)
    for recognizer in (IdentifierRecognizer(), AddressRecognizer(), SpokenEmailRecognizer(),
                       WrittenEmailRecognizer(), iban):
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=_LoadedSpacyEngine(model_name),
                          supported_languages=[LANGUAGE])


def may_hold_pii(text: str) -> bool:
    return _MAYBE_PII.search(text) is not None


def find_pii(texts: Sequence[str], *, entities: Sequence[str], score_threshold: float,
             allow_list: Sequence[str] = (), model_name: str) -> list[list[Finding]]:
    """PII findings per text, in text order; texts that cannot hold PII are not analyzed."""
    found: list[list[Finding]] = [[] for _ in texts]
    todo = [i for i, t in enumerate(texts) if t and may_hold_pii(t)]
    if not todo or not entities:
        return found
    engine = analyzer(model_name)
    allowed = [re.compile(p, re.IGNORECASE) for p in allow_list]
    artifacts = engine.nlp_engine.process_batch([texts[i] for i in todo], LANGUAGE)
    for i, (_text, nlp_artifacts) in zip(todo, artifacts, strict=True):
        results = engine.analyze(texts[i], language=LANGUAGE, entities=list(entities),
                                 score_threshold=score_threshold, nlp_artifacts=nlp_artifacts)
        kept = _kept(texts[i], results, allowed)
        found[i] = [Finding(r.entity_type, r.start, r.end, r.score) for r in kept]
    return found


def _kept(text: str, results: list[RecognizerResult],
          allowed: list[re.Pattern[str]]) -> list[RecognizerResult]:
    """Results not inside an allow-list match; the allow-list sees the words around a finding
    ("ticket number 555-0134"), which Presidio's own allow-list (the finding alone) cannot."""
    if not allowed:
        return sorted(results, key=lambda r: r.start)
    spans = [m.span() for p in allowed for m in p.finditer(text)]
    return sorted((r for r in results if not any(s <= r.start and r.end <= e for s, e in spans)),
                  key=lambda r: r.start)
