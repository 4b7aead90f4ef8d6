"""Spoken day, date and time phrases in a sentence, resolved against the call's start.

Speech-recognition text spells dates out ("next monday at eleven", "the twelfth at ten", "on
the twentieth") and ``dateparser`` reads "the 12th" as December, so phrases are found here with
a small grammar, spoken numbers are turned into digits, and the normalised phrase is handed to
``dateparser`` with ``RELATIVE_BASE`` = the call's start and ``PREFER_DATES_FROM`` = future.
A day of the month without a month is resolved here (the next such day on or after the call).

A mention is `dated` when it names a day, a date or a clock time; periods ("next week", "next
month", "end of the quarter", "in May") are kept as mentions but are not dated (CONTRACT 3).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

__all__ = ["DateMention", "find_dates"]

_UNITS = [
    "zero",
    "one",
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
]
_ORDINAL_UNITS = [
    "zeroth",
    "first",
    "second",
    "third",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
]


def _spoken_numbers() -> tuple[dict[str, int], dict[str, int]]:
    cardinals = {w: i for i, w in enumerate(_UNITS)}
    ordinals = {w: i for i, w in enumerate(_ORDINAL_UNITS) if i}
    for tens, tens_ord, value in (("twenty", "twentieth", 20), ("thirty", "thirtieth", 30)):
        cardinals[tens] = value
        ordinals[tens_ord] = value
        for unit in range(1, 10):
            for sep in (" ", "-"):
                cardinals[f"{tens}{sep}{_UNITS[unit]}"] = value + unit
                ordinals[f"{tens}{sep}{_ORDINAL_UNITS[unit]}"] = value + unit
    return cardinals, ordinals


_CARDINALS, _ORDINALS = _spoken_numbers()
_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        start=1,
    )
}
_MONTHS.update(
    {
        "jan": 1,
        "feb": 2,
        "mar": 3,
        "apr": 4,
        "jun": 6,
        "jul": 7,
        "aug": 8,
        "sep": 9,
        "sept": 9,
        "oct": 10,
        "nov": 11,
        "dec": 12,
    }
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def _alt(words: list[str] | set[str] | dict[str, int]) -> str:
    # Longest first so "twenty first" wins over "twenty".
    return "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))


_HOUR_WORDS = [w for w, v in _CARDINALS.items() if 1 <= v <= 12]
_MINUTE_WORDS = [
    "fifteen",
    "thirty",
    "forty five",
    "forty-five",
    "o five",
    "oh five",
    "ten",
    "twenty",
    "forty",
    "fifty",
    "o'clock",
    "oclock",
]
_MINUTES = {
    "fifteen": 15,
    "thirty": 30,
    "forty five": 45,
    "forty": 40,
    "fifty": 50,
    "twenty": 20,
    "ten": 10,
    "five": 5,
    "o'clock": 0,
    "oclock": 0,
}
_DAY_NUM = r"(?:[12]?\d|3[01])(?:st|nd|rd|th)?"
_ORD = rf"(?:{_alt(_ORDINALS)}|(?:[12]?\d|3[01])(?:st|nd|rd|th))"
_MONTH = rf"(?:{_alt(_MONTHS)})\.?"
_WEEKDAY = rf"(?:{_alt(_WEEKDAYS)})"
_MERIDIEM = r"(?:\s*(?:a\.?m\.?|p\.?m\.?)(?![a-z])|\s+in\s+the\s+(?:morning|afternoon|evening))"
_CLOCK = (
    rf"(?:\d{{1,2}}(?::\d\d)?{_MERIDIEM}?|(?:{_alt(_HOUR_WORDS)})(?:\s+(?:{_alt(_MINUTE_WORDS)}))?"
    rf"{_MERIDIEM}?|noon|midday)"
)
# "at ten" is a time unless a unit follows ("at ten percent", "at ten thousand", "at two reps").
_NOT_CLOCK_AFTER = (
    r"(?!\s*(?:%|percent|per|thousand|hundred|million|k\b|dollars|bucks|grand|people|reps|users|"
    r"seats|licen[cs]es|accounts|schools|sites|locations|of\b|times|x\b|years?|months?|weeks?|"
    r"days?|hours?|minutes?|cents?|more|less|a\s+(?:month|year|week|seat|user)))"
)
_TIME = rf"(?:(?:at|around|by)\s+{_CLOCK}{_NOT_CLOCK_AFTER}|\d{{1,2}}(?::\d\d)?{_MERIDIEM}|noon)"
_DAY_PART = r"(?:\s+(?:morning|afternoon|evening|night|first\s+thing|eod|end\s+of\s+day))?"

# Named days and dates; the optional trailing time joins them into one mention.
_DAY_PATTERNS = [
    rf"(?:(?:next|this|coming|on|by|until|before)\s+)?(?:the\s+)?(?:(?:this|next)\s+)?{_WEEKDAY}"
    rf"(?:\s+the\s+{_ORD})?{_DAY_PART}",
    rf"(?:the\s+)?{_ORD}\s+of\s+{_MONTH}",
    rf"{_MONTH}\s+(?:the\s+)?{_ORD}",
    rf"{_MONTH}\s+{_DAY_NUM}(?![\d:])",
    r"\d{1,2}/\d{1,2}(?:/\d{2,4})?",
    # A bare "the twelfth" is a date only where no noun follows ("the first vendor", "the second time").
    rf"(?:on|by|for|until|before)?\s*the\s+{_ORD}(?=\s*(?:$|[,.?!;:]|at\b|works?\b|is\b|and\b|or\b|then\b|"
    rf"would\b|could\b|should\b|in\s+the\b|of\s+(?:next|this|the)\s+month|with\b|for\b|to\b))",
    r"tomorrow(?:\s+(?:morning|afternoon|evening))?|tonight|today|end\s+of\s+(?:the\s+)?day|\beod\b",
]
# Named spans of time that are not a day ("next week" is not dated: CONTRACT 3).
_PERIOD_PATTERNS = [
    r"(?:next|this|the\s+following|later\s+this|early\s+next|end\s+of\s+(?:the|this|next)?)\s*"
    r"(?:week|month|quarter|year)",
    r"(?:in|within)\s+(?:a|one|two|three|four|five|six|a\s+couple\s+(?:of\s+)?|a\s+few)\s+(?:days?|weeks?|months?)",
    rf"(?:in|by|during|before|after|until)\s+(?:early\s+|mid\s*-?\s*|late\s+)?{_MONTH}(?!\s+(?:the\s+)?{_ORD})"
    rf"(?!\s+{_DAY_NUM})",
    r"(?:end\s+of\s+)?q[1-4]|(?:the\s+)?(?:spring|summer|fall|autumn|winter)",
]

_DAY_RE = re.compile(
    rf"\b(?:{'|'.join(f'(?:{p})' for p in _DAY_PATTERNS)})(?:,?\s+{_TIME})?(?![a-z])", re.IGNORECASE
)
_TIME_RE = re.compile(
    rf"\b{_TIME}(?:\s+(?:on\s+)?(?:{'|'.join(f'(?:{p})' for p in _DAY_PATTERNS[:-1])}))?"
    rf"(?![a-z])",
    re.IGNORECASE,
)
_PERIOD_RE = re.compile(rf"\b(?:{'|'.join(f'(?:{p})' for p in _PERIOD_PATTERNS)})(?![a-z])", re.IGNORECASE)
_ORD_RE = re.compile(rf"\b(?:the\s+)?({_ORD})\b", re.IGNORECASE)
_CLOCK_RE = re.compile(
    rf"\b(?:at|around|by)\s+({_CLOCK})|\b(\d{{1,2}}(?::\d\d)?{_MERIDIEM})|\b(noon|midday)\b", re.IGNORECASE
)
_MONTH_RE = re.compile(rf"\b({_MONTH})", re.IGNORECASE)
# Clock hours said without am/pm: meetings are booked in working hours, so 1..6 means afternoon.
_PM_IF_BARE_BELOW = 7


@dataclass(frozen=True, slots=True)
class DateMention:
    """A day/date/time or period phrase found in a sentence."""

    text: str
    start_char: int
    end_char: int
    dated: bool  # names a day, a date or a clock time
    when: datetime | None  # resolved against the call's start; None where it cannot be resolved


def _ordinal_value(token: str) -> int | None:
    token = token.lower().replace("-", " ")
    token = re.sub(r"\s+", " ", token)
    if token in _ORDINALS:
        return _ORDINALS[token]
    m = re.match(r"^(\d{1,2})(?:st|nd|rd|th)?$", token)
    return int(m.group(1)) if m and 1 <= int(m.group(1)) <= 31 else None


def _clock(text: str) -> tuple[int, int] | None:
    """(hour, minute) of the first clock time in `text`, 24-hour."""
    m = _CLOCK_RE.search(text)
    if not m:
        return None
    raw = (m.group(1) or m.group(2) or m.group(3)).lower().strip()
    if raw in {"noon", "midday"}:
        return 12, 0
    meridiem = re.search(r"(a\.?m\.?|p\.?m\.?|morning|afternoon|evening)", raw)
    core = raw[: meridiem.start()].strip() if meridiem else raw
    minute = 0
    digits = re.match(r"^(\d{1,2})(?::(\d\d))?$", core)
    if digits:
        hour = int(digits.group(1))
        minute = int(digits.group(2) or 0)
    else:
        words = core.replace("-", " ").split()
        hour = -1
        # "ten thirty", "two forty five", "eleven o'clock"
        for split in range(len(words), 0, -1):
            head = " ".join(words[:split])
            if head in _CARDINALS and 1 <= _CARDINALS[head] <= 12:
                hour = _CARDINALS[head]
                rest = " ".join(words[split:]).replace("oh ", "").replace("o ", "")
                minute = _MINUTES.get(rest, _CARDINALS.get(rest, 0))
                break
        if hour < 0:
            return None
    if not 0 <= hour <= 23 or not 0 <= minute <= 59:
        return None
    tag = meridiem.group(1)[0] if meridiem else ""
    if tag in {"p", "a", "e"} and meridiem and meridiem.group(1).startswith(("afternoon", "evening")):
        tag = "p"
    if tag == "p" and hour < 12:
        hour += 12
    elif tag == "a" and hour == 12:
        hour = 0
    elif not tag and 1 <= hour < _PM_IF_BARE_BELOW:
        hour += 12
    return hour, minute


@lru_cache(maxsize=1)
def _dateparser() -> object:
    import dateparser

    return dateparser


def _parse_with_dateparser(phrase: str, base: datetime) -> datetime | None:
    dp = _dateparser()
    settings = {
        "RELATIVE_BASE": base.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    }
    parsed = dp.parse(phrase, languages=["en"], settings=settings)  # type: ignore[attr-defined]
    return parsed if isinstance(parsed, datetime) else None


def _next_day_of_month(day: int, base: datetime) -> datetime | None:
    """The first date with this day of the month on or after the call day."""
    year, month = base.year, base.month
    for _ in range(13):
        try:
            candidate = base.replace(
                year=year, month=month, day=day, hour=0, minute=0, second=0, microsecond=0
            )
        except ValueError:
            candidate = None
        if candidate is not None and candidate.date() >= base.date():
            return candidate
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return None


def _resolve_day(phrase: str, base: datetime) -> datetime | None:
    low = phrase.lower()
    month_m = _MONTH_RE.search(low)
    ord_m = _ORD_RE.search(low)
    weekday = next((w for w in _WEEKDAYS if w in low), None)
    day: datetime | None = None
    if re.search(r"\d{1,2}/\d{1,2}", low):
        day = _parse_with_dateparser(re.search(r"\d{1,2}/\d{1,2}(?:/\d{2,4})?", low).group(0), base)  # type: ignore[union-attr]
    elif month_m and (ord_m or re.search(r"\d", low)):
        num = _ordinal_value(ord_m.group(1)) if ord_m else int(re.search(r"(\d{1,2})", low).group(1))  # type: ignore[union-attr]
        month_name = month_m.group(1).rstrip(".")
        if num:
            day = _parse_with_dateparser(f"{num} {month_name}", base)
    elif weekday and ord_m and _ordinal_value(ord_m.group(1)):
        day = _next_day_of_month(_ordinal_value(ord_m.group(1)) or 1, base)
    elif weekday:
        # dateparser reads "next monday" as the coming Monday; "this"/"on"/"by" likewise.
        day = _parse_with_dateparser(f"next {weekday}" if weekday else low, base)
        if day is not None and day.date() <= base.date():
            day += timedelta(days=7)
    elif ord_m and _ordinal_value(ord_m.group(1)):
        day = _next_day_of_month(_ordinal_value(ord_m.group(1)) or 1, base)
    elif "tomorrow" in low:
        day = base + timedelta(days=1)
    elif any(w in low for w in ("today", "tonight", "end of day", "end of the day", "eod")):
        day = base
    if day is None:
        return None
    day = day.replace(hour=0, minute=0, second=0, microsecond=0)
    clock = _clock(low)
    if clock:
        day = day.replace(hour=clock[0], minute=clock[1])
    if base.tzinfo is not None and day.tzinfo is None:
        day = day.replace(tzinfo=base.tzinfo)
    return day


def _resolve_time_only(phrase: str, base: datetime) -> datetime | None:
    clock = _clock(phrase.lower())
    if clock is None:
        return None
    when = base.replace(hour=clock[0], minute=clock[1], second=0, microsecond=0)
    if when < base:
        when += timedelta(days=1)  # "at three" said after three means the next day's three
    return when


def find_dates(text: str, base: datetime | None) -> list[DateMention]:
    """Every day/date/time and period phrase in `text`, left to right, without overlaps.

    `base` is the call's start (`meta.started_at`); without it phrases are found but not resolved.
    """
    found: list[DateMention] = []
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    # Day and time phrases overlap ("next monday at eleven" vs "at eleven"): the longest wins.
    spans = [(m.start(), m.end()) for rx in (_DAY_RE, _TIME_RE) for m in rx.finditer(text)]
    for a, b in sorted(spans, key=lambda s: s[0] - s[1]):
        if not free(a, b):
            continue
        phrase = text[a:b].strip()
        when = None
        if base is not None:
            when = _resolve_day(phrase, base) if _DAY_RE.search(phrase) else _resolve_time_only(phrase, base)
        found.append(DateMention(phrase, a, b, True, when))
        taken.append((a, b))
    for m in _PERIOD_RE.finditer(text):
        if free(m.start(), m.end()):
            found.append(DateMention(m.group(0).strip(), m.start(), m.end(), False, None))
            taken.append((m.start(), m.end()))
    return sorted(found, key=lambda d: d.start_char)
