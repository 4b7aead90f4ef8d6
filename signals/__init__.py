"""Signals: pure, evidence-carrying measurements of a call transcript.

Entry point: :func:`extract`. Each signal lives in its own module here and registers itself
with :func:`signals.base.register`; importing this package imports them all.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Sequence
from typing import Any

from callcoach.analysis import Signals
from callcoach.domain import StoredCall, Transcript
from callcoach.settings import Settings, get_settings
from signals.base import SignalContext, SignalResult, register, registered

__all__ = ["closed_question_in", "extract", "SignalContext", "SignalResult", "register"]

for _mod in pkgutil.iter_modules(__path__):
    if _mod.name not in {"base"} and not _mod.name.startswith("_"):
        importlib.import_module(f"{__name__}.{_mod.name}")


def extract(transcript: Transcript, *, history: Sequence[StoredCall] = (),
            settings: Settings | None = None) -> Signals:
    """Run every registered signal on `transcript`; returns the typed analysis["signals"]
    (``.to_contract()`` is its CONTRACT section 2 JSON)."""
    ctx = SignalContext(transcript=transcript, settings=settings or get_settings(), history=history)
    sections: dict[str, Any] = {}
    for name, fn in sorted(registered().items()):
        fragment = fn(ctx).to_analysis()
        clash = set(sections) & set(fragment)
        if clash:
            raise ValueError(f"signal {name!r} writes sections another signal wrote: {sorted(clash)}")
        sections.update(fragment)
    return Signals(**sections)


def closed_question_in(text: str) -> bool:
    """Whether `text` asks a closed question as the questions signal reads one (same parser, same
    rules): coaching checks its quotes with this rather than with a second copy of the rules.
    Raises ModelUnavailable when the spaCy model cannot be loaded."""
    from callcoach.nlp import load_spacy
    from signals.questions import classify_sentence
    from signals.text import sentences

    nlp = load_spacy()
    for sent in sentences(nlp(text)):
        kind = classify_sentence(sent)
        if kind is not None and not kind[1]:
            return True
    return False
