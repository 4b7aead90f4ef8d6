"""Storage: the SQLAlchemy models, Alembic migrations and the repository functions every door
(CLI, API, workers) uses. Same code on SQLite and PostgreSQL.

    with session_scope(settings) as session:          # one transaction, migrated on first use
        save_call(session, transcript, analysis)      # insert or replace, never duplicate
        history = history_for(session, transcript.meta)

Functions take a ``Session`` and return domain types (``StoredCall``, ``Transcript``, ``Job``),
never rows; database errors come out as ``callcoach.errors.StorageError``.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

# The services name a caller's transaction by this type; they never import SQLAlchemy themselves.
from sqlalchemy.orm import Session

from callcoach.storage.calls import (
    content_hash,
    count_calls,
    delete_call,
    get_call,
    get_transcript,
    history_for,
    list_calls,
    save_analysis,
    save_call,
)
from callcoach.storage.engine import (
    dispose_engines,
    engine_for,
    head_revisions,
    init_db,
    is_duplicate,
    ping,
    session_scope,
)
from callcoach.storage.jobs import Job, JobStatus, get_job, list_jobs, upsert_job
from callcoach.storage.models import JOB_STATUSES, Base
from callcoach.storage.versions import data_version

# Tables other stages own live in their own model modules, imported by the repository modules
# that use them: a read of the call list builds neither the coaching nor the web models (nor the
# PostgreSQL dialect their partial index names), a tenth of `callcoach calls`'s start-up.
_TABLE_MODULES = (
    "callcoach.storage.coaching_models",
    "callcoach.storage.access_models",
    "callcoach.storage.web_models",
)


def full_metadata() -> MetaData:
    """``Base.metadata`` with every callcoach table on it (Alembic, schema checks)."""
    for name in _TABLE_MODULES:
        importlib.import_module(name)
    return Base.metadata

__all__ = [
    "JOB_STATUSES",
    "Base",
    "Job",
    "JobStatus",
    "Session",
    "content_hash",
    "count_calls",
    "delete_call",
    "dispose_engines",
    "engine_for",
    "full_metadata",
    "get_call",
    "get_job",
    "get_transcript",
    "head_revisions",
    "history_for",
    "init_db",
    "is_duplicate",
    "list_calls",
    "list_jobs",
    "ping",
    "data_version",
    "save_analysis",
    "save_call",
    "session_scope",
    "upsert_job",
]
