"""Next-step clarity: the concrete actions agreed for after the call, who takes them, and when.

Method (rules over spaCy sentences, no model beyond the shared parse):

1. Every sentence is cut into clauses at a conjunction that opens a new subject ("..., and
   can we ...", "... and I'll ..."), and each clause is matched against four forms:
   *commitment* ("I'll send", "we can put together", "Priya will loop in", "let me get you",
   "let's schedule"), *proposal* ("can we set up ...", "how about Monday at ten", "does
   Thursday work"), *request* ("send me the assumptions") and *scheduled event* ("so the demo
   is on the twelfth at ten").
2. A clause is dropped when it is conditional ("I'll reach out if I have questions"), negated,
   vague ("touch base", "check in sometime", "let you know") with no day named, an action
   inside the call ("let me show you"), a verb that is no action ("we can fix that") with no
   day named, part of a question ("anything I can send you?") or past ("the demo was on ...").
   A proposal counts only once the buyer accepts it.
3. Day/date/time phrases are found and resolved against `meta.started_at` by
   :mod:`signals._next_step_dates`; `dated` needs a day, date or clock time in the clause.
4. Buyer confirmation: the first buyer turn after the clause (within a few turns) that accepts
   ("works for me", "let's do the twentieth", "okay, send it to David"); a step the buyer
   states is confirmed by the buyer.
5. Every surviving clause is read by the shipped commitment classifier (:mod:`signals._classifiers`,
   task ``commitment``: logistic regression on MiniLM, trained by ``make train`` on the project's
   corpus): a clause it reads as more likely vague, withdrawn or no step at all than as a concrete
   step (``owned`` + ``unowned`` below :data:`CONCRETE_MIN_PROBABILITY`) is dropped. A polite "if"
   the rules already cleared ("if it helps, I can send ...") is cut before the classifier reads the
   clause, since its corpus counts conditions as withdrawals. The rules find
   the form of a commitment; the classifier judges what a form cannot show ("let me take it back
   to the team and we'll see" has the form of an owned action and none of its substance).
6. The primary step is the best-scoring item, scores weighted toward the end of the call;
   `present`/`dated`/`owned` describe the primary step's utterance. Clarity level 0-3 is 0
   with no next step, else the count of {owned, dated, buyer-confirmed} with a floor of 1.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from callcoach import analysis as an
from callcoach.domain import Evidence, Utterance
from signals._next_step_dates import DateMention, find_dates
from signals.base import SignalContext, register

log = logging.getLogger("callcoach.signals")

__all__ = ["NextStep", "NextStepResult", "next_step"]

Kind = Literal["commitment", "proposal", "request", "scheduled"]
METHOD = (
    "clause rules (commitment / proposal / request / scheduled event) minus conditional, vague, "
    "in-call, negated and past clauses; the learned commitment classifier drops clauses it reads as "
    "vague, withdrawn or no step; spoken dates resolved against started_at with dateparser; "
    "buyer acceptance in the next buyer turn; primary step = best score weighted toward the call's end"
)

# A clause is a step only when the commitment classifier gives owned + unowned at least this: more
# likely concrete than vague, withdrawn or no step (the corpus classes are near balanced).
CONCRETE_MIN_PROBABILITY = 0.5
# How many turns after a next step we look for the buyer's answer to it.
CONFIRM_WINDOW_TURNS = 3
# Scoring of candidate steps: an owned, dated, confirmed step beats an earlier vaguer one, and
# at equal quality a later one wins ("weighted toward the end"); position adds at most this.
POSITION_WEIGHT = 0.6
OWNED_WEIGHT = 0.8
DATED_WEIGHT = 0.8
CONFIRMED_WEIGHT = 0.5
KIND_WEIGHT: dict[Kind, float] = {"commitment": 0.2, "proposal": 0.2, "request": 0.1, "scheduled": 0.0}

_APOS = "['’]"
_NEG_CONTRACTION = rf"(?!{_APOS}t|not\b|n{_APOS}t)"
_MODALS = (
    rf"(?:{_APOS}ll|\s+will|\s+shall|\s+can{_NEG_CONTRACTION}|\s+could{_NEG_CONTRACTION}|\s+am\s+going\s+to|"
    rf"{_APOS}m\s+going\s+to|\s+are\s+going\s+to|{_APOS}re\s+going\s+to|{_APOS}m\s+gonna|\s+are\s+gonna|"
    rf"{_APOS}d\s+be\s+happy\s+to|\s+would\s+be\s+happy\s+to|\s+plan\s+to|\s+is\s+going\s+to)"
)
_FILLER = (
    r"(?:(?:also|just|definitely|certainly|then|actually|absolutely|happily|quickly|go\s+ahead\s+and"
    r"|make\s+time\s+to)\s+)*"
)
_PARTICLES = r"(?:\s+(?:up|in|over|together|out|back|on|with|through|off|around|along|into|to|base|sure))?"
_VERB = rf"(?P<verb>[a-z]+(?:{_APOS}[a-z]+)?){_PARTICLES}"
_COMMIT_RE = re.compile(
    rf"\b(?P<subj>i|we|my\s+team|our\s+team|he|she|they|(?P<name>[a-z][a-z]+))\s*{_MODALS}\s+{_FILLER}{_VERB}",
    re.IGNORECASE,
)
_LET_RE = re.compile(rf"\b(?P<subj>let{_APOS}?s|let\s+us|let\s+me)\s+{_FILLER}{_VERB}", re.IGNORECASE)
_PROPOSAL_RE = re.compile(
    rf"\b(?:(?:can|could|shall|should)\s+we|why\s+don{_APOS}?t\s+we|how\s+about|what\s+about|"
    rf"(?:would|does|do|will)\s+(?:\w+\s+){{0,6}}?(?:work|suit)|are\s+you\s+(?:free|open|available)|"
    rf"would\s+you\s+be\s+(?:free|open|available))\b(?:\s+{_FILLER}{_VERB})?"
    # "the next step would be a technical review": a proposal nobody has taken yet.
    rf"|\b(?P<next>next\s+steps?)\s+(?:is|are|would\s+be|will\s+be|should\s+be|{_APOS}s|{_APOS}d\s+be)\b",
    re.IGNORECASE,
)
_REQUEST_RE = re.compile(
    rf"^\s*(?:(?:okay|ok|great|perfect|sure|yes|yeah|so|and|then|please)[,.!]?\s+)*(?:please\s+)?"
    rf"(?P<verb>send|email|forward|share|loop|set|schedule|book|put|get|shoot|drop|invite|cc){_PARTICLES}\b",
    re.IGNORECASE,
)
# "Can you send me the proposal by Friday?": a request in question form, agreed when the other side says yes.
_ASK_RE = re.compile(
    rf"\b(?:can|could|would|will)\s+you\s+(?:please\s+)?(?:also\s+)?{_VERB}",
    re.IGNORECASE,
)
_EVENTS = (
    r"demo|call|meeting|session|kick-?off|review|workshop|walk-?through|deep\s+dive|presentation|pilot|"
    r"follow-?up|onsite|on-site|visit|training|check-?in|sync|debrief|read-?out|trial|meeting\s+invite"
)
_SCHEDULED_RE = re.compile(
    rf"\b(?:the|our|your|this|that|a|next)\s+(?:[\w-]+\s+){{0,3}}?(?:{_EVENTS})\s*"
    rf"(?:{_APOS}s|\s+is|\s+will\s+be|\s+is\s+(?:now\s+)?(?:set|scheduled|booked|confirmed|locked\s+in|on)|"
    rf"\s+(?:set|scheduled|booked)\s+for)\b"
    rf"|\b(?:see\s+you|talk(?:\s+to\s+you)?|speak\s+(?:to\s+you|then))\s+(?=(?:on\s+|next\s+|this\s+)?"
    rf"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|the\s+\w+))",
    re.IGNORECASE,
)
_PAST_EVENT_RE = re.compile(r"\b(?:was|were|had|did|went)\b", re.IGNORECASE)

# Verbs that name an action done after the call.
_FOLLOW_UP_VERBS = frozenset(
    [
        "send",
        "follow",
        "email",
        "e-mail",
        "forward",
        "share",
        "get",
        "put",
        "pull",
        "prepare",
        "draft",
        "write",
        "set",
        "schedule",
        "book",
        "arrange",
        "loop",
        "bring",
        "introduce",
        "connect",
        "review",
        "run",
        "confirm",
        "invite",
        "block",
        "reserve",
        "hold",
        "pencil",
        "calendar",
        "coordinate",
        "finalize",
        "finalise",
        "sign",
        "provide",
        "give",
        "update",
        "build",
        "map",
        "scope",
        "ask",
        "check",
        "talk",
        "speak",
        "meet",
        "call",
        "sync",
        "ping",
        "text",
        "look",
        "dig",
        "make",
        "take",
        "present",
        "line",
        "plan",
        "grab",
        "work",
        "turn",
        "fill",
        "complete",
        "return",
        "submit",
        "approve",
        "mock",
        "price",
        "quote",
        "order",
        "kick",
        "organize",
        "organise",
        "circulate",
        "distribute",
        "pass",
        "share",
        "reach",
        "run",
        "compile",
        "outline",
        "estimate",
        "propose",
        "set-up",
    ]
)
# Vague follow-ups: no concrete action unless a day is named ("let's touch base soon").
_VAGUE_ACTIONS = (
    r"(?:touch\s+base|check\s+in|checking\s+in|check\s+back|ping\s+(?:you|them|him|her)|circle\s+back|reconnect|keep\s+in\s+touch|stay\s+in\s+touch|"
    r"be\s+in\s+touch|catch\s+up|follow\s+up(?!\s+with\s+(?:the|a|an|our|your|my)\b)|reach\s+out|let\s+you\s+know|"
    r"get\s+back\s+to\s+you|think\s+(?:about|it\s+over)|talk\s+soon|chat\s+(?:soon|later)|keep\s+you\s+posted)\b"
)
_VAGUE_PHRASES = re.compile(
    rf"\b(?:{_VAGUE_ACTIONS}|sometime|some\s+time|at\s+some\s+point|down\s+the\s+road|one\s+of\s+these\s+days)\b",
    re.IGNORECASE,
)
# A vague verb at the commitment's own verb ("I'll check in sometime"), not elsewhere in the clause.
_VAGUE_AT_VERB = re.compile(_VAGUE_ACTIONS, re.IGNORECASE)
# Actions done during the call itself ("let me show you", "I'll keep the demo short").
_IN_CALL_VERBS = frozenset(
    [
        "show",
        "walk",
        "keep",
        "start",
        "begin",
        "jump",
        "switch",
        "explain",
        "tell",
        "go",
        "cover",
        "recap",
        "summarize",
        "summarise",
        "answer",
        "repeat",
        "see",
        "hear",
        "stop",
        "pause",
        "screen",
        "share-screen",
        "dive",
        "move",
        "skip",
        "focus",
    ]
)
# Verbs that take no action at all.
_NON_ACTION_VERBS = frozenset(
    [
        "be",
        "see",
        "hear",
        "think",
        "know",
        "understand",
        "guess",
        "imagine",
        "feel",
        "need",
        "want",
        "like",
        "love",
        "have",
        "say",
        "mean",
        "try",
        "help",
        "fix",
        "handle",
        "support",
        "integrate",
        "cover",
        "save",
        "cut",
        "reduce",
        "improve",
        "guarantee",
        "promise",
        "tell",
        "probably",
        "also",
        "do",
        "imagine",
        "wait",
        "live",
        "hope",
        "expect",
        "bet",
        "assume",
        "agree",
        "afford",
        "say",
    ]
)
# Verbs that are a step only with a day named ("let's do the twentieth", "I'll have it ready by Friday"),
# and mostly filler or in-call talk without one ("I'll have to check", "I'll do a quick demo").
_DATED_ONLY_VERBS = frozenset({"do", "have", "demo", "be", "go"})
_IN_CALL_PHRASES = re.compile(
    r"^(?:pull|bring)\s+up\b|^(?:walk|take)\s+(?:you|them)\b|^share\s+(?:my|the)\s+screen", re.IGNORECASE
)
_IN_CALL_OBJECTS = re.compile(
    r"\b(?:my\s+screen|the\s+screen|you\s+around|right\s+now|real\s+quick|quickly\s+now)\b", re.IGNORECASE
)
# A subject preceded by these sits inside a question or a relative clause ("anything I can send you?").
_EMBEDDED_BEFORE = re.compile(
    r"\b(?:anything|something|what|which|whatever|is\s+there|do\s+you\s+want|would\s+you\s+like|that|how|where|why|"
    r"when|if|whether|unless|in\s+case|once|after|before|until)\s*$",
    re.IGNORECASE,
)
_CONDITIONAL_AFTER = re.compile(r"^[^,;]*?\b(?:if|in\s+case|unless|should\s+you|whenever)\b", re.IGNORECASE)
_POLITE_IF = re.compile(
    rf"\bif\s+(?:that|it)(?:{_APOS}s|\s+is|\s+works|\s+helps|\s+suits)|\bif\s+you\s+(?:like|want|prefer)",
    re.IGNORECASE,
)
_LEADING_IF = re.compile(
    r"^\s*(?:\w+[,.]?\s+){0,2}?(?:if|in\s+case|unless|should\s+you)\b[^,]*,", re.IGNORECASE
)
_NEGATION = re.compile(rf"\b(?:not|never|no\s+longer)\b|n{_APOS}t\b", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(
    r",\s*but\s+|(?:[,;]\s*|\s+)(?:and|but|so|then|also)\s+(?=(?:\w+,\s+)?(?:i|we|let|can|could|shall|should|how|what|would|"
    r"does|do|he|she|they|you|[A-Z][a-z]+\s+(?:will|can))\b)|;\s*",
    re.IGNORECASE,
)

_ACCEPT_RE = re.compile(
    r"\b(?:sounds?\s+(?:good|great|perfect|fine|right|like\s+a\s+plan)|makes\s+sense|agreed|i\s+agree|fair\s+enough"
    r"|works?\s+(?:for\s+(?:me|us)|great|fine)|that\s+works|"
    rf"(?:should|would|will)\s+work|perfect|great|let{_APOS}?s\s+do|yes|yeah|yep|yup|sure|absolutely|definitely|of\s+course|"
    r"okay|ok|will\s+do|see\s+you|talk\s+(?:then|soon|monday|tuesday|wednesday|thursday|friday)|looking\s+forward|"
    rf"deal|count\s+(?:me|us)\s+in|happy\s+to|i\s+can\s+do|we\s+can\s+do|send\s+it|i{_APOS}ll\s+(?:be\s+there|make\s+sure|"
    rf"block|put\s+it|send|get|loop|add|forward|share)|on\s+(?:my|our)\s+calendar|that{_APOS}s\s+fine|fine\s+by|"
    rf"please\s+do|go\s+ahead|that\s+would\s+be\s+(?:great|helpful|good)|that{_APOS}d\s+be\s+(?:great|helpful|good)|"
    r"thanks|thank\s+you)\b",
    re.IGNORECASE,
)
_REJECT_RE = re.compile(
    rf"\b(?:not\s+sure|can{_APOS}?t|cannot|won{_APOS}t|doesn{_APOS}t\s+work|don{_APOS}t\s+think|no(?!\s+problem)\b|let\s+me\s+think|"
    r"need\s+to\s+think|maybe|hold\s+off|not\s+(?:yet|now|right\s+now|interested)|not\s+a\s+good|rather\s+not|"
    r"pass\b|busy)\b",
    re.IGNORECASE,
)
_SOFT_YES_AFTER_BUT = re.compile(
    r"\bbut\b.*\b(?:should|would|will)\s+work\b|\bbut\b.*\bworks\b", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class NextStep:
    """One agreed (or offered) action for after the call."""

    kind: Kind
    text: str  # the clause
    action: str
    owner: str | None  # a person's name, "rep side", "buyer side" or "both sides"; None when nobody takes it
    due: datetime | None
    due_text: str | None
    dated: bool
    confirmed: bool
    evidence: Evidence
    confirmation: Evidence | None
    utterance_index: int
    score: float

    @property
    def owned(self) -> bool:
        return self.owner is not None

    def to_analysis(self) -> an.NextStepItem:
        return an.NextStepItem(
            kind=self.kind,
            text=self.text,
            action=self.action,
            owner=self.owner,
            owned=self.owned,
            dated=self.dated,
            due=self.due.isoformat() if self.due else None,
            due_text=self.due_text,
            confirmed=self.confirmed,
            score=round(self.score, 3),
            evidence=(an.Quote.of(self.evidence),)
            + ((an.Quote.of(self.confirmation),) if self.confirmation else ()),
        )


@dataclass(frozen=True, slots=True)
class NextStepResult:
    """`signals.next_step` of the CONTRACT plus action, owner, due date, confirmation and clarity."""

    present: bool
    dated: bool
    owned: bool
    text: str | None
    action: str | None = None
    owner: str | None = None
    due: datetime | None = None
    confirmed: bool = False
    clarity: int = 0
    items: tuple[NextStep, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    rejected: tuple[an.RejectedStep, ...] = field(default=())

    def to_analysis(self) -> dict[str, Any]:
        return {
            "next_step": an.NextStep(
                present=self.present,
                dated=self.dated,
                owned=self.owned,
                text=self.text,
                action=self.action,
                owner=self.owner,
                due=self.due.isoformat() if self.due else None,
                buyer_confirmed=self.confirmed,
                clarity=self.clarity,
                items=tuple(i.to_analysis() for i in self.items),
                not_next_steps=self.rejected,
                evidence=tuple(an.Quote.of(e) for e in self.evidence),
                method=METHOD,
            )
        }


@dataclass(frozen=True, slots=True)
class _Candidate:
    kind: Kind
    clause: str
    action: str
    owner: str | None
    dates: tuple[DateMention, ...]
    asked: bool = False  # a question to the other side, agreed only when they say yes


def _clauses(sentence: str) -> list[str]:
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(sentence)]
    return [p for p in parts if p and re.search(r"[a-z]", p, re.IGNORECASE)]


def _rejected(clause: str, why: str, u: Utterance) -> an.RejectedStep:
    return an.RejectedStep(text=clause, why=why, start=round(u.start, 2), speaker=u.speaker)


def _side_label(side: str) -> str:
    return "rep side" if side == "rep" else "buyer side" if side == "buyer" else "unknown side"


def _other_side(side: str) -> str:
    return "buyer side" if side == "rep" else "rep side" if side == "buyer" else "unknown side"


def _verb_ok(phrase: str, tail: str, dated: bool) -> str | None:
    """Why a verb phrase ("send", "pull together") is no after-call action; None when it is one."""
    words = phrase.lower().split()
    verb = words[0]
    if (_IN_CALL_OBJECTS.search(tail) or _IN_CALL_PHRASES.match(phrase)) and not dated:
        return "in-call action"
    if verb in _IN_CALL_VERBS or verb in _DATED_ONLY_VERBS:
        return None if dated else "in-call action" if verb in _IN_CALL_VERBS else "no action named"
    if verb in _FOLLOW_UP_VERBS:
        return None
    if verb in _NON_ACTION_VERBS or not dated:
        return "no action named"
    return None


def _conditional(clause: str, match_end: int) -> bool:
    tail = clause[match_end:]
    cond = _CONDITIONAL_AFTER.search(tail)
    if cond and not _POLITE_IF.search(tail[cond.start() :]):
        return True
    lead = _LEADING_IF.search(clause[:match_end])
    return lead is not None and not _POLITE_IF.search(lead.group(0))


def _owner_for(subj: str, name: str | None, u: Utterance, known_names: set[str]) -> str | None:
    s = re.sub(r"\s+", " ", subj.lower())
    if s in {"i", "let me"}:
        return u.speaker
    if s in {"we", "my team", "our team"}:
        return _side_label(u.side)
    if s in {"let's", "let’s", "lets", "let us"}:
        return "both sides"
    if s in {"he", "she", "they"}:
        return s
    if name and name.lower() in known_names:
        return name[:1].upper() + name[1:]
    return None


def _candidate(
    clause: str, u: Utterance, base: datetime | None, known_names: set[str], rejected: list[an.RejectedStep]
) -> _Candidate | None:
    dates = tuple(find_dates(clause, base))
    day_named = any(d.dated for d in dates)

    def reject(why: str) -> None:
        rejected.append(_rejected(clause, why, u))

    if (
        re.search(
            r"\b(?:we|i)\s+(?:did|had|went|were|was|signed|closed|bought|moved|tried)\b",
            clause,
            re.IGNORECASE,
        )
        and not _COMMIT_RE.search(clause)
        and not _LET_RE.search(clause)
    ):
        if dates:
            reject("past")
        return None
    vague = _VAGUE_PHRASES.search(clause)
    for rx, kind in ((_LET_RE, "commitment"), (_COMMIT_RE, "commitment")):
        for m in rx.finditer(clause):
            subj = m.group("subj")
            name = m.groupdict().get("name")
            if name and name.lower() not in known_names:
                continue
            if _EMBEDDED_BEFORE.search(clause[: m.start()]):
                continue
            between = clause[m.start("subj") : m.start("verb")]
            if _NEGATION.search(between):
                reject("negated")
                return None
            if _conditional(clause, m.end()):
                reject("conditional")
                return None
            if subj.lower().startswith("let") and m.group("verb").lower() == "me":
                continue
            # "I'll check in sometime" is vague; "I'll send the proposal and check in next week" is not,
            # and a concrete action at a vague time ("I'll send it over sometime") is still a step.
            verb_vague = bool(_VAGUE_AT_VERB.match(clause[m.start("verb") :]))
            if verb_vague and not day_named:
                reject("vague")
                return None
            why = _verb_ok(clause[m.start("verb") : m.end()], clause[m.end() :], day_named)
            if why:
                continue
            if clause.rstrip().endswith("?") and kind == "commitment" and not subj.lower().startswith("let"):
                continue
            owner = _owner_for(subj, name, u, known_names)
            return _Candidate("commitment", clause, clause[m.start("verb") :].strip(" .?!"), owner, dates)
    pm = _PROPOSAL_RE.search(clause)
    if pm and (
        day_named
        or pm.group("next")
        or (pm.groupdict().get("verb") and pm.group("verb").lower() in _FOLLOW_UP_VERBS)
    ):
        if vague and not day_named:
            reject("vague")
            return None
        if _conditional(clause, pm.end()):
            reject("conditional")
            return None
        owner = None if pm.group("next") else "both sides"
        return _Candidate("proposal", clause, clause[pm.start() :].strip(" .?!"), owner, dates)
    am = _ASK_RE.search(clause)
    if (
        am
        and am.group("verb").lower() in _FOLLOW_UP_VERBS
        and not _EMBEDDED_BEFORE.search(clause[: am.start()])
    ):
        if _conditional(clause, am.end()):
            reject("conditional")
            return None
        if not (vague and not day_named):
            action = clause[am.start("verb") :].strip(" .?!")
            return _Candidate("request", clause, action, _other_side(u.side), dates, asked=True)
    rm = _REQUEST_RE.search(clause)
    if rm and not clause.rstrip().endswith("?"):
        if _conditional(clause, rm.end()):
            reject("conditional")
            return None
        return _Candidate(
            "request", clause, clause[rm.start("verb") :].strip(" .?!"), _other_side(u.side), dates
        )
    sm = _SCHEDULED_RE.search(clause)
    if sm and day_named:
        if _PAST_EVENT_RE.search(clause[sm.start() : sm.end() + 12]):
            reject("past")
            return None
        return _Candidate("scheduled", clause, clause[sm.start() :].strip(" .?!"), None, dates)
    if vague and _COMMIT_RE.search(clause):
        reject("vague")
    return None


def _response(
    utterances: tuple[Utterance, ...], i: int, side: str = "buyer"
) -> tuple[bool | None, Utterance | None]:
    """`side`'s answer to a step stated in turn i: (accepted?, the turn); None when no answer."""
    for j in range(i + 1, min(len(utterances), i + 1 + CONFIRM_WINDOW_TURNS)):
        v = utterances[j]
        if v.side != side:
            continue
        text = v.text
        if _SOFT_YES_AFTER_BUT.search(text):
            return True, v
        if _REJECT_RE.search(text):
            return False, v
        if _ACCEPT_RE.search(text):
            return True, v
        return None, v
    return None, None


