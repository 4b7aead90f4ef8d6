"""Coaching over stored calls: the glue between storage and the pure `coaching` package.

- :func:`record_call` (the coach stage, through :func:`refresh` with a call id) keeps what the reads
  need up to date for one call: its coaching metrics, the prompts issued on it, its buyer statements
  in the role-play catalogue, and the alerts of its rep and its deal only, recomputed over their
  most recent calls (``HISTORY_LIMIT``, the window the analysis already uses). Its cost does not
  grow with the library.
- :func:`refresh` without a call id recomputes alerts over every rep and deal (the CLI's
  ``alerts``), after catching up calls stored by a door that ran no coach stage
  (:func:`catch_up`). Both keep one open alert per subject and kind (opening, updating and
  resolving rows), then deliver newly opened alerts to the webhooks.
- :func:`deliver_alerts` POSTs open alerts to every active webhook, one delivery row per
  webhook, alert and event (unique idempotency key): a delivery is recorded exactly once,
  and a failed one is retried on the next run.
- :func:`coach_plan`, :func:`list_alerts`, :func:`roleplays`, :func:`outcomes` feed the CLI and the
  API. The plan, the alert feed and the role-play catalogue only read what the coach stage stored
  (indexed, paged, bounded reads); none of them refreshes or scans every call.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
from callcoach.storage import Session, count_calls, get_call, list_calls, session_scope
from callcoach.storage import coaching as store
from callcoach.storage import webhooks as hooks_store
from callcoach.storage.access import TeamDeals, team_pure_deals
from callcoach.storage.calls import HISTORY_LIMIT
from callcoach.storage.coaching import StoredAlert
from coaching.calls import CallView, in_time_order, view_of_stored
from coaching.metrics import METRICS
from coaching.outcomes import IssuedPrompt
from coaching.roster import Roster
from coaching.types import Alert, CallRef

log = logging.getLogger("callcoach.coaching")

# Calls read per page when loading every stored call.
_PAGE = 500
# Recent calls whose prompts make up a rep's recurring focus areas in `coach_plan`.
PLAN_RECENT_CALLS = 10
# Calls in a team's distribution for percentile rules: the team's most recent ones. A 25th
# percentile estimated from 1,000 calls moves by about 1.5 percentile points (binomial standard
# error), far less than one call's noise; more calls only add reading time.
TEAM_DISTRIBUTION_CALLS = 1000
# Alerts a page of the alert feed shows unless the reader asks for another size (as /v1/calls).
ALERT_PAGE = 50


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
    # The coach stage: one call's prompts, not the whole table.
    have = store.prompt_keys(session, call_ids=[c.call_id for c in calls] if len(calls) <= _PAGE else None)
    added = 0
    for call in calls:
        for p in (call.analysis.get("coaching") or {}).get("prompts") or []:
            rule = p.get("rule") or p.get("signal")
            if not rule or (call.call_id, rule) in have or not p.get("metric"):
                continue
            store.add_prompt(
                session,
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
    fields = [
        store.AlertFields(
            kind=a.kind,
            subject_type=a.subject_type,
            subject=a.subject,
            severity=a.severity,
            message=a.message,
            window=_window_json(a.window),
            evidence=list(a.evidence),
            details=a.details,
        )
        for a in active
    ]
    changes = store.sync_open_alerts(session, active=fields, subjects=subjects)
    report.opened += changes.opened
    report.updated += changes.updated
    report.resolved += changes.resolved


def _sync_webhooks(session: Session, settings: Settings) -> None:
    hooks_store.register_missing(session, urls=settings.webhook_urls)


def metric_values(view: CallView) -> dict[str, float | None]:
    """Every registered coaching metric of one call (None where its signal is missing)."""
    return {name: m.read(view) for name, m in METRICS.items()}


def _catalogue(session: Session, calls: Sequence[StoredCall]) -> None:
    """Put the buyer statements of `calls` into the role-play catalogue (replacing earlier ones)."""
    from coaching.catalogue import nearest_cluster, statement_records

    pending: list[tuple[StoredCall, dict[str, Any]]] = []
    for call in calls:
        store.remove_call_statements(session, call.call_id)
        pending += [(call, r) for r in statement_records(view_of_stored(call))]
    if not pending:
        return
    from callcoach.nlp import embed

    vectors = embed([r["text"] for _, r in pending])
    counted: set[tuple[str, int]] = set()  # (call, cluster) pairs already counted as a call
    for (call, record), vector in zip(pending, vectors, strict=True):
        clusters = store.clusters_of_group(session, record["kind"], record["category"])
        chosen = nearest_cluster(vector, clusters, record["kind"])
        cluster_id = store.add_statement(
            session,
            call_id=call.call_id,
            call_started_at=call.started_at,
            record=record,
            vector=vector,
            cluster_id=chosen,
            new_call=(call.call_id, chosen or -1) not in counted,
        )
        counted.add((call.call_id, cluster_id))


def record_call(session: Session, call: StoredCall) -> int:
    """What one coached call adds to the stored aggregates: its metrics, its issued prompts and its
    role-play statements. Returns the number of prompts recorded."""
    store.put_call_metrics(
        session,
        call_id=call.call_id,
        rep=call.rep,
        deal_id=call.deal_id,
        started_at=call.started_at,
        values=metric_values(view_of_stored(call)),
    )
    _catalogue(session, [call])
    return _record_prompts(session, [call])


def _subject_calls(session: Session, subjects: set[tuple[str, str]]) -> list[StoredCall]:
    """The most recent calls (HISTORY_LIMIT each) of every rep and deal in `subjects`."""
    found: dict[str, StoredCall] = {}
    for subject_type, subject in sorted(subjects):
        key = {"rep": subject} if subject_type == "rep" else {"deal_id": subject}
        for c in store.recent_calls(session, limit=HISTORY_LIMIT, **key):
            found.setdefault(c.call_id, c)
    return list(found.values())


def _refresh_subjects(
    session: Session, subjects: set[tuple[str, str]], playbook: coaching.Playbook, report: RefreshReport
) -> None:
    # Other reps on these deals appear with part of their history only: their alerts wait for a
    # refresh of their own calls.
    calls = _subject_calls(session, subjects)
    active = [
        a
        for a in coaching.alerts_for([view_of_stored(c) for c in calls if c.analysis], playbook)
        if (a.subject_type, a.subject) in subjects
    ]
    _sync_alerts(session, active, report, subjects)


def _subjects_of(call: StoredCall) -> set[tuple[str, str]]:
    return {(t, v) for t, v in (("rep", call.rep), ("deal", call.deal_id)) if v}


def catch_up(settings: Settings, *, report: RefreshReport | None = None) -> RefreshReport:
    """Coach the analysed calls that no coach stage has seen (stored by the CLI or another door):
    record them, then refresh their reps' and deals' alerts once each. Cheap when none are left."""
    playbook = coaching.playbook_for(settings)
    report = report or RefreshReport()
    with session_scope(settings) as session:
        ids = store.uncoached_call_ids(session)
        subjects: set[tuple[str, str]] = set()
        for i in range(0, len(ids), _PAGE):
            for call_id in ids[i : i + _PAGE]:
                call = get_call(session, call_id)
                if call is None or not call.analysis:
                    continue
                report.prompts_recorded += record_call(session, call)
                subjects |= _subjects_of(call)
        if subjects:
            _refresh_subjects(session, subjects, playbook, report)
        _sync_webhooks(session, settings)
    return report


def refresh(settings: Settings, *, deliver: bool = True, call_id: str | None = None) -> RefreshReport:
    """Record issued prompts, recompute and deduplicate alerts, deliver new ones to webhooks.

    With `call_id` (the coach stage), that call is recorded (metrics, prompts, role-play
    statements) and only its rep's and deal's alerts are recomputed, over their most recent
    HISTORY_LIMIT calls; without it, calls never coached are caught up and every rep's and deal's
    alerts are recomputed."""
    playbook = coaching.playbook_for(settings)
    report = RefreshReport()
    if call_id is not None:
        with session_scope(settings) as session:
            call = get_call(session, call_id)
            if call is None:
                raise NotFound(f"call {call_id!r} is not stored")
            report.prompts_recorded = record_call(session, call)
            _refresh_subjects(session, _subjects_of(call), playbook, report)
            _sync_webhooks(session, settings)
    else:
        catch_up(settings, report=report)
        with session_scope(settings) as session:
            calls = all_calls(session)
            active = coaching.alerts_for([view_of_stored(c) for c in calls], playbook)
            report.prompts_recorded += _record_prompts(session, calls)
            _sync_alerts(session, active, report, None)
            _sync_webhooks(session, settings)
    if deliver:
        report.delivered, report.failed_deliveries = deliver_alerts(settings)
    return report


def idempotency_key(webhook_id: int, alert_id: int, event: str) -> str:
    return hashlib.sha256(f"callcoach:{webhook_id}:{alert_id}:{event}".encode()).hexdigest()


def _alert_of(row: StoredAlert) -> Alert:
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
        hooks = [(h.id, h.url) for h in hooks_store.webhooks(session, active_only=True)]
        alerts = {a.id: _alert_of(a) for a in store.open_alerts(session)}
        done = hooks_store.delivered_keys(session)
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
            hooks_store.record_attempts(
                session,
                key=key,
                attempts=result.attempts,
                status_code=result.status_code,
                error=result.error,
                delivered=result.delivered,
            )
        if result.delivered:
            delivered += 1
        else:
            failed += 1
    return delivered, failed


def _ensure_delivery_row(settings: Settings, webhook_id: int, alert_id: int, key: str) -> None:
    try:
        with session_scope(settings) as session:
            hooks_store.add_delivery(
                session, webhook_id=webhook_id, alert_id=alert_id, event="opened", key=key
            )
    except StorageError as exc:
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
            for r in hooks_store.deliveries(session)
        ]


def _alert_json(r: StoredAlert) -> dict[str, Any]:
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
    settings: Settings,
    *,
    status: str | None = "open",
    rep: str | None = None,
    roster: Roster | None = None,
    reps: Collection[str] | None = None,
    deals: Collection[str] | TeamDeals | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Stored alerts (open ones by default), newest first; `rep` also shows the rep's deals.

    `reps` / `deals` limit the subjects (a reader's scope; None: any; deals may be a rule,
    ``TeamDeals``, that the query applies per alert), `limit` / `offset` page through the feed (an
    index on status and opening time serves it)."""
    with session_scope(settings) as session:
        if rep is not None:
            mine = {rep} if reps is None or rep in reps else set()
            theirs = set(store.deals_of_rep(session, rep))
            if isinstance(deals, TeamDeals):
                deals = team_pure_deals(session, deals.team, rep=deals.rep)
            reps, deals = mine, theirs if deals is None else theirs & set(deals)
        stored = store.alert_rows(session, status=status, reps=reps, deals=deals, limit=limit, offset=offset)
        rows = [_alert_json(r) for r in stored]
    if roster:
        for r in rows:
            entry = roster.get(r["subject"]) if r["subject_type"] == "rep" else None
            r["manager"] = entry.manager if entry else None
            r["team"] = entry.team if entry else None
    return rows


