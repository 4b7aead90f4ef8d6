"""Bad input: a non-zero exit and exactly one line on stderr naming the file and the problem,
no traceback, nothing on stdout, nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import TRANSCRIPTS, Run

BAD_FILES: dict[str, tuple[str | bytes, str]] = {
    # name: (content, words the message must contain)
    "empty.json": ("", "empty"),
    "broken.json": ('{"utterances": [', "not valid JSON"),
    "no_utterances.json": ('{"call_id": "x", "rep": "Ana"}', "utterances"),
    "silent.json": ('{"utterances": [{"speaker": "Ana", "start": 0, "end": 1, "text": "  "}]}',
                    "no utterances"),
    "backwards.json": ('{"utterances": [{"speaker": "Ana", "start": 5, "end": 2, "text": "Hi"}]}',
                       "before start"),
    "notes.txt": ("Ana: hello", "unsupported file type"),
    "zero.wav": (b"", "empty"),
    "noise.wav": (bytes(range(256)) * 40, "audio"),
    # A call id becomes a directory name: no path, refused before anything is stored.
    "traversal.json": ('{"call_id": "../../etc/passwd", "utterances": '
                       '[{"speaker": "Ana", "start": 0, "end": 1, "text": "Hi"}]}', "call_id"),
    "nul.json": ('{"rep": "Ana\\u0000", "utterances": '
                 '[{"speaker": "Ana", "start": 0, "end": 1, "text": "Hi"}]}', "NUL"),
    "long_rep.json": ('{"rep": "' + "r" * 201 + '", "utterances": '
                      '[{"speaker": "Ana", "start": 0, "end": 1, "text": "Hi"}]}', "at most 200"),
}


def _write(tmp_path: Path, name: str) -> Path:
    content, _ = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


def _assert_one_line_naming(stderr: str, path: Path | str, words: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert str(path) in lines[0] and words.lower() in lines[0].lower(), lines[0]
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cli_bad_input_analyze_one_line(run_cli: Run, tmp_path: Path, name: str) -> None:
    path = _write(tmp_path, name)
    result = run_cli("analyze", path, "--json")
    assert result.returncode != 0
    assert result.stdout == ""
    _assert_one_line_naming(result.stderr, path, BAD_FILES[name][1])


def test_cli_bad_input_missing_file_and_directory(run_cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.json"
    result = run_cli("analyze", missing)
    assert result.returncode != 0
    _assert_one_line_naming(result.stderr, missing, "not found")
    result = run_cli("analyze", tmp_path)
    assert result.returncode != 0
    _assert_one_line_naming(result.stderr, tmp_path, "directory")


def test_cli_bad_input_meta_file(run_cli: Run, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"call_id": "x", "participants": [{"name": "Ana", "side": "seller"}]}))
    result = run_cli("analyze", TRANSCRIPTS / "harbor_discovery.json", "--meta", meta, "--json")
    assert result.returncode != 0 and result.stdout == ""
    _assert_one_line_naming(result.stderr, meta, "'seller'")


def test_cli_bad_input_ingest_stores_nothing(run_cli: Run, tmp_path: Path) -> None:
    bad = [_write(tmp_path, "broken.json"), _write(tmp_path, "zero.wav")]
    result = run_cli("ingest", *bad)
    assert result.returncode != 0 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and all(str(p) in line for p, line in zip(bad, lines, strict=True)), result.stderr
    listed = run_cli("calls", "--json")
    assert listed.returncode == 0 and json.loads(listed.stdout) == []


def test_cli_bad_input_meta_call_id_for_many_files(run_cli: Run, tmp_path: Path) -> None:
    meta = tmp_path / "meta.json"
    meta.write_text(json.dumps({"call_id": "one-call", "rep": "Marcus Lee"}))
    result = run_cli("ingest", TRANSCRIPTS / "harbor_discovery.json", TRANSCRIPTS / "harbor_followup.json",
                     "--meta", meta)
    assert result.returncode != 0
    _assert_one_line_naming(result.stderr, meta, "replace each other")


def test_cli_show_unknown_call(run_cli: Run) -> None:
    result = run_cli("show", "no-such-call", "--json")
    assert result.returncode != 0 and result.stdout == ""
    _assert_one_line_naming(result.stderr, "no-such-call", "not stored")


def test_cli_database_unreachable_one_line(run_cli: Run) -> None:
    # Nothing listens on port 9 (discard) here: the CLI reports the database, not a traceback.
    result = run_cli("calls", extra_env={"CALLCOACH_DATABASE_URL": "postgresql://callcoach@127.0.0.1:9/none"})
    assert result.returncode == 1 and result.stdout == ""
    # One line that says the database is unreachable, without its connection string (issue 11).
    _assert_one_line_naming(result.stderr, "port 9", "database")
    assert "callcoach@" not in result.stderr and "127.0.0.1" not in result.stderr
