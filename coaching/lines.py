"""Next-call line writers: one sentence a rep can say on the next call, built from this call.

Each writer turns something the buyer actually said (a pain, an objection, a hesitation) or
something the rep actually did (a closed question, a long pitch) into a question for next time,
quoting the call's own words. Writers are registered by name; the playbook names them. A writer
that finds nothing in the call to build on returns None rather than a generic line.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from callcoach.domain import Utterance
from coaching.calls import CallView
from coaching.evidence import (
    is_closed_question,
    objection_turns,
    pain_statements,
    sentiment_scores,
    utterance_at,
)
from coaching.metrics import unexplored_objections

log = logging.getLogger("callcoach.coaching")

Writer = Callable[[CallView], str | None]
WRITERS: dict[str, Writer] = {}
# Longest quoted phrase: a clause, not a paragraph, so the line stays sayable.
MAX_PHRASE_WORDS = 16

_CLAUSE_SPLIT = re.compile(
    r"((?<=[.;:!?])\s+|,\s+(?:and|but|so|which|because)\s+|,\s+|\s+(?:but|because|which)\s+|"
    r"\s+-{1,2}\s+|\s+—\s+)"
)
_SENTENCES = re.compile(r"[^.!?]+[.!?]*")
# A fragment shorter than this ("Honestly", "Not really") is joined to the clause after it.
MIN_CLAUSE_WORDS = 4
_FILLER = re.compile(r"^(?:honestly|well|so|yeah|yes|look|and|but|um|uh|i mean|to be honest)[,\s]+", re.I)
_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|"
    r"forty|fifty|hundred|thousand|million|half|percent|dozen)\b",
    re.I,
)
_PAIN = PAIN_WORDS = re.compile(
    r"\b(cost|lose|losing|lost|manual|slow|delay|late|error|duplicate|problem|issue|pain|"
    r"struggl|frustrat|waste|churn|risk|fine|penalt|overtime|backlog|hours|complain|miss|"
    r"broken|hard|worr|concern|expensive|budget|price|timing|security|integrat)",
    re.I,
)

# Discovery questions that open up an objection instead of answering it, per CONTRACT category.
OBJECTION_QUESTIONS: dict[str, str] = {
    "price": "what would this need to return for the price to be an easy yes, "
    "and what are you comparing it to?",
    "timing": "what is driving that timeline, and what does it cost you if this waits until then?",
    "competitor": "what do you like about how they handle it today, and what is still missing?",
    "authority": "who else weighs in on this, and what will they need to see to say yes?",
    "need": "what would have to be true for this to be worth solving this year?",
    "security": "which steps does your security review involve, and who runs them?",
    "integration": "which systems does this have to connect to, "
    "and what broke the last time you connected one?",
}
_DEFAULT_OBJECTION_Q = "what is behind that, and what would change your mind?"


def register(name: str) -> Callable[[Writer], Writer]:
    def deco(fn: Writer) -> Writer:
        WRITERS[name] = fn
        return fn

    return deco


def _clauses(text: str) -> list[str]:
    """Clauses of `text`; interjections ("Not really.") dropped, short comma fragments joined to the
    next clause with their original joining words ("Cost matters, but it's not the whole story")."""
    out: list[str] = []
    for sentence in _SENTENCES.findall(text) or [text]:
        pieces = _CLAUSE_SPLIT.split(sentence)  # clause, separator, clause, ... (separators captured)
        clauses, seps = pieces[0::2], [*pieces[1::2], ""]
        carry, prev_sep, start = "", "", len(out)
        for clause, sep in zip(clauses, seps, strict=True):
            c = f"{carry}{clause}" if carry else _FILLER.sub("", clause.strip(" ,.;:!?\"'")).strip()
            c = c.strip(" ,.;:!?\"'")
            if len(c.split()) < MIN_CLAUSE_WORDS:
                carry = f"{c}{sep}" if c else ""
                if not carry:
                    prev_sep = sep
                continue
            out.append(_FILLER.sub("", c).strip())
            carry, prev_sep = "", sep
        if carry.strip() and len(out) > start:
            # A short tail ("..., so things are busy") belongs to the clause before it.
            out[-1] = f"{out[-1]}{prev_sep}{carry.strip(' ,.;:!?')}"
    return out or [text.strip()]


def key_phrase(text: str, *, prefer: re.Pattern[str] | None = None) -> str:
    """The clause of `text` that carries the point (a number or a pain word), in the speaker's words."""

    def score(c: str) -> tuple[int, int]:
        hits = int(bool(_NUMBER.search(c))) + int(bool(_PAIN.search(c)))
        if prefer is not None:
            hits += 2 * int(bool(prefer.search(c)))
        return hits, -abs(len(c.split()) - 10)

    best = max(_clauses(text), key=score)
    words = best.split()
    if len(words) > MAX_PHRASE_WORDS:
        best = " ".join(words[:MAX_PHRASE_WORDS]) + "..."
    return best


