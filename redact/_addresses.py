"""Street addresses, written ("1450 Harbor Street, Suite 300") or read out ("fourteen fifty harbor
street, suite three hundred"), with an optional unit and ", City, ST 12345" tail.

A pattern: a house number (digits, or up to four number words), one to three name words, a street
type. Street types that are also common words ("drive", "way", "place", "court") count only where
an address ends (punctuation, the end of the turn, "in", a unit), so "these two things drive churn"
and "a three way split" stay. A street named without a number ("our office on Main Street") is a
place, not an address, and stays too. Post-office boxes ("P.O. Box 4417") are addresses.
"""

from __future__ import annotations

import re

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from redact._identifiers import _UNITS
from redact._numbers import NUMBER_WORDS

ADDRESS = "ADDRESS"

_STREET_TYPES = ("street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive",
                 "dr", "court", "ct", "way", "place", "pl", "terrace", "parkway", "pkwy", "circle", "highway",
                 "hwy", "square", "sq", "trail", "alley", "plaza", "broadway", "loop", "crescent", "pike",
                 "expressway", "freeway", "turnpike", "ter", "cir", "trl", "row", "path", "walk", "route",
                 "rte", "crossing", "xing", "commons", "heights", "hts", "run", "park", "point", "pt",
                 "ctr", "center", "centre", "grove", "close", "mews", "gardens", "view", "ridge", "creek")
# Street types that are also everyday words: they need an address-like ending after them.
_AMBIGUOUS = frozenset(("drive", "dr", "way", "place", "pl", "court", "ct", "circle", "square", "sq",
                        "trail", "plaza", "st", "lane", "loop", "pike", "row", "path", "walk", "route",
                        "crossing", "commons", "heights", "run", "park", "point", "pt", "center", "centre",
                        "ctr", "grove", "close", "mews", "gardens", "view", "ridge", "creek"))
_NUM_WORD = r"(?:" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")"
_HOUSE = r"(?:\d{1,6}[a-z]?|" + _NUM_WORD + r"(?:[\s-]+" + _NUM_WORD + r"){0,3})"
_TYPE = r"(?:" + "|".join(_STREET_TYPES) + r")\.?"
# A directional after the street type: "Park Avenue South", "Main St NW".
_DIRECTION = (r"(?:,?\s+(?:north|south|east|west|northeast|northwest|southeast|southwest|[NSEW]|[NS][EW])"
              r"\.?(?![\w]))")
# A unit: "Suite 300", "Apt 4B", "apartment four b", "4th floor".
_UNIT = (r"(?:,?\s+(?:(?:suite|ste|apartment|apt|unit|floor|fl|room|#)\.?\s*#?(?:[a-z]?\d+[a-z]?|"
         + _NUM_WORD + r"(?:\s+" + _NUM_WORD + r"){0,2}(?:\s+[a-z](?![\w']))?)"
         r"|\d{1,3}(?:st|nd|rd|th)\s+floor))")
_TAIL = r"(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?(?:,\s*[A-Z]{2})?(?:\s+\d{5}(?:-\d{4})?)?)"
_ADDRESS = re.compile(
    r"(?<![\w-])(?P<house>" + _HOUSE + r")\s+(?P<name>(?:[a-z0-9]+\s+){0,2}[a-z0-9]+)\s+(?P<type>" + _TYPE
    + r")(?![\w])(?P<direction>" + _DIRECTION + r")?(?P<unit>" + _UNIT + r")?",
    re.IGNORECASE,
)
# A post-office box: "P.O. Box 4417", "po box forty four seventeen", "post office box 12".
_PO_BOX = re.compile(r"(?<![\w-])(?:p\.?\s?o\.?|post\s+office)\s+box\s+(?:\d{1,6}|" + _NUM_WORD
                     + r"(?:[\s-]+" + _NUM_WORD + r"){0,5})(?![\w])", re.IGNORECASE)
_TAIL_RE = re.compile(_TAIL)  # case matters: a capitalised city and state
# What may follow an ambiguous street type for it to end an address.
_ENDING = re.compile(r"\s*(?:$|[,.;:!?]|\s(?:in|on|near|by|suite|ste|apt|apartment|unit|floor|and)\b)",
                     re.IGNORECASE)
# Street types that are also the name of a street ("Park Avenue", "Oak Creek Ridge", "Center Street").
_NAMEABLE = frozenset(("park", "creek", "ridge", "grove", "center", "centre", "point", "view", "heights",
                       "commons", "crossing", "gardens", "run", "path", "walk", "row", "plaza", "square",
                       "court", "circle", "trail", "broadway", "pike", "place"))
# Other street types cannot be a name word: "300 people walk" is no street.
_STREET_WORDS = frozenset(t.rstrip(".") for t in _STREET_TYPES) - _NAMEABLE
# Name words that make a phrase a count, not a street: "300 people drive".
_NOT_NAMES = _UNITS | frozenset(("things", "ways", "of", "the", "a", "an", "and", "or", "to", "we", "you",
                                 "they", "our", "your", "more", "less", "other", "that", "this", "is",
                                 "are", "was", "were", "be", "per", "each", "every", "times", "steps",
                                 "on", "in", "at", "by", "near", "off", "from", "for", "with", "over"))
SCORE = 0.8


class AddressRecognizer(EntityRecognizer):
    """Presidio recognizer for ADDRESS."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[ADDRESS], name="callcoach-address")

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if ADDRESS not in entities:
            return []
        results = []
        for m in _ADDRESS.finditer(text):
            names = m.group("name").lower().split()
            if any(n in _NOT_NAMES or n in NUMBER_WORDS or n in _STREET_WORDS for n in names):
                continue
            end = m.end()
            street_type = m.group("type").lower().rstrip(".")
            if street_type in _AMBIGUOUS and not m.group("unit") and not _ENDING.match(text, end):
                continue
            tail = _TAIL_RE.match(text, end)
            if tail and (re.search(r"\d{5}|,\s*[A-Z]{2}\b", tail.group())):
                end = tail.end()
            results.append(RecognizerResult(ADDRESS, m.start(), end, SCORE))
        for m in _PO_BOX.finditer(text):
            end = m.end()
            tail = _TAIL_RE.match(text, end)
            if tail and (re.search(r"\d{5}|,\s*[A-Z]{2}\b", tail.group())):
                end = tail.end()
            results.append(RecognizerResult(ADDRESS, m.start(), end, SCORE))
        return results
