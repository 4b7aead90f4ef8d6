"""Repository functions for job status: one row per call, walked through
queued -> transcribing -> analyzing -> coaching -> done (or failed).

Workers and the API use these; like the call functions they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import and_, case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcoach.errors import StorageError
from callcoach.storage.calls import translated
from callcoach.storage.models import JOB_STATUSES, JobRow, utcnow

JobStatus = Literal["queued", "transcribing", "analyzing", "coaching", "done", "failed"]
# A new attempt starts when a job leaves one of these for a working status.
_IDLE = frozenset({"queued", "failed", "done"})
_WORKING = frozenset({"transcribing", "analyzing", "coaching"})


@dataclass(frozen=True, slots=True)
class Job:
    """Where the processing of one call stands."""

    call_id: str
    status: JobStatus
    error: str | None
    attempts: int
    input_path: str | None
    created_at: datetime
    updated_at: datetime


def _to_job(row: JobRow) -> Job:
    return Job(call_id=row.call_id, status=cast(JobStatus, row.status), error=row.error,
               attempts=row.attempts, input_path=row.input_path, created_at=row.created_at,
               updated_at=row.updated_at)


def _insert(session: Session) -> Any:
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return postgresql.insert(JobRow)
    if dialect == "sqlite":
        return sqlite.insert(JobRow)
    raise StorageError(f"jobs need PostgreSQL or SQLite, not {dialect}")


@translated("updating the job")
def upsert_job(session: Session, call_id: str, *, status: JobStatus, error: str | None = None,
               input_path: str | None = None) -> Job:
    """Create the call's job or move it to ``status``.

    ``error`` replaces the stored error (None clears it); ``input_path`` is kept when not given.
    ``attempts`` counts the times the job left queued/failed/done for a working status.
    One INSERT .. ON CONFLICT DO UPDATE statement, so concurrent workers never lose an update
    and SQLite never has to upgrade a read lock to a write lock."""
    if status not in JOB_STATUSES:
        raise StorageError(f"job {call_id!r}: unknown status {status!r}; expected one of {JOB_STATUSES}")
    now = utcnow()
    stmt = _insert(session).values(call_id=call_id, status=status, error=error, input_path=input_path,
                                   attempts=1 if status in _WORKING else 0, created_at=now, updated_at=now)
    new_attempt = and_(stmt.excluded.status.in_(sorted(_WORKING)), JobRow.status.in_(sorted(_IDLE)))
    stmt = stmt.on_conflict_do_update(index_elements=[JobRow.call_id], set_={
        "status": stmt.excluded.status,
        "error": stmt.excluded.error,
        "input_path": func.coalesce(stmt.excluded.input_path, JobRow.input_path),
        "attempts": case((new_attempt, JobRow.attempts + 1), else_=JobRow.attempts),
        "updated_at": stmt.excluded.updated_at,
    }).returning(JobRow)
    row = session.scalars(stmt, execution_options={"populate_existing": True}).one()
    return _to_job(row)


@translated("reading the job")
def get_job(session: Session, call_id: str) -> Job | None:
    row = session.scalars(select(JobRow).where(JobRow.call_id == call_id)).one_or_none()
    return _to_job(row) if row is not None else None


@translated("listing jobs")
def list_jobs(session: Session, *, status: JobStatus | None = None, limit: int = 100) -> list[Job]:
    """Jobs, most recently updated first, optionally only those in one status."""
    stmt = select(JobRow)
    if status is not None:
        stmt = stmt.where(JobRow.status == status)
    stmt = stmt.order_by(JobRow.updated_at.desc(), JobRow.id.desc()).limit(limit)
    return [_to_job(r) for r in session.scalars(stmt)]
