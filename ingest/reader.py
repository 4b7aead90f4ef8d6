"""Dispatch a path to the right reader: transcript importers by suffix, everything else as audio."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

from pydantic import ValidationError

from callcoach.domain import AudioInput, CallMeta, Transcript
from callcoach.errors import EmptyInput, InputError, MalformedMetadata, UnsupportedInput
from callcoach.settings import Settings, get_settings
from ingest.formats import importer_for, transcript_suffixes
from ingest.schema import MetaIn, first_error

AUDIO_SUFFIXES = frozenset({".wav", ".mp3", ".m4a", ".flac", ".ogg", ".oga", ".opus", ".mp4", ".webm",
                            ".aac", ".wma", ".mkv", ".mov"})


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=path) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", path=path) from exc
    if not data.strip():
        raise EmptyInput("file is empty" if not data else "file is blank (only whitespace)", path=path)
    # Windows tools (older Teams and Stream exports) may write UTF-16 with a byte-order mark.
    encoding = "utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"not a text file (not valid {encoding.upper().removesuffix('-SIG')} at byte "
                         f"{exc.start})", path=path) from exc


def read_meta(path: Path) -> CallMeta:
    """Parse a --meta JSON file (CONTRACT section 1 without utterances)."""
    try:
        raw = json.loads(_read_text(path))
    except json.JSONDecodeError as exc:
        raise MalformedMetadata(f"not valid JSON (line {exc.lineno}: {exc.msg})", path=path) from exc
    except EmptyInput as exc:
        raise MalformedMetadata("file is empty", path=path) from exc
    if not isinstance(raw, dict):
        raise MalformedMetadata("expected a JSON object", path=path)
    try:
        return MetaIn.model_validate(raw).to_meta()
    except ValidationError as exc:
        raise MalformedMetadata(first_error(exc), path=path) from exc


def read_input(path: Path, *, meta: CallMeta | None = None,
               settings: Settings | None = None) -> Transcript | AudioInput:
    """Read `path` as a transcript (by suffix) or decode it as audio; raise InputError on bad input."""
    settings = settings or get_settings()
    path = Path(path)
    if not path.exists():
        raise InputError("file not found", path=path)
    if path.is_dir():
        raise InputError("is a directory, not a file", path=path)
    importer = importer_for(path.suffix)
    if importer is not None:
        return importer(path, _read_text(path), meta)
    if path.suffix.lower() in AUDIO_SUFFIXES:
        from ingest.audio import decode_audio

        return decode_audio(path, settings=settings)
    raise UnsupportedInput(
        f"unsupported file type {path.suffix or '(no extension)'!r}; expected a recording "
        f"({', '.join(sorted(AUDIO_SUFFIXES))}) or a transcript "
        f"({', '.join(sorted(transcript_suffixes()))})", path=path)
