"""Coaching over stored calls: the glue between storage and the pure `coaching` package.

- :func:`refresh` records the prompts issued on stored calls, recomputes manager alerts over
  every rep's and deal's history, keeps one open alert per subject and kind (opening,
  updating and resolving rows), then delivers newly opened alerts to the webhooks.
- :func:`deliver_alerts` POSTs open alerts to every active webhook, one delivery row per
  webhook, alert and event (unique idempotency key): a delivery is recorded exactly once,
  and a failed one is retried on the next run.
- :func:`coach_plan`, :func:`list_alerts`, :func:`roleplays`, :func:`outcomes` feed the CLI (and
  later the API).
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

import coaching
from callcoach.domain import StoredCall
from callcoach.errors import NotFound, StorageError
from callcoach.services.webhooks import (
    DeliveryResult,
    WebhookTargetRefused,
    check_target,
    post_with_retries,
    slack_payload,
)
from callcoach.settings import Settings
from callcoach.storage import get_call, list_calls, session_scope
from callcoach.storage.coaching_models import (
    CoachingAlertRow,
    CoachingPromptRow,
    WebhookDeliveryRow,
    WebhookRow,
)
from callcoach.storage.models import utcnow
from coaching.calls import CallView, in_time_order, transcript_of_stored, view_of_stored
from coaching.outcomes import IssuedPrompt
from coaching.roster import Roster
from coaching.types import Alert, CallRef

log = logging.getLogger("callcoach.coaching")

# Calls read per page when loading every stored call.
_PAGE = 500
# Recent calls whose prompts make up a rep's recurring focus areas in `coach_plan`.
PLAN_RECENT_CALLS = 10


@dataclass
class RefreshReport:
    prompts_recorded: int = 0
    opened: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    delivered: int = 0
    failed_deliveries: int = 0


def all_calls(session: Session, *, rep: str | None = None, deal_id: str | None = None) -> list[StoredCall]:
    """Every stored call (or every call of one rep / one deal), oldest first."""
    out: list[StoredCall] = []
    while True:
        page = list_calls(session, rep=rep, deal_id=deal_id, limit=_PAGE, offset=len(out))
        out += page
        if len(page) < _PAGE:
            return out


def _record_prompts(session: Session, calls: Sequence[StoredCall]) -> int:
    have = {(c, r) for c, r in session.execute(select(CoachingPromptRow.call_id, CoachingPromptRow.rule_id))}
    added = 0
    for call in calls:
        for p in (call.analysis.get("coaching") or {}).get("prompts") or []:
            rule = p.get("rule") or p.get("signal")
            if not rule or (call.call_id, rule) in have or not p.get("metric"):
                continue
            session.add(
                CoachingPromptRow(
                    call_id=call.call_id,
                    rep=call.rep,
                    rule_id=rule,
                    signal=str(p.get("signal")),
                    metric=str(p["metric"]),
                    value=p.get("value"),
                    priority=int(p.get("priority") or 0),
                    payload=p,
                    issued_at=call.started_at,
                )
            )
            have.add((call.call_id, rule))
            added += 1
    return added


def _window_json(window: Sequence[CallRef]) -> list[dict[str, Any]]:
    return [{"call_id": c.call_id, "started_at": c.started_at, "value": c.value} for c in window]


def _sync_alerts(
    session: Session,
    active: Sequence[Alert],
    report: RefreshReport,
    subjects: set[tuple[str, str]] | None = None,
) -> None:
    """Open, update and resolve stored alerts to match `active` (within `subjects`, if given)."""
    open_rows = {
        (r.subject_type, r.subject, r.kind): r
        for r in session.scalars(select(CoachingAlertRow).where(CoachingAlertRow.status == "open"))
        if subjects is None or (r.subject_type, r.subject) in subjects
    }
    seen: set[tuple[str, str, str]] = set()
    key: tuple[str, str, str]
    for a in active:
        key = (a.subject_type, a.subject, a.kind)
        if key in seen:
            continue
        seen.add(key)
        row = open_rows.get(key)
        if row is None:
            row = CoachingAlertRow(
                kind=a.kind,
                subject_type=a.subject_type,
                subject=a.subject,
                severity=a.severity,
                status="open",
                message=a.message,
                window=_window_json(a.window),
                evidence=list(a.evidence),
                details=a.details,
            )
            session.add(row)
            session.flush()
            report.opened.append(row.id)
        else:
            # The same open alert, seen again: keep its id (and deliveries), refresh what it shows.
            row.severity, row.message = a.severity, a.message
            row.window, row.evidence, row.details = _window_json(a.window), list(a.evidence), a.details
            report.updated.append(row.id)
    for key, row in open_rows.items():
        if key not in seen:
            row.status, row.resolved_at, row.resolution = "resolved", utcnow(), "condition cleared"
            report.resolved.append(row.id)


def _sync_webhooks(session: Session, settings: Settings) -> None:
    have = set(session.scalars(select(WebhookRow.url)))
    for url in settings.webhook_urls:
        if url not in have:
            session.add(WebhookRow(url=url, active=True))


def refresh(settings: Settings, *, deliver: bool = True, call_id: str | None = None) -> RefreshReport:
    """Record issued prompts, recompute and deduplicate alerts, deliver new ones to webhooks.

    With `call_id`, only that call's rep and deal are recomputed (what a newly stored call can
    change); without it, every rep and deal."""
    playbook = coaching.playbook_for(settings)
    report = RefreshReport()
    with session_scope(settings) as session:
        subjects: set[tuple[str, str]] | None = None
        if call_id is None:
            calls = all_calls(session)
        else:
            call = get_call(session, call_id)
            if call is None:
                raise NotFound(f"call {call_id!r} is not stored")
            mine = all_calls(session, rep=call.rep) if call.rep else []
            deal = all_calls(session, deal_id=call.deal_id) if call.deal_id else []
            calls = list({c.call_id: c for c in [*mine, *deal]}.values())
            subjects = {(t, v) for t, v in (("rep", call.rep), ("deal", call.deal_id)) if v}
        active = coaching.alerts_for([view_of_stored(c) for c in calls], playbook)
        if subjects is not None:
            # Other reps on this deal appear with part of their history only: their alerts wait
            # for a refresh of their own calls.
            active = [a for a in active if (a.subject_type, a.subject) in subjects]
        report.prompts_recorded = _record_prompts(session, calls)
        _sync_alerts(session, active, report, subjects)
        _sync_webhooks(session, settings)
    if deliver:
        report.delivered, report.failed_deliveries = deliver_alerts(settings)
    return report


def idempotency_key(webhook_id: int, alert_id: int, event: str) -> str:
    return hashlib.sha256(f"callcoach:{webhook_id}:{alert_id}:{event}".encode()).hexdigest()


def _alert_of(row: CoachingAlertRow) -> Alert:
    return Alert(
        kind=row.kind,
        severity=row.severity,  # type: ignore[arg-type]
        subject_type=row.subject_type,  # type: ignore[arg-type]
        subject=row.subject,
        message=row.message,
        window=tuple(
            CallRef(w.get("call_id", ""), w.get("started_at"), w.get("value")) for w in row.window or []
        ),
        evidence=tuple(row.evidence or []),
        details=dict(row.details or {}),
    )


def deliver_alerts(settings: Settings) -> tuple[int, int]:
    """POST every open alert not yet delivered to every active webhook; returns (delivered, failed).

    Each (webhook, alert, event) gets one delivery row, created before the first attempt under a
    unique idempotency key; the POST and its retries happen outside any transaction, and the
    outcome is written back to that one row. A row already marked delivered is never sent again."""
    with session_scope(settings) as session:
        _sync_webhooks(session, settings)
        hooks = [
            (h.id, h.url) for h in session.scalars(select(WebhookRow).where(WebhookRow.active.is_(True)))
        ]
        alerts = {
            a.id: _alert_of(a)
            for a in session.scalars(select(CoachingAlertRow).where(CoachingAlertRow.status == "open"))
        }
        done = set(
            session.scalars(
                select(WebhookDeliveryRow.idempotency_key).where(WebhookDeliveryRow.status == "delivered")
            )
        )
    todo = [
        (hid, url, aid, a)
        for hid, url in hooks
        for aid, a in alerts.items()
        if idempotency_key(hid, aid, "opened") not in done
    ]
    delivered = failed = 0
    for hid, url, aid, alert in todo:
        key = idempotency_key(hid, aid, "opened")
        _ensure_delivery_row(settings, hid, aid, key)
        try:
            # Checked again at delivery: the name may resolve elsewhere than at registration.
            check_target(url, settings.webhook_allowed_hosts, require_resolved=True)
        except WebhookTargetRefused as exc:
            result = DeliveryResult(False, 0, None, f"target refused: {exc}")
        else:
            result = post_with_retries(
                url,
                slack_payload(alert, alert_id=aid),
                idempotency_key=key,
                attempts=settings.webhook_attempts,
                backoff_s=settings.webhook_backoff_s,
                backoff_max_s=settings.webhook_backoff_max_s,
                timeout_s=settings.webhook_timeout_s,
                connect_timeout_s=settings.webhook_connect_timeout_s,
            )
        with session_scope(settings) as session:
            row = session.scalars(
                select(WebhookDeliveryRow).where(WebhookDeliveryRow.idempotency_key == key)
            ).one()
            row.attempts += result.attempts
            row.last_status_code = result.status_code
            row.last_error = result.error
            if result.delivered:
                row.status, row.delivered_at = "delivered", utcnow()
                delivered += 1
            else:
                row.status = "failed"
                failed += 1
    return delivered, failed


def _ensure_delivery_row(settings: Settings, webhook_id: int, alert_id: int, key: str) -> None:
    try:
        with session_scope(settings) as session:
            exists = session.scalars(
                select(WebhookDeliveryRow.id).where(WebhookDeliveryRow.idempotency_key == key)
            ).first()
            if exists is None:
                session.add(
                    WebhookDeliveryRow(
                        webhook_id=webhook_id,
                        alert_id=alert_id,
                        event="opened",
                        idempotency_key=key,
                        status="pending",
                        attempts=0,
                    )
                )
    except (IntegrityError, StorageError) as exc:
        # Another process created it between our read and insert: the one row stands.
        log.debug("delivery row %s already created elsewhere: %s", key[:12], exc)


def list_deliveries(settings: Settings) -> list[dict[str, Any]]:
    with session_scope(settings) as session:
        return [
            {
                "id": r.id,
                "webhook_id": r.webhook_id,
                "alert_id": r.alert_id,
                "event": r.event,
                "idempotency_key": r.idempotency_key,
                "status": r.status,
                "attempts": r.attempts,
                "last_status_code": r.last_status_code,
                "last_error": r.last_error,
                "delivered_at": r.delivered_at.isoformat() if r.delivered_at else None,
            }
            for r in session.scalars(select(WebhookDeliveryRow).order_by(WebhookDeliveryRow.id))
        ]


def _alert_json(r: CoachingAlertRow) -> dict[str, Any]:
    return {
        "id": r.id,
        "kind": r.kind,
        "severity": r.severity,
        "status": r.status,
        "subject_type": r.subject_type,
        "subject": r.subject,
        r.subject_type: r.subject,
        "message": r.message,
        "window": r.window,
        "evidence": r.evidence,
        "details": r.details,
        "opened_at": r.opened_at.isoformat(),
        "resolved_at": r.resolved_at.isoformat() if r.resolved_at else None,
        "resolution": r.resolution,
    }


def list_alerts(
    settings: Settings, *, status: str | None = "open", rep: str | None = None, roster: Roster | None = None
) -> list[dict[str, Any]]:
    """Stored alerts (open ones by default), newest first; `rep` also shows the rep's deals."""
    try:
        with session_scope(settings) as session:
            stmt = select(CoachingAlertRow).order_by(
                CoachingAlertRow.opened_at.desc(), CoachingAlertRow.id.desc()
            )
            if status:
                stmt = stmt.where(CoachingAlertRow.status == status)
            rows = [_alert_json(r) for r in session.scalars(stmt)]
            deals = None
            if rep is not None:
                deals = {c.deal_id for c in list_calls(session, rep=rep, limit=10_000) if c.deal_id}
    except SQLAlchemyError as exc:
        raise StorageError(f"listing alerts failed: {exc}") from exc
    if rep is not None:
        rows = [
            r
            for r in rows
            if (r["subject_type"] == "rep" and r["subject"] == rep)
            or (r["subject_type"] == "deal" and deals and r["subject"] in deals)
        ]
    if roster:
        for r in rows:
            entry = roster.get(r["subject"]) if r["subject_type"] == "rep" else None
            r["manager"] = entry.manager if entry else None
            r["team"] = entry.team if entry else None
    return rows


