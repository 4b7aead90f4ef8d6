"""Tables of the HTTP edge and the workers: API keys, the team roster, who owns each call, and the
claim a worker holds on a call's stage.

- ``api_keys``: one row per key, the key itself never stored, only its sha256 (``callcoach.services.access``).
- ``team_members``: the roster, rep name -> team. A manager sees the calls of their team.
- ``call_access``: the rep and team a call belongs to, fixed when it is submitted (and completed
  from the transcript's ``rep`` once it is read): the scope check for every read of a call.
- ``job_leases``: the stage a worker has claimed for a call, until when (renewed by a heartbeat),
  and when the stage's task was last sent. Kept beside ``jobs`` (owned by the core tables) so a
  claim is one conditional UPDATE of one row.
- ``worker_marks``: named timestamps shared by all workers (when the last coaching refresh
  started, so a call already covered by it does not start another).

Schema changes go through ``migrations/versions/0003_access.py``, ``0004_call_deal.py`` and
``0008_team_indexes.py``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from callcoach.storage.models import ID_LEN, NAME_LEN, Base, utcnow

ROLES: tuple[str, ...] = ("rep", "manager", "enablement", "admin")
# sha256 hex digest length.
KEY_HASH_LEN = 64
# The public prefix of a key ("cc_" + 8 chars) shown in listings so an admin can tell keys apart.
KEY_PREFIX_LEN = 11
TEAM_LEN = 200


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="ck_api_keys_role"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(KEY_HASH_LEN), unique=True)
    prefix: Mapped[str] = mapped_column(String(KEY_PREFIX_LEN))
    role: Mapped[str] = mapped_column(String(20))
    rep: Mapped[str | None] = mapped_column(String(NAME_LEN))
    team: Mapped[str | None] = mapped_column(String(TEAM_LEN))
    label: Mapped[str | None] = mapped_column(String(NAME_LEN))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class TeamMemberRow(Base):
    __tablename__ = "team_members"

    rep: Mapped[str] = mapped_column(String(NAME_LEN), primary_key=True)
    team: Mapped[str] = mapped_column(String(TEAM_LEN), index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CallAccessRow(Base):
    __tablename__ = "call_access"
    __table_args__ = (
        # A team's deals, and whether a deal has a call of another team, from the index alone (0008).
        Index("ix_call_access_team_deal", "team", "deal_id"),
        Index("ix_call_access_deal_team", "deal_id", "team"),
    )

    call_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    rep: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)
    team: Mapped[str | None] = mapped_column(String(TEAM_LEN), index=True)
    # The deal the submission named (or its transcript did): a deal id belongs to one team.
    deal_id: Mapped[str | None] = mapped_column(String(ID_LEN), index=True)
    submitted_by: Mapped[int | None] = mapped_column(Integer)  # api_keys.id; None from the CLI
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobLeaseRow(Base):
    __tablename__ = "job_leases"

    call_id: Mapped[str] = mapped_column(String(ID_LEN), primary_key=True)
    stage: Mapped[str | None] = mapped_column(String(20))
    token: Mapped[str | None] = mapped_column(String(40))
    lease_until: Mapped[datetime | None] = mapped_column(default=None, index=True)
    claims: Mapped[int] = mapped_column(Integer, default=0)  # claims of the current stage
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class WorkerMarkRow(Base):
    __tablename__ = "worker_marks"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
