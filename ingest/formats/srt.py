"""SRT (SubRip) transcripts with ``Name:`` prefixes naming the speaker.

The `srt` library reads the cues (``hh:mm:ss,mmm``; it also takes ``.`` before the milliseconds,
as some tools write). Where it cannot, its error gives the offset of the unreadable text, which
we turn into a line number. Speakers and merging follow :mod:`ingest.formats._cues`.
"""

from __future__ import annotations

import re
from pathlib import Path

import srt

from callcoach.domain import CallMeta, Transcript
from callcoach.errors import MalformedTranscript
from ingest.formats import register
from ingest.formats._cues import Cue, cues_to_transcript

_TIMING_LINE = re.compile(r"^[ \t]*\S+[ \t]*-->[ \t]*\S+", re.MULTILINE)
_EXAMPLE = "'1', then '00:00:01,000 --> 00:00:04,000', then the text"


@register(".srt")
def import_srt(path: Path, text: str, meta: CallMeta | None) -> Transcript:
    if "-->" not in text:
        raise MalformedTranscript(f"no cues found (an SRT cue is {_EXAMPLE})", path=path)
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        raise MalformedTranscript(_parse_error(text, exc), path=path) from exc
    except ValueError as exc:  # a timestamp that matched the pattern but is not a time
        raise MalformedTranscript(f"bad timestamp ({exc})", path=path) from exc
    timing_lines: list[int | None] = [text.count("\n", 0, m.start()) + 1 for m in _TIMING_LINE.finditer(text)]
    if len(timing_lines) != len(subtitles):
        timing_lines = [None] * len(subtitles)  # a "-->" inside a cue's text; no line numbers then
    cues = [Cue(start=s.start.total_seconds(), end=s.end.total_seconds(), raw_text=s.content, line=line)
            for s, line in zip(subtitles, timing_lines, strict=True)]
    return cues_to_transcript(path, cues, meta)


def _parse_error(text: str, exc: srt.SRTParseError) -> str:
    """Where the unreadable text starts, as 'line N: ...'."""
    unmatched: str = exc.unmatched_content
    skipped = len(unmatched) - len(unmatched.lstrip())
    line = text.count("\n", 0, exc.expected_start + skipped) + 1
    snippet = unmatched.strip().splitlines()[0][:60] if unmatched.strip() else ""
    return f"line {line}: cannot read {snippet!r} as an SRT cue (expected {_EXAMPLE})"
