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
            "Mostly the template library. Price matters, but it's not everything.",
            "Price matters, but it's not everything",
        ),
        (
            "We closed on a new office in May, so things are busy.",
            "We closed on a new office in May, so things are busy",
        ),
        (
            "Yeah, we've been on Mailbox Pro for about four years.",
            "we've been on Mailbox Pro for about four years",
        ),
    ],
)
def test_key_phrase_keeps_the_buyers_words(said: str, quoted: str) -> None:
    assert key_phrase(said) == quoted
    assert quoted.lower() in said.lower()
