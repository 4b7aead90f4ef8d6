"""The readable report of one call analysis (CONTRACT section 2 object), printed with rich.

The header, speakers, transcript and each signal's tailored line read the typed analysis
(`callcoach.analysis.Analysis.from_contract`, which takes a missing key as "not measured"); the
detail under a signal shows the rest of its JSON generically (scalar fields, lists, evidence
quotes), as does a signal the model does not know yet. Nothing here raises on a missing key.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from callcoach.analysis import (
    Analysis,
    Discovery,
    Dynamics,
    Multithreading,
    NextStep,
    Sentiment,
    Signals,
    SpeakerEntry,
    TalkRatio,
)

# Enough of the call to recognise it, short enough to stay on one screen.
EXCERPT_UTTERANCES = 12
# Quotes shown under one claim; the rest are counted ("+3 more") so the report stays scannable.
MAX_QUOTES = 3
# Long utterances are cut in the excerpt and in quotes: the point is to find the moment, not reread it.
MAX_QUOTE_CHARS = 220
# Items of a list inside a signal shown one per line; longer lists are counted.
MAX_LIST_ITEMS = 5
# List items with one of these keys read as sentences; other lists (score series) are only counted.
_READABLE_KEYS = frozenset({"text", "category", "name", "title", "message"})
# Extra fields shown after a list item's text; the rest is in --json.
MAX_ITEM_FIELDS = 4
# Fields of a list item that its line already shows, or that explain the method rather than the call.
_ITEM_SHOWN = frozenset({"category", "kind", "name", "text", "start", "end", "evidence", "speaker", "method"})
# Model internals (similarity to examples, classifier scores, parser cues, indices): they explain how a
# signal decided, not what happened on the call; --json keeps them.
_INTERNAL = frozenset({"similarity", "score", "scores", "smoothed", "cue", "method", "utterance_index",
                       "threshold", "series", "score_parts", "per_speaker", "talk_time_s", "link",
                       "first_seen_at", "call_ids", "due_text", "amounts", "clarity", "early", "late",
                       "call_score", "buyer_utterances"})
# Signals in the order a coach reads them; anything else follows in name order.
SIGNAL_ORDER = ("talk_ratio", "longest_monologue_s", "discovery", "sentiment", "next_step",
                "multithreading", "objections")
SIDE_STYLE = {"rep": "cyan", "buyer": "magenta", "unknown": "white"}
SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "dim"}


def clock(seconds: Any) -> str:
    """mm:ss (or h:mm:ss) for a time in seconds; '?' when it is not a number."""
    try:
        total = int(round(float(seconds)))
    except (TypeError, ValueError):
        return "?"
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m:02d}:{s:02d}"


def _clip(text: Any, limit: int = MAX_QUOTE_CHARS) -> str:
    s = " ".join(str(text or "").split())
    return s if len(s) <= limit else s[: limit - 1].rstrip() + "…"


def human_date(value: Any, *, with_time: bool = True) -> str | None:
    """'Tue 10 Mar 2026, 15:00 UTC' for an ISO timestamp (the time left out at midnight or when
    `with_time` is false); None when `value` is not one."""
    if not isinstance(value, str | datetime):
        return None
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    day = f"{when:%a} {when.day} {when:%b %Y}"
    if not with_time or (when.hour, when.minute) == (0, 0):
        return day
    zone = when.tzname() or ""
    return f"{day}, {when:%H:%M}" + (f" {zone}" if zone else "")


def _value(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.2f}"
    if isinstance(v, str) and len(v) >= 10 and v[4:5] == "-" and (shown := human_date(v)):
        return shown
    return str(v)


# Names that read badly when only underscores are replaced.
LABELS = {"longest_monologue_s": "longest rep monologue", "talk_ratio": "talk ratio"}


def _label(key: str) -> str:
    return LABELS.get(key, key.replace("_", " "))


def _is_quote(item: Any) -> bool:
    return isinstance(item, Mapping) and "text" in item and "start" in item


def quotes(evidence: Any, indent: str = "    ", *, call_id: Any = None) -> list[Text]:
    """Evidence quotes as lines: time, speaker, the words; a quote from another call than
    `call_id` (an alert's window) first names that call and its date."""
    items = [e for e in evidence if _is_quote(e)] if isinstance(evidence, list) else []
    lines = []
    for e in items[:MAX_QUOTES]:
        line = Text(indent)
        if e.get("call_id") and e.get("call_id") != call_id:
            when = human_date(e.get("call_date"), with_time=False)
            line.append(f"[{e['call_id']}{', ' + when if when else ''}] ", style="dim")
        line.append(f"{clock(e.get('start'))} ", style="dim")
        if e.get("speaker"):
            line.append(f"{e['speaker']}: ", style="bold")
        line.append(f"“{_clip(e.get('text'))}”", style="italic")
        lines.append(line)
    if len(items) > MAX_QUOTES:
        lines.append(Text(f"{indent}+{len(items) - MAX_QUOTES} more", style="dim"))
    return lines


def _header(a: Analysis) -> RenderableType:
    title = Text(str(a.title or a.call_id or "call"), style="bold")
    facts = [("call", a.call_id), ("rep", a.rep), ("deal", a.deal_id),
             ("started", human_date(a.started_at)), ("duration", clock(a.duration_s))]
    line = Text("  ·  ".join(f"{k} {v}" for k, v in facts if v not in (None, "", "?")), style="dim")
    return Panel(Group(title, line), expand=False)


def _speakers(a: Analysis) -> RenderableType | None:
    speakers = a.speakers
    if not speakers:
        return None
    total = sum(float(s.talk_time_s or 0) for s in speakers) or 1.0
    table = Table(title="Speakers", title_justify="left", show_edge=False)
    for col, justify in (("name", "left"), ("side", "left"), ("title", "left"), ("talk time", "right"),
                         ("share", "right")):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]
    for s in speakers:
        side = str(s.side or "unknown")
        talk = float(s.talk_time_s or 0)
        table.add_row(str(s.name), Text(side, style=SIDE_STYLE.get(side, "white")),
                      str(s.title or ""), clock(talk), f"{100 * talk / total:.0f}%")
    doubts = [_doubt(s) for s in speakers if isinstance(s.attribution, Mapping)
              and s.attribution.get("low_confidence")]
    return Group(table, *doubts) if doubts else table


