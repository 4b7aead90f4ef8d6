"""Repository functions for job status: one row per call, walked through
queued -> transcribing -> analyzing -> coaching -> done (or failed).

Workers and the API use these; like the call functions they never commit.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast

from sqlalchemy import and_, case, delete, func, literal, or_, select
from sqlalchemy.orm import Session

from callcoach.analysis import full_form, transcript_in_rows
from callcoach.errors import StorageError
from callcoach.storage.access_models import CallAccessRow
from callcoach.storage.calls import _transcripts, translated
from callcoach.storage.models import JOB_STATUSES, AnalysisRow, CallRow, JobRow, utcnow

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
    # The dialects are imported on use: a read of the job list never needs them.
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(JobRow)
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(JobRow)
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


@translated("counting jobs")
def status_counts(session: Session) -> dict[str, int]:
    """How many calls are in each status."""
    rows = session.execute(select(JobRow.status, func.count(JobRow.id)).group_by(JobRow.status)).all()
    return {status: int(n) for status, n in rows}


@translated("deleting the job")
def delete_job(session: Session, *, call_id: str) -> None:
    session.execute(delete(JobRow).where(JobRow.call_id == call_id))


# ------------------------------------------------------------------------------------------
# The call library: every call with a job, whichever door stored it, with its status


@dataclass(frozen=True, slots=True)
class CallEntry:
    """A call as the library shows it: its job status, owner, and (once done) summary and analysis."""

    call_id: str
    status: str
    error: str | None
    rep: str | None
    team: str | None
    created_at: datetime
    updated_at: datetime
    title: str | None = None
    deal_id: str | None = None
    started_at: datetime | None = None
    duration_s: float | None = None
    analysis: dict[str, Any] | None = None


def _entry_rep() -> Any:
    # The call's rep once its transcript is read, the submission's before.
    return func.coalesce(CallRow.rep, CallAccessRow.rep)


def _entries_query(*, with_analysis: bool) -> Any:
    # Listings leave the analysis out: a page of 50 full analyses is megabytes nobody asked for.
    # Columns, not entities: a page of rows needs no ORM identity map (issue 15).
    analysis_col = AnalysisRow.analysis if with_analysis else literal(None)
    analysis_pk = AnalysisRow.call_pk if with_analysis else literal(None)
    stmt = (
        select(
            JobRow.call_id,
            JobRow.status,
            JobRow.error,
            _entry_rep().label("rep"),
            CallAccessRow.team,
            JobRow.created_at,
            JobRow.updated_at,
            CallRow.title,
            CallRow.deal_id,
            CallRow.started_at,
            CallRow.duration_s,
            analysis_col.label("analysis"),
            analysis_pk.label("analysis_call_pk"),
        )
        .outerjoin(CallRow, CallRow.call_id == JobRow.call_id)
        .outerjoin(CallAccessRow, CallAccessRow.call_id == JobRow.call_id)
    )
    if with_analysis:
        stmt = stmt.outerjoin(AnalysisRow, AnalysisRow.call_pk == CallRow.id)
    return stmt


def _to_entry(row: Any) -> CallEntry:
    done = row.status == "done"
    return CallEntry(
        call_id=row.call_id,
        status=row.status,
        error=row.error,
        rep=row.rep,
        team=row.team,
        created_at=row.created_at,
        updated_at=row.updated_at,
        title=row.title,
        deal_id=row.deal_id,
        started_at=row.started_at,
        duration_s=row.duration_s if done else None,
        analysis=dict(row.analysis) if done and row.analysis else None,
    )


def _to_entries(session: Session, rows: list[Any]) -> list[CallEntry]:
    """Entries of these rows, each analysis with its transcript[] back from the utterance rows
    (stored once: ``callcoach.storage.calls``), read in one query for the page."""
    entries = [_to_entry(r) for r in rows]
    pending = {r.analysis_call_pk for r, e in zip(rows, entries, strict=True)
               if e.analysis is not None and transcript_in_rows(e.analysis)}
    if not pending:
        return entries
    transcripts = _transcripts(session, sorted(pending))
    return [dataclasses.replace(e, analysis=full_form(e.analysis, transcripts[r.analysis_call_pk]))
            if e.analysis is not None and r.analysis_call_pk in pending else e
            for r, e in zip(rows, entries, strict=True)]


@translated("reading the call")
def call_entry(session: Session, *, call_id: str) -> CallEntry | None:
    """One call's status, owner and analysis (the analysis only once the call is done)."""
    row = session.execute(_entries_query(with_analysis=True).where(JobRow.call_id == call_id)).first()
    return _to_entries(session, [row])[0] if row is not None else None


@translated("listing calls")
def call_entries(
    session: Session,
    *,
    rep: str | None = None,
    team: str | None = None,
    deal_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    status: str | None = None,
    search: str | None = None,
    newest_first: bool = True,
    with_analysis: bool = False,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[CallEntry], int]:
    """Calls matching every given filter, newest call date first (or oldest first), and how many
    match in all.

    `since`/`until` bound the call's start time; `team` is the team recorded with the call;
    `search` is a case-insensitive substring of the call id, title, rep or deal. `with_analysis`
    reads the analyses of the page's done calls too."""
    stmt = _entries_query(with_analysis=with_analysis)
    conds = []
    if search:
        # LIKE wildcards in the text are taken literally.
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conds.append(or_(*(col.ilike(pattern, escape="\\") for col in
                           (JobRow.call_id, CallRow.title, _entry_rep(), CallRow.deal_id))))
    if rep is not None:
        conds.append(_entry_rep() == rep)
    if team is not None:
        conds.append(CallAccessRow.team == team)
    if deal_id is not None:
        conds.append(CallRow.deal_id == deal_id)
    if since is not None:
        conds.append(CallRow.started_at >= since)
    if until is not None:
        conds.append(CallRow.started_at < until)
    if status is not None:
        conds.append(JobRow.status == status)
    stmt = stmt.where(*conds)
    if conds:
        total = session.scalar(select(func.count()).select_from(stmt.with_only_columns(JobRow.id).subquery()))
    else:  # the outer joins are one-to-one: every job is one row (no join to count through)
        total = session.scalar(select(func.count(JobRow.id)))
    # Newest call first by the call's own date (a call uploaded late still sits where it happened);
    # calls not analysed yet (no date) after those, newest submission first (oldest: the reverse,
    # undated calls still last).
    order = (CallRow.started_at.desc().nulls_last(), JobRow.id.desc()) if newest_first else (
        CallRow.started_at.asc().nulls_last(), JobRow.id)
    rows = session.execute(stmt.order_by(*order).limit(limit).offset(offset)).all()
    return _to_entries(session, list(rows)), int(total or 0)
