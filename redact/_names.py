"""Buyer names replaced in texts that leave the team, such as role-play exports.

Names stay in transcripts (coaching quotes who said what); a role-play library shared across
teams need not say which buyer raised an objection. Full names match in any case; a first or last
name alone matches only capitalised, so "Will", "Grant" or "May" as ordinary words stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from callcoach.domain import Transcript

BUYER = "[BUYER]"
# Single name parts shorter than this are initials or too ambiguous to replace on their own.
MIN_NAME_PART = 3


def buyer_names(transcript: Transcript) -> list[str]:
    """Names of the buyer side: listed buyer participants and buyer-side speakers."""
    names = {p.name for p in transcript.meta.participants if p.side == "buyer"}
    names |= {u.speaker for u in transcript.utterances if u.side == "buyer"}
    return sorted(n for n in names if n.strip())


@lru_cache(maxsize=256)
def _pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    full = sorted({n.strip() for n in names if n.strip()}, key=len, reverse=True)
    parts = sorted({p for n in full for p in n.split() if len(p) >= MIN_NAME_PART and p[0].isupper()},
                   key=len, reverse=True)
    alternatives = [r"(?i:" + re.escape(n) + r")" for n in full] + [re.escape(p) for p in parts]
    if not alternatives:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(alternatives) + r")(?:'s)?(?![\w])")


def replace_names(text: str, names: Iterable[str], placeholder: str = BUYER) -> str:
    """`text` with every full name in `names`, and each capitalised first or last name, replaced."""
    pattern = _pattern(tuple(sorted(names)))
    if pattern is None:
        return text
    return pattern.sub(lambda m: placeholder + ("'s" if m.group().endswith("'s") else ""), text)
