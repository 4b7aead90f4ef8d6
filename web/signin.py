"""GET / (the sign-in form), POST / (exchange an API key for a session cookie), POST /signout."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request, status
from fastapi.responses import RedirectResponse, Response

from callcoach.services import web_sessions
from web.auth import HOME, SESSION_COOKIE, SIGNIN_CSRF_COOKIE, DbDep, FormViewerDep, SettingsDep, safe_next
from web.render import page

router = APIRouter()

WRONG_KEY = "That key was not accepted: it is wrong, revoked or expired. Check it and try again."
# The sign-in form's CSRF cookie lives as long as someone might leave the form open.
SIGNIN_FORM_TTL_S = 3600


def _form(request: Request, *, error: str | None, next_: str | None, status_code: int = 200) -> Response:
    token = request.cookies.get(SIGNIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = page(
        request,
        "signin.html",
        {"error": error, "next": next_ or "", "csrf": token, "viewer": None},
        status_code=status_code,
    )
    response.set_cookie(
        SIGNIN_CSRF_COOKIE,
        token,
        max_age=SIGNIN_FORM_TTL_S,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/")
def signin_form(request: Request, settings: SettingsDep, next: str | None = None) -> Response:  # noqa: A002
    from callcoach.storage import session_scope

    with session_scope(settings) as session:
        live = web_sessions.current(session, request.cookies.get(SESSION_COOKIE))
    if live is not None:
        return RedirectResponse(safe_next(next, HOME[live.key.role]), status.HTTP_303_SEE_OTHER)
    return _form(request, error=None, next_=next)


@router.post("/")
def signin(
    request: Request,
    db: DbDep,
    key: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",  # noqa: A002
) -> Response:
    expected = request.cookies.get(SIGNIN_CSRF_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf_token.encode()):
        return _form(
            request, error="The form had expired. Please sign in again.", next_=next, status_code=403
        )
    signed = web_sessions.sign_in(db, key)
    if signed is None:
        return _form(request, error=WRONG_KEY, next_=next, status_code=status.HTTP_401_UNAUTHORIZED)
    token, live = signed
    response = RedirectResponse(safe_next(next, HOME[live.key.role]), status.HTTP_303_SEE_OTHER)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(web_sessions.SESSION_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        # Secure whenever the browser came over https (uvicorn reads X-Forwarded-Proto from a proxy).
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(SIGNIN_CSRF_COOKIE)
    return response


@router.post("/signout")
def signout(request: Request, db: DbDep, viewer: FormViewerDep) -> Response:
    web_sessions.sign_out(db, request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/", status.HTTP_303_SEE_OTHER)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
