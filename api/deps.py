"""Request dependencies: settings, a database session, the caller's API key, role checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from callcoach.services.access import ApiKey, Role, verify_key
from callcoach.services.dispatch import Dispatcher
from callcoach.settings import Settings
from callcoach.storage import session_scope

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="ApiKey",
    description="An API key from `callcoach keys create`, sent as `Authorization: Bearer <key>`.",
)


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_dispatcher(request: Request) -> Dispatcher:
    dispatcher: Dispatcher = request.app.state.dispatcher
    return dispatcher


DispatcherDep = Annotated[Dispatcher, Depends(get_dispatcher)]


def get_db(settings: SettingsDep) -> Iterator[Session]:
    with session_scope(settings) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_db)]


def get_current_key(
    settings: SettingsDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> ApiKey:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "missing API key: send 'Authorization: Bearer <key>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    # A session of its own, closed at once: an upload streams for minutes and must not hold a
    # pooled connection meanwhile (200 concurrent uploads would drain the pool).
    with session_scope(settings) as session:
        key = verify_key(session, credentials.credentials)
    if key is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "invalid or revoked API key", headers={"WWW-Authenticate": "Bearer"}
        )
    return key


CurrentKey = Annotated[ApiKey, Depends(get_current_key)]


def require_role(*roles: Role) -> Callable[[ApiKey], ApiKey]:
    """A dependency that lets only keys of `roles` through (403 for the others)."""

    def check(key: CurrentKey) -> ApiKey:
        if key.role not in roles:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                f"{'an' if key.role[:1] in 'aeiou' else 'a'} {key.role} key may not do this; "
                f"it needs one of: {', '.join(roles)}",
            )
        return key

    return check
