"""Errors of the pages as pages: a browser that opens a call it may not see, another role's page,
or an address that does not exist gets an HTML page with the status and one line it can act on,
not the API's JSON body. Requests to the API (``/v1``, ``/healthz``, ``/metrics``,
``/openapi.json``) and to static files keep the handlers installed before (``api.errors``: JSON).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from callcoach.errors import CallcoachError
from web.render import page

# Paths that are not pages: their errors stay JSON (or Starlette's plain text for static files).
NOT_PAGES = ("/v1/", "/healthz", "/metrics", "/openapi.json", "/static/")
# Headings of the error page by status; any other status shows its number.
TITLES: dict[int, str] = {
    400: "Bad request",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed here",
    409: "Conflict",
    422: "Check the address",
    503: "Try again shortly",
}
# What a reader can do next, by status (the detail line says what went wrong).
HINTS: dict[int, str] = {
    403: "This page is not open to your key. Your start page has what you can see.",
    404: "It may have been removed, or belongs to another team.",
    503: "The database did not answer. Reload the page in a minute.",
}

Handler = Callable[[Request, Exception], Awaitable[Response] | Response]


def is_page_request(request: Request) -> bool:
    """Whether `request` is for a page of the web app rather than the API or a static file."""
    path = request.url.path
    return path != "/v1" and not path.startswith(NOT_PAGES)


def error_page(request: Request, status_code: int, detail: str) -> Response:
    """The error page: the status, a heading, the one-line detail, and a way back."""
    return page(
        request,
        "error.html",
        {
            "viewer": None,
            "status": status_code,
            "title": TITLES.get(status_code, f"Error {status_code}"),
            "detail": detail,
            "hint": HINTS.get(status_code),
        },
        status_code=status_code,
    )


def _detail(exc: Exception) -> str:
    if isinstance(exc, StarletteHTTPException):
        return str(exc.detail)
    if isinstance(exc, RequestValidationError):
        # The parameter names of a page's address, not the API's validation list.
        fields = sorted({str(e["loc"][-1]) for e in exc.errors() if e.get("loc")})
        return (
            f"These parts of the address are not valid: {', '.join(fields)}."
            if fields
            else "Invalid request."
        )
    return str(exc)


def _wrap(fallback: Handler) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        answer = fallback(request, exc)
        response = await answer if isinstance(answer, Awaitable) else answer
        if response.status_code < 400 or not is_page_request(request):
            return response  # a redirect (sign in first), or an API / static request
        return error_page(request, response.status_code, _detail(exc))

    return handle


def install(app: FastAPI) -> None:
    """Answer a page request's error with a page, with the status the handler installed before
    (the API's mapping of errors to statuses) gives it; other requests keep that handler's answer.
    Call after the API's handlers are installed."""
    for cls in (StarletteHTTPException, RequestValidationError, CallcoachError):
        fallback = app.exception_handlers.get(cls)
        if fallback is None:
            raise RuntimeError(f"install the API's handler for {cls.__name__} before the pages' one")
        app.add_exception_handler(cls, _wrap(fallback))
