"""Repository functions for job status: one row per call, walked through
queued -> transcribing -> analyzing -> coaching -> done (or failed).

Workers and the API use these; like the call functions they never commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

from sqlalchemy import select
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


@translated("updating the job")
def upsert_job(session: Session, call_id: str, *, status: JobStatus, error: str | None = None,
               input_path: str | None = None) -> Job:
    """Create the call's job or move it to ``status``.

    ``error`` replaces the stored error (None clears it); ``input_path`` is kept when not given.
    ``attempts`` counts the times the job left queued/failed/done for a working status."""
    if status not in JOB_STATUSES:
        raise StorageError(f"job {call_id!r}: unknown status {status!r}; expected one of {JOB_STATUSES}")
    row = session.scalars(select(JobRow).where(JobRow.call_id == call_id).with_for_update()).one_or_none()
    now = utcnow()
    if row is None:
        row = JobRow(call_id=call_id, status=status, error=error, input_path=input_path,
                     attempts=1 if status in _WORKING else 0, created_at=now, updated_at=now)
        session.add(row)
    else:
        if status in _WORKING and row.status in _IDLE:
            row.attempts += 1
        row.status = status
        row.error = error
        if input_path is not None:
            row.input_path = input_path
        row.updated_at = now
    session.flush()
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
