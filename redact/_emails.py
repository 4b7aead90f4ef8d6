"""Email addresses, written ("dana.whitfield@harbrook.com") or read aloud ("dana dot whitfield at
harbrook dot com", "k r a o at crestline dot org").

Written ones use Presidio's own recognizer, with its domain check run against the public-suffix
list that tldextract ships (the default would fetch a fresh list over the network). Spoken ones are
a pattern: a local part, "at", a domain whose last label is a known top-level domain. A one-word
local part needs a cue before it ("email", "send it to", "reach me at") so that "the pricing page at
harbrook dot com" stays.
"""

from __future__ import annotations

import re
from functools import lru_cache

from presidio_analyzer import EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

EMAIL = "EMAIL"

_TLDS = ("com", "org", "net", "io", "co", "edu", "gov", "us", "uk", "ca", "de", "fr", "au", "in", "ai",
         "biz", "info", "me", "app", "dev", "tech", "ly", "eu", "nl", "es", "it", "jp", "mx", "br")
_SEP = r"(?:\s+(?:dot|period|underscore|dash|hyphen|plus)\s+|[._+-])"
_LABEL_SEP = r"(?:\s+(?:dot|period)\s+|\.)"
# "at", or the sign named: "at sign", "at symbol", "at the rate" (Indian English).
_AT = r"\s+(?:at(?:\s+(?:sign|symbol|the\s+rate(?:\s+of)?))?|@)\s+"
_LABEL = r"[a-z0-9]+(?:(?:\s+(?:dash|hyphen)\s+|-)[a-z0-9]+)*"
_SPOKEN = re.compile(
    r"(?<![\w'])(?P<local>(?:[a-z]\s+){1,}[a-z](?![\w'])|[a-z0-9]+(?:" + _SEP + r"[a-z0-9]+)*)"
    + _AT +
    r"(?P<domain>" + _LABEL + r"(?:" + _LABEL_SEP + _LABEL + r")*" + _LABEL_SEP + r"(?:" + "|".join(_TLDS)
    + r"))"
    r"(?![\w-])",
    re.IGNORECASE,
)
# Words just before a one-word local part that say an address follows.
_CUES = frozenset(("email", "e-mail", "mail", "address", "send", "sent", "cc", "bcc", "reach", "contact",
                   "write", "forward", "copy", "loop", "invite", "is", "it's", "its", "use", "to"))
CUE_WINDOW = 4
# ASR splits a local part into words ("m lee", "dev patel eighty eight"): after a cue, the words
# between the cue and "at" belong to the address, up to this many.
LOCAL_EXTRA_WORDS = 4
# Words that end that backward walk: cues, pronouns and the little words of a sentence.
_STOP = _CUES | frozenset(("a", "an", "the", "me", "my", "your", "his", "her", "our", "their", "with",
                           "from", "for", "and", "or", "please", "in", "on", "of", "okay", "so", "um",
                           "uh", "yeah", "was", "be", "at", "by", "just", "one"))
# Mailbox providers: "mike at gmail dot com" is an address without a cue before it.
_MAIL_PROVIDERS = frozenset(("gmail", "googlemail", "yahoo", "outlook", "hotmail", "live", "msn", "icloud",
                             "me", "mac", "aol", "proton", "protonmail", "pm", "gmx", "zoho", "yandex",
                             "fastmail", "hey", "comcast", "verizon", "att", "sbcglobal"))
SCORE_WRITTEN = 0.95
SCORE_SPOKEN = 0.85
SCORE_SPOKEN_ONE_WORD = 0.6


@lru_cache(maxsize=1)
def _offline_tld_extract():  # type: ignore[no-untyped-def]
    import tldextract

    # An empty URL list makes tldextract use the suffix snapshot in its package: no network.
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


class WrittenEmailRecognizer(EmailRecognizer):
    """Presidio's email pattern, validated offline, reported as EMAIL."""

    def __init__(self) -> None:
        # Presidio scores its pattern 0.5 and lets context words raise it; an address with "@"
        # and a real top-level domain needs no context in a call transcript.
        patterns = [Pattern(p.name, p.regex, SCORE_WRITTEN) for p in EmailRecognizer.PATTERNS]
        super().__init__(patterns=patterns, supported_entity=EMAIL)

    def validate_result(self, pattern_text: str) -> bool:
        return _offline_tld_extract()(pattern_text).fqdn != ""


class SpokenEmailRecognizer(EntityRecognizer):
    """Emails read aloud, as ASR writes them."""

    def __init__(self) -> None:
        super().__init__(supported_entities=[EMAIL], name="callcoach-spoken-email")

    def load(self) -> None:
        return None

    def analyze(self, text: str, entities: list[str],
                nlp_artifacts: NlpArtifacts | None = None) -> list[RecognizerResult]:
        if EMAIL not in entities:
            return []
        results = []
        for m in _SPOKEN.finditer(text):
            local = m.group("local")
            one_word = re.fullmatch(r"[a-z0-9]+", local, re.IGNORECASE) is not None
            before = text[:m.start()].lower().split()[-CUE_WINDOW:]
            cued = bool(_CUES.intersection(before))
            provider = re.split(r"\s+(?:dot|period)\s+|\.", m.group("domain").lower())[0] in _MAIL_PROVIDERS
            if one_word and not cued and not provider:
                continue
            start = _local_start(text, m.start()) if cued else m.start()
            results.append(RecognizerResult(EMAIL, start, m.end(),
                                            SCORE_SPOKEN_ONE_WORD if one_word else SCORE_SPOKEN))
        return results


def _local_start(text: str, start: int) -> int:
    """Walk back over the words ASR split a local part into, up to a cue or a sentence's small word."""
    for _ in range(LOCAL_EXTRA_WORDS):
        m = re.search(r"([A-Za-z0-9]+)\s+$", text[:start])
        if m is None or m.group(1).lower() in _STOP:
            break
        start = m.start(1)
    return start