def resolve_alert(settings: Settings, alert_id: int, note: str = "resolved by a manager") -> dict[str, Any]:
    with session_scope(settings) as session:
        alert = store.resolve_alert(session, alert_id=alert_id, resolution=note)
    if alert is None:
        raise NotFound(f"alert {alert_id} does not exist")
    return _alert_json(alert)


# Plans kept per process, each with the stamp of what it was computed from (see coach_plan).
PLAN_CACHE_SIZE = 1024
_PLANS: dict[Any, tuple[Any, dict[str, Any]]] = {}
# Role-play pages kept per process, each with the catalogue's stamp (see roleplay_page).
_PAGES: dict[Any, tuple[Any, list[dict[str, Any]], int]] = {}
_PLAN_LOCK = threading.Lock()


def _plan_core(
    session: Session, rep: str, roster: Roster | None, playbook: coaching.Playbook
) -> dict[str, Any]:
    """The computed part of a plan: latest call, its prompts, recurring focus and outcomes."""
    from coaching.outcomes import track_outcomes
    from coaching.prompts import practice_prompts

    history = [c for c in store.recent_calls(session, rep=rep, limit=HISTORY_LIMIT) if c.analysis]
    latest = history[-1]
    own_views = in_time_order(view_of_stored(c) for c in history)
    team_values = _team_values(session, rep, roster, own_views)
    own_ids = [v.call_id for v in own_views]
    issued = [
        IssuedPrompt(call_id=r.call_id, rep=r.rep, rule_id=r.rule_id, signal=r.signal, metric=r.metric)
        for r in store.issued_prompts(session, rep=rep, call_ids=own_ids)
    ]
    latest_view = next(v for v in own_views if v.call_id == latest.call_id)
    # The latest call's prompts against the rep's own baseline and the team's stored distribution
    # (coaching.coach_call would also recompute alerts: the plan shows the stored ones).
    prompts = practice_prompts(
        latest_view,
        own_history=[v for v in own_views if v.call_id != latest.call_id],
        team=[],
        playbook=playbook,
        team_values=team_values,
    )
    by_id = {c.call_id: c for c in history}
    focus: Counter[str] = Counter()
    for v in own_views[-PLAN_RECENT_CALLS:]:
        for p in (by_id[v.call_id].analysis.get("coaching") or {}).get("prompts") or []:
            focus[p.get("behavior") or p.get("signal")] += 1
    out = track_outcomes(issued, own_views, roster)
    return {
        "latest_call": {
            "call_id": latest.call_id,
            "title": latest.analysis.get("title"),
            "started_at": latest.started_at.isoformat() if latest.started_at else None,
        },
        "prompts": [p.to_contract() for p in prompts],
        "recurring_focus": [{"behavior": b, "calls": n} for b, n in focus.most_common() if n > 1],
        "outcomes": out["per_rep"].get(rep, {}),
    }


