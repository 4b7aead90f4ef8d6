"""Tables of the web pages: browser sessions, practice marks, role-play assignments and alert
acknowledgements.

- ``web_sessions``: a signed-in browser. The cookie holds a random token; only its sha256 is
  stored (like API keys), with the key it was exchanged for, its CSRF token and its expiry. A
  revoked key ends its sessions at the next request (the lookup joins ``api_keys``).
- ``prompt_practice``: a rep marked a coaching prompt of a call (call id + rule) as practised.
- ``roleplay_assignments``: enablement or a manager assigned a role-play scenario to a rep; the
  scenario is stored as shown (ids are not stable across runs of the clustering).
- ``alert_acknowledgements``: a manager saw an alert (it stays open until resolved).

Schema changes go through ``migrations/versions/0007_web.py``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

# The tables this module's foreign keys name (api_keys, coaching_alerts) are on the metadata.
from callcoach.storage import access_models, coaching_models  # noqa: F401
from callcoach.storage.models import ID_LEN, NAME_LEN, Base, JSONDoc, utcnow

# sha256 hex digest.
TOKEN_HASH_LEN = 64
# token_urlsafe(32) is 43 characters.
CSRF_LEN = 64
# Coaching rule ids ("discovery-depth") and metric names are short registry names.
RULE_LEN = 64


class WebSessionRow(Base):
    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_hash: Mapped[str] = mapped_column(String(TOKEN_HASH_LEN), unique=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    csrf: Mapped[str] = mapped_column(String(CSRF_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class PromptPracticeRow(Base):
    __tablename__ = "prompt_practice"
    __table_args__ = (Index("uq_prompt_practice_call_rule", "call_id", "rule", unique=True),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(ID_LEN), index=True)
    rule: Mapped[str] = mapped_column(String(RULE_LEN))
    rep: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)
    practiced_at: Mapped[datetime] = mapped_column(default=utcnow)


class RoleplayAssignmentRow(Base):
    __tablename__ = "roleplay_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rep: Mapped[str] = mapped_column(String(NAME_LEN), index=True)
    scenario_name: Mapped[str] = mapped_column(Text)
    scenario: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    assigned_by: Mapped[int | None] = mapped_column(Integer)  # api_keys.id
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertAcknowledgementRow(Base):
    __tablename__ = "alert_acknowledgements"

    alert_id: Mapped[int] = mapped_column(
        ForeignKey("coaching_alerts.id", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[int | None] = mapped_column(Integer)
    acknowledged_at: Mapped[datetime] = mapped_column(default=utcnow)
