"""Errors become JSON bodies: ``{"detail": "..."}`` with the status a client can act on."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
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


def install(app: FastAPI) -> None:
    @app.exception_handler(CallcoachError)
    async def _callcoach_error(request: Request, exc: CallcoachError) -> JSONResponse:
        code = status_for(exc)
        if code >= 500:
            log.error("%s %s: %s", request.method, request.url.path, exc)
        return JSONResponse({"detail": str(exc)}, status_code=code)
