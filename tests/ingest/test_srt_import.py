"""SRT transcripts with "Name:" prefixes, and malformed SRT files."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcoach.domain import CallMeta, Participant, Transcript
from callcoach.errors import MalformedTranscript
from ingest import read_input
from tests.ingest.conftest import WriteFile, rows


def test_srt_name_prefixes(data: Path) -> None:
    t = read_input(data / "named.srt")

    assert isinstance(t, Transcript)
    assert rows(t) == [
        # Cue 2 names nobody: it continues Dana's turn (subtitles name only changes of speaker).
        ("Dana Reyes", 1.0, 4.0, "Hi Priya, thanks for joining. Is now still a good time?"),
        ("Priya Shah", 4.5, 6.5, "Sure. We have about thirty minutes."),
        # Markup around the name (<i>Dana Reyes:</i>) does not hide it.
        ("Dana Reyes", 6.6, 7.0, "Great."),
    ]
    assert t.meta.call_id == "named"


def test_srt_sides_from_meta(data: Path) -> None:
    meta = CallMeta(participants=(Participant("Dana Reyes", "rep"), Participant("Priya Shah", "buyer")))
    t = read_input(data / "named.srt", meta=meta)
    assert [u.side for u in t.utterances] == ["rep", "buyer", "rep"]


def test_srt_dot_milliseconds_and_bom(write_file: WriteFile) -> None:
    path = write_file("dots.srt",
                      "\ufeff1\n00:00:01.250 --> 00:00:02.500\nDana Reyes: Hello &amp; welcome.\n")
    assert rows(read_input(path)) == [("Dana Reyes", 1.25, 2.5, "Hello & welcome.")]


def test_srt_utf16_export(write_file: WriteFile) -> None:
    path = write_file("teams.srt", "1\r\n00:00:01,000 --> 00:00:02,000\r\nPriya Shah: Grüß Gott.\r\n"
                      .encode("utf-16"))
    assert rows(read_input(path)) == [("Priya Shah", 1.0, 2.0, "Grüß Gott.")]


def test_srt_text_after_blank_lines_stays_in_its_cue(write_file: WriteFile) -> None:
    # Hand-edited files leave blank lines inside a cue; the text is kept, not dropped.
    path = write_file("gaps.srt", "1\n00:00:01,000 --> 00:00:02,000\nDana Reyes: Hi.\n\n\nHow are you?\n")
    assert rows(read_input(path)) == [("Dana Reyes", 1.0, 2.0, "Hi. How are you?")]


@pytest.mark.parametrize(("content", "words"), [
    ("Dana: hello\nPriya: hi\n", ["no cues found"]),
    ("1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:0x,000 --> 00:00:04,000\nBye.\n",
     ["line 5", "cannot read '2' as an SRT cue"]),
    ("1\n00:00:01,000 --> 00:00:02,000\nHi.\n\n2\n00:00:09,000 --> 00:00:04,000\nBye.\n",
     ["line 6", "ends (00:00:04.000) before it starts (00:00:09.000)"]),
])
def test_srt_malformed(write_file: WriteFile, content: str, words: list[str]) -> None:
    path = write_file("bad.srt", content)
    with pytest.raises(MalformedTranscript) as info:
        read_input(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message


def test_srt_two_named_lines_in_one_cue_are_split(write_file: WriteFile) -> None:
    path = write_file("dialog.srt", "1\n00:00:00,000 --> 00:00:02,000\nDana Reyes: Ready?\n"
                                    "Priya Shah: Yes, go ahead.\n")
    # The cue's 2 s are shared in proportion to the text each said (6 and 14 characters).
    assert rows(read_input(path)) == [
        ("Dana Reyes", 0.0, 0.6, "Ready?"),
        ("Priya Shah", 0.6, 2.0, "Yes, go ahead."),
    ]