def resolve_alert(settings: Settings, alert_id: int, note: str = "resolved by a manager") -> dict[str, Any]:
    with session_scope(settings) as session:
        row = session.get(CoachingAlertRow, alert_id)
        if row is None:
            raise NotFound(f"alert {alert_id} does not exist")
        if row.status == "open":
            row.status, row.resolved_at, row.resolution = "resolved", utcnow(), note
        return _alert_json(row)


def _team_calls(calls: Sequence[StoredCall], rep: str, roster: Roster | None) -> list[StoredCall]:
    """Calls of the rep's team (from the roster), or of everyone when the roster does not say."""
    team = roster[rep].team if roster and rep in roster else None
    if not team or roster is None:
        return list(calls)
    members = {r for r, e in roster.items() if e.team == team}
    return [c for c in calls if c.rep in members]


def coach_plan(settings: Settings, rep: str, *, roster: Roster | None = None) -> dict[str, Any]:
    """A rep's current coaching plan: prompts for their latest call (against their own baseline and
    their team's distribution), recurring focus areas, open alerts and how earlier prompts worked."""
    # Reading a plan (CLI or API GET) brings alerts up to date but sends nothing: delivery is the
    # alert feed's and the job pipeline's job.
    report = refresh(settings, deliver=False)
    with session_scope(settings) as session:
        calls = all_calls(session)
    mine = [c for c in calls if c.rep == rep]
    if not mine:
        known = sorted({c.rep for c in calls if c.rep})
        raise NotFound(f"no stored calls for rep {rep!r}; reps with calls: {', '.join(known) or 'none'}")
    order = {v.call_id: i for i, v in enumerate(in_time_order(view_of_stored(c) for c in calls))}
    ordered = sorted(mine, key=lambda c: order[c.call_id])
    latest = ordered[-1]
    history = sorted(
        (
            c
            for c in calls
            if order[c.call_id] < order[latest.call_id]
            and (c.rep == rep or (latest.deal_id and c.deal_id == latest.deal_id))
        ),
        key=lambda c: order[c.call_id],
    )
    result = coaching.coach_call(
        transcript_of_stored(latest),
        latest.analysis.get("signals") or {},
        history=history,
        settings=settings,
        team=_team_calls(calls, rep, roster),
    )
    focus: Counter[str] = Counter()
    for c in ordered[-PLAN_RECENT_CALLS:]:
        for p in (c.analysis.get("coaching") or {}).get("prompts") or []:
            focus[p.get("behavior") or p.get("signal")] += 1
    out = outcomes(settings, roster=roster, calls=calls)
    return {
        "rep": rep,
        "roster": roster[rep].model_dump() if roster and rep in roster else None,
        "calls": len(mine),
        "latest_call": {
            "call_id": latest.call_id,
            "title": latest.analysis.get("title"),
            "started_at": latest.started_at.isoformat() if latest.started_at else None,
        },
        "prompts": result["prompts"],
        "recurring_focus": [{"behavior": b, "calls": n} for b, n in focus.most_common() if n > 1],
        "alerts": list_alerts(settings, rep=rep, roster=roster),
        "outcomes": out["per_rep"].get(rep, {}),
        "refresh": {"opened": len(report.opened), "resolved": len(report.resolved)},
    }


