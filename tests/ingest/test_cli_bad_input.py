"""`callcoach analyze BAD --json`: exit non-zero, one line on stderr naming the file, no traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# Each case starts the installed command (a new Python process importing the app): seconds, not ms.
pytestmark = pytest.mark.slow

CALLCOACH = Path(sys.executable).parent / "callcoach"


def _analyze(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CALLCOACH), "analyze", *map(str, args), "--json"], capture_output=True,
                          text=True, cwd=cwd, timeout=120, check=False)


@pytest.fixture
def bad_inputs(tmp_path: Path, data: Path) -> dict[str, Path]:
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "folder.vtt").mkdir()
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")
    (tmp_path / "bad.vtt").write_text("WEBVTT\n\n00:00:01,000 --> 00:00:02,000\nHi.\n")
    (tmp_path / "bad.json").write_text('{"utterances": [{"speaker": "A", "start": 3, "end": 1, "text": ""}]}')
    return {
        "missing": tmp_path / "nowhere.mp3",
        "empty": tmp_path / "empty.wav",
        "directory": tmp_path / "folder.vtt",
        "unsupported": tmp_path / "notes.docx",
        "corrupt": data / "corrupt.mp3",
        "zero_frames": data / "zero_frames.wav",
        "malformed_vtt": tmp_path / "bad.vtt",
        "malformed_json": tmp_path / "bad.json",
    }


@pytest.mark.parametrize("case", ["missing", "empty", "directory", "unsupported", "corrupt",
                                  "zero_frames", "malformed_vtt", "malformed_json"])
def test_cli_analyze_bad_input_one_line(bad_inputs: dict[str, Path], tmp_path: Path, case: str) -> None:
    path = bad_inputs[case]
    result = _analyze(path, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert str(path) in lines[0]
    assert "Traceback" not in result.stderr


def test_cli_analyze_bad_meta_names_the_meta_file(data: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text('{"participants": [{"name": "Priya", "side": "customer"}]}')
    result = _analyze(data / "call.json", "--meta", meta, cwd=tmp_path)

    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].endswith(
        f"{meta}: participants[0].side: Input should be 'rep', 'buyer' or 'unknown' (got 'customer')")
