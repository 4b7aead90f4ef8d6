"""The playbook: the shipped default parses; a malformed one is a clear error naming file and field."""

from __future__ import annotations

from pathlib import Path

import pytest

import coaching
from callcoach.errors import InputError
from callcoach.settings import Settings
from coaching.playbook import MalformedPlaybook, load_playbook


def test_playbook_default_parses_with_known_rules() -> None:
    pb = load_playbook()
    assert pb.max_prompts == 3
    assert {"discovery-depth", "next-step-undated", "objection-unexplored"} <= {r.id for r in pb.rules}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("rules: [", "not valid YAML"),
        ("- just a list", "expected a mapping"),
        ("rules:\n  - id: x\n    signal: discovery\n    metric: nope\n", "unknown metric 'nope'"),
        ("max_prompts: 5\nrules: []\n", "max_prompts"),
    ],
)
def test_playbook_malformed_is_a_clear_error(tmp_path: Path, text: str, needle: str) -> None:
    p = tmp_path / "team.yaml"
    p.write_text(text)
    with pytest.raises(MalformedPlaybook) as err:
        load_playbook(p)
    assert str(p) in str(err.value) and needle in str(err.value)
    assert isinstance(err.value, InputError)


def test_playbook_team_override_changes_the_coaching(tmp_path: Path, settings: Settings) -> None:
    base = load_playbook().model_dump(by_alias=True, mode="json")
    only = [r for r in base["rules"] if r["id"] == "talk-too-much"]
    only[0]["message"] = "Team rule: you talked {value:.0%} of the call."
    import yaml

    p = tmp_path / "team.yaml"
    p.write_text(yaml.safe_dump({**base, "rules": only}))
    from .test_prompts_practice import _signals, _transcript

    tr = _transcript()
    out = coaching.coach_call(
        tr, _signals(tr), history=[], settings=settings.model_copy(update={"playbook_path": p})
    )
    assert [pr["rule"] for pr in out["prompts"]] == ["talk-too-much"]
    assert out["prompts"][0]["message"].startswith("Team rule: you talked 72% of the call.")


def test_playbook_unknown_template_field_is_rejected(tmp_path: Path) -> None:
    base = load_playbook().model_dump(by_alias=True, mode="json")
    base["rules"][0]["message"] = "You did {something_else} on this call."
    import yaml

    p = tmp_path / "bad.yaml"
    p.write_text(yaml.safe_dump(base))
    with pytest.raises(MalformedPlaybook, match="unknown fields"):
        load_playbook(p)
