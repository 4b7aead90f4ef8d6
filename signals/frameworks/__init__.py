"""Discovery frameworks (MEDDICC, BANT, SPICED, or your own YAML) and how much of one a call covers.

A framework is a YAML file: ``name`` and ``elements``, each with ``key``, ``name``,
``description`` and ``examples`` (short rep questions and buyer statements). ``settings.framework``
names a bundled one (``meddicc`` - the default, ``bant``, ``spiced``) or gives a path. An
element is covered when some utterance of the call is at least ``COVERAGE_MIN_SIMILARITY``
similar (sentence embeddings) to one of its examples; the closest utterances are its evidence.
Example embeddings are computed once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from callcoach import analysis as an
from callcoach.domain import Evidence
from callcoach.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from signals.base import SignalContext

__all__ = ["Framework", "FrameworkElement", "Coverage", "load_framework", "framework_coverage"]

# MiniLM cosine between a paraphrased question and its example is about 0.55-0.8; unrelated
# sentences of a sales call score 0.1-0.4. 0.45 keeps paraphrases (utterance embeddings dilute a
# question with its small talk) and drops topic neighbours.
COVERAGE_MIN_SIMILARITY = 0.45
# Quotes kept per covered element: enough to check the claim, short enough to read.
EVIDENCE_PER_ELEMENT = 2
# Utterances shorter than this are acknowledgements ("sure", "okay, thanks") whose embeddings
# drift towards anything short; they cannot cover an element.
MIN_WORDS = 4

_BUNDLED = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class FrameworkElement:
    key: str
    name: str
    description: str
    examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Framework:
    name: str
    elements: tuple[FrameworkElement, ...]
    source: str


@dataclass(frozen=True, slots=True)
class Coverage:
    """Per element: covered or not, the best similarity, and the quotes that cover it."""

    framework: str
    elements: tuple[an.FrameworkElement, ...]

    @property
    def covered(self) -> int:
        return sum(1 for e in self.elements if e.covered)

    @property
    def share(self) -> float:
        return self.covered / len(self.elements) if self.elements else 0.0

    def to_analysis(self) -> an.FrameworkCoverage:
        return an.FrameworkCoverage(
            name=self.framework,
            covered=self.covered,
            total=len(self.elements),
            coverage=round(self.share, 3),
            elements=self.elements,
            method=f"element covered when an utterance has cosine >= {COVERAGE_MIN_SIMILARITY} "
            "to one of its example phrasings (MiniLM sentence embeddings)",
        )


@lru_cache(maxsize=8)
def load_framework(name_or_path: str) -> Framework:
    """The bundled framework `name_or_path` (meddicc, bant, spiced) or one read from a YAML path."""
    bundled = _BUNDLED / f"{name_or_path.strip().lower()}.yaml"
    path = bundled if bundled.is_file() else Path(name_or_path).expanduser()
    if not path.is_file():
        known = sorted(p.stem for p in _BUNDLED.glob("*.yaml"))
        raise InputError(
            f"discovery framework {name_or_path!r}: no such bundled framework ({', '.join(known)}) "
            "or YAML file"
        )
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        elements = tuple(
            FrameworkElement(
                key=str(e["key"]),
                name=str(e.get("name", e["key"])),
                description=str(e.get("description", "")),
                examples=tuple(str(x) for x in e["examples"]),
            )
            for e in raw["elements"]
        )
        name = str(raw.get("name", path.stem))
    except (yaml.YAMLError, KeyError, TypeError) as exc:
        raise InputError(
            f"discovery framework {path}: expected name and elements with key and examples ({exc})"
        ) from exc
    if not elements or any(not e.examples for e in elements):
        raise InputError(f"discovery framework {path}: every element needs at least one example")
    return Framework(name=name, elements=elements, source=str(path))


@lru_cache(maxsize=8)
def _example_embeddings(name_or_path: str, model: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """All examples embedded once per process; the second value maps each row to its element."""
    from callcoach.nlp import embed

    fw = load_framework(name_or_path)
    texts = [x for e in fw.elements for x in e.examples]
    owners = tuple(i for i, e in enumerate(fw.elements) for _ in e.examples)
    return embed(texts), owners


def framework_coverage(ctx: SignalContext) -> Coverage:
    """Which elements of the configured framework the call touches, with the quotes that show it."""
    import numpy as np

    fw = load_framework(ctx.settings.framework)
    examples, owners = _example_embeddings(ctx.settings.framework, ctx.settings.embedding_model)
    usable = [i for i, u in enumerate(ctx.utterances) if len(u.text.split()) >= MIN_WORDS]
    sims = (ctx.embeddings[usable] @ examples.T) if usable else np.zeros((0, len(owners)), dtype=np.float32)
    owner_arr = np.asarray(owners)
    out: list[an.FrameworkElement] = []
    for k, element in enumerate(fw.elements):
        per_utt = sims[:, owner_arr == k].max(axis=1) if len(usable) else np.zeros(0)
        order = np.argsort(-per_utt)
        best = float(per_utt[order[0]]) if len(order) else 0.0
        hits = [usable[int(j)] for j in order[:EVIDENCE_PER_ELEMENT] if per_utt[j] >= COVERAGE_MIN_SIMILARITY]
        out.append(
            an.FrameworkElement(
                key=element.key,
                name=element.name,
                covered=bool(hits),
                similarity=round(best, 3),
                evidence=tuple(an.Quote.of(Evidence.of(ctx.utterances[i])) for i in hits),
            )
        )
    return Coverage(framework=fw.name, elements=tuple(out))
