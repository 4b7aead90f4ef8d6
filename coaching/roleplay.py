"""Role-play scenarios for enablement, mined from what buyers actually said across calls.

Buyer objections (the objections signal) and stated pains (the discovery signal's pain
evidence, else buyer turns with a pain cue) are embedded with the shared sentence model
(`callcoach.nlp.embed`) and clustered (agglomerative, average linkage on cosine distance).
Each cluster becomes a scenario: a buyer persona (most common title, industry from the call
metadata), the objection in buyers' own words (several variants), the context it came up in,
and a rubric drawn from the best observed rep responses: rep replies after which the buyer's
next turn scored warmer (sentiment signal's per-utterance scores) or a next step followed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from callcoach.analysis import Quote
from coaching.calls import CallView
from coaching.evidence import pain_statements, utterance_at

# Cosine distance under which two buyer statements are the same scenario (average linkage).
# MiniLM scores paraphrases of one objection at similarity ~0.4-0.7 ("more expensive than we
# budgeted" / "the price is way above what we pay"), different objections at ~0.0-0.25.
CLUSTER_DISTANCE = 0.6
# Pains: "we lose N hours a week on X" and "N percent of Y never come back" score ~0.45 for their
# shared shape alone, so a pain scenario needs a close paraphrase (similarity >= 0.65).
PAIN_CLUSTER_DISTANCE = 0.35
MAX_VARIANTS = 5
# Scenarios in one handout page by default: a session's worth. More are paged, never dropped
# silently (the handout says how many are left and how to see them).
DEFAULT_PAGE = 12
# A scenario title: its category and the buyer's key words, cut on a word boundary.
TITLE_WORDS = 9
# A buyer turn counts as warmer when its sentiment score rises by at least this (scores are -1..1).
WARMER_BY = 0.1
# Turns after the rep's reply in which a next step still counts as following from it.
NEXT_STEP_WITHIN_TURNS = 3


@dataclass(frozen=True, slots=True)
class BuyerStatement:
    kind: str  # "objection" | "pain"
    category: str | None
    text: str
    start: float
    speaker: str
    title: str | None
    call: CallView


# Words that mark the clause carrying an objection (price, timing, a rival, a sign-off...).
_OBJECTION_WORDS = re.compile(
    r"\b(price|cost|budget|expensive|quote|pay|worth|lower|cheaper|twice|timing|later|quarter|year|"
    r"sign off|approve|board|cfo|security|integrat\w*|migrate|similar|already|using|been on)\b",
    re.I,
)


def _statements(calls: Sequence[CallView]) -> list[BuyerStatement]:
    """One statement per buyer turn: an objection where the objections signal found one (its
    first category), else a stated pain. A turn flagged twice is one thing the buyer said."""
    out: list[BuyerStatement] = []
    for c in calls:
        seen: set[float] = set()
        # (kind, category, start, speaker, text): objections from the signal, pains as coaching quotes.
        items: list[tuple[str, str | None, Any, Any, Any]] = [
            ("objection", o.category, o.start, o.speaker, o.text) for o in c.signals.objections or ()
        ]
        items += [("pain", None, p["start"], p.get("speaker"), p.get("text")) for p in pain_statements(c)]
        for kind, category, start, item_speaker, item_text in items:
            if not item_text or not isinstance(start, int | float):
                continue
            u = utterance_at(c, float(start))
            key = round(u.start if u else float(start), 1)
            if key in seen:
                continue
            seen.add(key)
            speaker = u.speaker if u else str(item_speaker or "")
            # The whole turn is the buyer's own words; a sentence cut from it loses the context.
            text = u.text if u else str(item_text)
            out.append(BuyerStatement(kind, category, text, float(start), speaker, c.title_of(speaker), c))
    return out


def _sentiment_at(call: CallView, start: float) -> float | None:
    for s in call.signals.sentiment.scores if call.signals.sentiment else ():
        if isinstance(s.score, int | float) and isinstance(s.start, int | float) \
                and abs(float(s.start) - start) < 0.05:
            return float(s.score)
    return None


def _response(st: BuyerStatement) -> dict[str, Any] | None:
    """The rep's reply to a buyer statement and what followed it (warmer buyer? next step?)."""
    call = st.call
    u = utterance_at(call, st.start)
    if u is None:
        return None
    i = call.utterances.index(u)
    reply, j = [], i + 1
    while j < len(call.utterances) and call.utterances[j].side != "buyer":
        if call.utterances[j].side == "rep":
            reply.append(call.utterances[j])
        j += 1
    if not reply:
        return None
    nxt = call.utterances[j] if j < len(call.utterances) else None
    before, after = _sentiment_at(call, u.start), _sentiment_at(call, nxt.start) if nxt else None
    warmer = before is not None and after is not None and after - before >= WARMER_BY
    horizon_end = call.utterances[min(len(call.utterances) - 1, j + NEXT_STEP_WITHIN_TURNS)].end
    step: Quote | None = None
    for item in call.signals.next_step.items if call.signals.next_step else ():
        ev = item.evidence[0] if item.evidence else None
        if ev is not None and isinstance(ev.start, int | float) \
                and reply[0].start <= float(ev.start) <= horizon_end:
            step = ev
            break
    return {
        "call_id": call.call_id,
        "rep": call.rep,
        "reply": " ".join(r.text for r in reply),
        "start": reply[0].start,
        "buyer_next": nxt.text if nxt else None,
        "sentiment_before": before,
        "sentiment_after": after,
        "warmer": warmer,
        "next_step": step.text if step else None,
    }


