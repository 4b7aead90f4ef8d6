"""The README documents every setting and the two set-up commands."""

from __future__ import annotations

import re
from pathlib import Path

from callcoach.settings import Settings
from callcoach.settings_doc import BEGIN, END, env_name, replace_table

README = Path(__file__).resolve().parents[2] / "README.md"


def _table() -> str:
    text = README.read_text()
    assert BEGIN in text and END in text, "README lost its settings table markers"
    return text.split(BEGIN, 1)[1].split(END, 1)[0]


def test_readme_config_lists_every_setting() -> None:
    table = _table()
    missing = [env_name(f) for f in Settings.model_fields if f"`{env_name(f)}`" not in table]
    assert not missing, (f"README configuration table lacks {missing}: run "
                         "`.venv/bin/python -m callcoach.settings_doc --write README.md`")
    documented = set(re.findall(r"`(CALLCOACH_[A-Z0-9_]+)`", table))
    stale = documented - {env_name(f) for f in Settings.model_fields}
    assert not stale, f"README documents settings that no longer exist: {sorted(stale)}"


def test_readme_config_generator_is_idempotent() -> None:
    text = README.read_text()
    once = replace_table(text)
    assert replace_table(once) == once


def test_readme_setup_is_make_demo_and_make_test() -> None:
    setup = README.read_text().split("## Set-up", 1)[1].split("\n## ", 1)[0]
    block = setup.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make demo", "make test"]
