"""Who is the rep: sides for speakers the input left "unknown", by metadata name, then by cues.

Order of evidence:
1. Metadata names: a speaker named as a participant (or as `rep`) takes that side; a speaker whose
   name is one participant's first name, or full name in another case, counts as that participant.
2. If a rep is then known, every other unknown speaker is on the buyer side (the common case of
   an imported transcript whose buyers were not listed).
3. Otherwise conversational cues score each unknown speaker as the likely rep: the seller asks the
   discovery questions, opens and sets the agenda ("thanks for making time", "to start", "for
   today"), says the vendor's name (metadata `extra.vendor`, or the company in the rep's own
   "<name> from <Company>" introduction) and introduces the product ("our platform", "a demo",
   "a proposal", "pricing"). The top scorer is the rep; the others are buyers.
Limits: cues are English phrase lists; two sellers on one call (AE + SE) both look like reps but
only one is chosen; a buyer who runs the meeting can outscore a passive rep.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable

from callcoach.domain import CallMeta, Side, Transcript, Utterance

# Cue weights. Questions are the most reliable signal of the seller in discovery calls (CONTRACT
# labels: "rep questions"), so each counts once; a phrase that only a seller tends to say (agenda,
# product, vendor name) counts more because it is rarer.
QUESTION_WEIGHT = 1.0
AGENDA_WEIGHT = 2.0
PRODUCT_WEIGHT = 1.5
VENDOR_NAME_WEIGHT = 3.0
# Whoever speaks first usually opened the meeting (the seller's job on a sales call): a tie-breaker.
FIRST_SPEAKER_WEIGHT = 0.5

_QUESTION_OPENERS = re.compile(
    r"^(what|how|why|when|where|who|which|can you|could you|would you|do you|does|are you|is there|"
    r"tell me|walk me through|help me understand|describe)\b",
    re.I,
)
_AGENDA = re.compile(
    r"\b(agenda|to start|to kick off|for today|out of today|goal for (this|the) call|before we dive|"
    r"next steps?|recap|thanks? (you )?for (making|taking) (the )?time|thanks? (you )?for joining|"
    r"appreciate you (both )?(making|taking) (the )?time)\b",
    re.I,
)
_PRODUCT = re.compile(
    r"\b(our (platform|product|solution|tool|software|team can)|we can help|we help|let me show|"
    r"a (quick |short )?demo|proposal|pricing|free trial|pilot|our customers see)\b",
    re.I,
)
# "this is Jordan from Fernhill": the company is capitalised, the introduction phrase may not be.
_FROM_COMPANY = re.compile(r"\b(?i:i'm|i am|this is|it's)\s+\w+(?:\s+\w+)?\s+(?i:from|with|at)\s+([A-Z]\w+)")
_SENTENCE = re.compile(r"[^.?!]+[.?!]?")


def _is_question(sentence: str) -> bool:
    s = sentence.strip()
    return s.endswith("?") or bool(_QUESTION_OPENERS.match(s))


def _vendor_names(meta: CallMeta, utterances: Iterable[Utterance]) -> set[str]:
    names = {str(meta.extra[k]).lower() for k in ("vendor", "company") if meta.extra.get(k)}
    # Only the first introduction names the vendor: the seller usually opens, and a buyer's own
    # "I'm Helen from Acme" later must not turn the buyer's company into the vendor.
    for u in utterances:
        m = _FROM_COMPANY.search(u.text)
        if m:
            names.add(m.group(1).lower())
            break
    return names


def rep_cue_scores(transcript: Transcript, speakers: Iterable[str]) -> dict[str, float]:
    """How much each speaker talks like the seller (questions, agenda, vendor name, product)."""
    wanted = set(speakers)
    scores = dict.fromkeys(wanted, 0.0)
    vendors = _vendor_names(transcript.meta, transcript.utterances)
    for u in transcript.utterances:
        if u.speaker not in wanted:
            continue
        text = u.text
        questions = sum(_is_question(s) for s in _SENTENCE.findall(text) if s.strip())
        scores[u.speaker] += QUESTION_WEIGHT * questions
        scores[u.speaker] += AGENDA_WEIGHT * len(_AGENDA.findall(text))
        scores[u.speaker] += PRODUCT_WEIGHT * len(_PRODUCT.findall(text))
        lowered = text.lower()
        # A self-introduction "this is X from Vendor" is the seller naming the vendor.
        scores[u.speaker] += VENDOR_NAME_WEIGHT * sum(
            len(re.findall(rf"\b{re.escape(v)}\b", lowered)) for v in vendors
        )
    if transcript.utterances and transcript.utterances[0].speaker in wanted:
        scores[transcript.utterances[0].speaker] += FIRST_SPEAKER_WEIGHT
    return scores


def side_by_name(meta: CallMeta, name: str) -> Side:
    """The side the metadata gives `name`: exact, case-insensitive, or by a unique first name."""
    side = meta.side_of(name)
    if side != "unknown":
        return side
    people = [(p.name, p.side) for p in meta.participants]
    if meta.rep and all(meta.rep != n for n, _ in people):
        people.append((meta.rep, "rep"))
    key = name.strip().lower()
    for full, s in people:
        if full.lower() == key:
            return s
    by_first = [s for full, s in people if full.split() and full.split()[0].lower() == key]
    return by_first[0] if len(by_first) == 1 else "unknown"


def infer_sides(transcript: Transcript) -> dict[str, Side]:
    """A side for every speaker: known sides kept, unknown ones by name, then by cues."""
    sides: dict[str, Side] = {}
    for u in transcript.utterances:
        if sides.get(u.speaker, "unknown") == "unknown":
            sides[u.speaker] = u.side if u.side != "unknown" else side_by_name(transcript.meta, u.speaker)
    unknown = [s for s, side in sides.items() if side == "unknown"]
    if not unknown:
        return sides
    if "rep" in sides.values():
        return {s: ("buyer" if side == "unknown" else side) for s, side in sides.items()}
    scores = rep_cue_scores(transcript, unknown)
    rep = max(unknown, key=lambda s: scores[s])
    return {s: (("rep" if s == rep else "buyer") if side == "unknown" else side) for s, side in sides.items()}


def assign_sides(transcript: Transcript) -> Transcript:
    """The transcript with every "unknown" speaker given a side (see the module docstring)."""
    sides = infer_sides(transcript)
    utterances = tuple(
        u if u.side == sides[u.speaker] else dataclasses.replace(u, side=sides[u.speaker])
        for u in transcript.utterances
    )
    return dataclasses.replace(transcript, utterances=utterances)
