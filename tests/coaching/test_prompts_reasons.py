"""The "why this prompt" reasons read plainly: the metric, its unit, the line, at a useful precision."""

from __future__ import annotations

from coaching.metrics import metric
from coaching.prompts import absolute_reason, baseline_reason


def test_prompts_reason_for_an_absolute_line_says_what_the_playbook_asks() -> None:
    assert absolute_reason(metric("stakeholders"), 1.0, 2.0) == (
        "stakeholders engaged on this call: 1; the playbook asks for at least 2"
    )
    assert absolute_reason(metric("talk_ratio"), 0.72, 0.65) == (
        "rep talk share on this call: 72%; the playbook asks for at most 65%"
    )


def test_prompts_reason_against_own_average_uses_the_precision_that_tells_values_apart() -> None:
    m = metric("open_questions")
    assert baseline_reason(m, 2.2, 2.15, 5) == (
        "open questions on this call: 2.20, against your own average of 2.15 over your last 5 calls"
    )
    assert baseline_reason(m, 0.0, 2.2, 5) == (
        "open questions on this call: 0, against your own average of 2.2 over your last 5 calls"
    )
    # Equal at every precision: nothing worth saying.
    assert baseline_reason(m, 2.2, 2.2, 5) is None