def _doubt(s: SpeakerEntry) -> Text:
    """A diarized voice whose name or side is uncertain: said plainly, with the evidence there was."""
    a = s.attribution or {}
    line = Text(f"  ? {s.name}: ", style="yellow")
    line.append(f"uncertain who this is (name {float(a.get('confidence') or 0):.2f}, side "
                f"{float(a.get('side_confidence') or 0):.2f})", style="yellow")
    evidence = [str(e) for e in a.get("evidence") or []]
    if evidence:
        line.append(" - " + "; ".join(evidence[:3]), style="dim")
    return line


def _number(x: Any) -> float | None:
    return float(x) if isinstance(x, int | float) and not isinstance(x, bool) else None


# Tailored one-line summaries of the signals the typed analysis models.
def _talk_ratio(v: TalkRatio) -> str | None:
    shares = [(side, float(x)) for side, x in (("rep", v.rep), ("buyer", v.buyer), ("unknown", v.unknown))
              if isinstance(x, int | float) and not (side == "unknown" and not x)]
    if not shares:
        return None
    # The CONTRACT ratio is a share of the talk time (silence excluded), so it says so.
    return "share of talk time: " + ", ".join(f"{side} {100 * x:.0f}%" for side, x in shares)


def _discovery(v: Discovery) -> str | None:
    parts = [f"{n} {label}" for n, label in ((v.questions, "questions"), (v.open_questions, "open"),
                                            (v.quantified_pains, "quantified pains")) if n is not None]
    if (score := _number(v.score)) is not None:
        parts.append(f"score {score:.0f}/100")
    return ", ".join(parts) or None


def _sentiment(v: Sentiment) -> str | None:
    if v.direction is None:
        return None
    drift = _number(v.drift)
    return f"buyer tone {v.direction}" + (f" (drift {drift:+.2f})" if drift is not None else "")


def _next_step(v: NextStep) -> str | None:
    if v.present is None:
        return None
    if not v.present:
        return "no concrete next step agreed"
    flags = ", ".join(f"{'' if flag else 'not '}{k}" for k, flag in (("dated", v.dated), ("owned", v.owned))
                      if flag is not None)
    text = f"“{_clip(v.text)}”" if v.text else "agreed"
    return f"{text} ({flags})" if flags else text


