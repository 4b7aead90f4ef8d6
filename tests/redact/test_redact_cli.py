"""End to end through the installed command: PII never reaches `analyze --json`, `show`, `show --json`,
the role-play export or the logs, while prices, dates, names and the rep's questions stay."""

from __future__ import annotations

import json
import re

import pytest

from tests.cli.conftest import TRANSCRIPTS, Run

pytestmark = pytest.mark.slow  # runs every signal, which loads the NLP models

CALL = TRANSCRIPTS / "pii_call.json"
PII = ("512-43-8876", "4111 1111 1111 1111", "(415) 555-0132", "555-0132", "tomas.berg@kestrelfoods.com",
       "lena dot ott at kestrelfoods dot com", "kestrelfoods", "8876", "0132")
PLACEHOLDERS = ("[SSN]", "[CARD]", "[PHONE]", "[EMAIL]")
STAYS = ("$48,000", "March 12", "10:30", "200 reps", "30 hours a week", "Tomas Berg", "Lena Ott",
         "What happens when an approval slips past month end?", "Who else signs off on a purchase like this?")


def _assert_clean(out: str, where: str) -> None:
    for pii in PII:
        assert pii not in out, f"{pii!r} in {where}"
    assert not re.search(r"\d{3}-\d{2}-\d{4}", out), where


# Five runs of the command, three of them loading the NLP models, on a shared machine.
@pytest.mark.timeout(1200)
def test_redact_cli_analyze_show_roleplays_and_logs_carry_no_pii(run_cli: Run) -> None:
    analyzed = run_cli("-v", "analyze", CALL, "--json")
    assert analyzed.returncode == 0, analyzed.stderr
    _assert_clean(analyzed.stdout, "analyze --json")
    _assert_clean(analyzed.stderr, "the -v log of analyze")
    for text in PLACEHOLDERS + STAYS:
        assert text in analyzed.stdout, text
    analysis = json.loads(analyzed.stdout)
    texts = [u["text"] for u in analysis["transcript"]]
    assert texts[6] == "Put the deposit on the card, [CARD], and call me at [PHONE] if it fails."
    assert texts[7] == "Send the paperwork to [EMAIL] and copy me, [EMAIL]."

    stored = run_cli("-v", "ingest", CALL)
    assert stored.returncode == 0, stored.stderr
    _assert_clean(stored.stdout + stored.stderr, "ingest and its -v log")
    outputs = {}
    for args in (("show", "kestrel-pii-01"), ("show", "kestrel-pii-01", "--json"), ("roleplays", "--json")):
        shown = run_cli(*args)
        assert shown.returncode == 0, (args, shown.stderr)
        _assert_clean(shown.stdout, " ".join(args))
        outputs[" ".join(args)] = shown.stdout
    for text in PLACEHOLDERS + STAYS:
        assert text in outputs["show kestrel-pii-01 --json"], text
    assert "Kestrel Foods / onboarding paperwork" in outputs["show kestrel-pii-01"]
    assert "[CARD]" in outputs["roleplays --json"]  # the buyer's turn is there, redacted
