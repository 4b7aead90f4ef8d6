"""Repository functions for what the coach stage maintains: per-call metrics, the role-play
catalogue, and the bounded reads the coaching service needs (a rep's or deal's recent calls, a
page of alerts). Like the call functions they take a caller's ``Session`` and never commit.

Every read here is an indexed lookup or bounded by a limit: none scans the whole library.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcoach.domain import StoredCall
from callcoach.storage.calls import _to_stored, _with_summary, translated
from callcoach.storage.coaching_models import (
    CallMetricsRow,
    CoachingAlertRow,
    RoleplayClusterRow,
    RoleplayStatementRow,
)
from callcoach.storage.models import AnalysisRow, CallRow, utcnow

# Embeddings are stored as float32 bytes (1.5 kB for MiniLM's 384 dimensions).
VECTOR_DTYPE = np.float32


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=VECTOR_DTYPE).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=VECTOR_DTYPE)


# ------------------------------------------------------------------------------------------
# Calls, bounded


@translated("reading recent calls")
def recent_calls(
    session: Session, *, rep: str | None = None, deal_id: str | None = None, limit: int
) -> list[StoredCall]:
    """The `limit` most recent calls of a rep or a deal (by start time), oldest first."""
    stmt = select(CallRow)
    if rep is not None:
        stmt = stmt.where(CallRow.rep == rep)
    if deal_id is not None:
        stmt = stmt.where(CallRow.deal_id == deal_id)
    stmt = stmt.order_by(CallRow.started_at.desc().nulls_last(), CallRow.id.desc()).limit(limit)
    rows = list(session.scalars(_with_summary(stmt)))
    return [_to_stored(r) for r in reversed(rows)]


@translated("reading the rep's deals")
def deals_of_rep(session: Session, rep: str) -> list[str]:
    stmt = select(CallRow.deal_id).where(CallRow.rep == rep, CallRow.deal_id.is_not(None)).distinct()
    return [d for d in session.scalars(stmt) if d]


@translated("listing reps")
def known_reps(session: Session) -> list[str]:
    return [r for r in session.scalars(select(CallRow.rep).where(CallRow.rep.is_not(None)).distinct()) if r]


@translated("finding calls not yet coached")
def uncoached_call_ids(session: Session) -> list[str]:
    """Analysed calls without a metrics row: stored by a door that ran no coach stage."""
    stmt = (
        select(CallRow.call_id)
        .join(AnalysisRow, AnalysisRow.call_pk == CallRow.id)
        .outerjoin(CallMetricsRow, CallMetricsRow.call_id == CallRow.call_id)
        .where(CallMetricsRow.call_id.is_(None))
        .order_by(CallRow.started_at.asc().nulls_last(), CallRow.id)
    )
    return list(session.scalars(stmt))


# ------------------------------------------------------------------------------------------
# Per-call metrics


@translated("storing call metrics")
def put_call_metrics(
    session: Session,
    *,
    call_id: str,
    rep: str | None,
    deal_id: str | None,
    started_at: datetime | None,
    values: dict[str, float | None],
) -> None:
    """Insert or replace a call's metrics in one INSERT .. ON CONFLICT DO UPDATE: two processes
    coaching the same call at once (the coach stage and a catch-up) do not collide, and on
    PostgreSQL the row stays locked until the transaction ends, so the second one's catalogue
    update waits for the first's and replaces it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = utcnow()
    stmt = insert(CallMetricsRow).values(
        call_id=call_id, rep=rep, deal_id=deal_id, started_at=started_at, values=values, updated_at=now
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=[CallMetricsRow.call_id],
        set_={
            "rep": stmt.excluded.rep,
            "deal_id": stmt.excluded.deal_id,
            "started_at": stmt.excluded.started_at,
            "values": stmt.excluded["values"],
            "updated_at": stmt.excluded.updated_at,
        },
    )
    session.execute(stmt)


@translated("reading call metrics")
def metric_rows(
    session: Session, *, reps: Collection[str] | None, limit: int
) -> list[tuple[str, dict[str, Any]]]:
    """(call_id, values) of the `limit` most recent coached calls of `reps` (None: of everyone)."""
    stmt = select(CallMetricsRow.call_id, CallMetricsRow.values)
    if reps is not None:
        if not reps:
            return []
        stmt = stmt.where(CallMetricsRow.rep.in_(sorted(reps)))
    stmt = stmt.order_by(CallMetricsRow.started_at.desc().nulls_last(), CallMetricsRow.call_id).limit(limit)
    return [(cid, dict(values or {})) for cid, values in session.execute(stmt)]