def _multithreading(v: Multithreading) -> str | None:
    n = v.buyer_participants
    names = ", ".join(f"{s.name or s.title or '?'}{'' if s.on_call else ' (not on call)'}"
                      for s in v.stakeholders)
    if n is None and not names:
        return None
    head = f"{n} buyer(s) on the call" if n is not None else ""
    return f"{head}; stakeholders: {names}" if names else head


def _dynamics(v: Dynamics) -> str | None:
    story = v.longest_buyer_story
    parts = []
    if (x := _number(v.interactivity.switches_per_min)) is not None:
        parts.append(f"interactivity {x:.1f} speaker changes/min")
    if (x := _number(v.patience.mean_pause_s)) is not None:
        parts.append(f"patience {x:.1f} s pause before the rep replies")
    if (x := _number(v.question_rate.per_min)) is not None:
        parts.append(f"{x:.1f} rep questions/min")
    if (x := _number(v.filler_rate.rep_per_min)) is not None:
        parts.append(f"{x:.1f} rep fillers/min")
    if story is not None and (x := _number(story.seconds)) is not None:
        parts.append(f"longest buyer story {clock(x)}")
    return ", ".join(parts) or None


SUMMARIES: dict[str, Callable[[Any], str | None]] = {
    "talk_ratio": _talk_ratio, "discovery": _discovery, "sentiment": _sentiment,
    "next_step": _next_step, "multithreading": _multithreading, "dynamics": _dynamics,
}
# Fields a tailored summary already says (not repeated in the generic detail line).
_SUMMARISED = {"talk_ratio": {"rep", "buyer", "unknown"},
               "dynamics": {"interactivity", "patience", "question_rate", "filler_rate",
                            "longest_buyer_story", "longest_monologue"},
               "discovery": {"questions", "open_questions", "quantified_pains", "score"},
               "sentiment": {"direction", "drift"}, "next_step": {"present", "dated", "owned", "text"},
               "multithreading": {"buyer_participants", "stakeholders"}}


def _list_item(item: Any) -> list[Text]:
    if not isinstance(item, Mapping):
        return [Text(f"    • {_clip(item)}")]
    head = item.get("category") or item.get("kind") or item.get("name")
    line = Text("    • ")
    if head:
        line.append(f"{head}", style="bold")
    if item.get("text"):
        line.append(f"{': ' if head else ''}“{_clip(item['text'])}”", style="italic")
    if "start" in item:
        line.append(f" at {clock(item['start'])}", style="dim")
    rest = [(k, v) for k, v in item.items() if k not in _ITEM_SHOWN and k not in _INTERNAL and v is not None
            and not isinstance(v, list | dict)]
    if rest:
        line.append("  " + "  ".join(f"{_label(k)} {_value(v)}" for k, v in rest[:MAX_ITEM_FIELDS]),
                    style="dim")
    return [line, *quotes(item.get("evidence"), indent="      ")]


def _signal(name: str, value: Any, typed: Any = None) -> list[Text]:
    """Lines for one signal: its tailored line from the `typed` section, the rest from its JSON
    `value`, whatever its shape."""
    title = Text(f"  {_label(name)}: ", style="bold")
    if isinstance(value, list):
        title.append("none" if not value else f"{len(value)}")
        return [title, *(line for item in value for line in _list_item(item))]
    if not isinstance(value, Mapping):
        shown = clock(value) if name.endswith("_s") and isinstance(value, int | float) else _value(value)
        return [title.append(shown)]
    summary = SUMMARIES[name](typed) if name in SUMMARIES and typed is not None else None
    skip = _SUMMARISED.get(name, set()) if summary else set()
    detail = [f"{_label(k)} {_value(v)}" for k, v in value.items()
              if k not in skip and k not in _INTERNAL and k != "evidence" and v is not None
              and not isinstance(v, list | dict)]
    title.append(summary or "")
    if detail:
        title.append(("  " if summary else "") + "  ".join(detail), style="dim" if summary else "")
    lines = [title]
    for k, v in value.items():
        if k in skip or k in _INTERNAL or k == "evidence" or not isinstance(v, list):
            continue
        if v and all(_is_quote(e) for e in v):
            lines.append(Text(f"    {_label(k)}:", style="dim"))
            lines.extend(quotes(v, indent="      "))
        elif v and any(isinstance(e, Mapping) and _READABLE_KEYS & set(e) for e in v):
            lines.append(Text(f"    {_label(k)}:", style="dim"))
            lines.extend(line for item in v[:MAX_LIST_ITEMS] for line in _list_item(item))
            if len(v) > MAX_LIST_ITEMS:
                lines.append(Text(f"    +{len(v) - MAX_LIST_ITEMS} more", style="dim"))
    lines.extend(quotes(value.get("evidence")))
    return lines


