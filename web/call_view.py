"""The call page's content, read from a stored analysis (CONTRACT section 2): header, transcript
lines, signal cards with their evidence quotes, coaching prompts. Pure functions of the analysis;
a redacted analysis (no words) gives cards with numbers only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
    out = []
    for q in items or []:
        if not isinstance(q, dict) or not isinstance(q.get("text"), str):
            continue  # redacted evidence has no text: nothing to show or to seek to
        try:
            out.append(Quote(float(q.get("start") or 0.0), q.get("speaker"), q["text"]))
        except (TypeError, ValueError):
            continue
        if len(out) >= MAX_QUOTES:
            break
    return out


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


def cards(analysis: dict[str, Any]) -> list[Card]:
    s = analysis.get("signals") or {}
    duration = float(analysis.get("duration_s") or 0.0)
    out: list[Card] = []

    talk = s.get("talk_ratio") or {}
    mono = _get(s, "dynamics", "longest_monologue") or {}
    out.append(
        Card(
            "talk_ratio",
            "Talk ratio",
            [
                Fact("Rep talk share", _pct(talk.get("rep"))),
                Fact("Buyer talk share", _pct(talk.get("buyer"))),
                Fact("Reference (won deals)", f"{REFERENCE_REP_TALK:.0%} rep"),
            ],
            _group("Longest rep monologue", _quotes(mono.get("evidence"))),
        )
    )

    dyn = s.get("dynamics") or {}
    out.append(
        Card(
            "dynamics",
            "Dynamics",
            [
                Fact("Longest monologue", _num(s.get("longest_monologue_s"), "{:.0f} s")),
                Fact(
                    "Speaker switches per minute",
                    _num(_get(dyn, "interactivity", "switches_per_min"), "{:.1f}"),
                ),
                Fact("Mean pause before replying", _num(_get(dyn, "patience", "mean_pause_s"), "{:.1f} s")),
                Fact("Rep fillers per minute", _num(_get(dyn, "filler_rate", "rep_per_min"), "{:.1f}")),
            ],
            _group("Longest buyer story", _quotes(_get(dyn, "longest_buyer_story", "evidence")))
            + _group("Replies after the buyer", _quotes(_get(dyn, "patience", "evidence"))),
        )
    )

    disc = s.get("discovery") or {}
    fw = disc.get("framework") or {}
    out.append(
        Card(
            "discovery",
            "Discovery",
            [
                Fact("Score", _num(disc.get("score"), "{:.0f} / 100")),
                Fact("Questions", _num(disc.get("questions"))),
                Fact("Open questions", _num(disc.get("open_questions"))),
                Fact("Quantified pains", _num(disc.get("quantified_pains"))),
                Fact(
                    f"{fw.get('name') or 'Framework'} coverage",
                    f"{fw.get('covered', 0)} of {fw.get('total', 0)}" if fw else "–",
                ),
            ],
            _group("Open questions", _quotes(_get(disc, "evidence", "open_questions")))
            + _group("Quantified pains", _quotes(_get(disc, "evidence", "quantified_pains"))),
        )
    )

    sent = s.get("sentiment") or {}
    series = [
        p for p in sent.get("series") or [] if isinstance(p, dict) and isinstance(p.get("score"), int | float)
    ]
    chart = None
    if len(series) >= 2:
        chart = line_chart(
            [float(p.get("t") or 0.0) for p in series],
            [float(p["score"]) for p in series],
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
                Fact("Direction", str(sent.get("direction") or "–")),
                Fact("Drift (late minus early third)", _num(sent.get("drift"), "{:+.2f}")),
                Fact("Early third", _num(sent.get("early"), "{:+.2f}")),
                Fact("Late third", _num(sent.get("late"), "{:+.2f}")),
            ],
            _group("Buyer moments", _quotes(sent.get("evidence"))),
            chart,
            f"Buyer sentiment over the call ({len(series)} points, -1 to +1, "
            f"call length {duration / 60:.0f} min)",
        )
    )

    ns = s.get("next_step") or {}
    out.append(
        Card(
            "next_step",
            "Next step",
            [
                Fact("Agreed next step", _yes(ns.get("present"))),
                Fact("Dated", _yes(ns.get("dated"))),
                Fact("Owned", _yes(ns.get("owned"))),
                Fact("Step", str(ns.get("action") or ns.get("text") or "–")),
                Fact("Owner", str(ns.get("owner") or "–")),
            ],
            _group("Where it was agreed", _quotes(ns.get("evidence"))),
        )
    )

    mt = s.get("multithreading") or {}
    people = [
        Fact(
            str(p.get("name") or p.get("title") or "someone"),
            ", ".join(
                x
                for x in (
                    p.get("title") if p.get("name") else None,
                    "on the call" if p.get("on_call") else "mentioned",
                )
                if x
            ),
        )
        for p in mt.get("stakeholders") or []
        if isinstance(p, dict)
    ]
    out.append(
        Card(
            "stakeholders",
            "Stakeholders",
            [
                Fact("Buyer participants", _num(mt.get("buyer_participants"))),
                Fact("Single-threaded", _yes(mt.get("single_threaded"))),
                *people,
            ],
            _group("Where they came up", _quotes(mt.get("evidence"))),
        )
    )

    objections = [o for o in s.get("objections") or [] if isinstance(o, dict)]
    out.append(
        Card(
            "objections",
            "Objections",
            [Fact("Objections raised", str(len(objections)))],
            [
                (str(o.get("category") or "objection"), _quotes([{**o, "speaker": o.get("speaker")}]))
                for o in objections
                if isinstance(o.get("text"), str)
            ],
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


def buyers(analysis: dict[str, Any]) -> list[str]:
    """Buyer-side speakers with their titles, as the header lists them."""
    out = []
    for sp in analysis.get("speakers") or []:
        if isinstance(sp, dict) and sp.get("side") == "buyer" and sp.get("name"):
            out.append(f"{sp['name']} ({sp['title']})" if sp.get("title") else str(sp["name"]))
    return out


@dataclass
class Line:
    index: int
    start: float
    speaker: str
    side: str
    text: str


def transcript(analysis: dict[str, Any]) -> list[Line]:
    out = []
    for i, u in enumerate(analysis.get("transcript") or []):
        if isinstance(u, dict) and isinstance(u.get("text"), str):
            out.append(
                Line(
                    i,
                    float(u.get("start") or 0.0),
                    str(u.get("speaker") or "?"),
                    str(u.get("side") or "unknown"),
                    u["text"],
                )
            )
    return out