@translated("reading call metrics")
def metrics_stamp(session: Session, *, reps: Collection[str] | None) -> tuple[int, Any]:
    """(rows, latest update) of the stored metrics of `reps` (None: everyone): changes whenever a
    call of theirs is coached, so it says whether something computed from them is still current."""
    stmt = select(func.count(), func.max(CallMetricsRow.updated_at))
    if reps is not None:
        stmt = stmt.where(CallMetricsRow.rep.in_(sorted(reps)))
    n, latest = session.execute(stmt).one()
    return int(n or 0), latest


# ------------------------------------------------------------------------------------------
# Role-play catalogue


@translated("reading role-play clusters")
def clusters_of_group(session: Session, kind: str, category: str | None) -> list[tuple[int, np.ndarray, int]]:
    """(id, vector sum, size) of every cluster of one statement kind and category."""
    cat = (
        RoleplayClusterRow.category.is_(None) if category is None else RoleplayClusterRow.category == category
    )
    stmt = select(RoleplayClusterRow.id, RoleplayClusterRow.vec_sum, RoleplayClusterRow.size).where(
        RoleplayClusterRow.kind == kind, cat
    )
    return [(cid, from_bytes(blob), size) for cid, blob, size in session.execute(stmt)]


@translated("removing a call's role-play statements")
def remove_call_statements(session: Session, call_id: str) -> None:
    """Take a call's statements out of the catalogue (re-coaching replaces them): their clusters'
    vector sums and counters go down; a cluster left empty is dropped."""
    rows = session.execute(
        select(RoleplayStatementRow.cluster_id, RoleplayStatementRow.embedding).where(
            RoleplayStatementRow.call_id == call_id
        )
    ).all()
    if not rows:
        return
    touched: dict[int, tuple[np.ndarray, int]] = {}
    for cluster_id, blob in rows:
        total, n = touched.get(cluster_id, (np.zeros_like(from_bytes(blob)), 0))
        touched[cluster_id] = (total + from_bytes(blob), n + 1)
    session.execute(delete(RoleplayStatementRow).where(RoleplayStatementRow.call_id == call_id))
    for cluster in session.scalars(select(RoleplayClusterRow).where(RoleplayClusterRow.id.in_(touched))):
        removed, n = touched[cluster.id]
        cluster.size, cluster.n_calls = cluster.size - n, cluster.n_calls - 1
        if cluster.size <= 0:
            session.delete(cluster)
        else:
            cluster.vec_sum = to_bytes(from_bytes(cluster.vec_sum) - removed)
    session.flush()


@translated("adding a role-play statement")
def add_statement(
    session: Session,
    *,
    call_id: str,
    call_started_at: datetime | None,
    record: dict[str, Any],
    vector: np.ndarray,
    cluster_id: int | None,
    new_call: bool,
) -> int:
    """Store one statement in `cluster_id` (None: a new cluster); returns the cluster id.
    `new_call`: the first statement of this call in that cluster (it counts one more call)."""
    if cluster_id is None:
        cluster = RoleplayClusterRow(
            kind=record["kind"], category=record["category"], vec_sum=to_bytes(vector), size=1, n_calls=1
        )
        session.add(cluster)
        session.flush()
        cluster_id = cluster.id
    else:
        cluster = session.get(RoleplayClusterRow, cluster_id)
        assert cluster is not None
        cluster.vec_sum = to_bytes(from_bytes(cluster.vec_sum) + vector)
        cluster.size += 1
        cluster.n_calls += int(new_call)
    session.add(
        RoleplayStatementRow(
            call_id=call_id,
            cluster_id=cluster_id,
            kind=record["kind"],
            category=record["category"],
            call_started_at=call_started_at,
            embedding=to_bytes(vector),
            record=record,
        )
    )
    return cluster_id


@translated("paging role-play scenarios")
def cluster_page(session: Session, *, limit: int, offset: int) -> tuple[list[int], int]:
    """A page of cluster ids, biggest first (distinct calls, then statements, then objections before
    pains, then oldest), from the counters the coach stage keeps; and how many clusters there are."""
    total = int(session.scalar(select(func.count(RoleplayClusterRow.id))) or 0)
    stmt = (
        select(RoleplayClusterRow.id)
        .order_by(
            RoleplayClusterRow.n_calls.desc(),
            RoleplayClusterRow.size.desc(),
            (RoleplayClusterRow.kind == "objection").desc(),
            RoleplayClusterRow.id,
        )
        .limit(limit)
        .offset(offset)
    )
    return list(session.scalars(stmt)), total


