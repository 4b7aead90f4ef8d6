"""The core tables (SQLAlchemy 2 typed declarative models): calls, participants, utterances,
analyses and jobs. The same models run on SQLite and PostgreSQL.

Rows never leave the storage package: the repository functions map them to domain types.
Schema changes go through an Alembic migration in ``migrations/versions`` (``0001_core`` here).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# The job life cycle a worker walks through; "done" and "failed" are final for one attempt.
JOB_STATUSES: tuple[str, ...] = ("queued", "transcribing", "analyzing", "coaching", "done", "failed")

# Column sizes: call ids and names are user-supplied identifiers, 200 is what the importer accepts.
ID_LEN = 200
NAME_LEN = 200

# Plain JSON (text) on both databases, not JSONB: JSONB reorders an object's keys, and a stored
# analysis should read back in the order the CONTRACT shows it. Nothing queries inside it.
JSONDoc = JSON()


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite keeps no zone, PostgreSQL converts to the session zone; this makes both return the
    same aware UTC value, so comparisons with ``CallMeta.started_at`` behave alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:  # a naive time from a transcript is taken as UTC
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


# Named constraints: migrations refer to them by name, and SQLite's batch mode needs names to alter.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base of every callcoach table (core, coaching, access)."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSONDoc, datetime: UTCDateTime}


class CallRow(Base):
    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(ID_LEN), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    rep: Mapped[str | None] = mapped_column(String(NAME_LEN), index=True)
    deal_id: Mapped[str | None] = mapped_column(String(ID_LEN), index=True)
    started_at: Mapped[datetime | None] = mapped_column(index=True)
    duration_s: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(20))  # "transcript" or "audio"
    # sha256 of the transcript as stored: tells a re-ingest of the same content from a changed one.
    content_hash: Mapped[str] = mapped_column(String(64))
    # The metadata's other keys (industry, segment, team...) and the stereo rep channel: whatever
    # door stored the call, a later stage reads back the same metadata the first one saw.
    extra: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    rep_channel: Mapped[str | None] = mapped_column(String(8), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    participants: Mapped[list[ParticipantRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ParticipantRow.id")
    utterances: Mapped[list[UtteranceRow]] = relationship(
        back_populates="call", cascade="all, delete-orphan", passive_deletes=True,
        order_by="UtteranceRow.idx")
    analysis: Mapped[AnalysisRow | None] = relationship(
        back_populates="call", cascade="all, delete-orphan", passive_deletes=True)


class ParticipantRow(Base):
    __tablename__ = "participants"
    __table_args__ = (UniqueConstraint("call_pk", "name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_LEN))
    side: Mapped[str] = mapped_column(String(10))
    title: Mapped[str | None] = mapped_column(Text)

    call: Mapped[CallRow] = relationship(back_populates="participants")


class UtteranceRow(Base):
    __tablename__ = "utterances"
    __table_args__ = (UniqueConstraint("call_pk", "idx"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)  # position in the call, 0-based
    speaker: Mapped[str] = mapped_column(String(NAME_LEN))
    side: Mapped[str] = mapped_column(String(10))
    start_s: Mapped[float] = mapped_column(Float)
    end_s: Mapped[float] = mapped_column(Float)
    text: Mapped[str] = mapped_column(Text)
    # Word timings as [[text, start, end, probability], ...]: compact, and read back whole.
    words: Mapped[list[Any]] = mapped_column(JSONDoc, default=list)

    call: Mapped[CallRow] = relationship(back_populates="utterances")


class AnalysisRow(Base):
    """The call's current analysis (CONTRACT section 2 object); re-ingest replaces it."""

    __tablename__ = "analyses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_pk: Mapped[int] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"), unique=True)
    analysis: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    call: Mapped[CallRow] = relationship(back_populates="analysis")


class JobRow(Base):
    """Processing status of one call. Keyed by call_id, not a foreign key: a job exists (queued)
    before its call is stored."""

    __tablename__ = "jobs"
    __table_args__ = (
        CheckConstraint(f"status IN ({', '.join(repr(s) for s in JOB_STATUSES)})", name="ck_jobs_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(ID_LEN), unique=True)
    status: Mapped[str] = mapped_column(String(20), index=True)
    error: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    input_path: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