def _criteria(best: Sequence[dict[str, Any]], variants: Sequence[str]) -> list[dict[str, Any]]:
    """Rubric lines, each backed by the best replies that show it."""
    words = {w.lower() for v in variants for w in re.findall(r"[A-Za-z]{5,}", v)}
    checks = [
        ("Asks a question back before answering", lambda r: "?" in r["reply"]),
        (
            "Uses the buyer's own words",
            lambda r: bool(words & {w.lower() for w in re.findall(r"[A-Za-z]{5,}", r["reply"])}),
        ),
        ("Puts a number on it", lambda r: bool(re.search(r"\d|percent|half|double", r["reply"], re.I))),
        ("Moves to a concrete next step", lambda r: bool(r["next_step"])),
    ]
    out = []
    for label, test in checks:
        shown = [r for r in best if test(r)]
        if shown:
            # For the next-step line the example is the step agreed, not the reply before it.
            key = "next_step" if label.startswith("Moves") else "reply"
            out.append(
                {
                    "criterion": label,
                    "examples": [
                        {"call_id": r["call_id"], "rep": r["rep"], "text": r[key]} for r in shown[:2]
                    ],
                }
            )
    return out


def build_roleplays(calls: Sequence[CallView]) -> list[dict[str, Any]]:
    """Role-play scenarios from buyer objections and pains across `calls`, biggest cluster first.

    Objections are clustered within their category (a price objection never joins a timing one),
    pains among themselves with a stricter distance: pains share a shape ("we lose N a week")
    whatever their topic, so only close paraphrases are one scenario."""
    from callcoach.nlp import embed

    statements = _statements(calls)
    if not statements:
        return []
    groups: dict[tuple[str, str | None], list[BuyerStatement]] = {}
    for st in statements:
        groups.setdefault((st.kind, st.category), []).append(st)
    vectors = embed([st.text for st in statements])
    index = {id(st): i for i, st in enumerate(statements)}
    clusters: list[list[BuyerStatement]] = []
    for (kind, _), members in groups.items():
        distance = CLUSTER_DISTANCE if kind == "objection" else PAIN_CLUSTER_DISTANCE
        labels = _cluster([vectors[index[id(m)]] for m in members], distance)
        by_label: dict[int, list[BuyerStatement]] = {}
        for m, lab in zip(members, labels, strict=True):
            by_label.setdefault(lab, []).append(m)
        clusters += by_label.values()
    return [_scenario(i + 1, ss) for i, ss in enumerate(_balanced(clusters))]


