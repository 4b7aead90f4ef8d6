"""Fixtures of the ingest tests: the committed sample files, and a helper to write bad ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from callcoach.domain import Transcript

INGEST_DATA = Path(__file__).parent.parent / "data" / "ingest"

WriteFile = Callable[[str, str | bytes], Path]


def rows(t: Transcript) -> list[tuple[str, float, float, str]]:
    """(speaker, start, end, text) of each utterance: what an importer made of the file."""
    return [(u.speaker, u.start, u.end, u.text) for u in t.utterances]


@pytest.fixture
def data() -> Path:
    """tests/data/ingest: small committed recordings and transcripts (see make_fixtures.sh)."""
    return INGEST_DATA


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text or bytes to a file of the given name under tmp_path and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