def _team_reps(rep: str, roster: Roster | None) -> set[str] | None:
    """The reps of `rep`'s team (from the roster), or None (everyone) when the roster does not say."""
    team = roster[rep].team if roster and rep in roster else None
    if not team or roster is None:
        return None
    return {r for r, e in roster.items() if e.team == team}


def _team_values(
    session: Session, rep: str, roster: Roster | None, views: Sequence[CallView]
) -> dict[str, list[float]]:
    """The team's distribution per metric: the stored metrics of the team's most recent calls, with
    the plan's own calls (`views`: the latest call and its history) read directly."""
    by_call: dict[str, dict[str, Any]] = dict(
        store.metric_rows(session, reps=_team_reps(rep, roster), limit=TEAM_DISTRIBUTION_CALLS)
    )
    for v in views:
        by_call[v.call_id] = metric_values(v)
    out: dict[str, list[float]] = {}
    for values in by_call.values():
        for name, value in values.items():
            if value is not None:
                out.setdefault(name, []).append(float(value))
    return out


def coach_plan(
    settings: Settings, rep: str, *, roster: Roster | None = None, report: RefreshReport | None = None
) -> dict[str, Any]:
    """A rep's current coaching plan: prompts for their latest call (against their own baseline and
    their team's distribution), recurring focus areas, open alerts and how earlier prompts worked.

    Reads only: the rep's most recent calls (HISTORY_LIMIT; the baseline, focus areas and outcomes
    come from them), the team's stored per-call metrics (its most recent TEAM_DISTRIBUTION_CALLS
    calls, with the rep's own), the rep's stored alerts and prompts. Alerts are as
    the coach stage left them; `report` is the refresh the caller ran first, if any.

    The computed part (prompts, focus, outcomes) is kept per process with a stamp of its inputs
    (the rep's call count, the row count and latest update of the team's stored metrics): a plan
    is recomputed when a call of the rep or the team was coached since, else reused."""
    playbook = coaching.playbook_for(settings)
    team = _team_reps(rep, roster)
    entry = roster[rep].model_dump_json() if roster and rep in roster else None
    key = (settings.database_url, rep, None if team is None else frozenset(team), entry, id(playbook))
    with session_scope(settings) as session:
        n_calls = count_calls(session, rep=rep)
        if not n_calls:
            known = sorted(store.known_reps(session))
            raise NotFound(f"no stored calls for rep {rep!r}; reps with calls: {', '.join(known) or 'none'}")
        # What the plan's prompts, focus and outcomes are computed from: the rep's calls and the
        # stored metrics of the team. Unchanged since the last plan of this rep: reuse it.
        stamp = (n_calls, store.metrics_stamp(session, reps=None if team is None else team | {rep}))
        with _PLAN_LOCK:
            hit = _PLANS.get(key)
        core = hit[1] if hit is not None and hit[0] == stamp else _plan_core(session, rep, roster, playbook)
    if hit is None or hit[0] != stamp:
        with _PLAN_LOCK:
            if len(_PLANS) >= PLAN_CACHE_SIZE:
                _PLANS.clear()
            _PLANS[key] = (stamp, core)
    return {
        "rep": rep,
        "roster": roster[rep].model_dump() if roster and rep in roster else None,
        "calls": n_calls,
        **core,  # shared with the kept plan: read-only
        "alerts": list_alerts(settings, rep=rep, roster=roster),
        "refresh": {
            "opened": len(report.opened) if report else 0,
            "resolved": len(report.resolved) if report else 0,
        },
    }


