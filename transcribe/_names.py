"""Who each diarized voice is: voices matched to the call's participants, then sides from the names.

Naming comes first, sides follow from it (a 5-person call sided voice by voice from cues alone was
no better than chance). Evidence per (voice, participant), summed into a score:
- self-introduction: the voice says "I'm Lucy" / "this is Lucy" / "my name is Lucy" / "Lucy here";
- addressed: the voice answers right after another voice said "Lucy, ..." or "..., Lucy?", or the
  next voice thanks it ("thanks Lucy"); naming someone ("Lucy will send it") is weak evidence of
  not being them;
- voiceprint: an enrolled voiceprint of the participant (with consent) close to the voice;
- side cues: how seller-like the voice talks (discovery questions, agenda, vendor and product) against
  how buyer-like (their team, their problems, what they need), for every participant of that side;
- titles: a voice that talks about what a participant's title covers (a sales engineer about the
  product and its set-up, an IT director about security and integration, procurement about
  contracts and price) scores for that participant;
- the metadata's rep usually opens the call.
Voices and participants are matched one-to-one (Hungarian assignment). A voice's confidence is what
the best matching would lose if that voice were named otherwise (for the side: put on the other
side), mapped to 0..1; a name below NAME_MIN_CONFIDENCE is not given (the voice keeps a "Buyer 2"
placeholder) and the attribution is flagged low-confidence, with its evidence, for the report.

Without participants, sides come from what is said: the most seller-like voice is the rep, and a
second voice is a seller too only when it is clearly seller-like itself (an SE presenting).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from callcoach.domain import CallMeta, Participant, Side, SpeakerAttribution, Transcript, Utterance
from transcribe._sides import rep_cue_scores
from transcribe._voiceprint import Voiceprint, match_strength, similarity

# Evidence weights, in units of "one clear hint". Saying one's own name is near proof; being
# addressed just before speaking is good evidence (people answer when named); thanks after a turn
# names the voice that just spoke; naming someone is weak evidence of not being them.
SELF_INTRODUCTION_WEIGHT = 3.0
ADDRESSED_WEIGHT = 1.5
THANKED_WEIGHT = 1.0
NAMES_OTHER_PENALTY = 0.5
# An enrolled voiceprint at full match strength: as strong as a self-introduction.
VOICEPRINT_WEIGHT = 3.0
# Side cues: a fully seller-like voice (sellerness 1) gains this for each rep participant and loses
# it for each buyer. Below a self-introduction, so that a buyer who asks many questions and says
# her name is still named right.
SIDE_CUE_WEIGHT = 2.0
# Net seller cues (seller minus buyer cues) at which sellerness reaches tanh(1) = 0.76.
SELLERNESS_SCALE = 3.0
# Title topics: the voice that says most of a topic's words gains up to this for the participant
# whose title names that topic.
TITLE_WEIGHT = 1.0
# The metadata's rep opens most sales calls.
OPENER_WEIGHT = 0.5
# Confidence = loss / (loss + CONFIDENCE_SCALE): one clear hint of margin (loss 1.0) is 0.5.
CONFIDENCE_SCALE = 1.0
# Below this a name is a guess: the voice keeps its placeholder and the report flags it. A side below
# SIDE_MIN_CONFIDENCE is still given (signals need one) but flagged.
NAME_MIN_CONFIDENCE = 0.5
SIDE_MIN_CONFIDENCE = 0.5
# Without participants: a second voice is a seller too when its sellerness is at least this and at
# least SECOND_SELLER_SHARE of the top seller's (an SE demonstrating is as seller-like as the AE).
SECOND_SELLER_MIN = 0.5
SECOND_SELLER_SHARE = 0.6
# Two sellers need a buyer besides them: with two voices, the second is always the buyer (a seller-like
# buyer in a two-person demo was made a second rep before this rule: side agreement 0.67).
MIN_VOICES_FOR_SECOND_SELLER = 3
# Without participants, side confidence counts the net seller cues between a voice and the nearest
# voice on the other side; this many cues of margin count as one clear hint (confidence 0.5).
NET_CUE_MARGIN = 2.0

_SELF_INTRODUCTION = re.compile(r"\b(?:i'm|i am|this is|my name is|it's)\s+(\w+)|\b(\w+)\s+here\b", re.I)
_THANKS = re.compile(r"\b(?:thanks|thank you)[,]?\s+(\w+)", re.I)
# Buyer-side talk: their own organisation, problems and needs. Phrases both sides say ("we usually",
# "the problem", "right now", "I'll send") are left out: on bench/quality.py's calls they sided a
# two-person call backwards.
_BUYER_CUES = re.compile(
    r"\b(we (lose|lost|wrote off|spend|need|would need|budget|have to|found out)|"
    r"our (team|agents|drivers|clinics|plants|warehouse|legal|auditors|chief|director|coordinators|"
    r"suppliers|current)|my (team|agents|question|boss|director)|i need|i want to see|"
    r"send us|for us|it hurts|still hurts|we'll review|signs off)\b",
    re.I,
)
# Seller-side talk beyond rep_cue_scores: presenting and supporting the product.
_SELLER_CUES = re.compile(
    r"\b(let me (show|share)|share my screen|dashboard|the platform|our (trust portal|field engineers?|"
    r"standard|sales engineer|solutions engineer)|we publish|we price|roles are|you can (set|stream|change)|"
    r"set up a trial|a trial)\b",
    re.I,
)
# What a participant's title covers, and the words that talk about it. A title matches a topic by
# its own words (the first pattern), the voice by what it says (the second).
TITLE_TOPICS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"\b(engineer|architect|solutions?|technical|consultant)\b", re.I),
     re.compile(r"\b(screen|dashboard|gateway|platform|set up|setup|configur\w*|install\w*|roles?|"
                r"integration|api|encrypt\w*|port|logs?|logged|tags?|map|alerts?|rollout|deploy\w*)\b",
                re.I)),
    (re.compile(r"\b(it|cio|cto|security|information|technology|infrastructure|systems)\b", re.I),
     re.compile(r"\b(security|single sign on|sso|network|cloud|data|servers?|connect\w*|it|phone system|"
                r"software|install|review|penetration|encrypt\w*)\b", re.I)),
    (re.compile(r"\b(finance|financial|cfo|controller|procurement|purchasing|legal|accounting|bookkeeper)\b",
                re.I),
     re.compile(r"\b(price|pricing|cost|costs|budget|contract|terms|invoices?|legal|sign|payment|"
                r"agreement|years?)\b", re.I)),
    (re.compile(r"\b(operations|logistics|support|plant|warehouse|customer|service|office|dispatch)\b", re.I),
     re.compile(r"\b(team|process|spreadsheet|plants?|warehouse|agents|drivers|orders|pallets|shifts?|"
                r"maintenance|schedul\w*|bookings|appointments?|report)\b", re.I)),
)


@dataclass(frozen=True, slots=True)
class VoiceNaming:
    """The outcome for one voice: its name (a participant, or a placeholder) and side, with why."""

    name: str
    side: Side
    attribution: SpeakerAttribution


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def _mentions(text: str, first_name: str) -> bool:
    return re.search(rf"\b{re.escape(first_name)}\b", text, re.I) is not None


def _people(meta: CallMeta) -> list[Participant]:
    people = list(meta.participants)
    if meta.rep and all(p.name != meta.rep for p in people):
        people.append(Participant(meta.rep, "rep"))
    return [p for p in people if p.side in ("rep", "buyer")]


def _cue_counts(transcript: Transcript, voices: Sequence[str]) -> tuple[dict[str, float], dict[str, float]]:
    """Per voice: seller cues (rep_cue_scores plus presenting phrases) and buyer cues."""
    rep = rep_cue_scores(transcript, voices)
    seller = dict.fromkeys(voices, 0.0)
    buyer = dict.fromkeys(voices, 0.0)
    for u in transcript.utterances:
        if u.speaker in seller:
            seller[u.speaker] += len(_SELLER_CUES.findall(u.text))
            buyer[u.speaker] += len(_BUYER_CUES.findall(u.text))
    return {v: rep[v] + seller[v] for v in voices}, buyer


def sellerness(transcript: Transcript, voices: Sequence[str]) -> dict[str, float]:
    """-1 (talks like a buyer) .. +1 (talks like the seller), per voice, from what each one says."""
    seller, buyer = _cue_counts(transcript, voices)
    # Net cues counted, not as a share of the voice's cues: the rep talks most and also says some
    # buyer-like things ("right now", "the problem"), while a buyer's three questions would otherwise
    # make a higher share (two two-person calls of bench/quality.py were sided backwards by shares).
    return {v: float(np.tanh((seller[v] - buyer[v]) / SELLERNESS_SCALE)) for v in voices}


def _text_evidence(
    utterances: Sequence[Utterance], voices: Sequence[str], people: Sequence[Participant]
) -> tuple[np.ndarray, list[list[list[str]]]]:
    score = np.zeros((len(voices), len(people)))
    why: list[list[list[str]]] = [[[] for _ in people] for _ in voices]
    firsts = [_first(p.name) for p in people]
    for i, u in enumerate(utterances):
        if u.speaker not in voices:
            continue
        v = voices.index(u.speaker)
        introduced = {(m.group(1) or m.group(2)).lower() for m in _SELF_INTRODUCTION.finditer(u.text)}
        thanked = {m.group(1).lower() for m in _THANKS.finditer(u.text)}
        previous = next((p for p in reversed(utterances[:i]) if p.speaker != u.speaker), None)
        for c, first in enumerate(firsts):
            if first.lower() in introduced:
                score[v, c] += SELF_INTRODUCTION_WEIGHT
                why[v][c].append(f'introduces themself: "{u.text[:60]}"')
            elif _mentions(u.text, first):
                score[v, c] -= NAMES_OTHER_PENALTY
            if first.lower() in thanked and previous is not None and previous.speaker in voices:
                p = voices.index(previous.speaker)
                score[p, c] += THANKED_WEIGHT
                why[p][c].append(f'thanked by name right after speaking: "{u.text[:60]}"')
            if previous is not None and previous.speaker != u.speaker and _mentions(previous.text, first) \
                    and first.lower() not in {m.group(1).lower() for m in _THANKS.finditer(previous.text)}:
                # Of several names in one turn, the one said last is the one who is asked.
                last = max(firsts, key=lambda f: _last_mention(previous.text, f))
                weight = ADDRESSED_WEIGHT if last == first else ADDRESSED_WEIGHT / 3
                score[v, c] += weight
                why[v][c].append(f'answers after being addressed: "{previous.text[:60]}"')
    return score, why


def _last_mention(text: str, first_name: str) -> int:
    found = [m.start() for m in re.finditer(rf"\b{re.escape(first_name)}\b", text, re.I)]
    return found[-1] if found else -1


def _title_evidence(
    utterances: Sequence[Utterance], voices: Sequence[str], people: Sequence[Participant]
) -> np.ndarray:
    score = np.zeros((len(voices), len(people)))
    for title_words, talk in TITLE_TOPICS:
        said = np.zeros(len(voices))
        for u in utterances:
            if u.speaker in voices:
                said[voices.index(u.speaker)] += len(talk.findall(u.text))
        if said.sum() == 0:
            continue
        share = said / said.sum()
        for c, p in enumerate(people):
            if p.title and title_words.search(p.title):
                score[:, c] += TITLE_WEIGHT * share
    return score


def _best(score: np.ndarray) -> tuple[float, dict[int, int]]:
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(-score)
    return float(score[rows, cols].sum()), dict(zip(rows.tolist(), cols.tolist(), strict=True))


def _confidence(loss: float) -> float:
    return max(loss, 0.0) / (max(loss, 0.0) + CONFIDENCE_SCALE)


def name_voices(
    transcript: Transcript,
    voices: Sequence[str],
    *,
    vectors: Mapping[str, np.ndarray] | None = None,
    voiceprints: Sequence[Voiceprint] = (),
    side_of_channel: Side | None = None,
) -> dict[str, VoiceNaming]:
    """A name, side and attribution for each placeholder voice of a draft transcript.

    `transcript`: the call with utterances under placeholder speaker names (`voices`); its meta's
    participants are the candidates. `vectors`: each voice's mean d-vector, compared with the enrolled
    `voiceprints`. `side_of_channel`: all voices are on this side (one channel of a stereo call).
    """
    people = [p for p in _people(transcript.meta) if side_of_channel in (None, p.side)]
    seller = sellerness(transcript, voices)
    if not people:
        return _without_participants(transcript, voices, seller, side_of_channel)
    utterances = transcript.utterances
    score, why = _text_evidence(utterances, voices, people)
    score += _title_evidence(utterances, voices, people)
    signs = np.array([1.0 if p.side == "rep" else -1.0 for p in people])
    if side_of_channel is None:
        for v, voice in enumerate(voices):
            score[v] += SIDE_CUE_WEIGHT * seller[voice] * signs
    opener = next((u.speaker for u in utterances if u.speaker in voices), None)
    if opener is not None and transcript.meta.rep:
        for c, p in enumerate(people):
            if p.name == transcript.meta.rep:
                score[voices.index(opener), c] += OPENER_WEIGHT
    prints = {vp.name: vp for vp in voiceprints}
    for c, p in enumerate(people):
        if p.name in prints and vectors:
            for v, voice in enumerate(voices):
                if voice in vectors:
                    cosine = similarity(vectors[voice], prints[p.name])
                    score[v, c] += VOICEPRINT_WEIGHT * match_strength(cosine)
                    why[v][c].append(f"voiceprint of {p.name}: cosine {cosine:.2f}")

    total, match = _best(score)
    named: dict[str, VoiceNaming] = {}
    counters = {"rep": 0, "buyer": 0}
    for v, voice in enumerate(voices):
        if v in match:
            c = match[v]
            person = people[c]
            forced = score.copy()
            forced[v, c] = -1e6
            name_conf = _confidence(total - _best(forced)[0]) if len(people) > 1 else 1.0
            forced = score.copy()
            forced[v, signs == signs[c]] = -1e6
            other_side = (signs != signs[c]).any() and side_of_channel is None
            side_conf = _confidence(total - _best(forced)[0]) if other_side else 1.0
            side: Side = person.side
            evidence = why[v][c] + [f"talks like the {'seller' if seller[voice] > 0 else 'buyer'} "
                                    f"(sellerness {seller[voice]:+.2f})"]
        else:  # more voices than participants: a voice nobody listed
            person = None
            side = side_of_channel or ("rep" if seller[voice] >= SECOND_SELLER_MIN else "buyer")
            name_conf, side_conf = 0.0, _confidence(abs(seller[voice]) * SIDE_CUE_WEIGHT)
            evidence = [f"no listed participant left for this voice (sellerness {seller[voice]:+.2f})"]
        counters[side] += 1
        confident = person is not None and name_conf >= NAME_MIN_CONFIDENCE
        placeholder = f"{'Rep' if side == 'rep' else 'Buyer'} {counters[side]}"
        name = person.name if confident and person else placeholder
        low = not confident or side_conf < SIDE_MIN_CONFIDENCE
        if not confident and person is not None:
            evidence.insert(0, f"best guess {person.name} ({name_conf:.2f}), not given")
        named[voice] = VoiceNaming(name, side, SpeakerAttribution(
            name, side, round(name_conf, 3), round(side_conf, 3), tuple(evidence), low))
    return _plain_placeholders(named)


def _plain_placeholders(named: dict[str, VoiceNaming]) -> dict[str, VoiceNaming]:
    """ "Buyer" rather than "Buyer 1" when a side has one unnamed voice; the attribution follows."""
    out: dict[str, VoiceNaming] = {}
    for voice, n in named.items():
        base = n.name.rsplit(" ", 1)[0]
        numbered = [m for m in named.values()
                    if m.name.startswith(base + " ") and m.name[len(base) + 1:].isdigit()]
        if base in ("Rep", "Buyer") and n.name[len(base) + 1:].isdigit() and len(numbered) == 1:
            a = n.attribution
            out[voice] = VoiceNaming(base, n.side, SpeakerAttribution(
                base, a.side, a.confidence, a.side_confidence, a.evidence, a.low_confidence))
        else:
            out[voice] = n
    return out


def _without_participants(
    transcript: Transcript, voices: Sequence[str], seller: dict[str, float], side_of_channel: Side | None
) -> dict[str, VoiceNaming]:
    """Sides from what is said: the most seller-like voice, and any clearly seller-like second one.

    The rep is the voice with the most seller cues net of buyer cues, counted, not as a share: the
    rep of a two-person demo talks most and says some buyer-like things ("our team"), while a buyer
    with three questions and nothing else would have the higher share (bench/quality.py's dev-02
    was sided backwards by the share).
    """
    cues, against = _cue_counts(transcript, voices)
    ranked = sorted(voices, key=lambda v: -(cues[v] - against[v]))
    sides: dict[str, Side] = {}
    for i, voice in enumerate(ranked):
        if side_of_channel is not None:
            sides[voice] = side_of_channel
        elif i == 0:
            sides[voice] = "rep"
        else:
            # A sales call has a buyer: with two voices the second one is it, and a third voice or
            # more can only add a second seller while the least seller-like voice stays a buyer.
            top = seller[ranked[0]]
            second = (len(voices) >= MIN_VOICES_FOR_SECOND_SELLER and i == 1
                      and seller[voice] >= SECOND_SELLER_MIN and seller[voice] >= SECOND_SELLER_SHARE * top)
            sides[voice] = "rep" if second else "buyer"
    named: dict[str, VoiceNaming] = {}
    counters = {"rep": 0, "buyer": 0}
    for voice in voices:
        side = sides[voice]
        counters[side] += 1
        net = {w: cues[w] - against[w] for w in voices}
        others = [net[w] for w in voices if sides[w] != side]
        # Side margin: net cues between this voice and the closest voice put on the other side, in
        # units of NET_CUE_MARGIN (two cues of margin is 0.5).
        if others and side_of_channel is None:
            gap = net[voice] - max(others) if side == "rep" else min(others) - net[voice]
            side_conf = _confidence(gap / NET_CUE_MARGIN)
        else:
            side_conf = 1.0
        name = f"{'Rep' if side == 'rep' else 'Buyer'} {counters[side]}"
        like = "seller" if seller[voice] > 0 else "buyer"
        evidence = (f"talks like the {like} (sellerness {seller[voice]:+.2f})",
                    "no participants in the metadata")
        named[voice] = VoiceNaming(name, side, SpeakerAttribution(
            name, side, 0.0, round(side_conf, 3), evidence, side_conf < SIDE_MIN_CONFIDENCE))
    return _plain_placeholders(named)
