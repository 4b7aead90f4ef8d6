"""WebVTT transcripts: Teams voice tags, Zoom "Name: text" cues, and malformed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from callcoach.domain import CallMeta, Participant, Transcript
from callcoach.errors import EmptyInput, MalformedTranscript
from ingest import read_input
from ingest.formats._cues import UNKNOWN_SPEAKER
from tests.ingest.conftest import WriteFile, rows


def test_vtt_teams_voice_tags(data: Path) -> None:
    t = read_input(data / "teams.vtt")

    assert isinstance(t, Transcript)
    # Header metadata, NOTE and STYLE blocks are not speech; cue ids and settings are dropped;
    # two close cues by Dana are one utterance; markup is removed and entities decoded.
    assert rows(t) == [
        ("Dana Reyes", 0.0, 5.0, "Thanks for making time, Priya. Are procurement & legal joining?"),
        ("Priya Shah", 7.0, 10.25, "Not today. We lose about 20% of renewals <every> quarter."),
        ("Dana Reyes", 10.5, 12.0, "Tell me more about that."),
    ]
    assert t.meta.call_id == "teams"
    assert t.duration_s == 12.0
    assert t.source == "transcript"


def test_vtt_zoom_name_prefixes_and_short_timestamps(data: Path) -> None:
    t = read_input(data / "zoom.vtt")

    assert rows(t) == [
        ("Dana Reyes", 1.0, 4.0, "Hi Priya, thanks for joining. Is now still a good time?"),
        # Only the leading "Priya Shah:" names the speaker; "Yes:" is what she said.
        ("Priya Shah", 4.5, 6.0, "Yes: absolutely."),
        # mm:ss.mmm timestamps (01:02.000) are read as minutes and seconds.
        ("Dana Reyes", 62.0, 64.5, "Great, let's start."),
    ]


def test_vtt_sides_from_meta(data: Path) -> None:
    meta = CallMeta(call_id="acme-1", rep="Dana Reyes",
                    participants=(Participant("Priya Shah", "buyer", "VP RevOps"),))
    t = read_input(data / "teams.vtt", meta=meta)

    assert [(u.speaker, u.side) for u in t.utterances] == [
        ("Dana Reyes", "rep"), ("Priya Shah", "buyer"), ("Dana Reyes", "rep")]
    assert t.meta.call_id == "acme-1"


def test_vtt_teams_guest_suffix_matches_meta_name(write_file: WriteFile) -> None:
    path = write_file("guest.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Priya Shah (Guest)>Hi.</v>\n")
    t = read_input(path, meta=CallMeta(participants=(Participant("Priya Shah", "buyer"),)))
    assert [(u.speaker, u.side) for u in t.utterances] == [("Priya Shah", "buyer")]


def test_vtt_same_speaker_after_long_pause_is_new_utterance(write_file: WriteFile) -> None:
    path = write_file("pause.vtt", """WEBVTT

00:00:00.000 --> 00:00:02.000
<v Dana Reyes>First thought.

00:00:02.900 --> 00:00:04.000
<v Dana Reyes>Still the same turn.

00:00:06.000 --> 00:00:07.000
<v Dana Reyes>After a two second pause.
""")
    assert rows(read_input(path)) == [
        ("Dana Reyes", 0.0, 4.0, "First thought. Still the same turn."),
        ("Dana Reyes", 6.0, 7.0, "After a two second pause."),
    ]


def test_vtt_unnamed_cues_continue_previous_speaker(write_file: WriteFile) -> None:
    path = write_file("mixed.vtt", """WEBVTT

00:00:00.000 --> 00:00:01.000
Hello, can you hear me?

00:00:01.500 --> 00:00:03.000
<v Priya Shah>Yes, loud and clear.

