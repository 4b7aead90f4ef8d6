"""`callcoach calls`, `show` and `keys` load no model: torch, spaCy, sentence-transformers and
faster-whisper stay unimported (checked with `python -X importtime`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

HEAVY = ("torch", "spacy", "sentence_transformers", "faster_whisper", "transformers", "sklearn")


@pytest.mark.parametrize(
    "args", [["calls", "--limit", "1"], ["show", "nope"], ["keys", "--help"], ["alerts", "--help"]]
)
def test_cli_startup_loads_no_model(tmp_path: Path, args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")}
    env["CALLCOACH_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "from callcoach.cli import app; app()", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert imported & set(HEAVY) == set(), f"{args}: {sorted(imported & set(HEAVY))}"
    assert "callcoach" in imported  # the check saw the CLI's own imports
