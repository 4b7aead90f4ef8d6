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
# A placeholder instead of digits moves an utterance's sentence embedding a little.
SENTIMENT_SLACK = 0.05
STAYS = ("$48,000", "March 12", "10:30", "200 reps", "30 hours a week", "Tomas Berg", "Lena Ott",
         "What happens when an approval slips past month end?", "Who else signs off on a purchase like this?")


def _numbers(value: object) -> object:
    """The analysis with every string dropped: what the signals measured, not what they quote."""
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items() if not isinstance(v, str)}
    if isinstance(value, list):
        return [_numbers(v) for v in value if not isinstance(v, str)]
    return value


def _assert_clean(out: str, where: str) -> None:
    for pii in PII:
        assert pii not in out, f"{pii!r} in {where}"
    assert not re.search(r"\d{3}-\d{2}-\d{4}", out), where


# Six runs of the command, four of them loading the NLP models, on a shared machine.
@pytest.mark.timeout(1500)
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

    # Signals must not degrade: the same measurements as with redaction off, except that the card
    # number no longer passes for a quantified pain ("... 4111 1111 1111 1111 ... if it fails").
    plain_run = run_cli("analyze", CALL, "--json", extra_env={"CALLCOACH_REDACT_ENABLED": "false"})
    assert plain_run.returncode == 0, plain_run.stderr
    assert "4111 1111 1111 1111" in plain_run.stdout  # the switch works: the comparison means something
    red, plain = analysis["signals"], json.loads(plain_run.stdout)["signals"]
    for key in ("questions", "open_questions", "follow_up_questions"):
        assert red["discovery"][key] == plain["discovery"][key], key
    pains = [p["text"] for p in red["discovery"]["pains"]]
    assert pains == ["We lose about 30 hours a week chasing approvals, and it cost us $48,000 last quarter."]
    assert set(pains) < {p["text"] for p in plain["discovery"]["pains"]}
    for key in ("talk_ratio", "dynamics", "objections"):
        assert _numbers(red[key]) == _numbers(plain[key]), key
    for key in ("present", "dated", "owned", "due", "clarity", "buyer_confirmed"):
        assert red["next_step"][key] == plain["next_step"][key], key
    assert red["sentiment"]["direction"] == plain["sentiment"]["direction"]
    assert abs(red["sentiment"]["drift"] - plain["sentiment"]["drift"]) < SENTIMENT_SLACK
    assert ([s["name"] for s in red["multithreading"]["stakeholders"]]
            == [s["name"] for s in plain["multithreading"]["stakeholders"]])

    stored = run_cli("-v", "ingest", CALL)
    assert stored.returncode == 0, stored.stderr
    _assert_clean(stored.stdout + stored.stderr, "ingest and its -v log")
    outputs = {}
    for args in (("show", "kestrel-pii-01"), ("show", "kestrel-pii-01", "--json"), ("roleplays", "--json")):
        shown = run_cli(*args)
        assert shown.returncode == 0, (args, shown.stderr)
        _assert_clean(shown.stdout, " ".join(args))
        outputs[args[-1]] = shown.stdout
    for text in PLACEHOLDERS + STAYS:
        assert text in outputs["--json"], text
    assert "Kestrel Foods / onboarding paperwork" in outputs["kestrel-pii-01"]
