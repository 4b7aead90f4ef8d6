"""The call page's content, read from a stored analysis (the typed `callcoach.analysis.Analysis`, or
its CONTRACT JSON): header, transcript lines, signal cards with their evidence quotes, coaching
prompts. Pure functions of the analysis; a redacted analysis (no words) gives cards with numbers only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from callcoach.analysis import Analysis
from web.charts import CURVE_H, CURVE_W, Chart, line_chart

# Gong Labs: reps on won deals talk about 43% of the call (43:57 rep:buyer).
REFERENCE_REP_TALK = 0.43
# Quotes listed per evidence group: the strongest few, the transcript holds the rest.
MAX_QUOTES = 6


@dataclass
class Quote:
    start: float
    speaker: str | None
    text: str


@dataclass
class Fact:
    label: str
    value: str


@dataclass
class Card:
    key: str
    title: str
    facts: list[Fact] = field(default_factory=list)
    quotes: list[tuple[str, list[Quote]]] = field(default_factory=list)  # (group label, quotes)
    chart: Chart | None = None
    chart_label: str = ""


def _quotes(items: Any) -> list[Quote]:
    """Quotes to show: a signal's typed quotes (or items carrying one) or coaching evidence dicts."""
    out = []
    for q in items or ():
        start, speaker, text = (_field(q, k) for k in ("start", "speaker", "text"))
        if not isinstance(text, str):
            continue  # redacted evidence has no text: nothing to show or to seek to
        try:
            out.append(Quote(float(start or 0.0), speaker, text))
        except (TypeError, ValueError):
            continue
        if len(out) >= MAX_QUOTES:
            break
    return out


def _field(q: Any, key: str) -> Any:
    return q.get(key) if isinstance(q, dict) else getattr(q, key, None)