def _first_name(name: str | None) -> str:
    return (name or "").split()[0] if name else ""


@register("impact_question")
def impact_question(call: CallView) -> str | None:
    """The buyer's stated pain, quoted, turned into a question about its business impact."""
    pains = pain_statements(call)
    if not pains:
        # No pain stated: ask about the buyer's most substantial turn instead of inventing one.
        objected = objection_turns(call)
        turns = [u for u in call.by_side("buyer") if round(u.start, 1) not in objected]
        longest = max(turns, key=lambda u: len(u.text.split()), default=None)
        if longest is None or len(longest.text.split()) < 6:
            return None
        return (
            f'You said "{key_phrase(longest.text)}". What is behind that for you, and what happens '
            f"in the business if it stays as it is?"
        )
    # The pain that carries a number weighs most; an unquantified one is the one to quantify.
    unquantified = [p for p in pains if not _NUMBER.search(p["text"])]
    p = unquantified[0] if unquantified else pains[0]
    phrase = key_phrase(p["text"])
    if _NUMBER.search(phrase):
        return (
            f'You mentioned "{phrase}". If that continues through next year, what does it put at risk, '
            f"and who else in the business feels it?"
        )
    return f'You mentioned "{phrase}". Roughly how much time or money does that cost you each month?'


# Heads of noun phrases that name no topic worth a question ("thanks", "the time", "a question").
_EMPTY_TOPICS = frozenset(
    {
        "something",
        "anything",
        "thing",
        "things",
        "time",
        "thanks",
        "thank",
        "question",
        "questions",
        "today",
        "lot",
        "bit",
        "way",
        "sense",
        "call",
        "minute",
        "minutes",
        "chance",
        "look",
    }
)


def _topic_of(text: str, *, prefer_multiword: bool = False) -> str | None:
    """The main content noun phrase of a sentence (spaCy noun chunks), e.g. 'the bank relationship':
    the first one (a question's subject), or with `prefer_multiword` the first multi-word one (a
    pitch's product phrase), skipping pronouns, names and greetings."""
    from callcoach.errors import ModelUnavailable
    from callcoach.nlp import load_spacy

    try:
        nlp = load_spacy()
    except ModelUnavailable as exc:  # a missing model only costs the rewrite, not the prompt
        log.debug("no spaCy for topic extraction: %s", exc)
        return None
    doc = nlp(text)
    candidates = [
        c
        for c in doc.noun_chunks
        if c.root.pos_ == "NOUN" and c.root.lower_ not in _EMPTY_TOPICS and c.root.ent_type_ != "PERSON"
    ]
    multi = [c for c in candidates if sum(t.pos_ in {"NOUN", "PROPN", "ADJ"} for t in c) >= 2]
    ranked = (multi if prefer_multiword else []) or candidates
    if not ranked:
        return None
    chunk = ranked[0]
    # "Our mobile signing" mid-sentence reads "our mobile signing"; names keep their capital.
    first = chunk[0].text if chunk[0].pos_ == "PROPN" else chunk[0].text.lower()
    return first + chunk.text[len(chunk[0].text) :]


@register("open_question")
def open_question(call: CallView) -> str | None:
    """A closed question the rep asked, rewritten as an open one about the same topic."""
    from coaching.evidence import SELECTORS

    closed = SELECTORS["closed_questions"](call)
    if not closed:
        return impact_question(call)
    text = next(
        (s.strip() for s in re.split(r"(?<=[.!?])\s+", closed[0]["text"]) if is_closed_question(s)),
        closed[0]["text"].strip(),
    )
    topic = _topic_of(text)
    if not topic:
        return None
    return (
        f'Instead of "{text}", ask: "Walk me through {topic}: how does it work today, '
        f'and what would you change about it?"'
    )


@register("objection_discovery")
def objection_discovery(call: CallView) -> str | None:
    """The objection the rep answered without exploring, turned into a discovery question."""
    objs = unexplored_objections(call) or [o for o in call.signals.objections or () if o.text]
    if not objs:
        return None
    o = objs[0]
    u = utterance_at(call, float(o.start)) if isinstance(o.start, int | float) else None
    phrase = key_phrase(str(o.text or (u.text if u else "")), prefer=_PAIN)
    who = _first_name(u.speaker) if u else ""
    question = OBJECTION_QUESTIONS.get(str(o.category), _DEFAULT_OBJECTION_Q)
    lead = f"{who}, last time you said" if who else "Last time you said"
    return f'{lead} "{phrase}". Help me understand: {question}'


