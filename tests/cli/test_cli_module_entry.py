"""``python -m callcoach.cli`` runs the CLI (the benches start it that way, as a fresh process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run([sys.executable, "-m", "callcoach.cli", "--help"], cwd=REPO, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "analyze" in out.stdout and "Usage: callcoach" in out.stdout
