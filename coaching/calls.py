"""A uniform, read-only view of one call for coaching: its signals plus its utterances.

Coaching reads the call being analysed (a `Transcript` and its fresh signals) and stored calls
(`StoredCall`, whose analysis carries `transcript[]` and `signals`, read through the typed
`callcoach.analysis.Analysis`) the same way, through `CallView`. Nothing here touches storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from callcoach.analysis import Analysis, Signals
from callcoach.domain import Participant, StoredCall, Transcript, Utterance


@dataclass(frozen=True, slots=True)
class CallView:
    """What coaching needs of one call. `signals` is the typed analysis["signals"] (CONTRACT
    section 2); a section the call was analysed without is None."""

    call_id: str
    rep: str | None
    deal_id: str | None
    started_at: datetime | None
    signals: Signals
    utterances: tuple[Utterance, ...] = ()
    participants: tuple[Participant, ...] = ()
    title: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def by_side(self, side: str) -> tuple[Utterance, ...]:
        return tuple(u for u in self.utterances if u.side == side)

    def title_of(self, name: str) -> str | None:
        for p in self.participants:
            if p.name == name and p.title:
                return p.title
        return None


def view_of_transcript(transcript: Transcript, signals: Signals | Mapping[str, Any]) -> CallView:
    """The call being analysed; `signals` typed, or as CONTRACT JSON (read by `Signals.from_contract`)."""
    m = transcript.meta
    return CallView(
        call_id=m.call_id or "",
        rep=m.rep,
        deal_id=m.deal_id,
        started_at=m.started_at,
        signals=Signals.from_contract(signals),
        utterances=transcript.utterances,
        participants=tuple(m.participants),
        title=m.title,
        extra=dict(m.extra),
    )


def _utterances_of(analysis: Analysis) -> tuple[Utterance, ...]:
    out: list[Utterance] = []
    for row in analysis.transcript or ():
        if row.speaker is None or row.text is None:
            continue
        try:
            out.append(Utterance(speaker=str(row.speaker), start=float(row.start), end=float(row.end),
                                 text=str(row.text), side=row.side or "unknown"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            continue  # a stored row without timing cannot be quoted as evidence
    return tuple(out)


def _participants_of(call: StoredCall, analysis: Analysis) -> tuple[Participant, ...]:
    if call.participants:
        return tuple(call.participants)
    return tuple(Participant(name=str(s.name), side=s.side or "unknown", title=s.title)  # type: ignore[arg-type]
                 for s in analysis.speakers if s.name)


def view_of_stored(call: StoredCall) -> CallView:
    a = Analysis.from_contract(call.analysis or {})
    account = a.coaching.get("account") if isinstance(a.coaching, dict) else None
    extra: dict[str, Any] = account if isinstance(account, dict) else {}
    return CallView(
        call_id=call.call_id,
        rep=call.rep,
        deal_id=call.deal_id,
        started_at=call.started_at,
        signals=a.signals,
        utterances=_utterances_of(a),
        participants=_participants_of(call, a),
        title=a.title,
        extra=dict(extra),
    )


def transcript_of_stored(call: StoredCall) -> Transcript:
    """Rebuild a Transcript from a stored analysis (to re-run per-call coaching on it)."""
    from callcoach.domain import CallMeta

    view = view_of_stored(call)
    meta = CallMeta(
        call_id=call.call_id,
        title=view.title,
        started_at=call.started_at,
        deal_id=call.deal_id,
        rep=call.rep,
        participants=view.participants,
        extra=view.extra,
    )
    return Transcript(
        meta=meta, utterances=view.utterances, duration_s=float(call.analysis.get("duration_s") or 0.0)
    )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _when(started_at: datetime | None) -> datetime:
    if started_at is None:
        return _EPOCH
    return started_at if started_at.tzinfo else started_at.replace(tzinfo=UTC)


def in_time_order(calls: Iterable[CallView]) -> list[CallView]:
    """Oldest first; calls without a start time keep their given order, before dated ones."""
    indexed = list(enumerate(calls))
    indexed.sort(key=lambda ic: (_when(ic[1].started_at), ic[0]))
    return [c for _, c in indexed]
