"""The CONTRACT section 1 JSON transcript."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from callcoach.domain import CallMeta, Transcript, Utterance
from callcoach.errors import MalformedTranscript
from ingest.formats import register
from ingest.schema import TranscriptFile, first_error, merge_meta, with_sides


@register(".json")
def import_json(path: Path, text: str, meta: CallMeta | None) -> Transcript:
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedTranscript(f"not valid JSON (line {exc.lineno}: {exc.msg})", path=path) from exc
    try:
        doc = TranscriptFile.model_validate(raw)
    except ValidationError as exc:
        raise MalformedTranscript(first_error(exc), path=path) from exc
    call_meta = merge_meta(doc.to_meta(), meta)
    utterances = [Utterance(speaker=u.speaker, start=u.start, end=u.end, text=u.text.strip())
                  for u in doc.utterances]
    return with_sides(path, call_meta, utterances)
