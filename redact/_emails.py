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

from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import EmailRecognizer

EMAIL = "EMAIL"

_TLDS = ("com", "org", "net", "io", "co", "edu", "gov", "us", "uk", "ca", "de", "fr", "au", "in", "ai",
         "biz", "info", "me", "app", "dev", "tech", "ly", "eu", "nl", "es", "it", "jp", "mx", "br")
_SEP = r"(?:\s+(?:dot|period|underscore|dash|hyphen)\s+|[._+-])"
_LABEL_SEP = r"(?:\s+dot\s+|\.)"
_SPOKEN = re.compile(
    r"(?<![\w'])(?P<local>(?:[a-z]\s+){1,}[a-z](?![\w'])|[a-z0-9]+(?:" + _SEP + r"[a-z0-9]+)*)"
    r"\s+at\s+"
    r"(?P<domain>[a-z0-9-]+(?:" + _LABEL_SEP + r"[a-z0-9-]+)*" + _LABEL_SEP + r"(?:" + "|".join(_TLDS) + r"))"
    r"(?![\w-])",
    re.IGNORECASE,
)
# Words just before a one-word local part that say an address follows.
_CUES = frozenset(("email", "e-mail", "mail", "address", "send", "sent", "cc", "bcc", "reach", "contact",
                   "write", "forward", "copy", "loop", "invite", "is", "it's", "its", "use", "to"))
CUE_WINDOW = 4
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
        super().__init__(supported_entity=EMAIL)

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
            if one_word:
                before = text[:m.start()].lower().split()[-CUE_WINDOW:]
                if not _CUES.intersection(before):
                    continue
            results.append(RecognizerResult(EMAIL, m.start(), m.end(),
                                            SCORE_SPOKEN_ONE_WORD if one_word else SCORE_SPOKEN))
        return results
