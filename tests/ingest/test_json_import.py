"""The CONTRACT section 1 JSON transcript, and JSON that breaks the contract."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from callcoach.domain import CallMeta, Participant, Transcript
from callcoach.errors import EmptyInput, InputError, MalformedTranscript
from ingest import read_input
from tests.ingest.conftest import WriteFile


def test_json_transcript(data: Path) -> None:
    t = read_input(data / "call.json")

    assert isinstance(t, Transcript)
    # In time order, text trimmed, sides from the participants; `labels` is ignored.
    assert [(u.speaker, u.side, u.start, u.end, u.text) for u in t.utterances] == [
        ("Dana Reyes", "rep", 0.0, 4.1, "Thanks for making time, Priya."),
        ("Priya Shah", "buyer", 4.4, 7.0, "Happy to."),
    ]
    assert t.meta.call_id == "acme-disco-01"
    assert t.meta.title == "Acme / discovery"
    assert t.meta.deal_id == "acme-2026"
    assert t.meta.rep == "Dana Reyes"
    assert t.meta.started_at == datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    assert t.meta.title_of("Priya Shah") == "VP Revenue Operations"
    assert "labels" not in t.meta.extra
    assert t.duration_s == 7.0


def test_json_meta_overrides_file_fields(data: Path) -> None:
    meta = CallMeta(call_id="renamed", deal_id="acme-2027",
                    participants=(Participant("Priya Shah", "unknown", "CRO"),
                                  Participant("Mark Lee", "buyer")))
    t = read_input(data / "call.json", meta=meta)

    assert t.meta.call_id == "renamed"
    assert t.meta.deal_id == "acme-2027"
    assert t.meta.title == "Acme / discovery"  # not in --meta: the file's value stays
    people = {p.name: (p.side, p.title) for p in t.meta.participants}
    # Priya's new title wins; her side, unknown in --meta, stays what the file said.
    assert people == {"Dana Reyes": ("rep", "Account Executive"), "Priya Shah": ("buyer", "CRO"),
                      "Mark Lee": ("buyer", None)}


def _utterance(**kw: Any) -> dict[str, Any]:
    return {"speaker": "Dana Reyes", "start": 0.0, "end": 1.0, "text": "Hello.", **kw}


@pytest.mark.parametrize(("content", "words"), [
    ('{"utterances": [', ["not valid JSON", "line 1"]),
    ('{\n  "utterances": [\n    {"speaker": "A",}\n  ]\n}', ["not valid JSON", "line 3"]),
    ("[1, 2]", ["expected a JSON object, got a list"]),
    (json.dumps({"call_id": "x"}), ["utterances: Field required"]),
    (json.dumps({"utterances": "hello"}), ["utterances: Input should be a valid list"]),
    (json.dumps({"utterances": [_utterance(), _utterance(start=5.0, end=2.5)]}),
     ["utterances[1]: end 2.5 is before start 5.0"]),
    (json.dumps({"utterances": [_utterance(start="soon")]}),
     ["utterances[0].start", "valid number", "(got 'soon')"]),
    (json.dumps({"utterances": [_utterance(start=-1.0)]}), ["utterances[0].start", "(got -1.0)"]),
    ('{"utterances": [{"speaker": "A", "start": 0, "end": Infinity, "text": "Hi"}]}',
     ["utterances[0].end", "finite number", "(got inf)"]),
    (json.dumps({"utterances": [{"start": 0, "end": 1, "text": "Hi"}]}),
     ["utterances[0].speaker: Field required"]),
    (json.dumps({"participants": [{"name": "Priya", "side": "customer"}], "utterances": [_utterance()]}),
     ["participants[0].side", "'rep', 'buyer' or 'unknown'", "(got 'customer')"]),
])
def test_json_malformed(write_file: WriteFile, content: str, words: list[str]) -> None:
    path = write_file("call.json", content)
    with pytest.raises(MalformedTranscript) as info:
        read_input(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert "\n" not in message
    for word in words:
        assert word in message


def test_json_without_spoken_text(write_file: WriteFile) -> None:
    path = write_file("call.json", json.dumps({"utterances": [_utterance(text="   ")]}))
    with pytest.raises(EmptyInput, match="no utterances with text"):
        read_input(path)


def test_json_empty_utterance_list(write_file: WriteFile) -> None:
    path = write_file("call.json", json.dumps({"call_id": "x", "utterances": []}))
    with pytest.raises(EmptyInput, match="no utterances with text"):
        read_input(path)


def test_json_not_utf8(write_file: WriteFile) -> None:
    path = write_file("call.json", b'{"utterances": [{"text": "caf\xe9"}]}')
    with pytest.raises(InputError, match="not a text file"):
        read_input(path)


def test_json_names_with_stray_spaces_still_match_participants(write_file: WriteFile) -> None:
    path = write_file("call.json", json.dumps({
        "participants": [{"name": " Priya Shah ", "side": "buyer"}],
        "utterances": [_utterance(speaker="Priya Shah  ", text=" We lose 20% of renewals. ")],
    }))
    t = read_input(path)
    assert [(u.speaker, u.side, u.text) for u in t.utterances] == [
        ("Priya Shah", "buyer", "We lose 20% of renewals.")]
