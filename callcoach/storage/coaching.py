"""Repository functions for what the coach stage maintains: per-call metrics, the role-play
catalogue, and the bounded reads the coaching service needs (a rep's or deal's recent calls, a
page of alerts). Like the call functions they take a caller's ``Session`` and never commit.

Every read here is an indexed lookup or bounded by a limit: none scans the whole library.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import delete, func, or_, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from callcoach.domain import StoredCall
from callcoach.storage.access import TeamDeals
from callcoach.storage.calls import _stored_calls, _with_summary, translated
from callcoach.storage.coaching_models import (
    CallMetricsRow,
    CoachingAlertRow,
    CoachingPromptRow,
    RoleplayClusterRow,
    RoleplayStatementRow,
    WebhookDeliveryRow,
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
    return _stored_calls(session, rows[::-1])


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
    # Flushed at once: the next statement's nearest-cluster read sees this one's cluster counters.
    session.flush()
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
    stmt: Any, *, status: str | None, reps: Collection[str] | None, deals: Collection[str] | TeamDeals | None
) -> Any:
    if status:
        stmt = stmt.where(CoachingAlertRow.status == status)
    if reps is not None or deals is not None:
        conds = []
        if reps:
            conds.append(
                (CoachingAlertRow.subject_type == "rep") & CoachingAlertRow.subject.in_(sorted(reps))
            )
        if isinstance(deals, TeamDeals):
            # A team's deals as a rule probed per alert: no list of every deal of the team first.
            in_scope = deals.condition(CoachingAlertRow.subject)
            conds.append((CoachingAlertRow.subject_type == "deal") & in_scope)
        elif deals:
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


@dataclass(frozen=True, slots=True)
class StoredAlert:
    """A manager alert as stored: open until its condition clears or a manager resolves it."""

    id: int
    kind: str
    subject_type: str
    subject: str
    severity: str
    status: str
    message: str
    window: list[Any]
    evidence: list[Any]
    details: dict[str, Any]
    opened_at: datetime
    resolved_at: datetime | None
    resolution: str | None


@dataclass(frozen=True, slots=True)
class AlertFields:
    """What an alert shows, as the coaching service computed it (one per subject and kind)."""

    kind: str
    subject_type: str
    subject: str
    severity: str
    message: str
    window: list[dict[str, Any]]
    evidence: list[Any]
    details: dict[str, Any]


@dataclass
class AlertChanges:
    """Ids of the alerts a sync opened, updated (seen again) and resolved (condition cleared)."""

    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)


def _to_alert(r: CoachingAlertRow) -> StoredAlert:
    return StoredAlert(
        id=r.id, kind=r.kind, subject_type=r.subject_type, subject=r.subject, severity=r.severity,
        status=r.status, message=r.message, window=r.window, evidence=r.evidence, details=r.details,
        opened_at=r.opened_at, resolved_at=r.resolved_at, resolution=r.resolution,
    )


@translated("listing alerts")
def alert_rows(
    session: Session,
    *,
    status: str | None,
    reps: Collection[str] | None = None,
    deals: Collection[str] | TeamDeals | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[StoredAlert]:
    """Alerts newest first, within the given subjects (None: any rep / any deal)."""
    stmt = _alert_filter(select(CoachingAlertRow), status=status, reps=reps, deals=deals)
    if stmt is None:
        return []
    stmt = stmt.order_by(CoachingAlertRow.opened_at.desc(), CoachingAlertRow.id.desc()).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_to_alert(r) for r in session.scalars(stmt)]


def _open_rows(session: Session, subjects: Collection[tuple[str, str]] | None) -> list[CoachingAlertRow]:
    stmt = select(CoachingAlertRow).where(CoachingAlertRow.status == "open")
    if subjects is not None:
        if not subjects:
            return []
        pair = tuple_(CoachingAlertRow.subject_type, CoachingAlertRow.subject)
        stmt = stmt.where(pair.in_(sorted(subjects)))
    return list(session.scalars(stmt))


@translated("reading open alerts")
def open_alerts(
    session: Session, *, subjects: Collection[tuple[str, str]] | None = None
) -> list[StoredAlert]:
    """Open alerts about the given (subject_type, subject) pairs (None: about anyone)."""
    return [_to_alert(r) for r in _open_rows(session, subjects)]


@translated("updating alerts")
def sync_open_alerts(
    session: Session, *, active: Sequence[AlertFields], subjects: Collection[tuple[str, str]] | None
) -> AlertChanges:
    """Make the open alerts about `subjects` (None: about anyone) the `active` ones: an alert of a
    subject and kind already open is updated in place (its id, and so its deliveries, kept), a new
    one is opened, an open one not in `active` is resolved ("condition cleared"). One open alert
    per subject and kind: the first of `active` for each counts."""
    changes = AlertChanges()
    open_rows = {(r.subject_type, r.subject, r.kind): r for r in _open_rows(session, subjects)}
    seen: set[tuple[str, str, str]] = set()
    for a in active:
        key = (a.subject_type, a.subject, a.kind)
        if key in seen:
            continue
        seen.add(key)
        row = open_rows.get(key)
        if row is None:
            row = CoachingAlertRow(
                kind=a.kind, subject_type=a.subject_type, subject=a.subject, severity=a.severity,
                status="open", message=a.message, window=a.window, evidence=a.evidence, details=a.details,
            )
            session.add(row)
            session.flush()
            changes.opened.append(row.id)
        else:
            row.severity, row.message = a.severity, a.message
            row.window, row.evidence, row.details = a.window, a.evidence, a.details
            changes.updated.append(row.id)
    for key, row in open_rows.items():
        if key not in seen:
            row.status, row.resolved_at, row.resolution = "resolved", utcnow(), "condition cleared"
            changes.resolved.append(row.id)
    return changes


@translated("resolving the alert")
def resolve_alert(session: Session, *, alert_id: int, resolution: str) -> StoredAlert | None:
    """Resolve an open alert with `resolution` (a resolved one stays as it was); None when there
    is no such alert."""
    row = session.get(CoachingAlertRow, alert_id)
    if row is None:
        return None
    if row.status == "open":
        row.status, row.resolved_at, row.resolution = "resolved", utcnow(), resolution
    return _to_alert(row)


@translated("reading alerts")
def alerts_about(session: Session, *, subjects: Collection[tuple[str, str]]) -> list[StoredAlert]:
    """Every alert (open or resolved) about the given (subject_type, subject) pairs."""
    if not subjects:
        return []
    stmt = select(CoachingAlertRow).where(
        or_(*((CoachingAlertRow.subject_type == t) & (CoachingAlertRow.subject == v) for t, v in subjects))
    )
    return [_to_alert(r) for r in session.scalars(stmt)]


@translated("deleting alerts")
def delete_alerts(session: Session, *, alert_ids: Collection[int]) -> None:
    """Delete alerts with their webhook deliveries."""
    if not alert_ids:
        return
    ids = sorted(alert_ids)
    session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.alert_id.in_(ids)))
    session.execute(delete(CoachingAlertRow).where(CoachingAlertRow.id.in_(ids)))


# ------------------------------------------------------------------------------------------
# Issued prompts


@dataclass(frozen=True, slots=True)
class PromptRecord:
    """A coaching prompt issued on a call: the rule that fired and the metric it moves."""

    call_id: str
    rep: str | None
    rule_id: str
    signal: str
    metric: str


@translated("reading issued prompts")
def prompt_keys(session: Session, *, call_ids: Collection[str] | None = None) -> set[tuple[str, str]]:
    """(call id, rule id) of the prompts issued on `call_ids` (None: on every call)."""
    stmt = select(CoachingPromptRow.call_id, CoachingPromptRow.rule_id)
    if call_ids is not None:
        stmt = stmt.where(CoachingPromptRow.call_id.in_(list(call_ids)))
    return {(c, r) for c, r in session.execute(stmt)}


@translated("recording a prompt")
def add_prompt(
    session: Session,
    *,
    call_id: str,
    rep: str | None,
    rule_id: str,
    signal: str,
    metric: str,
    value: float | None,
    priority: int,
    payload: dict[str, Any],
    issued_at: datetime | None,
) -> None:
    session.add(
        CoachingPromptRow(
            call_id=call_id, rep=rep, rule_id=rule_id, signal=signal, metric=metric, value=value,
            priority=priority, payload=payload, issued_at=issued_at,
        )
    )


@translated("reading issued prompts")
def issued_prompts(
    session: Session, *, rep: str | None = None, call_ids: Collection[str] | None = None
) -> list[PromptRecord]:
    """Prompts issued (only `rep`'s, only on `call_ids`, when given), in the order they were issued."""
    stmt = select(CoachingPromptRow)
    if rep is not None:
        stmt = stmt.where(CoachingPromptRow.rep == rep)
    if call_ids is not None:
        stmt = stmt.where(CoachingPromptRow.call_id.in_(list(call_ids)))
    return [
        PromptRecord(r.call_id, r.rep, r.rule_id, r.signal, r.metric)
        for r in session.scalars(stmt.order_by(CoachingPromptRow.id))
    ]


@translated("deleting prompts")
def delete_prompts(session: Session, *, call_id: str) -> int:
    """Delete the prompts issued on a call; how many there were."""
    res = session.execute(delete(CoachingPromptRow).where(CoachingPromptRow.call_id == call_id))
    return int(res.rowcount or 0)  # type: ignore[attr-defined]