def _signals(a: Mapping[str, Any]) -> RenderableType | None:
    sig = a.get("signals")
    if not isinstance(sig, Mapping) or not sig:
        return None
    typed = Signals.from_contract(sig)
    names = [n for n in SIGNAL_ORDER if n in sig] + sorted(n for n in sig if n not in SIGNAL_ORDER)
    lines = [Text("Signals", style="bold underline")]
    for n in names:
        lines.extend(_signal(n, sig[n], getattr(typed, n, None)))
    return Group(*lines)


def _coaching(a: Mapping[str, Any]) -> RenderableType | None:
    c = a.get("coaching")
    if not isinstance(c, Mapping):
        return None
    prompts = [p for p in c.get("prompts") or [] if isinstance(p, Mapping)]
    alerts = [x for x in c.get("alerts") or [] if isinstance(x, Mapping)]
    if not prompts and not alerts:
        return None
    lines = [Text("Coaching", style="bold underline")]
    for x in alerts:
        sev = str(x.get("severity") or "")
        line = Text("  ! ", style=SEVERITY_STYLE.get(sev, ""))
        line.append(f"[{sev or 'alert'}] {x.get('kind') or ''} ", style=SEVERITY_STYLE.get(sev, "bold"))
        line.append(str(x.get("message") or ""))
        lines.extend([line, *quotes(x.get("evidence"), call_id=a.get("call_id"))])
    for p in prompts:
        line = Text("  → ")
        if p.get("signal"):
            line.append(f"{_label(str(p['signal']))}: ", style="bold")
        line.append(str(p.get("message") or ""))
        lines.append(line)
        if p.get("practice"):
            lines.append(Text(f"    practice: {p['practice']}", style="green"))
        if p.get("evidence_condition"):
            lines.append(Text(f"    quoted: {p['evidence_condition']}", style="dim"))
        lines.extend(quotes(p.get("evidence")))
        if p.get("next_call_line"):
            lines.append(Text(f"    next call: {p['next_call_line']}", style="cyan"))
    return Group(*lines)


def _excerpt(a: Analysis, *, full: bool = False) -> RenderableType | None:
    turns = a.transcript or ()
    if not turns:
        return None
    shown = turns if full else turns[:EXCERPT_UTTERANCES]
    head = (f"Transcript ({len(turns)} utterances)" if len(shown) == len(turns)
            else f"Transcript (first {len(shown)} of {len(turns)} utterances)")
    lines = [Text(head, style="bold underline")]
    for u in shown:
        side = str(u.side or "unknown")
        line = Text(f"  {clock(u.start)} ", style="dim")
        line.append(f"{u.speaker or '?'}", style=f"bold {SIDE_STYLE.get(side, 'white')}")
        # The whole transcript is read in full; the excerpt only helps find the moment.
        line.append(f": {' '.join(str(u.text or '').split()) if full else _clip(u.text)}")
        lines.append(line)
    if len(turns) > len(shown):
        lines.append(Text(f"  … {len(turns) - len(shown)} more (--full shows the whole transcript)",
                          style="dim"))
    return Group(*lines)


def report_parts(analysis: Mapping[str, Any], *, full: bool = False) -> Iterable[RenderableType]:
    """The report's sections in reading order, skipping those the analysis has nothing for;
    `full` shows the whole transcript instead of its first utterances."""
    typed = Analysis.from_contract(analysis)
    for part in (_header(typed), _speakers(typed), _signals(analysis), _coaching(analysis),
                 _excerpt(typed, full=full)):
        if part is not None:
            yield part


def render_report(analysis: Mapping[str, Any], console: Console, *, full: bool = False) -> None:
    """Print the readable report of one call analysis (`full`: the whole transcript)."""
    for part in report_parts(analysis, full=full):
        console.print(part)
        console.print()
