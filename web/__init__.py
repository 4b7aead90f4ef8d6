"""The web app: server-rendered pages for reps, managers, enablement and admins, served by the
API's own process (``create_app`` includes :data:`router` and mounts :func:`static_files`).

Pages are another door: each calls the same services as its JSON route (``callcoach.services``:
access for scoping, jobs for calls, coaching for alerts, plans and role-plays) and renders a
Jinja2 template. A browser signs in by exchanging an API key for a session cookie
(``callcoach.services.web_sessions``). Every asset is served from ``web/static``: vendored
libraries are copied there from npm packages by ``make web-assets``; nothing loads from
another origin. A page request's error (403, 404, ...) is a page too (:mod:`web.errors`); the
API keeps its JSON errors.
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from fastapi.staticfiles import StaticFiles

from web import admin, calls, docs, errors, roleplays, signin, team
from web.render import STATIC_DIR

router = APIRouter(include_in_schema=False)
for _module in (signin, calls, team, roleplays, admin, docs):
    router.include_router(_module.router)


def static_files() -> StaticFiles:
    """The app's CSS, JS and vendored libraries, mounted at ``/static``."""
    return StaticFiles(directory=STATIC_DIR)


def install_error_pages(app: FastAPI) -> None:
    """Errors of page requests as HTML pages (after the API's JSON handlers are installed)."""
    errors.install(app)


__all__ = ["install_error_pages", "router", "static_files"]
