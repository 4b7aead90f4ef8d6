"""Stream a multipart upload (``file`` + ``meta``) to disk with a size limit.

Starlette's form parser spools the whole body before a route runs; here the file part goes
straight to its final directory chunk by chunk, and the request stops at the limit (413), with
the partial file removed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header
from starlette.requests import Request

from callcoach.errors import InputError, MalformedMetadata, UnsupportedInput

UPLOAD_FILE_MODE = 0o600
# The meta field is a small JSON object; anything bigger is a client error, not metadata.
META_MAX_BYTES = 1024 * 1024
# Upload filenames keep only their suffix (the stored name is fixed); longer suffixes are not formats.
SUFFIX_MAX_LEN = 10


class UploadTooLarge(InputError):
    """The upload exceeds settings.upload_max_bytes."""


@dataclass
class Upload:
    """A parsed upload: the file written to `path`, and the meta object."""

    path: Path | None = None
    filename: str | None = None
    size: int = 0
    meta: dict[str, Any] = field(default_factory=dict)


def _suffix(filename: str) -> str:
    suffix = Path(filename).suffix.lower()
    if not suffix or len(suffix) > SUFFIX_MAX_LEN or not suffix[1:].isalnum():
        raise UnsupportedInput(
            f"upload {filename!r}: the file name needs a known suffix (.wav, .mp3, .json, .vtt, ...)"
        )
    return suffix


async def receive_upload(request: Request, directory: Path, *, max_bytes: int) -> Upload:
    """Parse the request body into `directory` (the caller removes it on any error)."""
    content_type = request.headers.get("content-type", "")
    ctype, params = parse_options_header(content_type)
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise InputError("expected a multipart/form-data body with a 'file' part and a 'meta' part")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes + META_MAX_BYTES:
        raise UploadTooLarge(f"upload is {int(declared)} bytes; the limit is {max_bytes} bytes")

    upload = Upload()
    state: dict[str, Any] = {
        "name": None,
        "filename": None,
        "headers": {},
        "field": b"",
        "value": b"",
        "chunks": [],
        "meta": bytearray(),
        "fh": None,
    }

    def on_part_begin() -> None:
        state.update(name=None, filename=None, headers={}, field=b"", value=b"")

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"], state["value"] = b"", b""

    def on_headers_finished() -> None:
        _, opts = parse_options_header(state["headers"].get(b"content-disposition", b""))
        state["name"] = opts.get(b"name", b"").decode("utf-8", "replace")
        filename = opts.get(b"filename")
        if state["name"] == "file":
            if upload.path is not None:
                raise InputError("only one 'file' part is accepted")
            name = filename.decode("utf-8", "replace") if filename else ""
            upload.filename = name
            upload.path = directory / f"input{_suffix(name)}"
            # Owner-only from the first byte: an upload is a customer conversation.
            fd = os.open(upload.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, UPLOAD_FILE_MODE)
            state["fh"] = os.fdopen(fd, "wb")  # closed in on_part_end / finally

    def on_part_data(data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if state["name"] == "file":
            upload.size += len(chunk)
            if upload.size > max_bytes:
                raise UploadTooLarge(f"upload exceeds the limit of {max_bytes} bytes")
            state["chunks"].append(chunk)
        elif state["name"] == "meta":
            state["meta"] += chunk
            if len(state["meta"]) > META_MAX_BYTES:
                raise MalformedMetadata(f"meta exceeds {META_MAX_BYTES} bytes")

    def on_part_end() -> None:
        if state["name"] == "file" and state["fh"] is not None:
            state["fh"].write(b"".join(state["chunks"]))
            state["chunks"].clear()
            state["fh"].close()
            state["fh"] = None

    parser = MultipartParser(
        params[b"boundary"],
        {
            "on_part_begin": on_part_begin,
            "on_header_field": on_header_field,
            "on_header_value": on_header_value,
            "on_header_end": on_header_end,
            "on_headers_finished": on_headers_finished,
            "on_part_data": on_part_data,
            "on_part_end": on_part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
            if state["chunks"] and state["fh"] is not None:
                # Disk writes leave the event loop; the chunk list is emptied before the next read.
                data = b"".join(state["chunks"])
                state["chunks"].clear()
                await anyio.to_thread.run_sync(state["fh"].write, data)
        parser.finalize()
    except FormParserError as exc:
        raise InputError(f"the multipart body does not parse: {exc}") from exc
    finally:
        if state["fh"] is not None:
            state["fh"].close()
    if upload.path is None:
        raise InputError("the upload has no 'file' part")
    if upload.size == 0:
        raise InputError(f"upload {upload.filename!r} is empty")
    upload.meta = _parse_meta(bytes(state["meta"]))
    return upload


def _parse_meta(raw: bytes) -> dict[str, Any]:
    if not raw.strip():
        return {}
    try:
        meta = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MalformedMetadata(f"meta is not valid JSON: {exc}") from exc
    if not isinstance(meta, dict):
        raise MalformedMetadata("meta must be a JSON object")
    return meta
