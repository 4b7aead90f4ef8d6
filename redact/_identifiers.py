"""Cards, SSNs, phone and account numbers in ASR text, written with digits or read out as words.

A Presidio recognizer over the digit runs of ``_numbers``. The words just before a run (or just
after: "..., that's my social") name what it is, also when ASR dropped or doubled one digit; without
such a cue its shape and checksums decide: 13-19 digits passing the Luhn check are a card, 3-2-4
written groups within the SSA's SSN rules an SSN, ten digits (eleven with a leading 1) that form a
valid North American number (libphonenumber: assigned area code, exchange 2-9) a phone number, a
long unnamed string of digits an account number. Amounts stay:
a run right after a currency sign or before a unit ("40 minutes", "500 users", "75k"), grouped
thousands ("1,250") and written dates ("2026-04-01") are never identifiers.
"""

from __future__ import annotations

import re

import phonenumbers
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redact._numbers import DigitRun, digit_runs

CARD, SSN, PHONE, ACCOUNT = "CARD", "SSN", "PHONE", "ACCOUNT"

# Cue words, nearest one wins. "number" alone names nothing ("the number is ..." is settled by shape).
_CUES: dict[str, str] = {
    **dict.fromkeys(("card", "visa", "mastercard", "amex", "credit", "debit", "cc"), CARD),
    **dict.fromkeys(("social", "ssn", "ss"), SSN),
    **dict.fromkeys(("phone", "cell", "mobile", "call", "text", "reach", "line", "extension", "ext",
                     "dial", "fax", "landline", "whatsapp", "direct", "ring", "area"), PHONE),
    **dict.fromkeys(("account", "acct", "routing", "member", "membership", "policy", "iban",
                     "customer", "sort", "aba", "swift", "pin", "id", "ein", "tax"), ACCOUNT),
}
# Words before a run that we read; far enough for "my social security number is", short enough
# that a cue from an earlier clause does not carry over.
CUE_WINDOW_BEFORE = 6
# "..., that's my social": a cue right after the run, used when nothing before names it.
CUE_WINDOW_AFTER = 4

# A number followed by one of these is an amount, a count or a duration, not an identifier.
_UNITS = frozenset((
    "dollars", "dollar", "bucks", "usd", "k", "grand", "million", "millions", "billion", "thousand",
    "thousands", "percent", "pct", "cents", "users", "user", "seats", "seat", "reps", "rep", "people",
    "person", "employees", "staff", "agents", "licenses", "license", "customers", "clients", "accounts",
    "deals", "units", "items", "orders", "invoices", "tickets", "calls", "times", "shifts", "admins",
    "managers", "sites", "offices", "locations", "stores", "hours", "hour", "minutes", "minute", "mins",
    "seconds", "days", "day", "weeks", "week", "months", "month", "years", "year", "quarters",
    "quarter", "am", "pm", "o'clock", "x",
))
_CURRENCY = frozenset("$€£¥")
_WORD = re.compile(r"[A-Za-z]+")
# An identifier's letter prefix written with it ("AB-4471-9920"), or, after a cue, beside it
# ("customer number is C 44019").
_PREFIX = re.compile(r"\b[A-Z]{1,4}-?$")
_SPACED_PREFIX = re.compile(r"\b[A-Z]{1,4}[ \t]$")
# "plus one six one seven ...": the spoken country-code sign.
_SPOKEN_PLUS = re.compile(r"\bplus[ \t]+$", re.IGNORECASE)
# Counting out loud ("one two three four five ...") is not reading a number.
COUNTING_MIN_TOKENS = 5

CARD_DIGITS = range(13, 20)
PHONE_DIGITS = (7, 10)
SSN_DIGITS = 9
# Account numbers read out are at least this long (shorter: extensions, counts, years).
ACCOUNT_MIN_DIGITS = 5
ACCOUNT_MAX_DIGITS = 20
# Without any cue, a run this long is still some identifier nobody wants in a transcript.
UNNAMED_ID_MIN_DIGITS = 8

# Scores: a cue and a fitting length is near certain; a shape alone is weaker, so a higher
# threshold (settings.redact_score_threshold) keeps only cued or checksummed findings.
SCORE_CUED = 0.9
SCORE_LUHN = 0.85
SCORE_SHAPE = 0.65
SCORE_UNNAMED = 0.5
# A cue and a length one digit off what it names: ASR drops or doubles a digit of a number read
# fast ("my cell is 415, 5-5-4-1-3-2" for four one five, five five five, oh one three two). Below
# the cued score so that a strict threshold (0.8) keeps only exact fits.
ASR_DIGIT_SLACK = 1
SCORE_CUED_NEAR = 0.75


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def ssn_valid(digits: str) -> bool:
    """The SSA's structure rules: no area 000, 666 or 900-999, no group 00, no serial 0000."""
    area, group, serial = digits[:3], digits[3:5], digits[5:]
    return (len(digits) == SSN_DIGITS and area not in ("000", "666") and area[0] != "9"
            and group != "00" and serial != "0000")


def nanp_phone_valid(digits: str) -> bool:
    """Ten digits (eleven with the leading 1) that form a North American number in service ranges:
    an assigned area code and an exchange not starting with 0 or 1 (libphonenumber's metadata)."""
    if len(digits) == 11 and digits[0] == "1":
        digits = digits[1:]
    if len(digits) != 10:
        return False
    return phonenumbers.is_valid_number(phonenumbers.parse("+1" + digits))


