"""What the redactor finds and what it writes in its place: light types with no Presidio import
(Presidio pulls in transformers and torch when imported), so muting audio stays cheap to load."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A typed placeholder as it appears in redacted text and words: [CARD], [PHONE], ...
PLACEHOLDER = re.compile(r"\[([A-Z_]+)\]")


@dataclass(frozen=True, slots=True)
class Finding:
    """One PII span in a text: entity type (CARD, PHONE, ...), character offsets, confidence."""

    entity: str
    start: int
    end: int
    score: float


def placeholder(entity: str) -> str:
    return f"[{entity}]"
