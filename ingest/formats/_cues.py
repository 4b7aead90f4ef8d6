"""From subtitle cues (WebVTT, SRT) to speaker-attributed utterances.

Who said a cue, as a user of Zoom, Teams or a subtitle editor would read it:

- A voice tag ``<v Dana Reyes>`` names the speaker (Teams, Zoom's WebVTT; Teams' "(Guest)" or
  "(External)" after a name is dropped, so the name matches ``--meta``); so does a
  ``Name: text`` prefix at the start of a line (Zoom's transcript cues, SRT from most tools).
  A prefix counts as a name only where it looks like one (a few words, no sentence punctuation)
  and the file bears it out: it is a known participant (``--meta`` or a voice tag), it recurs,
  or most cues open with a capitalised name and this one is capitalised like a name too.
  So "Here's the thing: we lose deals" or "Note: ..." in a file of unnamed cues stays text.
  The known limit: one phrase (not a stock opener such as "Note" or "Question") opening two
  cues of an unnamed file, as in "Pricing: ...", is read as a name.
- A cue without a name continues the speaker before it: subtitle writers name a speaker only
  where the speaker changes. Cues before the first name, or in a file with no names at all,
  are said by ``UNKNOWN_SPEAKER``; the side of that speaker is then inferred downstream.
- One cue with several speakers (two voice tags, or two ``Name:`` lines) is split, its time
  shared out in proportion to each speaker's text.
- Consecutive cues by one speaker with at most ``MERGE_GAP_S`` between them are one utterance:
  captioners cut a turn into cues of two short lines, which is not a change of turn.
"""

from __future__ import annotations

import html
import logging
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from callcoach.domain import CallMeta, Transcript, Utterance
from callcoach.errors import MalformedTranscript
from ingest.schema import merge_meta, with_sides

log = logging.getLogger("callcoach.ingest")

UNKNOWN_SPEAKER = "Unknown speaker"
# Caption tools cut one turn into cues about 2-7 s long with gaps well under a second; a pause
# longer than this between two cues of one speaker is a new utterance, as the transcriber splits
# its own output at long pauses.
MERGE_GAP_S = 1.0
# A speaker label is a name or a role ("Dana Reyes", "Speaker 2", "Dr. Priya Shah (Acme)").
MAX_NAME_WORDS = 5
MAX_NAME_CHARS = 60
# Share of cues opening with a name-like prefix above which the file is written in "Name: text"
# style, so a prefix seen only once is a name too (a speaker who says one thing).
NAME_STYLE_SHARE = 0.5

_VOICE = re.compile(r"<v(?:\.[^\s>]+)*[ \t]+([^>]+)>")
_TAG = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # WebVTT/SRT markup tags and SSA overrides ({\an8})
# "Name: text" at the start of a line, optionally after the ">>" of broadcast captions.
_PREFIX = re.compile(rf"^\s*(?:>>\s*)?([^:<>\n]{{1,{MAX_NAME_CHARS}}}?)\s*:\s+(?=\S)")
# Lower-case words that belong inside names.
_NAME_PARTICLES = frozenset({"de", "da", "del", "della", "der", "den", "di", "du", "la", "le", "van", "von",
                             "bin", "bint", "al", "el", "dos", "das", "y"})
# Capitalised openers of a sentence that a caption writer puts before a colon.
_NOT_NAMES = frozenset({"note", "example", "update", "agenda", "question", "answer", "summary", "action",
                        "reminder", "warning", "important", "ps", "re", "fyi", "step", "tip", "so", "well",
                        "okay", "ok", "yes", "no", "and", "but", "the", "here's", "this", "that"})
# Teams marks people from outside the tenant after their name; the person is the same.
_TEAMS_SUFFIX = re.compile(r"\s*\((?:Guest|External|Unverified)\)$", re.IGNORECASE)
_NOT_IN_NAMES = re.compile(r"[?!;\"“”,\[\]{}]|\d{1,2}:\d{2}")


@dataclass(frozen=True, slots=True)
class Cue:
    """One subtitle cue as read from the file: times in seconds, raw text with its markup."""

    start: float
    end: float
    raw_text: str
    line: int | None = None  # line of the cue's timing in the file, for error messages


@dataclass(frozen=True, slots=True)
class _Part:
    speaker: str | None
    text: str