def issued_prompts(settings: Settings) -> list[IssuedPrompt]:
    with session_scope(settings) as session:
        return [
            IssuedPrompt(call_id=r.call_id, rep=r.rep, rule_id=r.rule_id, signal=r.signal, metric=r.metric)
            for r in session.scalars(select(CoachingPromptRow).order_by(CoachingPromptRow.id))
        ]


def outcomes(
    settings: Settings, *, roster: Roster | None = None, calls: Sequence[StoredCall] | None = None
) -> dict[str, Any]:
    """Before/after effect of every issued prompt, per rep, team and cohort."""
    from coaching.outcomes import track_outcomes

    if calls is None:
        refresh(settings, deliver=False)
        with session_scope(settings) as session:
            calls = all_calls(session)
    views: list[CallView] = [view_of_stored(c) for c in calls]
    return track_outcomes(issued_prompts(settings), views, roster)


def roleplays(
    settings: Settings,
    *,
    roster: Roster | None = None,
    call_ids: Collection[str] | None = None,
    deidentify: bool = False,
) -> list[dict[str, Any]]:
    """Role-play scenarios from stored calls' buyer objections and pains (only `call_ids`' when
    given); with a roster, each context entry also names the rep's team and segment (who hears this
    objection). `deidentify` drops who, which call and which deal, and names inside quotes."""
    from coaching.roleplay import build_roleplays, people_named
    from coaching.roleplay import deidentify as strip_identity

    with session_scope(settings) as session:
        calls = all_calls(session)
    if call_ids is not None:
        calls = [c for c in calls if c.call_id in call_ids]
    views = [view_of_stored(c) for c in calls]
    scenarios = build_roleplays(views)
    for sc in scenarios:
        for ctx in sc["context"]:
            entry = roster.get(ctx.get("rep") or "") if roster else None
            ctx["team"], ctx["segment"] = (entry.team, entry.segment) if entry else (None, None)
    return strip_identity(scenarios, people_named(views)) if deidentify else scenarios