def _absent_stakeholder(call: CallView) -> str | None:
    for s in call.signals.multithreading.stakeholders if call.signals.multithreading else ():
        if not s.on_call and (s.name or s.title):
            return f"{s.name} ({s.title})" if s.name and s.title else str(s.name or f"your {s.title}")
    return None


@register("dated_next_step")
def dated_next_step(call: CallView) -> str | None:
    """A next step with a day and an owner, built on what the call left open."""
    text = call.signals.next_step.text if call.signals.next_step else None
    who = _absent_stakeholder(call)
    if text:
        return (
            f'You left it at "{key_phrase(text)}". Before hanging up, pin it down: "Can we put that on '
            f'the calendar now: which day works, and who on your side owns it?"'
        )
    pains = pain_statements(call)
    if pains:
        topic = key_phrase(pains[0]["text"])
        with_whom = f" with {who}" if who else ""
        return (
            f'Close with: "Can we book 30 minutes{with_whom} on Tuesday or Wednesday to put numbers on '
            f"'{topic}'? I'll send the invite today.\""
        )
    last_buyer_q = next((u for u in reversed(call.by_side("buyer")) if "?" in u.text), None)
    if last_buyer_q is not None:
        return (
            f"Close with: \"You asked '{key_phrase(last_buyer_q.text)}': can we book 30 minutes on a "
            f"day that suits you to answer it properly? I'll send the invite today.\""
        )
    reps = sorted(call.by_side("rep"), key=lambda u: u.duration, reverse=True)
    pitch_topic = _topic_of(reps[0].text, prefer_multiword=True) if reps else None
    last_buyer = next((u for u in reversed(call.by_side("buyer")) if len(u.text.split()) >= 4), None)
    if pitch_topic and last_buyer is not None:
        return (
            f'The buyer closed with "{key_phrase(last_buyer.text)}". Before the goodbye, propose: '
            f'"Can we take 30 minutes on Tuesday or Wednesday to go through {pitch_topic} with your numbers? '
            f'Who else on your side should join?"'
        )
    return None


@register("monologue_to_question")
def monologue_to_question(call: CallView) -> str | None:
    """The rep's longest pitch, turned into a question to ask before pitching."""
    reps = sorted(call.by_side("rep"), key=lambda u: u.duration, reverse=True)
    if not reps:
        return None
    longest: Utterance = reps[0]
    topic = _topic_of(longest.text, prefer_multiword=True)
    if not topic:
        return None
    pains = pain_statements(call)
    recall = f"You said '{key_phrase(pains[0]['text'])}'. " if pains else ""
    return (
        f'Before explaining {topic}, ask: "{recall}How do you handle that today, and what would you want '
        f'to be different?"'
    )


@register("sentiment_check")
def sentiment_check(call: CallView) -> str | None:
    """The buyer's cooling words, quoted back with an open question about what changed."""
    from coaching.evidence import SELECTORS

    quotes = [
        q
        for q in SELECTORS["sentiment"](call)
        if (u := utterance_at(call, float(q["start"]))) is not None and u.side == "buyer"
    ]
    if not quotes:
        return None
    scores = sentiment_scores(call)
    # The coolest of the quoted turns (per the sentiment signal's scores), else the latest one.
    q = min(quotes, key=lambda e: scores.get(round(float(e["start"]), 1), 0.0)) if scores else quotes[-1]
    name = _first_name(q.get("speaker"))
    return (
        f"Open with: \"{name + ', l' if name else 'L'}ast time you said '{key_phrase(q['text'])}'. "
        f'What has changed on your side, and what would need to be true for this to feel right?"'
    )


@register("multithread")
def multithread(call: CallView) -> str | None:
    """Who else feels the buyer's pain, and an invitation for a named stakeholder."""
    who = _absent_stakeholder(call)
    pains = pain_statements(call)
    if not pains and not who:
        return None
    pain = f"'{key_phrase(pains[0]['text'])}'" if pains else "this"
    invite = (
        f" Could we bring {who} into the next call?"
        if who
        else " Who else should be in the next call so we get their view first-hand?"
    )
    return f'Ask: "Besides you, who is affected by {pain}?{invite}"'
