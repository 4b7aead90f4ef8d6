"""Next-call lines quote the buyer's own clause: the one with the number or the pain, words intact."""

from __future__ import annotations

import pytest

from coaching.lines import key_phrase


@pytest.mark.parametrize(
    ("said", "quoted"),
    [
        (
            "Not really. Our AP team spends about twelve hours a week chasing duplicate invoices, and last "
            "quarter we paid two vendors twice.",
            "Our AP team spends about twelve hours a week chasing duplicate invoices",
        ),
        (
            "Mostly the reporting. Cost matters, but it's not the whole story.",
            "Cost matters, but it's not the whole story",
        ),
        (
            "We moved into the new warehouse in April, so things are hectic.",
            "We moved into the new warehouse in April, so things are hectic",
        ),
        (
            "Yeah, we've been on Ledgerly for about six years.",
            "we've been on Ledgerly for about six years",
        ),
    ],
)
def test_key_phrase_keeps_the_buyers_words(said: str, quoted: str) -> None:
    assert key_phrase(said) == quoted
    assert quoted.lower() in said.lower()
