"""The access log without personal data: query values (``?rep=Dana%20Reyes``) and the rep name in
``/v1/reps/{rep}/...`` are replaced before uvicorn writes the line. The path and parameter names
stay, which is what an operator needs to read traffic."""

from __future__ import annotations

import copy
import logging
import re
from typing import Any
from urllib.parse import parse_qsl

# Paths whose segment after the prefix is a person's name.
_NAMED_PATH = re.compile(r"^(/v1/reps/)[^/?]+")
REDACTED = "-"


def scrub_path(full_path: str) -> str:
    """`/v1/calls?rep=Dana&limit=5` -> `/v1/calls?rep=-&limit=-`; `/v1/reps/Dana/coaching` ->
    `/v1/reps/-/coaching`."""
    path, sep, query = full_path.partition("?")
    path = _NAMED_PATH.sub(rf"\g<1>{REDACTED}", path)
    if not sep:
        return path
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return f"{path}?{'&'.join(f'{n}={REDACTED}' for n in names)}" if names else path


class AccessLogScrubber(logging.Filter):
    """For uvicorn's access logger: its args are (client, method, path, http version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], scrub_path(args[2]), *args[3:])
        return True


def access_log_config() -> dict[str, Any]:
    """uvicorn's default logging configuration with the scrubber on the access log."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["scrub"] = {"()": AccessLogScrubber}
    config["handlers"]["access"].setdefault("filters", []).append("scrub")
    return config
