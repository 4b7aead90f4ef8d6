"""Run the installed `callcoach` command as a user would, in a private data directory."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CALLCOACH = ROOT / ".venv" / "bin" / "callcoach"
TRANSCRIPTS = ROOT / "tests" / "data" / "transcripts"
# Model loading on a shared 2-core machine can take a while; a hang still fails.
CLI_TIMEOUT_S = 300

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def run_cli(tmp_path: Path) -> Run:
    """`run_cli("analyze", FILE, "--json")` -> CompletedProcess (text stdout/stderr)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")}
    env["CALLCOACH_DATA_DIR"] = str(tmp_path / "data")

    def run(*args: str | Path, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(CALLCOACH), *map(str, args)], cwd=tmp_path,
                              env={**env, **(extra_env or {})}, capture_output=True, text=True,
                              timeout=CLI_TIMEOUT_S)

    return run


def error_lines(stderr: str) -> list[str]:
    """The error lines of stderr (libraries may also print model-loading progress there)."""
    return [line for line in stderr.splitlines() if line.startswith("error:")]