def _get(d: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(d, dict):
            return None
        d = d.get(key)
    return d


def _yes(value: Any) -> str:
    return "yes" if value else "no"


def _pct(value: Any) -> str:
    return f"{value:.0%}" if isinstance(value, int | float) else "–"


def _num(value: Any, fmt: str = "{:g}") -> str:
    return fmt.format(value) if isinstance(value, int | float) and not isinstance(value, bool) else "–"


def _group(label: str, quotes: list[Quote]) -> list[tuple[str, list[Quote]]]:
    return [(label, quotes)] if quotes else []


def _typed(analysis: Analysis | Mapping[str, Any]) -> Analysis:
    return Analysis.from_contract(analysis)


def cards(analysis: Analysis | Mapping[str, Any]) -> list[Card]:
    """The signal cards of a call; a signal the analysis lacks gives a card of dashes."""
    a = _typed(analysis)
    s = a.signals
    duration = float(a.duration_s or 0.0)
    out: list[Card] = []

    talk, dyn = s.talk_ratio, s.dynamics
    mono = dyn.longest_monologue if dyn else None
    out.append(
        Card(
            "talk_ratio",
            "Talk ratio",
            [
                Fact("Rep talk share", _pct(talk.rep if talk else None)),
                Fact("Buyer talk share", _pct(talk.buyer if talk else None)),
                Fact("Reference (won deals)", f"{REFERENCE_REP_TALK:.0%} rep"),
            ],
            _group("Longest rep monologue", _quotes(mono.evidence if mono else ())),
        )
    )

    story = dyn.longest_buyer_story if dyn else None
    out.append(
        Card(
            "dynamics",
            "Dynamics",
            [
                Fact("Longest monologue", _num(s.longest_monologue_s, "{:.0f} s")),
                Fact(
                    "Speaker switches per minute",
                    _num(dyn.interactivity.switches_per_min if dyn else None, "{:.1f}"),
                ),
                Fact(
                    "Mean pause before replying", _num(dyn.patience.mean_pause_s if dyn else None, "{:.1f} s")
                ),
                Fact("Rep fillers per minute", _num(dyn.filler_rate.rep_per_min if dyn else None, "{:.1f}")),
            ],
            _group("Longest buyer story", _quotes(story.evidence if story else ()))
            + _group("Replies after the buyer", _quotes(dyn.patience.evidence if dyn else ())),
        )
    )

    disc = s.discovery
    fw = disc.framework if disc else None
    out.append(
        Card(
            "discovery",
            "Discovery",
            [
                Fact("Score", _num(disc.score if disc else None, "{:.0f} / 100")),
                Fact("Questions", _num(disc.questions if disc else None)),
                Fact("Open questions", _num(disc.open_questions if disc else None)),
                Fact("Quantified pains", _num(disc.quantified_pains if disc else None)),
                Fact(
                    f"{(fw.name if fw else None) or 'Framework'} coverage",
                    f"{fw.covered or 0} of {fw.total or 0}" if fw else "–",
                ),
            ],
            _group("Open questions", _quotes(disc.evidence.open_questions if disc else ()))
            + _group("Quantified pains", _quotes(disc.evidence.quantified_pains if disc else ())),
        )
    )

    sent = s.sentiment
    series = [p for p in (sent.series if sent else ()) if isinstance(p.score, int | float)]
    chart = None
    if len(series) >= 2:
        chart = line_chart(
            [float(p.t or 0.0) for p in series],
            [float(p.score) for p in series],
            width=CURVE_W,
            height=CURVE_H,
            y_range=(-1.0, 1.0),
            zero_line=True,
        )
    out.append(
        Card(
            "sentiment",
            "Buyer sentiment",
            [
                Fact("Direction", str((sent.direction if sent else None) or "–")),
                Fact("Drift (late minus early third)", _num(sent.drift if sent else None, "{:+.2f}")),
                Fact("Early third", _num(sent.early if sent else None, "{:+.2f}")),
                Fact("Late third", _num(sent.late if sent else None, "{:+.2f}")),
            ],
            _group("Buyer moments", _quotes(sent.evidence if sent else ())),
            chart,
            f"Buyer sentiment over the call ({len(series)} points, -1 to +1, "
            f"call length {duration / 60:.0f} min)",
        )
    )

    ns = s.next_step
    out.append(
        Card(
            "next_step",
            "Next step",
            [
                Fact("Agreed next step", _yes(ns and ns.present)),
                Fact("Dated", _yes(ns and ns.dated)),
                Fact("Owned", _yes(ns and ns.owned)),
                Fact("Step", str((ns and (ns.action or ns.text)) or "–")),
                Fact("Owner", str((ns and ns.owner) or "–")),
            ],
            _group("Where it was agreed", _quotes(ns.evidence if ns else ())),
        )
    )

    mt = s.multithreading
    people = [
        Fact(
            str(p.name or p.title or "someone"),
            ", ".join(
                x for x in (p.title if p.name else None, "on the call" if p.on_call else "mentioned") if x
            ),
        )
        for p in (mt.stakeholders if mt else ())
    ]
    out.append(
        Card(
            "stakeholders",
            "Stakeholders",
            [
                Fact("Buyer participants", _num(mt.buyer_participants if mt else None)),
                Fact("Single-threaded", _yes(mt and mt.single_threaded)),
                *people,
            ],
            _group("Where they came up", _quotes(mt.evidence if mt else ())),
        )
    )

    objections = s.objections or ()
    out.append(
        Card(
            "objections",
            "Objections",
            [Fact("Objections raised", str(len(objections)))],
            [(str(o.category or "objection"), _quotes([o])) for o in objections if isinstance(o.text, str)],
        )
    )
    return out


@dataclass
class Prompt:
    rule: str
    signal: str
    behavior: str | None
    message: str | None
    practice: str | None
    next_call_line: str | None
    quotes: list[Quote]
    practiced_at: Any = None


def prompts(analysis: dict[str, Any], practiced: dict[str, Any]) -> list[Prompt]:
    out = []
    for p in _get(analysis, "coaching", "prompts") or []:
        if not isinstance(p, dict):
            continue
        rule = str(p.get("rule") or p.get("behavior") or p.get("signal") or "prompt")
        out.append(
            Prompt(
                rule=rule,
                signal=str(p.get("signal") or ""),
                behavior=p.get("behavior"),
                message=p.get("message"),
                practice=p.get("practice"),
                next_call_line=p.get("next_call_line"),
                quotes=_quotes(p.get("evidence")),
                practiced_at=practiced.get(rule),
            )
        )
    return out


def buyers(analysis: Analysis | Mapping[str, Any]) -> list[str]:
    """Buyer-side speakers with their titles, as the header lists them."""
    return [f"{sp.name} ({sp.title})" if sp.title else str(sp.name)
            for sp in _typed(analysis).speakers if sp.side == "buyer" and sp.name]


@dataclass
class Line:
    index: int
    start: float
    speaker: str
    side: str
    text: str


def transcript(analysis: Analysis | Mapping[str, Any]) -> list[Line]:
    return [
        Line(i, float(u.start or 0.0), str(u.speaker or "?"), str(u.side or "unknown"), u.text)
        for i, u in enumerate(_typed(analysis).transcript or ())
        if isinstance(u.text, str)
    ]
