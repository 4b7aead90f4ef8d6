"""Coaching: practice prompts for reps, drift and deal alerts for managers, role-play content for
enablement, and outcome tracking that shows whether coaching worked.

Entry points:

- :func:`coach_call` (used by the pipeline): analysis["coaching"] for one call, from its
  transcript, signals and history.
- :func:`alerts_for` : active manager alerts over stored call histories (per rep and per deal).
- :func:`build_roleplays` / :func:`roleplays_markdown`: scenarios clustered from buyer objections and pains.
- :func:`track_outcomes`: before/after effect of issued prompts, per rep, team and cohort.

Everything here is pure: the storage glue lives in ``callcoach.services.coaching``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from callcoach.analysis import Signals
from callcoach.domain import StoredCall, Transcript
from callcoach.settings import Settings
from coaching.alerts import deal_alerts, rep_alerts
from coaching.calls import CallView, in_time_order, view_of_stored, view_of_transcript
from coaching.playbook import MalformedPlaybook, Playbook, load_playbook
from coaching.prompts import practice_prompts
from coaching.types import Alert, CoachingPrompt

__all__ = [
    "coach_call",
    "alerts_for",
    "playbook_for",
    "build_roleplays",
    "roleplays_markdown",
    "track_outcomes",
    "load_roster",
    "Alert",
    "CoachingPrompt",
    "CallView",
    "Playbook",
    "MalformedPlaybook",
]

log = logging.getLogger("callcoach.coaching")

# Call-metadata keys that describe the buyer's account (kept with the call's coaching).
ACCOUNT_KEYS = frozenset({"industry", "segment", "company", "account", "region"})


def playbook_for(settings: Settings) -> Playbook:
    """The team's playbook (settings.playbook_path), else the shipped default."""
    return load_playbook(settings.playbook_path)


def coach_call(
    transcript: Transcript,
    signals: Signals | Mapping[str, Any],
    *,
    history: Sequence[StoredCall],
    settings: Settings,
    team: Sequence[StoredCall] = (),
    team_values: Mapping[str, Sequence[float]] | None = None,
) -> dict[str, Any]:
    """analysis["coaching"] for one call: up to three practice prompts and the alerts visible now.

    `signals` is typed (`signals.extract`) or its CONTRACT JSON. `history` is the rep's and the deal's
    earlier stored calls; `team` (optional) other reps'
    calls for team percentiles (calls of other reps found in `history` count too). `team_values`
    (metric name -> values) replaces that whole distribution when the caller has it as numbers."""
    playbook = playbook_for(settings)
    call = view_of_transcript(transcript, signals)
    past = [view_of_stored(c) for c in history if c.call_id != call.call_id]
    own = in_time_order(c for c in past if call.rep and c.rep == call.rep)
    seen = {c.call_id for c in past}
    team_views = [c for c in past if c.rep != call.rep]
    team_views += [view_of_stored(c) for c in team if c.call_id not in seen and c.call_id != call.call_id]
    prompts = practice_prompts(
        call, own_history=own, team=[*team_views, *own, call], playbook=playbook, team_values=team_values
    )

    alerts: list[Alert] = []
    if call.rep:
        alerts += rep_alerts([*own, call], playbook)
    if call.deal_id:
        deal = in_time_order(c for c in past if c.deal_id == call.deal_id)
        alerts += deal_alerts([*deal, call], playbook)
    # Every rule returns only alerts still active with this call as the latest one: a drift
    # whose chart is still out of control, a deal risk that this call did not clear.
    # Account facts from the call metadata (e.g. "industry"): role-play personas read them back
    # from stored analyses, which keep no other copy of the metadata's extra keys.
    account = {k: v for k, v in transcript.meta.extra.items() if k in ACCOUNT_KEYS and isinstance(v, str)}
    return {
        "account": account,
        "prompts": [p.to_contract() for p in prompts],
        "alerts": [a.to_contract() for a in alerts],
        "playbook": {"rules": len(playbook.rules), "max_prompts": playbook.max_prompts},
    }


def alerts_for(calls: Sequence[CallView], playbook: Playbook) -> list[Alert]:
    """Every active alert over stored calls: per rep (drift) and per deal, oldest call first."""
    by_rep: dict[str, list[CallView]] = {}
    by_deal: dict[str, list[CallView]] = {}
    for c in in_time_order(calls):
        if c.rep:
            by_rep.setdefault(c.rep, []).append(c)
        if c.deal_id:
            by_deal.setdefault(c.deal_id, []).append(c)
    out: list[Alert] = []
    for rep_calls in by_rep.values():
        out += rep_alerts(rep_calls, playbook)
    for deal_calls in by_deal.values():
        out += deal_alerts(deal_calls, playbook)
    return out


def __getattr__(name: str) -> Any:
    # Role-play and outcome modules pull in embeddings and numpy statistics; load them on use.
    if name in {"build_roleplays", "roleplays_markdown"}:
        from coaching import roleplay

        return getattr(roleplay, name)
    if name in {"track_outcomes"}:
        from coaching import outcomes

        return outcomes.track_outcomes
    if name == "load_roster":
        from coaching import roster

        return roster.load_roster
    raise AttributeError(name)
