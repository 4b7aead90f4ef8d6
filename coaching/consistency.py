"""Does every quote of a finished analysis support its claim? A check over analysis["coaching"].

For each practice prompt: its rule's evidence kind (from the playbook, not from what the prompt
says of itself) applies to the call, and every quote is a real utterance of the call that meets
the kind's condition (`coaching.conditions`). For each alert: every quote names the call it comes
from (id and date) and, where that call is known, is a real utterance of it meeting the alert's
evidence condition there. The tests run this over every call the real pipeline analysed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from callcoach.analysis import Analysis
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from coaching.calls import CallView, view_of_transcript
from coaching.conditions import condition, utterance_of
from coaching.playbook import Playbook


@dataclass(frozen=True, slots=True)
class Inconsistency:
    """One quote (or prompt) that does not support its claim."""

    call_id: str
    item: str  # "prompt discovery-depth", "alert deal_single_threaded"
    problem: str
    quote: str | None = None

    def __str__(self) -> str:
        q = f': "{self.quote[:80]}"' if self.quote else ""
        return f"{self.call_id} {self.item}: {self.problem}{q}"


def view_of_analysis(analysis: Analysis | Mapping[str, Any]) -> CallView:
    """A CallView of an analysis (typed, or its CONTRACT JSON): its transcript[] and signals."""
    a = Analysis.from_contract(analysis)
    utts = tuple(
        Utterance(speaker=str(u.speaker), start=float(u.start), end=float(u.end), text=str(u.text),
                  side=u.side or "unknown")  # type: ignore[arg-type]
        for u in a.transcript or ()
    )
    meta = CallMeta(
        call_id=str(a.call_id or ""),
        title=a.title,
        started_at=datetime.fromisoformat(a.started_at) if isinstance(a.started_at, str) else None,
        deal_id=a.deal_id,
        rep=a.rep,
        participants=tuple(
            Participant(name=str(s.name), side=s.side or "unknown", title=s.title)  # type: ignore[arg-type]
            for s in a.speakers
            if s.name
        ),
    )
    transcript = Transcript(meta=meta, utterances=utts, duration_s=float(a.duration_s or 0.0))
    return view_of_transcript(transcript, a.signals)


def check_analysis(
    analysis: Mapping[str, Any],
    playbook: Playbook,
    *,
    calls: Mapping[str, CallView] | None = None,
) -> list[Inconsistency]:
    """Every way the coaching of `analysis` contradicts its own evidence (empty when none).

    `calls` (by call_id) lets alert quotes from other calls be checked against those calls."""
    call = view_of_analysis(analysis)
    coaching = analysis.get("coaching") or {}
    rules = {r.id: r for r in playbook.rules}
    out: list[Inconsistency] = []
    for p in coaching.get("prompts") or []:
        rule = rules.get(str(p.get("rule")))
        kind = rule.evidence if rule is not None else str(p.get("evidence_kind") or "")
        item = f"prompt {p.get('rule')}"
        try:
            cond = condition(kind)
        except KeyError as exc:
            out.append(Inconsistency(call.call_id, item, str(exc)))
            continue
        if not p.get("evidence"):
            out.append(Inconsistency(call.call_id, item, "no quote supports it"))
        if not cond.call_ok(call):
            out.append(Inconsistency(call.call_id, item, f"given although {cond.not_given_when}"))
        for q in p.get("evidence") or []:
            if utterance_of(call, q) is None:
                out.append(
                    Inconsistency(call.call_id, item, "quote is not an utterance of this call", q.get("text"))
                )
            elif not cond.quote_ok(call, q):
                out.append(Inconsistency(call.call_id, item, f"quote is not {cond.states}", q.get("text")))
    for a in coaching.get("alerts") or []:
        item = f"alert {a.get('kind')}"
        kind = (a.get("details") or {}).get("evidence_kind")
        for q in a.get("evidence") or []:
            source_id = q.get("call_id")
            if not source_id:
                out.append(Inconsistency(call.call_id, item, "quote names no call", q.get("text")))
                continue
            source = call if source_id == call.call_id else (calls or {}).get(str(source_id))
            if source_id != call.call_id and not q.get("call_date") and (source is None or source.started_at):
                problem = f"quote from {source_id} carries no date"
                out.append(Inconsistency(call.call_id, item, problem, q.get("text")))
            if source is None:
                continue
            if source.started_at and q.get("call_date") != source.started_at.date().isoformat():
                out.append(Inconsistency(call.call_id, item, f"quote dated {q.get('call_date')} is from "
                                         f"{source_id} of {source.started_at.date()}", q.get("text")))
            if utterance_of(source, q) is None:
                out.append(Inconsistency(call.call_id, item, f"quote is not an utterance of {source_id}",
                                         q.get("text")))
            elif kind and not condition(kind).quote_ok(source, q):
                out.append(Inconsistency(call.call_id, item, f"quote is not {condition(kind).states}",
                                         q.get("text")))
    return out
