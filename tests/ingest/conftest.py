"""Fixtures of the ingest tests: the committed sample files, and a helper to write bad ones."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

INGEST_DATA = Path(__file__).parent.parent / "data" / "ingest"


@pytest.fixture
def data() -> Path:
    """tests/data/ingest: small committed recordings and transcripts (see make_fixtures.sh)."""
    return INGEST_DATA


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write text or bytes to a file of the given name under tmp_path and return its path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return path

    return write