def cues_to_transcript(path: Path, cues: Sequence[Cue], meta: CallMeta | None,
                       file_meta: CallMeta | None = None) -> Transcript:
    """Attribute cues to speakers, merge each speaker's runs of cues, and build the transcript."""
    for cue in cues:
        if cue.end < cue.start:
            where = f"line {cue.line}: " if cue.line else ""
            raise MalformedTranscript(f"{where}cue ends ({_clock(cue.end)}) before it starts "
                                      f"({_clock(cue.start)})", path=path)
    call_meta = merge_meta(file_meta or CallMeta(), meta)
    ordered = sorted(cues, key=lambda c: c.start)  # stable: equal starts keep file order
    names = _accepted_prefixes(ordered, _known_names(call_meta, ordered))
    utterances = _merge(_attribute(ordered, names))
    if all(u.speaker == UNKNOWN_SPEAKER for u in utterances):
        log.warning("%s: no cue names its speaker; every utterance is %r", path, UNKNOWN_SPEAKER)
    return with_sides(path, call_meta, utterances)


def _known_names(meta: CallMeta, cues: Iterable[Cue]) -> set[str]:
    names = {p.name.casefold() for p in meta.participants}
    if meta.rep:
        names.add(meta.rep.casefold())
    for cue in cues:
        names.update(_speaker_name(m.group(1)).casefold() for m in _VOICE.finditer(cue.raw_text))
    return names


def _candidate(line: str) -> str | None:
    """The name-like prefix of a line ("Dana Reyes: ..."), or None."""
    m = _PREFIX.match(_TAG.sub("", line))
    if not m:
        return None
    name = _speaker_name(m.group(1))
    if not name or len(name.split()) > MAX_NAME_WORDS or _NOT_IN_NAMES.search(name):
        return None
    return name if name[0].isalpha() else None


def _accepted_prefixes(cues: Sequence[Cue], known: set[str]) -> set[str]:
    """Prefixes that the file shows to be speaker names (see the module docstring)."""
    counts: Counter[str] = Counter()
    opening = 0
    for cue in cues:
        lines = cue.raw_text.splitlines()
        found = [c for c in map(_candidate, lines) if c]
        counts.update(found)
        first = _candidate(lines[0]) if lines else None
        opening += bool(first and _proper_name(first))
    name_style = bool(cues) and opening / len(cues) >= NAME_STYLE_SHARE
    return {n for n, k in counts.items()
            if n.casefold() in known or (_plausible(n) and (k >= 2 or (name_style and _proper_name(n))))}


def _plausible(label: str) -> bool:
    """Not a sentence opener that caption writers put before a colon ("Note", "Question", "So")."""
    return not any(w.casefold() in _NOT_NAMES for w in label.split())


def _proper_name(label: str) -> bool:
    """Capitalised like a name or a role label ("Priya Shah", "Speaker 2", "Ludwig van Beethoven")."""
    return _plausible(label) and all(w[0].isupper() or w[0].isdigit() or w in _NAME_PARTICLES
                                     for w in label.split())


def _parts(raw_text: str, names: set[str]) -> list[_Part]:
    """Split one cue's text at voice tags and accepted "Name:" lines."""
    parts: list[_Part] = []
    speaker: str | None = None
    buf: list[str] = []

    def flush() -> None:
        text = _clean(" ".join(buf))
        if text:
            parts.append(_Part(speaker, text))
        buf.clear()

    for line in raw_text.splitlines():
        pieces = _VOICE.split(line)  # [text, name, text, name, text, ...]
        for i, piece in enumerate(pieces):
            if i % 2 == 1:
                flush()
                speaker = _speaker_name(piece)
                continue
            name = _candidate(piece) if i == 0 else None  # a "Name:" counts only at a line's start
            if name is not None and name in names:
                flush()
                speaker = name
                m = _PREFIX.match(_TAG.sub("", piece))
                piece = _TAG.sub("", piece)[m.end():] if m else piece
            buf.append(piece)
    flush()
    return parts


def _attribute(cues: Sequence[Cue], names: set[str]) -> list[Utterance]:
    out: list[Utterance] = []
    current = UNKNOWN_SPEAKER
    for cue in cues:
        parts = _parts(cue.raw_text, names)
        total = sum(len(p.text) for p in parts)
        t = cue.start
        for p in parts:
            current = p.speaker or current
            share = (cue.end - cue.start) * len(p.text) / total
            out.append(Utterance(speaker=current, start=round(t, 3), end=round(t + share, 3), text=p.text))
            t += share
    return out


def _merge(utterances: Sequence[Utterance]) -> list[Utterance]:
    merged: list[Utterance] = []
    for u in utterances:
        prev = merged[-1] if merged else None
        if prev and prev.speaker == u.speaker and u.start - prev.end <= MERGE_GAP_S:
            merged[-1] = Utterance(speaker=prev.speaker, start=prev.start, end=max(prev.end, u.end),
                                   text=f"{prev.text} {u.text}")
        else:
            merged.append(u)
    return merged


def _speaker_name(label: str) -> str:
    return _TEAMS_SUFFIX.sub("", _clean(label))


def _clean(text: str) -> str:
    """Cue text as a reader sees it: no markup, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _clock(seconds: float) -> str:
    ms = int(round(seconds * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}.{ms:03d}"
