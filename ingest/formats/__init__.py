"""Transcript importers, registered by file suffix. Adding a format is adding a module here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from callcoach.domain import CallMeta, Transcript

# (path, text, meta from --meta or None) -> Transcript
Importer = Callable[[Path, str, CallMeta | None], Transcript]
_IMPORTERS: dict[str, Importer] = {}


def register(*suffixes: str) -> Callable[[Importer], Importer]:
    def deco(fn: Importer) -> Importer:
        for s in suffixes:
            _IMPORTERS[s.lower()] = fn
        return fn

    return deco


def importer_for(suffix: str) -> Importer | None:
    return _IMPORTERS.get(suffix.lower())


def transcript_suffixes() -> frozenset[str]:
    return frozenset(_IMPORTERS)