def _date_summary(dates: tuple[DateMention, ...]) -> tuple[bool, datetime | None, str | None]:
    named = [d for d in dates if d.dated]
    if not named:
        return False, None, dates[0].text if dates else None
    with_when = [d for d in named if d.when is not None]
    pick = with_when[-1] if with_when else named[-1]
    return True, pick.when, pick.text


def _without_polite_if(clause: str) -> str:
    """The clause without a leading courtesy condition ("if it helps, ", "if you like, ")."""
    lead = _LEADING_IF.search(clause)
    if lead and _POLITE_IF.search(lead.group(0)):
        return clause[lead.end():].strip() or clause
    return clause


def _concrete_only(items: list[NextStep], rejected: list[an.RejectedStep]) -> list[NextStep]:
    """The steps the commitment classifier reads as concrete; the others go to `rejected` with its reading."""
    if not items:
        return items
    from callcoach.nlp import embed
    from signals._classifiers import load

    model = load("commitment")
    proba = model.probabilities(embed([_without_polite_if(s.text) for s in items]))
    concrete = proba[:, model.column("owned")] + proba[:, model.column("unowned")]
    kept: list[NextStep] = []
    for step, p_concrete, row in zip(items, concrete, proba, strict=True):
        if p_concrete >= CONCRETE_MIN_PROBABILITY:
            kept.append(step)
            continue
        reading = model.classes[int(row.argmax())]
        why = f"classifier reads it as {reading} ({row.max():.2f})"
        rejected.append(an.RejectedStep(text=step.text, why=why, start=round(step.evidence.start, 2),
                                        speaker=step.evidence.speaker))
    return kept


