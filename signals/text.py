"""Small text helpers the signals share: sentences of a parsed utterance and the quantities in them.

Speech-recognition text is often lowercase, unpunctuated and spells numbers out ("ninety
thousand", "a day a week"), so quantities are read from spaCy tokens (``like_num`` plus the
patterns below) rather than from digits alone. Everything here is a pure function of a
spaCy ``Doc``/``Span``; nothing loads a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from spacy.tokens import Doc, Span, Token

QuantityKind = Literal["percent", "money", "duration", "rate", "ratio", "count"]

__all__ = ["Quantity", "QuantityKind", "sentences", "quantities", "has_quantity", "TIME_UNITS"]

TIME_UNITS = frozenset(
    {
        "second",
        "seconds",
        "minute",
        "minutes",
        "min",
        "mins",
        "hour",
        "hours",
        "hr",
        "hrs",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
        "year",
        "years",
        "quarter",
        "quarters",
        "shift",
        "shifts",
    }
)
_PERCENT = frozenset({"%", "percent", "per cent", "percentage", "pct"})
_CURRENCY_WORDS = frozenset(
    {
        "dollar",
        "dollars",
        "buck",
        "bucks",
        "grand",
        "k",
        "euro",
        "euros",
        "pound",
        "pounds",
        "usd",
    }
)
_CURRENCY_SIGNS = frozenset({"$", "€", "£", "¥"})
# spaCy's English like_num also accepts ordinal words ("second biggest cost", "the twelfth");
# an ordinal names a position or a date, not an amount, so these are dropped.
_CARDINAL_WORDS = frozenset(
    {
        "zero",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "thousand",
        "million",
        "billion",
        "dozen",
        "dozens",
        "hundreds",
        "thousands",
        "millions",
    }
)
# "one" alone is mostly a pronoun or determiner ("one vendor", "the one we use"); it counts
# only inside a larger number ("one hundred") or before a unit ("one day a week").
_WEAK_NUMBERS = frozenset({"one", "a", "an"})
_FRACTIONS = frozenset({"half", "third", "thirds", "quarter", "fifth"})
_MULTIPLIERS = frozenset({"twice", "double", "doubled", "triple", "tripled", "quadruple", "quadrupled"})
_DIGITS = re.compile(r"^\$?\d[\d,]*(\.\d+)?(k|m|mm|bn|x|%)?$", re.IGNORECASE)
_YEAR = re.compile(r"^(19|20)\d\d$")
_RATE_SEPARATORS = frozenset({"a", "an", "per", "every", "each", "/"})
_CLOCK_WORDS = frozenset({"am", "pm", "a.m.", "p.m.", "o'clock", "oclock"})
# "at ten", "on the twelfth", "by 5": a time or a date, not an amount.
_TIME_PREPOSITIONS = frozenset({"at", "around"})
_CLOCK_HOURS = frozenset(
    {str(h) for h in range(1, 13)}
    | {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"}
)


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number mentioned in a sentence, with what it measures."""

    text: str
    kind: QuantityKind
    start_char: int  # offsets in the Doc's text
    end_char: int


def sentences(doc: Doc) -> list[Span]:
    """The non-empty sentences of a parsed utterance (spaCy's parser splits unpunctuated text too)."""
    return [s for s in doc.sents if any(not t.is_punct and not t.is_space for t in s)]


def _is_number_token(tok: Token) -> bool:
    low = tok.lower_
    if _DIGITS.match(low):
        return not _YEAR.match(low) or _has_unit_after(tok)
    return low in _CARDINAL_WORDS


def _has_unit_after(tok: Token) -> bool:
    nxt = tok.nbor(1) if tok.i + 1 < len(tok.doc) else None
    return nxt is not None and (
        nxt.lower_ in _PERCENT or nxt.lower_ in _CURRENCY_WORDS or nxt.lower_ in TIME_UNITS
    )