def _exchange_valid(digits: str) -> bool:
    """A seven-digit local number: NANP exchanges start with 2-9."""
    return len(digits) == 7 and digits[0] not in "01"


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def _cue(before: str, after: str) -> str | None:
    for word in reversed(_words(before)[-CUE_WINDOW_BEFORE:]):
        if word in _CUES:
            return _CUES[word]
    for word in _words(after)[:CUE_WINDOW_AFTER]:
        if word in _CUES:
            return _CUES[word]
    return None


def _fits(kind: str, run: DigitRun, slack: int = 0) -> bool:
    if slack:
        return any(_fits_length(kind, run.digits, n) for n in range(len(run.digits) - slack,
                                                                     len(run.digits) + slack + 1))
    return _fits_length(kind, run.digits, len(run.digits))


def _fits_length(kind: str, digits: str, n: int) -> bool:
    if kind == CARD:
        return n in CARD_DIGITS
    if kind == SSN:
        return n == SSN_DIGITS
    if kind == PHONE:
        return n in PHONE_DIGITS or (n == 11 and digits[0] == "1") or 11 <= n <= 15
    return ACCOUNT_MIN_DIGITS <= n <= ACCOUNT_MAX_DIGITS


def _by_shape(run: DigitRun) -> tuple[str, float] | None:
    digits, n = run.digits, len(run.digits)
    if n in CARD_DIGITS and luhn_valid(digits):
        return CARD, SCORE_LUHN
    if not run.spoken and run.groups == (3, 2, 4) and ssn_valid(digits):
        return SSN, SCORE_LUHN
    if nanp_phone_valid(digits):
        return PHONE, SCORE_SHAPE
    if not run.spoken and run.groups == (3, 4) and _exchange_valid(digits):
        return PHONE, SCORE_SHAPE
    if n == SSN_DIGITS and ssn_valid(digits):
        return SSN, SCORE_UNNAMED
    if n >= UNNAMED_ID_MIN_DIGITS:
        return ACCOUNT, SCORE_UNNAMED
    return None


def _looks_like_date(run: DigitRun) -> bool:
    """Written dates with dashes or dots: 2026-04-01, 01-04-2026."""
    if run.spoken or len(run.tokens) != 3:
        return False
    parts = [t.digits for t in run.tokens]
    year_first = len(parts[0]) == 4 and all(len(p) <= 2 for p in parts[1:])
    year_last = len(parts[2]) == 4 and all(len(p) <= 2 for p in parts[:2])
    return year_first or year_last


def _strip_amounts(text: str, run: DigitRun) -> DigitRun | None:
    """Drop a leading number after a currency sign and a trailing one before a unit word."""
    head = 1 if text[:run.start].rstrip()[-1:] in _CURRENCY else 0
    after = _words(text[run.end:run.end + 20])
    tail = 1 if after and after[0] in _UNITS else 0
    if text[run.end:run.end + 1] in ("%", "k", "K", "x"):
        tail = 1
    return run.trimmed(head, tail)


def _extend(text: str, start: int, end: int, cued: bool) -> tuple[int, int]:
    """Take in a leading "+" (or "plus"), "(" or letter prefix written with the digits."""
    prefix = _PREFIX.search(text[:start]) or (_SPACED_PREFIX.search(text[:start]) if cued else None)
    if prefix:
        start = prefix.start()
    while start > 0 and text[start - 1] in "+(":
        start -= 1
    plus = _SPOKEN_PLUS.search(text[:start])
    if plus:
        start = plus.start()
    return start, end


def _counting(run: DigitRun) -> bool:
    values = [int(t.digits) for t in run.tokens]
    return (run.spoken and len(values) >= COUNTING_MIN_TOKENS
            and all(b == a + 1 for a, b in zip(values, values[1:], strict=False)))


class IdentifierRecognizer(EntityRecognizer):
    """Presidio recognizer for CARD, SSN, PHONE and ACCOUNT over written and spoken digit runs."""

    ENTITIES = (CARD, SSN, PHONE, ACCOUNT)

    def __init__(self) -> None:
        super().__init__(supported_entities=list(self.ENTITIES), name="callcoach-identifiers")

    def load(self) -> None:  # nothing to load: pure rules
        return None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        results: list[RecognizerResult] = []
        previous_end = 0
        for raw in digit_runs(text):
            run = _strip_amounts(text, raw)
            if run is None or _looks_like_date(run):
                previous_end = raw.end
                continue
            found = self._classify(text, run, previous_end)
            previous_end = raw.end
            if found is None or found[0] not in entities:
                continue
            start, end = _extend(text, run.start, run.end, cued=found[1] >= SCORE_CUED)
            results.append(RecognizerResult(found[0], start, end, found[1]))
        return results

    @staticmethod
    def _classify(text: str, run: DigitRun, previous_end: int) -> tuple[str, float] | None:
        if len(run.digits) < min(PHONE_DIGITS[0], ACCOUNT_MIN_DIGITS):
            return None
        # The cue window stops at the previous run: "routing 021000021 and account 4432109876".
        cue = _cue(text[previous_end:run.start], text[run.end:])
        if cue is not None and _fits(cue, run):
            return cue, SCORE_CUED
        if _counting(run):
            return None
        shape = _by_shape(run)
        # A cue that only nearly fits names the run unless a checksummed shape (a Luhn-valid card)
        # says otherwise.
        outranked = shape is not None and (shape[0] == cue or shape[1] >= SCORE_CUED_NEAR)
        if cue is not None and not outranked and _fits(cue, run, ASR_DIGIT_SLACK):
            return cue, SCORE_CUED_NEAR
        return shape