def issued_prompts(settings: Settings) -> list[IssuedPrompt]:
    with session_scope(settings) as session:
        return [
            IssuedPrompt(call_id=r.call_id, rep=r.rep, rule_id=r.rule_id, signal=r.signal, metric=r.metric)
            for r in store.issued_prompts(session)
        ]


def outcomes(
    settings: Settings, *, roster: Roster | None = None, calls: Sequence[StoredCall] | None = None
) -> dict[str, Any]:
    """Before/after effect of every issued prompt, per rep, team and cohort."""
    from coaching.outcomes import track_outcomes

    if calls is None:
        catch_up(settings)
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
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """A page of role-play scenarios from the stored catalogue of buyer objections and pains, biggest
    first (only `call_ids`' statements when given); with a roster, each context entry also names the
    rep's team and segment (who hears this objection). `deidentify` drops who, which call and which
    deal, and the names of the page's calls' people inside quotes."""
    return roleplay_page(
        settings, roster=roster, call_ids=call_ids, deidentify=deidentify, limit=limit, offset=offset
    )[0]


def _scoped_page(
    rows: Sequence[tuple[int, int, str, str, Any]], size: int, offset: int
) -> tuple[list[int], int, list[int]]:
    """(page of cluster ids, clusters in all, statement ids shown newest first per cluster) from the
    scope's statements, ranked as store.cluster_page ranks the whole catalogue."""
    from coaching.catalogue import SHOWN_STATEMENTS

    groups: dict[int, list[tuple[int, int, str, str, Any]]] = {}
    for row in rows:
        groups.setdefault(row[1], []).append(row)

    def rank(cid: int) -> tuple[int, int, int, int]:
        members = groups[cid]
        objection = any(m[2] == "objection" for m in members)
        return (-len({m[3] for m in members}), -len(members), -int(objection), cid)

    page = sorted(groups, key=rank)[offset : offset + size]
    epoch = datetime.min.replace(tzinfo=UTC)
    shown = [
        m[0]
        for cid in page
        for m in sorted(groups[cid], key=lambda m: (m[4] or epoch, m[0]), reverse=True)[:SHOWN_STATEMENTS]
    ]
    return page, len(groups), shown


