"""Browser sessions: an API key exchanged for a session token, looked up on every page.

The cookie carries a random token (256 bits); the database keeps its sha256, the key it speaks
for, a CSRF token for the forms of that session, and an expiry. Signing out deletes the row; a
revoked key ends its sessions at once, because every lookup joins the key and checks it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from callcoach.services.access import ApiKey, verify_key
from callcoach.storage import Session
from callcoach.storage import web as web_store
from callcoach.storage.models import utcnow

# A working day: a laptop left signed in overnight is signed out by the morning.
SESSION_TTL = timedelta(hours=8)
# 32 random bytes, as for API keys: nothing to guess.
TOKEN_BYTES = 32


@dataclass(frozen=True, slots=True)
class WebSession:
    """A signed-in browser: whose key it holds, its CSRF token, when it ends."""

    key: ApiKey
    csrf: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def sign_in(session: Session, api_key: str, *, now: datetime | None = None) -> tuple[str, WebSession] | None:
    """Exchange a valid API key for (session token, session); None for a wrong or revoked key."""
    key = verify_key(session, api_key.strip())
    if key is None:
        return None
    now = now or utcnow()
    web_store.delete_expired_sessions(session, now=now)
    token = secrets.token_urlsafe(TOKEN_BYTES)
    csrf, expires_at = secrets.token_urlsafe(TOKEN_BYTES), now + SESSION_TTL
    web_store.add_web_session(
        session, token_hash=_digest(token), key_id=key.id, csrf=csrf, created_at=now, expires_at=expires_at
    )
    return token, WebSession(key, csrf, expires_at)


def current(session: Session, token: str | None, *, now: datetime | None = None) -> WebSession | None:
    """The live session of `token`: unexpired, its key not revoked; None otherwise."""
    if not token or len(token) > 200:
        return None
    web = web_store.web_session(session, token_hash=_digest(token))
    if web is None or web.key_revoked or web.expires_at <= (now or utcnow()):
        return None
    return WebSession(web.key, web.csrf, web.expires_at)


def sign_out(session: Session, token: str | None) -> None:
    if token:
        web_store.delete_web_session(session, token_hash=_digest(token))