@translated("reading the catalogue's stamp")
def catalogue_stamp(session: Session) -> tuple[int, Any]:
    """(clusters, latest cluster update): changes whenever a coached call adds or removes statements."""
    n, latest = session.execute(select(func.count(), func.max(RoleplayClusterRow.updated_at))).one()
    return int(n or 0), latest


@translated("reading role-play statements")
def latest_statement_ids(session: Session, cluster_id: int, *, limit: int) -> list[int]:
    """The ids of a cluster's `limit` most recent statements (an index range scan)."""
    stmt = (
        select(RoleplayStatementRow.id)
        .where(RoleplayStatementRow.cluster_id == cluster_id)
        .order_by(RoleplayStatementRow.call_started_at.desc(), RoleplayStatementRow.id.desc())
        .limit(limit)
    )
    return list(session.scalars(stmt))


@translated("reading role-play statements")
def statements_of_calls(session: Session, call_ids: Collection[str]) -> list[tuple[int, int, str, str, Any]]:
    """(statement id, cluster id, kind, call id, call start) of the statements of `call_ids`
    (an index lookup per call: a reader's scope costs what the scope holds, not the library)."""
    if not call_ids:
        return []
    stmt = select(
        RoleplayStatementRow.id,
        RoleplayStatementRow.cluster_id,
        RoleplayStatementRow.kind,
        RoleplayStatementRow.call_id,
        RoleplayStatementRow.call_started_at,
    ).where(RoleplayStatementRow.call_id.in_(sorted(call_ids)))
    return [tuple(r) for r in session.execute(stmt)]  # type: ignore[misc]


@translated("reading role-play statements")
def statement_records(session: Session, ids: Collection[int]) -> dict[int, tuple[int, dict[str, Any]]]:
    """statement id -> (cluster id, record)."""
    if not ids:
        return {}
    stmt = select(
        RoleplayStatementRow.id, RoleplayStatementRow.cluster_id, RoleplayStatementRow.record
    ).where(RoleplayStatementRow.id.in_(sorted(ids)))
    return {sid: (cid, record) for sid, cid, record in session.execute(stmt)}


# ------------------------------------------------------------------------------------------
# Alerts


def _alert_filter(
    stmt: Any, *, status: str | None, reps: Collection[str] | None, deals: Collection[str] | None
) -> Any:
    if status:
        stmt = stmt.where(CoachingAlertRow.status == status)
    if reps is not None or deals is not None:
        conds = []
        if reps:
            conds.append(
                (CoachingAlertRow.subject_type == "rep") & CoachingAlertRow.subject.in_(sorted(reps))
            )
        if deals:
            conds.append(
                (CoachingAlertRow.subject_type == "deal") & CoachingAlertRow.subject.in_(sorted(deals))
            )
        if reps is None:
            conds.append(CoachingAlertRow.subject_type == "rep")
        if deals is None:
            conds.append(CoachingAlertRow.subject_type == "deal")
        if not conds:
            return None
        stmt = stmt.where(or_(*conds))
    return stmt


@translated("listing alerts")
def alert_rows(
    session: Session,
    *,
    status: str | None,
    reps: Collection[str] | None = None,
    deals: Collection[str] | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[CoachingAlertRow]:
    """Alerts newest first, within the given subjects (None: any rep / any deal)."""
    stmt = _alert_filter(select(CoachingAlertRow), status=status, reps=reps, deals=deals)
    if stmt is None:
        return []
    stmt = stmt.order_by(CoachingAlertRow.opened_at.desc(), CoachingAlertRow.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


@translated("reading open alerts")
def open_alerts_of(session: Session, subjects: Collection[tuple[str, str]]) -> list[CoachingAlertRow]:
    """Open alerts about the given (subject_type, subject) pairs."""
    if not subjects:
        return []
    stmt = select(CoachingAlertRow).where(
        CoachingAlertRow.status == "open",
        tuple_(CoachingAlertRow.subject_type, CoachingAlertRow.subject).in_(sorted(subjects)),
    )
    return list(session.scalars(stmt))
