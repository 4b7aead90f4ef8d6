"""The ASGI application factory of ``callcoach serve``: each uvicorn worker process builds its own
app from the environment's settings, with the dispatcher the door chooses (Celery when a broker is
configured, else the in-process pipeline). ``uvicorn callcoach.cli.asgi:create_app --factory`` works
too."""

from __future__ import annotations

from fastapi import FastAPI


def create_app() -> FastAPI:
    from api.app import create_app as build
    from callcoach.settings import get_settings
    from workers.dispatch import dispatcher_for

    settings = get_settings()
    return build(settings, dispatcher_for(settings))
