"""Deleting a call: its rows, its files, and what was derived from it.

``DELETE /v1/calls/{id}`` and ``callcoach delete ID`` both call :func:`delete_call`. Who may:
an admin (the local operator is one), or the manager of the call's team. A key that may not see
the call gets NotFound, as for a read (nothing is learnt about other teams' calls); one that may
see it but not delete it (its rep, enablement) gets Forbidden.

Removed, in one transaction: the job and its claim, the call with its utterances, participants
and analysis (ON DELETE CASCADE), its ownership record, the coaching prompts issued on it, and
every manager alert whose window or quotes name it, with those alerts' webhook deliveries. The
next coaching refresh recomputes alerts from the calls that remain (a condition that still holds
opens again, without the deleted call). Then the uploaded files go. A stage still running on the
call finds its claim gone and stores nothing (``jobs.run_stage``: "lost").
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass

from callcoach.errors import Forbidden, NotFound
from callcoach.services import access, jobs
from callcoach.settings import Settings
from callcoach.storage import Session, session_scope
from callcoach.storage import coaching as coaching_store
from callcoach.storage import retention as retention_store
from callcoach.storage.coaching import StoredAlert

log = logging.getLogger("callcoach.services.retention")


@dataclass(frozen=True, slots=True)
class Deleted:
    call_id: str
    alerts: int
    prompts: int
    files: bool


def _may_delete(key: access.ApiKey | None, scope: access.CallScope) -> bool:
    if key is None or key.role == "admin":
        return True
    return key.role == "manager" and key.team is not None and scope.team == key.team


def _names_call(alert: StoredAlert, call_id: str) -> bool:
    refs = [*(alert.window or []), *(alert.evidence or [])]
    return any(isinstance(r, dict) and r.get("call_id") == call_id for r in refs)


def _derived_alerts(session: Session, call_id: str, rep: str | None, deal_id: str | None) -> list[int]:
    # Alerts are about a rep or a deal: only those subjects' alerts can quote this call.
    subjects = [(t, v) for t, v in (("rep", rep), ("deal", deal_id)) if v]
    rows = coaching_store.alerts_about(session, subjects=subjects)
    return [a.id for a in rows if _names_call(a, call_id)]


def delete_call(settings: Settings, call_id: str, *, key: access.ApiKey | None = None) -> Deleted:
    """Delete one call everywhere (see the module doc); `key` None is the local operator."""
    jobs.check_call_id(call_id)
    with session_scope(settings) as session:
        # A call submitted through the API has a job; one stored by `callcoach ingest` may not.
        stored = retention_store.call_records(session, call_id=call_id)
        owner = stored.owner
        if not stored.has_job and not stored.has_call:
            raise NotFound(f"call {call_id!r} not found")
        rep = stored.rep or (owner.rep if owner is not None else None)
        deal_id = stored.deal_id or (owner.deal_id if owner else None)
        scope = access.CallScope(call_id, rep, owner.team if owner is not None else None)
        if key is not None and access.visibility(key, scope) == "none":
            raise NotFound(f"call {call_id!r} not found")
        if not _may_delete(key, scope):
            raise Forbidden(f"a {key.role if key else 'local'} key may not delete calls")
        alert_ids = _derived_alerts(session, call_id, rep, deal_id)
        prompts = retention_store.purge_call(session, call_id=call_id, alert_ids=alert_ids)
    files = _delete_files(settings, call_id)
    log.info("call %s deleted (%d alerts, files: %s)", call_id, len(alert_ids), files)
    return Deleted(call_id, len(alert_ids), prompts, files)


def _delete_files(settings: Settings, call_id: str) -> bool:
    """The call's upload directory (every submission of it). A CLI-ingested call's input is the
    user's own file, outside the uploads volume, and is left alone."""
    directory = jobs.uploads_dir(settings) / call_id
    if directory.resolve().parent != jobs.uploads_dir(settings).resolve() or not directory.exists():
        return False
    shutil.rmtree(directory)
    return True
