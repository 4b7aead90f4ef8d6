"""Repository functions for the claims workers hold on a call's stage (``job_leases``).

A lease row per call: the stage claimed, the claim's token, until when it holds (renewed by a
heartbeat), how many times the stage was claimed, and when its task was last sent. The rules (who
may claim, when a call is stuck) live in ``callcoach.services.jobs``; these functions never commit.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from callcoach.errors import StorageError
from callcoach.storage.access_models import JobLeaseRow
from callcoach.storage.calls import translated
from callcoach.storage.models import JobRow


@dataclass(frozen=True, slots=True)
class Lease:
    """One call's claim as stored: `token` and `lease_until` are None while nobody holds it."""

    call_id: str
    stage: str | None
    token: str | None
    lease_until: datetime | None
    claims: int
    sent_at: datetime


def _to_lease(row: JobLeaseRow) -> Lease:
    return Lease(row.call_id, row.stage, row.token, row.lease_until, row.claims, row.sent_at)


@translated("recording the claim")
def add_lease(session: Session, *, call_id: str, stage: str, sent_at: datetime) -> Lease:
    """A new, unclaimed lease for a call whose `stage` task is sent at `sent_at`."""
    row = JobLeaseRow(call_id=call_id, stage=stage, claims=0, sent_at=sent_at)
    session.add(row)
    return Lease(call_id, stage, None, None, 0, sent_at)


@translated("locking the claim")
def lock_lease(session: Session, *, call_id: str) -> Lease | None:
    """The call's lease, locked for the rest of the transaction (None when it has none).

    A write first: it takes the row lock on PostgreSQL and the write lock on SQLite before
    anything is read, so the job status read next is the latest committed one."""
    session.execute(
        update(JobLeaseRow).where(JobLeaseRow.call_id == call_id).values(claims=JobLeaseRow.claims)
    )
    row = session.scalars(
        select(JobLeaseRow).where(JobLeaseRow.call_id == call_id).execution_options(populate_existing=True)
    ).one_or_none()
    return _to_lease(row) if row is not None else None


def _row(session: Session, call_id: str) -> JobLeaseRow:
    # The lease was read (and locked) in this transaction: the identity map answers, no query.
    row = session.get(JobLeaseRow, call_id)
    if row is None:
        raise StorageError(f"call {call_id!r} has no claim to change")
    return row


@translated("recording the claim")
def hold_lease(
    session: Session, *, call_id: str, stage: str, token: str, claims: int, until: datetime
) -> None:
    """Give the call's claim on `stage` to `token` until `until` (its `claims`-th claim)."""
    row = _row(session, call_id)
    row.stage, row.token, row.claims, row.lease_until = stage, token, claims, until


@translated("dropping the claim")
def drop_claim(session: Session, *, call_id: str) -> None:
    """Leave the call's lease unclaimed (stage, count and send time as they are)."""
    row = _row(session, call_id)
    row.token, row.lease_until = None, None


@translated("passing the call on")
def pass_lease(session: Session, *, call_id: str, stage: str | None, sent_at: datetime) -> None:
    """Unclaimed, waiting for `stage` (None: no stage left), whose task is sent at `sent_at`."""
    row = _row(session, call_id)
    row.stage, row.token, row.lease_until, row.claims = stage, None, None, 0
    row.sent_at = sent_at


@translated("marking the task sent")
def mark_sent(session: Session, *, call_id: str, sent_at: datetime) -> None:
    _row(session, call_id).sent_at = sent_at


@translated("renewing the claim")
def renew_lease(session: Session, *, call_id: str, token: str, until: datetime) -> bool:
    """Extend `token`'s claim to `until`; False when `token` no longer holds it."""
    res = session.execute(
        update(JobLeaseRow)
        .where(JobLeaseRow.call_id == call_id, JobLeaseRow.token == token)
        .values(lease_until=until)
    )
    return bool(res.rowcount)  # type: ignore[attr-defined]


@translated("releasing the claim")
def release_lease(session: Session, *, call_id: str, token: str) -> None:
    """Give `token`'s claim back (nothing happens when it no longer holds it)."""
    session.execute(
        update(JobLeaseRow)
        .where(JobLeaseRow.call_id == call_id, JobLeaseRow.token == token)
        .values(token=None, lease_until=None)
    )


@translated("deleting the claim")
def delete_lease(session: Session, *, call_id: str) -> None:
    session.execute(delete(JobLeaseRow).where(JobLeaseRow.call_id == call_id))


@translated("finding stuck calls")
def stuck_calls(
    session: Session, *, not_in: Collection[str], expired_before: datetime, unclaimed_since: datetime
) -> list[tuple[str, str]]:
    """(call id, job status) of the calls whose status is not in `not_in` and whose claim ran out
    before `expired_before`, or that waited unclaimed since before `unclaimed_since`; oldest
    update first."""
    return [
        (cid, status)
        for cid, status in session.execute(
            select(JobRow.call_id, JobRow.status)
            .join(JobLeaseRow, JobLeaseRow.call_id == JobRow.call_id)
            .where(
                JobRow.status.not_in(tuple(not_in)),
                or_(
                    and_(JobLeaseRow.lease_until.is_not(None), JobLeaseRow.lease_until < expired_before),
                    and_(JobLeaseRow.lease_until.is_(None), JobLeaseRow.sent_at < unclaimed_since),
                ),
            )
            .order_by(JobRow.updated_at)
        ).all()
    ]