def _balanced(clusters: list[list[BuyerStatement]]) -> list[list[BuyerStatement]]:
    """Clusters biggest first within each (kind, category), then taken in turns across those
    groups: every objection category gets its first scenario before pains (which are many and
    alike) get their second, so a page of scenarios never loses a whole category."""

    def weight(ss: list[BuyerStatement]) -> tuple[int, int]:
        return len({s.call.call_id for s in ss}), len(ss)

    groups: dict[tuple[str, str | None], list[list[BuyerStatement]]] = {}
    for ss in sorted(clusters, key=weight, reverse=True):
        groups.setdefault((ss[0].kind, ss[0].category), []).append(ss)
    # Objections before pains in each round; within a kind, the group with the biggest cluster first.
    order = sorted(groups, key=lambda g: (g[0] != "objection", [-x for x in weight(groups[g][0])]))
    out: list[list[BuyerStatement]] = []
    for round_ in range(max((len(v) for v in groups.values()), default=0)):
        out += [groups[g][round_] for g in order if round_ < len(groups[g])]
    return out


def page_of(
    scenarios: Sequence[dict[str, Any]], *, limit: int = DEFAULT_PAGE, offset: int = 0
) -> dict[str, Any]:
    """One page of scenarios, with how many there are and how many this page leaves out."""
    shown = list(scenarios[offset : offset + limit])
    return {"total": len(scenarios), "offset": offset, "scenarios": shown,
            "omitted": len(scenarios) - len(shown)}


def _cluster(vectors: Sequence[Any], distance: float) -> list[int]:
    if len(vectors) == 1:
        return [0]
    import numpy as np
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=distance, metric="cosine", linkage="average"
    )
    return [int(x) for x in model.fit_predict(np.asarray(vectors))]


def _scenario(number: int, items: Sequence[BuyerStatement]) -> dict[str, Any]:
    kinds = Counter(s.kind for s in items)
    categories = Counter(s.category for s in items if s.category)
    titles = Counter(s.title for s in items if s.title)
    industries = Counter(str(s.call.extra.get("industry")) for s in items if s.call.extra.get("industry"))
    variants: list[str] = []
    for s in items:
        if s.text not in variants:
            variants.append(s.text)
    responses = list(
        {(r["call_id"], r["start"]): r for s in items if (r := _response(s)) is not None}.values()
    )
    best = [r for r in responses if r["warmer"] or r["next_step"]]
    kind = kinds.most_common(1)[0][0]
    topic = categories.most_common(1)[0][0] if categories else None
    from coaching.lines import PAIN_WORDS, key_phrase

    label = f"{topic.capitalize()} objection" if topic else f"{kind.capitalize()}"
    phrase = key_phrase(variants[0], prefer=_OBJECTION_WORDS if topic else PAIN_WORDS)
    name = f"{label}: {_title_words(phrase)}"
    return {
        "id": f"scenario-{number}",
        "name": name,
        "kind": kind,
        "category": topic,
        "persona": {
            "title": titles.most_common(1)[0][0] if titles else None,
            "industry": industries.most_common(1)[0][0] if industries else None,
            "speakers": sorted({s.speaker for s in items if s.speaker}),
        },
        "variants": variants[:MAX_VARIANTS],
        "context": [
            {
                "call_id": s.call.call_id,
                "call_title": s.call.title,
                "deal_id": s.call.deal_id,
                "rep": s.call.rep,
                "at_s": round(s.start, 1),
                "speaker": s.speaker,
                "rep_before": _rep_before(s),
            }
            for s in items
        ],
        "rubric": _criteria(best, variants),
        "best_responses": best,
        "observed_responses": len(responses),
    }


def _title_words(phrase: str) -> str:
    """A readable title from a buyer's phrase: capitalised, at most TITLE_WORDS words cut on a word
    boundary (dropping a dangling "and", "the", ...), quoted as their words."""
    words = phrase.replace("...", "").strip(" ,.;:!?\"'").split()
    if len(words) > TITLE_WORDS:
        words = words[:TITLE_WORDS]
        while words and words[-1].lower().strip(",;:") in _DANGLING:
            words.pop()
        cut = " ".join(words).rstrip(",;:") + " …"
    else:
        cut = " ".join(words)
    return f"\u201c{cut[:1].upper()}{cut[1:]}\u201d"


# Words a title must not end on.
_DANGLING = frozenset(
    {"and", "or", "but", "the", "a", "an", "of", "to", "for", "with", "in", "on", "at", "our", "your",
     "their", "we", "i", "is", "are", "was", "that", "which", "because", "so", "it"}
)


def _rep_before(s: BuyerStatement) -> str | None:
    u = utterance_at(s.call, s.start)
    if u is None:
        return None
    i = s.call.utterances.index(u)
    prev = next((p for p in reversed(s.call.utterances[:i]) if p.side == "rep"), None)
    return prev.text if prev else None


