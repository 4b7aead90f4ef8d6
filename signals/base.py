"""What every signal shares: the context it reads, the result protocol, and the registry.

A signal is a pure function ``SignalContext -> SignalResult``: it opens no files, sockets or
databases. Signals are registered by name (``@register("discovery")``); adding a signal is
adding a module to this package, not editing a dispatcher.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol

from callcoach.domain import StoredCall, Transcript, Utterance
from callcoach.settings import Settings

if TYPE_CHECKING:
    import numpy as np
    from spacy.tokens import Doc


class SignalResult(Protocol):
    """A typed signal result. `to_analysis()` gives its sections of the analysis, by `Signals` field
    name (``{"next_step": NextStep(...)}``), each with its evidence quotes and a `method` string."""

    def to_analysis(self) -> dict[str, Any]: ...


@dataclass
class SignalContext:
    """One call's transcript plus shared, lazily computed NLP views of it.

    `docs` parses every utterance once with spaCy (``nlp.pipe``) and `embeddings` embeds every
    utterance once in batches; signals share both instead of re-parsing.
    """

    transcript: Transcript
    settings: Settings
    # The same rep's / deal's earlier stored calls, oldest first (for cross-call views).
    history: Sequence[StoredCall] = ()
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def utterances(self) -> tuple[Utterance, ...]:
        return self.transcript.utterances

    @cached_property
    def docs(self) -> list[Doc]:
        from callcoach.nlp import load_spacy

        nlp = load_spacy(self.settings.spacy_model)
        return list(nlp.pipe((u.text for u in self.utterances), batch_size=64))

    @cached_property
    def embeddings(self) -> np.ndarray:
        from callcoach.nlp import embed

        return embed([u.text for u in self.utterances])


SignalFn = Callable[[SignalContext], SignalResult]
_REGISTRY: dict[str, SignalFn] = {}


def register(name: str) -> Callable[[SignalFn], SignalFn]:
    def deco(fn: SignalFn) -> SignalFn:
        if name in _REGISTRY and _REGISTRY[name] is not fn:
            raise ValueError(f"signal {name!r} registered twice")
        _REGISTRY[name] = fn
        return fn

    return deco


def registered() -> dict[str, SignalFn]:
    return dict(_REGISTRY)
