"""Repository functions for deleting a call: what is stored about it, and removing all of it.

``callcoach.services.retention`` decides who may delete and which alerts name the call; these
functions read and delete, over a caller's ``Session``, never committing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from callcoach.storage.access import CallOwner, call_owner
from callcoach.storage.access_models import CallAccessRow
from callcoach.storage.calls import translated
from callcoach.storage.coaching import delete_alerts, delete_prompts
from callcoach.storage.jobs import delete_job
from callcoach.storage.leases import delete_lease
from callcoach.storage.models import CallRow, JobRow


@dataclass(frozen=True, slots=True)
class CallRecords:
    """What is stored about one call id: a job (API submissions), a call (its transcript was
    stored), an owner record; the rep and deal its transcript names."""

    has_job: bool
    has_call: bool
    rep: str | None
    deal_id: str | None
    owner: CallOwner | None


@translated("reading the call")
def call_records(session: Session, *, call_id: str) -> CallRecords:
    has_job = session.scalars(select(JobRow.id).where(JobRow.call_id == call_id)).one_or_none() is not None
    call = session.execute(
        select(CallRow.rep, CallRow.deal_id).where(CallRow.call_id == call_id)
    ).one_or_none()
    return CallRecords(
        has_job=has_job,
        has_call=call is not None,
        rep=call.rep if call is not None else None,
        deal_id=call.deal_id if call is not None else None,
        owner=call_owner(session, call_id),
    )


@translated("deleting the call")
def purge_call(session: Session, *, call_id: str, alert_ids: Collection[int]) -> int:
    """Delete `alert_ids` (with their deliveries), the prompts issued on the call, its claim, owner
    record, stored call (utterances, participants and analysis by ON DELETE CASCADE) and job.
    Returns how many prompts were deleted."""
    delete_alerts(session, alert_ids=alert_ids)
    prompts = delete_prompts(session, call_id=call_id)
    delete_lease(session, call_id=call_id)
    session.execute(delete(CallAccessRow).where(CallAccessRow.call_id == call_id))
    session.execute(delete(CallRow).where(CallRow.call_id == call_id))
    delete_job(session, call_id=call_id)
    return prompts