00:00:03.100 --> 00:00:04.000
Let's begin.
""")
    assert rows(read_input(path)) == [
        (UNKNOWN_SPEAKER, 0.0, 1.0, "Hello, can you hear me?"),
        ("Priya Shah", 1.5, 4.0, "Yes, loud and clear. Let's begin."),
    ]


def test_vtt_without_any_names_is_one_unknown_speaker(write_file: WriteFile) -> None:
    path = write_file("captions.vtt", """WEBVTT

00:00:00.000 --> 00:00:01.000
Here's the thing: we lose deals.

00:00:05.000 --> 00:00:06.000
Note: this is recorded.

00:00:08.000 --> 00:00:09.000
Pricing: what does it cost?

00:00:12.000 --> 00:00:13.000
Note: this part is off the record.
""")
    t = read_input(path)
    # Every cue opens with "Words:" ("Note:" twice), but none of them reads as a name.
    assert rows(t) == [
        (UNKNOWN_SPEAKER, 0.0, 1.0, "Here's the thing: we lose deals."),
        (UNKNOWN_SPEAKER, 5.0, 6.0, "Note: this is recorded."),
        (UNKNOWN_SPEAKER, 8.0, 9.0, "Pricing: what does it cost?"),
        (UNKNOWN_SPEAKER, 12.0, 13.0, "Note: this part is off the record."),
    ]
    assert t.utterances[0].side == "unknown"


def test_vtt_two_speakers_in_one_cue_are_split(write_file: WriteFile) -> None:
    path = write_file("shared.vtt", """WEBVTT

00:00:00.000 --> 00:00:03.000
<v Dana Reyes>How many reps?</v>
<v Priya Shah>Forty two, across three teams.</v>
""")
    # The cue's 3 s are shared in proportion to the text each said (14 and 30 characters).
    assert rows(read_input(path)) == [
        ("Dana Reyes", 0.0, 0.955, "How many reps?"),
        ("Priya Shah", 0.955, 3.0, "Forty two, across three teams."),
    ]


def test_vtt_first_cue_right_after_header_and_crlf(write_file: WriteFile) -> None:
    path = write_file("crlf.vtt", "WEBVTT\r\n00:00:01.000 --> 00:00:02.000\r\n<v Dana Reyes>Hi.\r\n")
    assert rows(read_input(path)) == [("Dana Reyes", 1.0, 2.0, "Hi.")]


@pytest.mark.parametrize(("content", "words"), [
    ("00:00:01.000 --> 00:00:02.000\nHi.\n", ["line 1", "must start with a 'WEBVTT' line"]),
    ("WEBVTT\n\nNOTE nothing here\n", ["no cues found"]),
    ("WEBVTT\n\n1\n00:00:01,000 --> 00:00:02,000\nHi.\n",
     ["line 4", "bad timestamp '00:00:01,000'", "not ','"]),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\n00:00:75.000 --> 00:00:76.000\nBye.\n",
     ["line 6", "bad timestamp '00:00:75.000'"]),
    ("WEBVTT\n\n00:00:01.000 --> soon\nHi.\n", ["line 3", "bad timestamp 'soon'"]),
    ("WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHi.\n", ["line 3", "text outside any cue"]),
    ("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHi.\n\nand then more text.\n",
     ["line 6", "text outside any cue", "empty line ends it"]),
    ("WEBVTT\n\n00:00:05.000 --> 00:00:02.000\nHi.\n", ["line 3", "ends (00:00:02.000) before it starts"]),
])
def test_vtt_malformed(write_file: WriteFile, content: str, words: list[str]) -> None:
    path = write_file("bad.vtt", content)
    with pytest.raises(MalformedTranscript) as info:
        read_input(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    for word in words:
        assert word in message


def test_vtt_cues_without_text(write_file: WriteFile) -> None:
    path = write_file("silent.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v Dana Reyes></v>\n")
    with pytest.raises(EmptyInput, match="no utterances with text"):
        read_input(path)


def test_vtt_blank_file(write_file: WriteFile) -> None:
    path = write_file("blank.vtt", "\n  \n")
    with pytest.raises(EmptyInput, match="blank"):
        read_input(path)
