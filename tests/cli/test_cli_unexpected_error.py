"""A library failing on a bad file with an error callcoach did not foresee still ends in one
stderr line naming the file, and a non-zero exit; never a traceback."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from callcoach.cli import app
from callcoach.domain import CallMeta, Transcript
from ingest.formats import register


@register(".brokenfmt")
def _importer_that_breaks(path: Path, text: str, meta: CallMeta | None) -> Transcript:
    # Stands in for a third-party parser that raises its own exception type on odd input.
    raise ValueError("parser choked on byte 0x1f\nsecond line of detail")


def test_cli_unexpected_library_error_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "call.brokenfmt"
    bad.write_text("whatever")
    result = CliRunner().invoke(app, ["analyze", str(bad), "--json"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [f"error: {bad}: unexpected ValueError: parser choked on byte 0x1f"]


def test_cli_unexpected_library_error_in_ingest_spares_good_files(tmp_path: Path) -> None:
    bad = tmp_path / "call.brokenfmt"
    bad.write_text("whatever")
    also_bad = tmp_path / "empty.json"
    also_bad.write_text("")
    result = CliRunner().invoke(app, ["ingest", str(bad), str(also_bad)],
                                env={"CALLCOACH_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 2  # the worst of: unexpected (1) and bad input (2)
    lines = result.stderr.splitlines()
    assert len(lines) == 2 and str(bad) in lines[0] and str(also_bad) in lines[1]