@register("next_step")
def next_step(ctx: SignalContext) -> NextStepResult:
    """Agreed next steps of the call (CONTRACT `signals.next_step`)."""
    from signals.text import sentences

    utts = ctx.utterances
    if not utts:
        return NextStepResult(False, False, False, None)
    meta = ctx.transcript.meta
    base = meta.started_at
    known_names = {p.name.split()[0].lower() for p in meta.participants if p.name}
    known_names |= {u.speaker.split()[0].lower() for u in utts if u.speaker}
    for doc in ctx.docs:
        known_names |= {e.text.split()[0].lower() for e in doc.ents if e.label_ == "PERSON"}
    known_names -= {"i", "we", "he", "she", "they", "it", "you", "that", "this", "there", "what", "who"}
    duration = max(ctx.transcript.duration_s, utts[-1].end, 1e-6)
    rejected: list[an.RejectedStep] = []
    items: list[NextStep] = []
    for i, (u, doc) in enumerate(zip(utts, ctx.docs, strict=True)):
        if u.side not in {"rep", "buyer"}:
            continue
        for sent in sentences(doc):
            for clause in _clauses(sent.text):
                cand = _candidate(clause, u, base, known_names, rejected)
                if cand is None:
                    continue
                if cand.asked:
                    agreed, _ = _response(utts, i, "rep" if u.side == "buyer" else "buyer")
                    if not agreed:
                        rejected.append(_rejected(clause, "request not agreed", u))
                        continue
                accepted, answer = (True, u) if u.side == "buyer" else _response(utts, i)
                if accepted is False:
                    rejected.append(_rejected(clause, "buyer declined", u))
                    continue
                if cand.kind == "proposal" and not accepted:
                    rejected.append(_rejected(clause, "proposal not accepted", u))
                    continue
                dated, due, due_text = _date_summary(cand.dates)
                confirmed = bool(accepted)
                score = (
                    1.0
                    + OWNED_WEIGHT * (cand.owner is not None)
                    + DATED_WEIGHT * dated
                    + CONFIRMED_WEIGHT * confirmed
                    + KIND_WEIGHT[cand.kind]
                    + POSITION_WEIGHT * (u.start / duration)
                )
                items.append(
                    NextStep(
                        kind=cand.kind,
                        text=clause,
                        action=cand.action,
                        owner=cand.owner,
                        due=due,
                        due_text=due_text,
                        dated=dated,
                        confirmed=confirmed,
                        evidence=Evidence.of(u),
                        confirmation=Evidence.of(answer)
                        if confirmed and answer is not None and answer is not u
                        else None,
                        utterance_index=i,
                        score=score,
                    )
                )
    items = _concrete_only(items, rejected)
    if not items:
        return NextStepResult(False, False, False, None, rejected=tuple(rejected))
    # A buyer turn that answers an earlier step ("Monday at eleven should work") confirms that step;
    # it is not the step itself, so it is the primary only when nothing else is.
    answers = {s.confirmation for s in items if s.confirmation is not None}
    own_steps = [s for s in items if Evidence.of(utts[s.utterance_index]) not in answers] or items
    primary = max(own_steps, key=lambda s: s.score)
    same_turn = [s for s in items if s.utterance_index == primary.utterance_index]
    dated = any(s.dated for s in same_turn)
    owned = any(s.owned for s in same_turn)
    confirmed = any(s.confirmed for s in same_turn)
    due_item = next((s for s in same_turn if s.due is not None), None)
    owner_item = next((s for s in same_turn if s.owned), None)
    clarity = max(1, int(owned) + int(dated) + int(confirmed))
    evidence = [primary.evidence] + [c for c in (s.confirmation for s in same_turn) if c is not None][:1]
    return NextStepResult(
        present=True,
        dated=dated,
        owned=owned,
        text=utts[primary.utterance_index].text,
        action=primary.action,
        owner=owner_item.owner if owner_item else None,
        due=due_item.due if due_item else None,
        confirmed=confirmed,
        clarity=clarity,
        items=tuple(sorted(items, key=lambda s: s.evidence.start)),
        evidence=tuple(evidence),
        rejected=tuple(rejected),
    )
