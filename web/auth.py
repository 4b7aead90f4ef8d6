"""Who is looking: the session cookie read on every page, CSRF checks on every form, role gates.

A page that needs a signed-in browser takes :data:`ViewerDep`; without a live session the browser
is sent to the sign-in form (and back afterwards). Forms carry the session's CSRF token in a
field named ``csrf_token``; a POST without the right one is refused (403).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, Form, HTTPException, Request, status

from callcoach.services import web_sessions
from callcoach.services.access import ApiKey, Role
from callcoach.settings import Settings
from callcoach.storage import Session, session_scope

SESSION_COOKIE = "cc_session"
# The sign-in form has no session yet: its CSRF token is a cookie the form repeats (double submit).
SIGNIN_CSRF_COOKIE = "cc_signin_csrf"
# Where each role lands after signing in.
HOME: dict[str, str] = {"rep": "/calls", "manager": "/team", "enablement": "/roleplays", "admin": "/admin"}


@dataclass(frozen=True, slots=True)
class Viewer:
    """A signed-in browser: its key (role, rep, team) and the CSRF token its forms carry."""

    key: ApiKey
    csrf: str

    @property
    def role(self) -> Role:
        return self.key.role

    @property
    def name(self) -> str:
        return self.key.rep or (f"{self.key.role} of {self.key.team}" if self.key.team else self.key.role)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_db(settings: SettingsDep) -> Iterator[Session]:
    with session_scope(settings) as session:
        yield session


DbDep = Annotated[Session, Depends(get_db)]


def _sign_in_first(request: Request) -> HTTPException:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return HTTPException(status.HTTP_303_SEE_OTHER, headers={"Location": f"/?next={quote(target, safe='')}"})


def get_viewer(request: Request, settings: SettingsDep) -> Viewer:
    with session_scope(settings) as session:
        live = web_sessions.current(session, request.cookies.get(SESSION_COOKIE))
    if live is None:
        raise _sign_in_first(request)
    return Viewer(live.key, live.csrf)


ViewerDep = Annotated[Viewer, Depends(get_viewer)]


def check_csrf(viewer: ViewerDep, csrf_token: Annotated[str, Form()] = "") -> Viewer:
    """The viewer, once the form's CSRF token matched the session's."""
    if not hmac.compare_digest(csrf_token.encode(), viewer.csrf.encode()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "the form's CSRF token is missing or stale: reload the page"
        )
    return viewer


FormViewerDep = Annotated[Viewer, Depends(check_csrf)]


def require(*roles: Role) -> Callable[[Viewer], Viewer]:
    """A dependency that lets only `roles` through (403 for the others)."""

    def check(viewer: ViewerDep) -> Viewer:
        if viewer.role not in roles:
            raise HTTPException(status.HTTP_403_FORBIDDEN, f"this page is for {', '.join(roles)} keys")
        return viewer

    return check


def safe_next(target: str | None, default: str) -> str:
    """A local path to return to after signing in; anything else (another host) goes home."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default