def _kind(doc: Doc, first: int, last: int) -> QuantityKind:
    before = doc[first - 1].lower_ if first > 0 else ""
    after = doc[last + 1].lower_ if last + 1 < len(doc) else ""
    after2 = doc[last + 2].lower_ if last + 2 < len(doc) else ""
    text = doc[first : last + 1].text.lower()
    if after in _PERCENT or text.endswith("%"):
        return "percent"
    if (
        before in _CURRENCY_SIGNS
        or text.startswith("$")
        or after in _CURRENCY_WORDS
        or re.search(r"\d(k|m|mm|bn)$", text)
    ):
        return "money"
    if after in TIME_UNITS:
        if after2 in _RATE_SEPARATORS and last + 3 < len(doc) and doc[last + 3].lower_ in TIME_UNITS:
            return "rate"
        return "duration"
    return "count"


def _is_clock_time(doc: Doc, first: int, last: int) -> bool:
    before = doc[first - 1].lower_ if first > 0 else ""
    after = doc[last + 1].lower_ if last + 1 < len(doc) else ""
    if after in _CLOCK_WORDS or (after == ":" and last + 2 < len(doc) and doc[last + 2].like_num):
        return True
    # "at ten", "around 2": an hour of the day, so only 1..12 with no unit after it.
    hour = doc[first : last + 1].text.lower() in _CLOCK_HOURS
    return (
        hour
        and before in _TIME_PREPOSITIONS
        and after not in TIME_UNITS
        and after not in _PERCENT
        and after not in _CURRENCY_WORDS
    )


def quantities(span: Span | Doc) -> list[Quantity]:
    """Amounts mentioned in `span`: digits and spelled-out numbers ("three hundred and forty"),
    percents, money, durations, rates ("a day a week", "two hours a day"), fractions ("half",
    "a third") and multipliers ("twice"). Years, clock times ("at ten", "2 pm") and ordinals
    ("the twelfth") are not amounts and are left out."""
    doc = span.doc if isinstance(span, Span) else span
    lo, hi = (span.start, span.end) if isinstance(span, Span) else (0, len(doc))
    found: list[Quantity] = []
    i = lo
    while i < hi:
        tok = doc[i]
        low = tok.lower_
        if _is_number_token(tok) or (low in _WEAK_NUMBERS and i + 1 < hi and _is_number_token(doc[i + 1])):
            j = i
            # Extend over "three hundred and forty", "1,100", "twenty five thousand".
            while j + 1 < hi and (
                _is_number_token(doc[j + 1])
                or doc[j + 1].lower_ == "one"
                or (doc[j + 1].lower_ == "and" and j + 2 < hi and _is_number_token(doc[j + 2]))
            ):
                j += 1
            if not _is_clock_time(doc, i, j):
                found.append(_make(doc, i, j, _kind(doc, i, j)))
            i = j + 1
            continue
        # "a day a week", "one hour a day", "half a day every week"
        if (
            low == "half"
            and i + 2 < hi
            and doc[i + 1].lower_ in {"a", "an"}
            and doc[i + 2].lower_ in TIME_UNITS
        ):
            i += 1  # "half a day a week": read as the rate that starts at "a"
            continue
        if low in _WEAK_NUMBERS | {"half"} and i + 1 < hi and doc[i + 1].lower_ in TIME_UNITS:
            end = i + 1
            if (
                end + 2 < len(doc)
                and doc[end + 1].lower_ in _RATE_SEPARATORS
                and doc[end + 2].lower_ in TIME_UNITS
            ):
                found.append(_make(doc, i, end + 2, "rate"))
                i = end + 3
                continue
            if low == "half":
                found.append(_make(doc, i, end, "duration"))
                i = end + 1
                continue
        if (
            low in _MULTIPLIERS
            or (low == "half" and i + 1 < hi and doc[i + 1].pos_ in {"DET", "PRON", "ADP", "NOUN"})
            or (
                low in _FRACTIONS - {"half"}
                and i > lo
                and doc[i - 1].lower_ in {"a", "one", "two"}
                and i + 1 < hi
                and doc[i + 1].lower_ == "of"
            )
        ):
            found.append(_make(doc, i, i, "ratio"))
        i += 1
    return found


def _make(doc: Doc, first: int, last: int, kind: QuantityKind) -> Quantity:
    span = doc[first : last + 1]
    return Quantity(text=span.text, kind=kind, start_char=span.start_char, end_char=span.end_char)


def has_quantity(span: Span | Doc) -> bool:
    return bool(quantities(span))
