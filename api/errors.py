"""Errors become JSON bodies: ``{"detail": "..."}`` with the status a client can act on."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from callcoach.errors import (
    CallcoachError,
    Conflict,
    EmptyInput,
    Forbidden,
    InputError,
    NotFound,
    StorageError,
    UnsupportedAudio,
    UnsupportedInput,
)

log = logging.getLogger("callcoach.api")

# Most specific first: the first class an error is an instance of gives the status.
_STATUS: tuple[tuple[type[CallcoachError], int], ...] = (
    (Conflict, 409),
    (Forbidden, 403),
    (UnsupportedInput, 415),
    (UnsupportedAudio, 415),
    (EmptyInput, 422),
    (InputError, 422),
    (NotFound, 404),
    (StorageError, 503),
)


def status_for(exc: CallcoachError) -> int:
    from api.uploads import UploadTooLarge

    if isinstance(exc, UploadTooLarge):
        return 413
    for cls, code in _STATUS:
        if isinstance(exc, cls):
            return code
    return 500


def validation_detail(errors: Sequence[Any]) -> str:
    """FastAPI's validation error list as the one line ErrorPublic promises:
    "query.limit: Input should be less than or equal to 200; ..." """
    parts = []
    for e in errors:
        loc = ".".join(str(x) for x in (e.get("loc") or ()) if x != "body") if isinstance(e, dict) else ""
        msg = e.get("msg", str(e)) if isinstance(e, dict) else str(e)
        parts.append(f"{loc}: {msg}" if loc else str(msg))
    return "; ".join(parts) or "invalid request"


def install(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        # The docs and the OpenAPI ErrorPublic schema say `detail` is a string, for 422 too.
        return JSONResponse({"detail": validation_detail(exc.errors())}, status_code=422)

    @app.exception_handler(CallcoachError)
    async def _callcoach_error(request: Request, exc: CallcoachError) -> JSONResponse:
        code = status_for(exc)
        if code >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": str(exc)}, status_code=code)