def roleplays_markdown(
    scenarios: Sequence[dict[str, Any]], *, total: int | None = None, offset: int = 0
) -> str:
    """The scenarios as a Markdown handout for enablement sessions. `total` (all scenarios, when
    `scenarios` is one page of them) makes the handout say how many it leaves out."""
    lines = ["# Role-play scenarios", ""]
    total = len(scenarios) if total is None else total
    if total > len(scenarios):
        before = f", {offset} before" if offset else ""
        lines += [f"Scenarios {offset + 1}-{offset + len(scenarios)} of {total}; "
                  f"{total - offset - len(scenarios)} more after these{before} "
                  "(`callcoach roleplays --page N` or `--limit N`).", ""]
    if not scenarios:
        lines.append("No buyer objections or pains found in the stored calls yet.")
    for sc in scenarios:
        p = sc["persona"]
        persona = ", ".join(x for x in (p.get("title"), p.get("industry")) if x) or "buyer (title unknown)"
        lines += [
            f"## {sc['id']}: {sc['name']}",
            "",
            f"**Buyer persona:** {persona}",
            "",
            "**What buyers said (play one of these):**",
            "",
        ]
        lines += [f'- "{v}"' for v in sc["variants"]]
        lines += ["", "**Context:**", ""]
        for c in sc["context"][:MAX_VARIANTS]:
            where = c.get("call_title") or c["call_id"]
            before = f' after the rep said "{c["rep_before"]}"' if c.get("rep_before") else ""
            # With a roster, who hears this objection: the rep's team and segment.
            team = ", ".join(f"{k} {c[k]}" for k in ("team", "segment") if c.get(k))
            rep = f"; rep {c['rep']}" + (f" ({team})" if team else "") if c.get("rep") else ""
            lines.append(
                f"- {where} ({c['call_id']}, {int(c['at_s'] // 60)}:{int(c['at_s'] % 60):02d}{rep}), "
                f"{c['speaker']}{before}"
            )
        lines += ["", "**Rubric (from the best observed rep responses):**", ""]
        if not sc["rubric"]:
            lines.append(
                f"- No observed rep response ({sc['observed_responses']} seen) was followed by a warmer "
                "buyer or a next step yet; score the practice on asking before answering."
            )
        for r in sc["rubric"]:
            lines.append(f"- {r['criterion']}")
            lines += [f'  - e.g. {e["rep"] or "rep"} ({e["call_id"]}): "{e["text"]}"' for e in r["examples"]]
        lines.append("")
    return "\n".join(lines)


# Shown instead of a person's name in de-identified scenarios.
NAME_PLACEHOLDER = "[NAME]"
# Name parts shorter than this are not replaced on their own ("Al", "Jo" would hit ordinary words).
MIN_NAME_PART = 3
# Keys whose values say who, where or which deal: emptied in de-identified scenarios.
_IDENTIFYING_KEYS = frozenset({"call_id", "call_title", "deal_id", "rep", "speaker", "speakers"})


def people_named(names: Iterable[str | None]) -> set[str]:
    """The names :func:`deidentify` replaces for these people (as a catalogue record lists the
    people of its call: rep, speakers, participants): each whole name and each of its parts of
    at least MIN_NAME_PART letters."""
    whole = {n for n in names if n}
    return whole | {part for n in whole for part in n.split() if len(part) >= MIN_NAME_PART}


def deidentify(scenarios: Sequence[dict[str, Any]], names: set[str]) -> list[dict[str, Any]]:
    """Scenarios without who said them: no call ids, titles, deals, reps or speakers, and every known
    name inside a quote replaced by ``[NAME]``; the words, categories, personas' titles and rubric
    stay, which is what a role-play needs."""
    pattern = (
        re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")\b",
                   re.IGNORECASE)
        if names else None
    )

    def clean(value: Any, key: str | None = None) -> Any:
        if key in _IDENTIFYING_KEYS:
            return [] if isinstance(value, list) else None
        if isinstance(value, dict):
            return {k: clean(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [clean(v) for v in value]
        if isinstance(value, str) and pattern is not None and key not in ("id", "kind", "category"):
            return pattern.sub(NAME_PLACEHOLDER, value)
        return value

    return [clean(sc) for sc in scenarios]
