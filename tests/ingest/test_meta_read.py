"""--meta files (CONTRACT section 1 without utterances): reading, and naming the broken field."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from callcoach.domain import Participant
from callcoach.errors import InputError, MalformedMetadata
from ingest import read_meta
from tests.ingest.conftest import WriteFile


def test_meta_all_fields(data: Path) -> None:
    meta = read_meta(data / "meta.json")

    assert meta.call_id == "acme-disco-02"
    assert meta.deal_id == "acme-2026"
    assert meta.rep == "Dana Reyes"
    assert meta.rep_channel == "right"
    assert meta.started_at == datetime(2026, 3, 9, 16, 30, tzinfo=timezone(timedelta(hours=1)))
    assert meta.started_at.astimezone(UTC).hour == 15
    assert meta.participants == (
        Participant("Dana Reyes", "rep", "Account Executive"),
        Participant("Priya Shah", "buyer", "VP Revenue Operations"),
        Participant("Mark Lee", "buyer", None),
    )
    assert meta.side_of("Mark Lee") == "buyer"
    assert meta.side_of("Someone Else") == "unknown"
    assert meta.extra == {"crm_opportunity": "006-XYZ"}


def test_meta_minimal_defaults(write_file: WriteFile) -> None:
    meta = read_meta(write_file("meta.json", '{"rep": "Dana Reyes"}'))

    assert meta.rep == "Dana Reyes"
    assert meta.side_of("Dana Reyes") == "rep"  # the rep field alone gives the side
    assert meta.rep_channel == "left"  # CONTRACT: rep on the left unless told otherwise
    assert meta.participants == ()
    assert meta.call_id is None


def test_meta_rep_channel_is_case_insensitive(write_file: WriteFile) -> None:
    assert read_meta(write_file("meta.json", '{"rep_channel": " Right"}')).rep_channel == "right"


def test_meta_a_transcript_file_serves_as_meta(data: Path) -> None:
    meta = read_meta(data / "call.json")  # utterances and labels are ignored
    assert meta.call_id == "acme-disco-01"
    assert "utterances" not in meta.extra and "labels" not in meta.extra


@pytest.mark.parametrize(("content", "words"), [
    ("", ["file is empty"]),
    ('{"rep": "Dana",', ["not valid JSON", "line 1"]),
    ('["Dana"]', ["expected a JSON object"]),
    (json.dumps({"participants": [{"name": "Priya", "side": "client"}]}),
     ["participants[0].side", "(got 'client')"]),
    (json.dumps({"participants": [{"side": "buyer"}]}), ["participants[0].name: Field required"]),
    (json.dumps({"participants": [{"name": "Priya"}, {"name": "Priya"}]}),
     ["participants: participant listed twice: Priya"]),
    (json.dumps({"participants": "Priya Shah"}), ["participants: Input should be a valid list"]),
    (json.dumps({"started_at": "last Tuesday"}), ["started_at", "(got 'last Tuesday')"]),
    (json.dumps({"rep_channel": "center"}), ["rep_channel", "'left' or 'right'", "(got 'center')"]),
    (json.dumps({"call_id": ""}), ["call_id", "at least 1 character"]),
    (json.dumps({"rep": "Dana", "participants": [{"name": "Dana", "side": "buyer"}]}),
     ["rep 'Dana' is listed as a buyer"]),
])
def test_meta_malformed(write_file: WriteFile, content: str, words: list[str]) -> None:
    path = write_file("meta.json", content)
    with pytest.raises(MalformedMetadata) as info:
        read_meta(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message


def test_meta_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="meta.json: file not found"):
        read_meta(tmp_path / "meta.json")
