"""WebVTT transcripts as Zoom and Teams export them: voice tags ``<v Name>`` or ``Name: text`` cues.

webvtt-py reads the cues (timestamps ``hh:mm:ss.mmm`` or ``mm:ss.mmm``, cue ids, cue settings,
NOTE/STYLE/REGION blocks). Before it runs, a pass over the file's blocks finds what would make
it drop text silently (a bad timing line, text outside any cue) and names the line. Speakers
and merging follow :mod:`ingest.formats._cues`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import webvtt
from webvtt.errors import MalformedCaptionError, MalformedFileError
from webvtt.models import Timestamp

from callcoach.domain import CallMeta, Transcript
from callcoach.errors import MalformedTranscript
from ingest.formats import register
from ingest.formats._cues import Cue, cues_to_transcript

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the WebVTT line terminators, as webvtt-py splits
_TIMING = re.compile(r"^\s*(\S+?)\s*-->\s*(\S+)")
_HEADER = re.compile(r"^WEBVTT(?:[ \t]|$)")
_NON_CUE_BLOCKS = ("NOTE", "STYLE", "REGION")
_TIMESTAMP_HELP = "expected hh:mm:ss.mmm --> hh:mm:ss.mmm, or mm:ss.mmm"


@register(".vtt")
def import_vtt(path: Path, text: str, meta: CallMeta | None) -> Transcript:
    lines = _LINE_BREAK.split(text)
    timing_lines = _validate(path, lines)
    try:
        captions = webvtt.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError) as exc:
        raise MalformedTranscript(f"not valid WebVTT ({exc})", path=path) from exc
    if len(captions) != len(timing_lines):
        raise MalformedTranscript(f"read {len(captions)} of the {len(timing_lines)} cues; "
                                  "the others are not valid WebVTT cues", path=path)
    cues = [Cue(start=c.start_time.in_milliseconds() / 1000, end=c.end_time.in_milliseconds() / 1000,
                raw_text=c.raw_text, line=line) for c, line in zip(captions, timing_lines, strict=True)]
    return cues_to_transcript(path, cues, meta)


def _validate(path: Path, lines: list[str]) -> list[int]:
    """Check the file's shape; return the line number of every cue's timing line, in order."""
    if not lines or not _HEADER.match(lines[0]):
        raise MalformedTranscript("line 1: a WebVTT file must start with a 'WEBVTT' line", path=path)
    timing_lines: list[int] = []
    for first, block in _blocks(lines):
        if not timing_lines and first == 1:
            continue  # the header block: WEBVTT and optional metadata lines (Kind:, Language:)
        if block[0].startswith(_NON_CUE_BLOCKS) and not any("-->" in b for b in block[:2]):
            continue
        at = 0 if "-->" in block[0] else 1 if len(block) > 1 and "-->" in block[1] else None
        if at is None:
            raise MalformedTranscript(
                f"line {first}: text outside any cue ({block[0][:40]!r}); a cue starts with a timing "
                f"line ({_TIMESTAMP_HELP}), and an empty line ends it", path=path)
        timing_lines.append(_check_timing(path, first + at, block[at]))
    if not timing_lines:
        raise MalformedTranscript("no cues found (a cue is a timing line such as "
                                  "'00:00:01.000 --> 00:00:04.000' followed by its text)", path=path)
    return timing_lines


def _check_timing(path: Path, line_no: int, line: str) -> int:
    m = _TIMING.match(line)
    if m is None:
        raise MalformedTranscript(f"line {line_no}: bad cue timing {line.strip()!r} ({_TIMESTAMP_HELP})",
                                  path=path)
    for stamp in m.groups():
        try:
            Timestamp.from_string(stamp)
        except MalformedCaptionError as exc:
            hint = " (WebVTT separates milliseconds with '.', not ',')" if "," in stamp else ""
            raise MalformedTranscript(f"line {line_no}: bad timestamp {stamp!r}{hint} ({_TIMESTAMP_HELP})",
                                      path=path) from exc
    return line_no


def _blocks(lines: list[str]) -> Iterator[tuple[int, list[str]]]:
    """(first line number, lines) of each block, split as webvtt-py splits them.

    A block ends at an empty line; a "-->" line that cannot be the current block's timing line
    (after its second line, or in the header) starts a new block."""
    block: list[str] = []
    first = 1
    in_header = True
    for no, line in enumerate(lines, start=1):
        starts_new = bool(block) and "-->" in line and (in_header or len(block) > 1 or "-->" in block[0])
        if (not line or starts_new) and block:
            yield first, block
            block = []
            in_header = False
        if line:
            if not block:
                first = no
            block.append(line)
    if block:
        yield first, block
