"""Ingest: read a recording or a transcript file, and its metadata, validating before any work.

Entry points: :func:`read_input` (a path -> ``Transcript`` or decoded ``AudioInput``) and
:func:`read_meta` (a ``--meta`` JSON file -> ``CallMeta``); the transcriber decodes recordings
with :func:`ingest.audio.decode_audio` (16 kHz float32, one row per channel, at most two).

- Recordings (``ingest.audio``): wav, mp3, m4a, flac, ogg, and the audio track of mp4/webm.
- Transcripts (``ingest.formats``, one importer per suffix): the CONTRACT JSON, WebVTT with
  ``<v Name>`` voice tags or ``Name: text`` cues (Zoom, Teams), SRT with ``Name:`` prefixes.
  Cues with no name continue the previous speaker; before any name they are "Unknown speaker"
  (rules in ``ingest.formats._cues``).
- Metadata: ``--meta`` fields win over the transcript file's own, participant by participant.

Every refusal is a ``callcoach.errors.InputError`` leaf whose message starts with the path.
"""

from __future__ import annotations

import importlib
import pkgutil

from ingest import formats
from ingest.reader import read_input, read_meta

for _mod in pkgutil.iter_modules(formats.__path__):
    importlib.import_module(f"{formats.__name__}.{_mod.name}")

__all__ = ["read_input", "read_meta"]