def roleplay_page(
    settings: Settings,
    *,
    roster: Roster | None = None,
    call_ids: Collection[str] | None = None,
    deidentify: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """(scenarios of one page, scenarios in all): see :func:`roleplays`."""
    from coaching.catalogue import DEFAULT_PAGE, SHOWN_STATEMENTS, scenario_of_records
    from coaching.roleplay import deidentify as strip_identity
    from coaching.roleplay import people_named

    size = DEFAULT_PAGE if limit is None else limit
    key = (settings.database_url, None if call_ids is None else frozenset(call_ids), deidentify, size, offset,
           settings.redact_buyer_names_in_roleplays)
    with session_scope(settings) as session:
        # A page is kept per process until a coached call changes the catalogue (its stamp).
        stamp = store.catalogue_stamp(session)
        with _PLAN_LOCK:
            hit = _PAGES.get(key) if roster is None else None
        if hit is not None and hit[0] == stamp:
            return hit[1], hit[2]  # read-only: callers serialise it, none changes it
        if call_ids is None:
            page, total = store.cluster_page(session, limit=size, offset=offset)
            shown = [
                sid
                for cid in page
                for sid in store.latest_statement_ids(session, cid, limit=SHOWN_STATEMENTS)
            ]
        else:
            page, total, shown = _scoped_page(store.statements_of_calls(session, call_ids), size, offset)
        by_id = store.statement_records(session, shown)
    records: dict[int, list[dict[str, Any]]] = {cid: [] for cid in page}
    for sid in shown:  # call order: ids were ranked newest first within each cluster
        cid, record = by_id[sid]
        records[cid].insert(0, record)
    scenarios = [
        scenario_of_records(offset + i + 1, records[cid]) for i, cid in enumerate(page) if records[cid]
    ]
    for sc in scenarios:
        for ctx in sc["context"]:
            entry = roster.get(ctx.get("rep") or "") if roster else None
            ctx["team"], ctx["segment"] = (entry.team, entry.segment) if entry else (None, None)
    if settings.redact_buyer_names_in_roleplays:
        scenarios = without_buyer_names(scenarios)
    if deidentify:
        names = people_named(n for rs in records.values() for r in rs for n in r.get("people") or ())
        scenarios = strip_identity(scenarios, names)
    if roster is None:
        with _PLAN_LOCK:
            if len(_PAGES) >= PLAN_CACHE_SIZE:
                _PAGES.clear()
            _PAGES[key] = (stamp, scenarios, total)
    return scenarios, total


def without_buyer_names(scenarios: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Scenarios with the buyers' names (the speakers of their statements) replaced by ``[BUYER]``
    in every quote and label: settings.redact_buyer_names_in_roleplays, for exports that leave
    the company."""
    import redact

    def swap(value: Any, names: list[str]) -> Any:
        if isinstance(value, dict):
            return {k: swap(v, names) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v, names) for v in value]
        return redact.replace_names(value, names) if isinstance(value, str) else value

    out = []
    for sc in scenarios:
        persona = sc.get("persona") or {}
        buyers = sorted({*persona.get("speakers", []),
                         *(c["speaker"] for c in sc.get("context", []) if c.get("speaker"))})
        out.append(swap(sc, buyers) if buyers else sc)
    return out
