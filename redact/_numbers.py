"""Runs of digits in ASR text, written or read out: "415-555-0132", "four one five, five five five".

A run is a stretch of number tokens joined only by spaces, commas, dashes or dots, turned into its
digit string with where each token sits in the text. Number words map the way people read
identifiers: single digits ("oh" is 0, "double five" is 55), teens, tens with an optional unit
("fifty three" is 53) and "X hundred" ("three hundred" is 300). Words that only belong to amounts
(thousand, million, point) and grouped thousands ("1,250") end a run: those are quantities, and
the classifier in ``_identifiers`` decides what a run is from its digits, its grouping and the
words around it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# "o" and "nought": how ASR and British speakers write the zero read as a letter.
UNITS = {"zero": 0, "oh": 0, "o": 0, "nought": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
         "six": 6, "seven": 7, "eight": 8, "nine": 9}
TEENS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
         "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
        "ninety": 90}
REPEATS = {"double": 2, "triple": 3}
NUMBER_WORDS = frozenset(UNITS) | frozenset(TEENS) | frozenset(TENS) | frozenset(REPEATS) | {"hundred"}

# Grouped thousands and decimals ("1,250", "12,480.50") are amounts, never identifiers.
_TOKEN = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+|[A-Za-z]+(?:'[A-Za-z]+)?")
# What may sit between two tokens of one run: spaces, a comma, a dash, an area code's parentheses
# (a dot between written digits is handled on its own).
_JOIN = re.compile(r"[ \t]*[,\-][ \t]*|[ \t]+|\)[ \t]*|[ \t]*\(")
# Words people put between the groups of a number they read out ("five one two, then five five
# five ...", "seven one eight, uh, and then five five five", "five five five dash oh one"); they
# join two spoken tokens, never two written ones, and at most this many stand together.
_FILLERS = frozenset(("uh", "um", "uhm", "er", "erm", "ah", "hmm", "mm", "then", "and", "like", "so",
                      "dash", "hyphen"))
MAX_FILLERS = 3


@dataclass(frozen=True, slots=True)
class NumberToken:
    """One number in a run: its digits as read, and its place in the text."""

    digits: str
    start: int
    end: int
    spoken: bool


@dataclass(frozen=True, slots=True)
class DigitRun:
    """Consecutive number tokens read as one identifier candidate."""

    tokens: tuple[NumberToken, ...]

    @property
    def digits(self) -> str:
        return "".join(t.digits for t in self.tokens)

    @property
    def groups(self) -> tuple[int, ...]:
        """Digits per written group ("415-555-0132" is 3, 3, 4); spoken runs have no reliable groups."""
        return tuple(len(t.digits) for t in self.tokens)

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    @property
    def spoken(self) -> bool:
        return any(t.spoken for t in self.tokens)

    def trimmed(self, head: int = 0, tail: int = 0) -> DigitRun | None:
        kept = self.tokens[head:len(self.tokens) - tail]
        return DigitRun(kept) if kept else None


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    start: int
    end: int


def _tokens(text: str) -> list[_Tok]:
    return [_Tok(m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _joined(text: str, left: _Tok, right: _Tok) -> bool:
    gap = text[left.end:right.start]
    if gap == ".":
        # A dot joins only written digits ("212.555.0143"); after a word it ends a sentence.
        return left.text.isdigit() and right.text.isdigit()
    return bool(gap) and _JOIN.fullmatch(gap) is not None


def _fillers_between(text: str, toks: list[_Tok], i: int, last: _Tok | None) -> int:
    """How many filler words start at toks[i] between a spoken number (`last`) and another spoken
    number (0: none, or they do not lead to one)."""
    if last is None or last.text.isdigit():
        return 0
    prev = last
    for j in range(i, min(i + MAX_FILLERS, len(toks))):
        if toks[j].text.lower() not in _FILLERS or not _joined(text, prev, toks[j]):
            return 0
        nxt = toks[j + 1] if j + 1 < len(toks) else None
        if nxt is not None and nxt.text.lower() in NUMBER_WORDS and nxt.text.lower() != "hundred" \
                and _joined(text, toks[j], nxt):
            return j + 1 - i
        prev = toks[j]
    return 0


def _read_numbers(toks: list[_Tok], i: int) -> tuple[list[NumberToken], int]:
    """Number tokens starting at toks[i] (a number word or digits); returns them and the next index."""
    tok = toks[i]
    low = tok.text.lower()
    if tok.text.isdigit():
        return [NumberToken(tok.text, tok.start, tok.end, spoken=False)], i + 1
    if low in REPEATS and i + 1 < len(toks) and toks[i + 1].text.lower() in UNITS:
        unit = toks[i + 1]
        digit = str(UNITS[unit.text.lower()])
        return [NumberToken(digit * REPEATS[low], tok.start, unit.end, spoken=True)], i + 2
    if low in UNITS:
        value, end, j = UNITS[low], tok.end, i + 1
        if j < len(toks) and toks[j].text.lower() == "hundred":
            value, end, j = value * 100, toks[j].end, j + 1
            rest, j2 = _below_hundred(toks, j)
            if rest is not None:
                return [NumberToken(str(value + rest[0]), tok.start, rest[1], spoken=True)], j2
            return [NumberToken(str(value), tok.start, end, spoken=True)], j
        return [NumberToken(str(value), tok.start, end, spoken=True)], j
    below, j = _below_hundred(toks, i)
    if below is not None:
        value, end = below
        if j < len(toks) and toks[j].text.lower() == "hundred":
            # "twenty five hundred", "fourteen hundred": hundreds read in pairs.
            value, end, j = value * 100, toks[j].end, j + 1
        return [NumberToken(str(value), tok.start, end, spoken=True)], j
    return [], i + 1


def _below_hundred(toks: list[_Tok], i: int) -> tuple[tuple[int, int] | None, int]:
    """A teen, or a ten with an optional unit ("fifty three"): (value, end offset), next index."""
    if i >= len(toks):
        return None, i
    low = toks[i].text.lower()
    if low in TEENS:
        return (TEENS[low], toks[i].end), i + 1
    if low in TENS:
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if nxt is not None and nxt.text.lower() in UNITS and nxt.text.lower() not in ("zero", "oh"):
            return (TENS[low] + UNITS[nxt.text.lower()], nxt.end), i + 2
        return (TENS[low], toks[i].end), i + 1
    return None, i


def _is_number(tok: _Tok) -> bool:
    return tok.text.isdigit() or tok.text.lower() in NUMBER_WORDS


def digit_runs(text: str) -> list[DigitRun]:
    """Every run of number tokens in `text`, in order."""
    toks = _tokens(text)
    runs: list[DigitRun] = []
    current: list[NumberToken] = []
    last: _Tok | None = None
    i = 0
    while i < len(toks):
        tok = toks[i]
        skipped = _fillers_between(text, toks, i, last) if current else 0
        if skipped:
            last = toks[i + skipped - 1]
            i += skipped
            continue
        if not _is_number(tok) or (tok.text.lower() == "hundred"):
            if current:
                runs.append(DigitRun(tuple(current)))
                current = []
            last = None
            i += 1
            continue
        if current and last is not None and not _joined(text, last, tok):
            runs.append(DigitRun(tuple(current)))
            current = []
        read, j = _read_numbers(toks, i)
        current.extend(read)
        last = toks[j - 1]
        i = j
    if current:
        runs.append(DigitRun(tuple(current)))
    return runs
