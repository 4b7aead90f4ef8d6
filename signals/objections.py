"""Objections: buyer sentences that push back on the deal, in the CONTRACT's seven categories.

Method: every buyer sentence (rep speech never counts) is read two ways.

* The shipped objection classifier (:mod:`signals._classifiers`, task ``objection``): logistic
  regression on the shared MiniLM sentence embedding, trained by ``make train`` on the project's
  corpus (objections of each category against hard negatives: curious questions, neutral
  competitor mentions, the buyer's own timelines, pains, agreement). A category fires when its
  probability reaches the shipped threshold (calibrated on labeled calls, see
  :mod:`signals._classifiers`; ``settings.objection_fire_probability`` overrides it) and
  the stance classifier reads the sentence as taking a stance at all (an objection is a position,
  not a fact) and the objection reading plus the cool stance outweighs the warm one (buyers wrap
  objections in courtesy, which reads warm; a plainly warm remark still does not fire).
* Lexical cues per category (:data:`_CUES`) that are objections on their own ("too expensive",
  "we're also looking at X", "I'd need our CFO to sign off"), and the competitor names of
  ``settings.competitors``. A cue that is negated ("price isn't a concern") rules its category out
  for the sentence. A former vendor the buyer has left ("our last vendor couldn't ...") is history,
  not a competitor in this deal.

Questions count only with a cue ("why is it so expensive?"), so asking a price is no price
objection.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callcoach import analysis as an
from callcoach.domain import Evidence, Utterance
from signals._classifiers import OBJECTION_CATEGORIES as CATEGORIES
from signals.base import SignalContext, register

if TYPE_CHECKING:
    import numpy as np

log = logging.getLogger("callcoach.signals")

__all__ = ["Objection", "ObjectionsResult", "objections"]

METHOD = (
    "buyer sentences only; logistic-regression objection classifier on MiniLM embeddings (trained on the "
    "project corpus, firing threshold calibrated on labeled calls) where the stance model reads a position "
    "(P(neutral) < 0.5) and P(category) + P(cool) > P(warm), or a strong lexical cue; competitors "
    "from settings.competitors; "
    "negated cues rule a category out; questions need a cue"
)

# Shorter buyer sentences ("Not really.", "Okay, sure.") are acknowledgements: the classifier
# has too little to read in them, so they are not embedded.
MIN_EMBED_WORDS = 4
# The classifier's reading counts only where the stance model reads a stance more likely than not
# (even odds; the buyer's own plans, pains and facts are neutral).
STANCE_NEUTRAL_MAX = 0.5
# Where the corpus threshold is missing from the artifact (an older model file).
DEFAULT_FIRE_PROBABILITY = 0.6

_A = "['’]"
_NEG = rf"(?:not|no|never|isn{_A}?t|aren{_A}?t|wasn{_A}?t|don{_A}?t|doesn{_A}?t|without|hardly)"

# category -> (strong cues, weak cues)
_CUES: dict[str, tuple[list[str], list[str]]] = {
    "price": (
        [
            r"\btoo\s+(?:expensive|pricey|costly|steep|high|rich)\b",
            r"\b(?:costs?|that's|it's|is)\s+(?:way\s+|just\s+|a\s+bit\s+)?too\s+much\b",
            r"\b(?:over|above|beyond|exceeds?|outside(?:\s+of)?|blows?)\s+(?:our|the|my)\s+budget\b",
            r"\bbudget\b[^.?!]{0,40}\b(?:tight|limited|gone|spent|frozen|allocated|committed|cut|slashed|maxed|stretched)\b",
            r"\b(?:can'?t|cannot|couldn't)\s+afford\b",
            r"\b(?:no|don't\s+have\s+(?:the\s+|a\s+)?|haven't\s+got\s+(?:the\s+)?)budget\b",
            r"\b(?:twice|double|triple|\d+x|(?:a\s+lot|way|much|significantly|quite\s+a\s+bit)\s+more\s+than)\s+"
            r"(?:what\s+)?we(?:'re)?\s+(?:pay|paying|spend|spending|budgeted)\b",
            r"\bmore\s+than\s+we\s+(?:pay|spend|budgeted|can\s+spend)\b",
            r"\b(?:cheaper|less\s+expensive|lower\s+(?:price|quote|bid|cost)|came\s+in\s+(?:a\s+bit\s+|much\s+|way\s+|"
            r"quite\s+a\s+bit\s+)?(?:lower|cheaper|under))\b",
            r"\b(?:price|pricing|cost|quote|number)\b[^.?!]{0,30}\b(?:steep|hard\s+to\s+justify|a\s+stretch|a\s+tough\s+sell|"
            r"a\s+concern|an\s+issue|a\s+problem|a\s+sticking\s+point|a\s+lot\s+to\s+swallow|out\s+of\s+reach)\b",
            r"\bhard\s+to\s+justify\s+the\s+(?:cost|price|spend)\b|\bsticker\s+shock\b",
            r"\b(?:that|it|this)(?:'s|\s+is|\s+seems|\s+sounds|\s+feels)\s+(?:(?:pretty|a\s+bit|a\s+little|quite|"
            r"really|very|super|kind\s+of|kinda|awfully)\s+)?(?:expensive|pricey|steep|costly)\b",
            r"\b(?:a\s+lot\s+of\s+money|out\s+of\s+our\s+price\s+range|more\s+than\s+we\s+(?:expected|were\s+expecting|"
            r"planned|wanted\s+to\s+spend))\b",
            r"\bbudget\s+(?:isn't|is\s+not|just\s+isn't)\s+there\b|\b(?:can't|cannot)\s+(?:spend|justify)\s+that\b",
            r"\bhoping\s+for\s+(?:something\s+)?(?:closer\s+to|lower|cheaper|less|a\s+(?:better|lower)\s+(?:price|number|"
            r"deal))\b",
        ],
        [r"\b(?:price|pricing|priced|cost|costs|budget|expensive|afford|quote|discount|spend|money|pay)\b"],
    ),
    "timing": (
        [
            r"\bnot\s+(?:the\s+)?(?:right|best|a\s+good)\s+time\b",
            r"\b(?:wait|hold\s+off|push\s+(?:it|this|that)\s+(?:out|back|to)|revisit|park\s+(?:it|this)|"
            r"put\s+(?:it|this|that)\s+on\s+hold|on\s+the\s+back\s+burner)\b[^.?!]{0,40}\b(?:until|till|next|after|"
            r"later|months?|quarter|year|q[1-4])\b",
            r"\b(?:go\s+on|put\s+(?:it|this)\s+on|wait\s+for)\s+(?:the|our|a)\s+(?:\w+\s+){0,2}(?:agenda|cycle|meeting)\b",
            r"\b(?:next|following)\s+(?:budget|fiscal|planning)\s+(?:cycle|year|season)\b",
            r"\bnot\s+(?:until|before)\s+(?:next|the\s+end|q[1-4]|after)\b",
            r"\b(?:too\s+much\s+going\s+on|no\s+bandwidth|don't\s+have\s+(?:the\s+)?bandwidth|swamped|spending\s+freeze|"
            r"hiring\s+freeze|budget\s+freeze)\b",
            r"\bnot\s+(?:a|our)\s+(?:top\s+)?priority\s+(?:right\s+now|this\s+(?:year|quarter)|at\s+the\s+moment)\b",
            r"\b(?:maybe|probably|realistically)\s+(?:next|later\s+(?:this|next))\s+(?:year|quarter)\b",
            r"\bnot\s+this\s+(?:year|quarter|fiscal\s+year)\b|\b(?:now|this)\s+(?:isn't|is\s+not)\s+(?:a\s+good|the\s+right)"
            r"\s+time\b",
            r"\block(?:ed)?\s+in\b|\bunder\s+contract\s+(?:until|till|through)\b|\bcontract\s+(?:runs|ends|is\s+up|renews)\s+"
            r"(?:until|till|in|next|through)\b",
            r"\b(?:revisit|circle\s+back\s+on|pick\s+(?:this|it)\s+(?:back\s+)?up)\b[^.?!]{0,30}\b(?:in|next|after|once)\b",
        ],
        [
            r"\b(?:timing|timeline|right\s+now|next\s+year|next\s+quarter|later|busy|wait|agenda|priority|priorities)\b"
        ],
    ),
    "competitor": (
        [
            r"\b(?:also|already)\s+(?:looking\s+at|evaluating|talking\s+(?:to|with)|considering|demoing|trialing|"
            r"trialling|piloting|in\s+talks\s+with|speaking\s+(?:to|with)|got\s+a\s+quote\s+from)\b",
            r"\b(?:looking\s+at|evaluating|comparing|considering|talking\s+to)\s+(?:a\s+few|other|another|two|three|"
            r"several|a\s+couple\s+(?:of\s+)?)\s+(?:other\s+)?(?:vendors|options|tools|providers|solutions|platforms|"
            r"companies)\b",
            r"\bwe(?:'ve|\s+have)\s+been\s+(?:on|with|using)\s+[\w .-]{2,30}?\s+(?:for|since)\s+",
            r"\b(?:we're|we\s+are)\s+(?:on|with|using)\s+[\w .-]{2,30}?\s+(?:and|which|that)\s+"
            r"(?:it\s+)?(?:works|is\s+fine|we're\s+happy)",
            r"\b(?:our|the)\s+(?:current|existing|incumbent)\s+(?:vendor|provider|tool|system|platform|solution|contract)\b",
            r"\b(?:similar\s+to|same\s+as|different\s+(?:from|than)|like)\s+what\s+we\s+(?:have|use|already\s+have|"
            r"already\s+use|have\s+(?:now|today))\b",
            r"\b(?:their|the\s+other)\s+(?:quote|price|pricing|proposal|offer|bid|demo)\b",
            r"\b(?:your|a)\s+competitor\b|\bother\s+vendors?\b",
            r"\b(?:already|currently)\s+(?:have|use|pay\s+for)\s+(?:a|an|another|some)\s+(?:\w+\s+)?(?:tool|system|"
            r"solution|vendor|platform|product|provider)\s+(?:for|that)\b",
            r"\bleaning\s+(?:toward|towards)\s+(?:the\s+other|another|[A-Z])",
            r"\b(?:pretty\s+|really\s+|quite\s+|very\s+)?(?:happy|satisfied)\s+with\s+(?:(?-i:[A-Z])\w+|our\s+current|"
            r"what\s+we\s+have)",
            r"\b(?:pitched|demoed|quoted)\s+us\b",
        ],
        [r"\b(?:vendor|competitor|alternative|other\s+option|another\s+option)\b"],
    ),
    "authority": (
        [
            r"\b(?:need|needs|have\s+to|has\s+to|'d\s+need|'d\s+have\s+to|will\s+need|would\s+need|would\s+have\s+to|"
            r"must|require|requires)\b[^.?!]{0,50}\b(?:sign[\s-]?off|sign\s+off|approv\w*|buy[\s-]?in|blessing|"
            r"green\s+light|go[\s-]ahead|okay\s+it|ok\s+it|say\s+so)\b",
            r"\b(?:not|isn'?t|it's\s+not)\s+(?:really\s+)?(?:my|up\s+to\s+me|my\s+(?:decision|call))\b",
            r"\b(?:not|isn'?t)\s+(?:really\s+)?(?:my|our)\s+(?:decision|call)\b|\babove\s+my\s+pay\s*grade\b",
            r"\bup\s+to\s+(?:my|our|the)\s+(?:boss|cfo|ceo|board|manager|director|vp|leadership|team)\b",
            r"\b(?:run|take)\s+(?:it|this|that)\s+(?:by|past|to)\s+(?:my|our|the)\s+\w+",
            r"\b(?:final\s+(?:say|call|decision)|decision\s+maker)\b[^.?!]{0,30}\b(?:is|sits|rests|lies|with)\b",
            r"\b(?:don't|do\s+not)\s+have\s+(?:the\s+)?(?:authority|sign[\s-]?off|final\s+say)\b",
            r"\b(?:it's|it\s+is)\s+(?:the|our|my)\s+[\w\s]{1,30}?\s+(?:who|that)\s+(?:decide|decides|make\s+the\s+call|"
            r"makes\s+the\s+call|sign\s+off|signs\s+off)\b",
            r"\b(?:have|need|has|needs|'d\s+have|'d\s+need)\s+to\s+(?:talk|check|speak|run\s+(?:it|this|that))\s+"
            r"(?:to|with|by|past)\s+(?:my|our|the)\s+(?:boss|manager|director|vp|cfo|ceo|coo|cto|cio|board|leadership|"
            r"partners?|owner|owners|exec\w*|superintendent|committee|procurement|finance)\b",
        ],
        [r"\b(?:decision|decide|approve|approval|sign|boss|board|cfo|ceo|leadership|procurement)\b"],
    ),
    "need": (
        [
            r"\b(?:don't|do\s+not|doesn't)\s+(?:really\s+)?(?:see|think\s+(?:we|i))\s+(?:the\s+|a\s+|much\s+|any\s+)?"
            r"(?:need|value|point|difference|benefit|reason|it\s+being\s+worth)\b",
            r"\bnot\s+(?:really\s+|sure\s+(?:it's|it\s+is)\s+)?worth\s+(?:it|the|switching|the\s+effort)\b",
            r"\b(?:doesn't|does\s+not|don't)\s+(?:really\s+)?seem\s+(?:that|very|all\s+that|much|any|so)\s+"
            r"different\b",
            r"\bno\s+(?:real\s+)?(?:need|reason)\s+(?:to|for)\b",
            r"\b(?:we're|we\s+are)\s+(?:fine|good|happy|ok|okay|all\s+set)\s+with\s+(?:what\s+we|our\s+current|the\s+current|"
            r"how\s+things)\b",
            r"\bnot\s+(?:really\s+)?(?:a|the)\s+(?:big\s+)?(?:problem|issue|pain|priority)\s+for\s+us\b",
            r"\b(?:don't|do\s+not)\s+(?:really\s+)?need\s+(?:it|this|that|all|any)\b",
            r"\bnice\s+to\s+have\b|\bnot\s+convinced\b|\bwhy\s+would\s+we\s+(?:switch|change|need)\b",
            r"\bnot\s+sure\s+(?:we|i)\s+(?:need|see\s+the)\b",
            r"\b(?:don't|do\s+not)\s+(?:really\s+)?have\s+(?:that|this|that\s+kind\s+of)\s+problem\b",
            r"\bnot\s+(?:really\s+)?something\s+we\s+(?:need|want|care\s+about)\b",
            r"\bnot\s+sure\s+(?:our|the|my)\s+\w+\s+(?:would|will)\s+(?:actually\s+|really\s+)?(?:use|adopt|want)\b",
            r"\b(?:gotten|getting|get|got)\s+by\s+(?:fine|okay|ok|just\s+fine)\b|\b(?:works|working)\s+(?:fine|well\s+enough|"
            r"okay)\s+for\s+us\b",
        ],
        [r"\b(?:worth|value|different|difference|convinced|switch|necessary|useful)\b"],
    ),
    "security": (
        [
            r"\b(?:security|infosec|privacy|compliance|data|breach|access)\b[^.?!]{0,40}\b(?:concern|concerns|concerned|"
            r"worried|worry|risk|risky|nervous|hesitant|red\s+flag|blocker|deal\s*breaker|non-?starter|won't\s+pass|"
            r"never\s+pass|hurdle)\b",
            r"\b(?:worried|concerned|nervous)\s+about\b[^.?!]{0,40}\b(?:security|data|privacy|breach|access|"
            r"credentials|compliance)\b",
            r"\b(?:can'?t|cannot|won't|not\s+allowed\s+to)\s+(?:\w+\s+)?(?:store|send|share|put|host|move)\b"
            r"[^.?!]{0,30}\bdata\b",
            r"\bdata\s+(?:can'?t|cannot|won't)\s+leave\b|\bon-?prem(?:ise)?\s+only\b",
            r"\b(?:without|no)\s+(?:a\s+)?(?:soc\s*2|iso\s*27001|hipaa|fedramp|pen(?:etration)?\s+test)\b",
            r"\b(?:won't|will\s+not|doesn't|don't|wouldn't)\s+(?:let|allow)\b[^.?!]{0,40}\b(?:data|pii|phi|records)\b",
            r"\b(?:need|needs|have|has)\s+to\s+(?:see|review|get)\s+(?:your|the|a)\s+(?:pen(?:etration)?\s+test|soc\s*2|"
            r"security\s+(?:review|report|audit)|iso\s*27001)",
        ],
        [r"\b(?:security|secure|privacy|compliance|breach|soc\s*2|hipaa|gdpr|encryption|data\s+residency)\b"],
    ),
    "integration": (
        [
            r"\b(?:doesn't|does\s+not|won't|will\s+not|can'?t|cannot|couldn't|could\s+not|didn't|wouldn't|"
            r"never|not\s+sure\s+(?:it|this)\s+(?:will|would|can))\s+(?:\w+\s+)?(?:integrate|connect|talk\s+to|work\s+with|"
            r"sync|plug\s+into|hook\s+into|interface)\b",
            r"\b(?:integration|integrating|integrations|connector|connectors|api)\b[^.?!]{0,40}\b(?:concern|worried|worry|"
            r"issue|problem|tricky|hard|painful|nightmare|challenge|gap|missing|risk)\b",
            r"\b(?:mainframe|legacy|erp|homegrown|home-grown|in-house|on-prem|custom\s+system)\b[^.?!]{0,40}\b(?:tricky|"
            r"problem|issue|challenge|hard|headache|won't|doesn't|can'?t|couldn't|break)\b",
            r"\b(?:tricky|hard|difficult)\s+part\b[^.?!]{0,30}\b(?:mainframe|legacy|erp|system|integration|connect)\b",
            r"\bcompatib\w*\b[^.?!]{0,30}\b(?:issue|problem|concern|worried)\b",
            r"\b(?:problem|issue|challenge|catch|tricky\s+part)\s+is\s+(?:that\s+)?(?:our|the)\b[^.?!]{0,40}\b(?:custom|"
            r"legacy|homegrown|mainframe|erp|on-?prem|oracle|sap|in-house)\b",
        ],
        [r"\b(?:integrate|integration|connect|connector|api|mainframe|erp|legacy|compatible|stack|sync)\b"],
    ),
}


def _rx(pattern: str) -> re.Pattern[str]:
    # Cues are written with a plain apostrophe; transcripts use ' or ’.
    return re.compile(pattern.replace("'", _A), re.IGNORECASE)


_COMPILED = {c: ([_rx(p) for p in s], [_rx(p) for p in w]) for c, (s, w) in _CUES.items()}
# A negation inside a strong cue's match turns it around ("price isn't a concern").
_NEGATED_INSIDE = re.compile(rf"\b{_NEG}\b", re.IGNORECASE)
# Negations that are the objection itself ("can't afford", "no budget"), not a turn-around.
_KEEPS_NEGATION = re.compile(
    r"can['’]?t|cannot|couldn['’]t|don['’]t\s+have|no\s+budget|won['’]t|without|"
    r"not\s+the\s+right|isn['’]t\s+there|is\s+not\s+there",
    re.IGNORECASE,
)
# Cues that carry their own negation and must not be turned around by it.
_SELF_NEGATING = {"need", "authority", "integration", "timing"}
_FORMER_VENDOR = re.compile(
    r"\b(?:our|the)\s+(?:last|previous|old|former|prior)\s+(?:[\w-]+\s+)?"
    r"(?:vendor|provider|tool|system|platform|solution)\b",
    re.IGNORECASE,
)
_QUESTION_START = re.compile(
    r"^\s*(?:(?:and|so|but|okay|ok|well),?\s+)?(?:what|how|why|when|where|who|which|is|are|do|does|did|can|could|"
    r"would|will|should|have|has)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Objection:
    category: str
    text: str  # the buyer's sentence
    start: float
    end: float
    speaker: str
    cue: str | None
    similarity: float | None  # the classifier's probability of the category (None: not embedded)
    evidence: Evidence

    def to_analysis(self) -> an.Objection:
        return an.Objection(
            category=self.category,
            text=self.text,
            start=round(self.start, 2),
            end=round(self.end, 2),
            speaker=self.speaker,
            cue=self.cue,
            probability=round(self.similarity, 3) if self.similarity is not None else None,
            evidence=(an.Quote.of(self.evidence),),
            method=METHOD,
        )


@dataclass(frozen=True, slots=True)
class ObjectionsResult:
    items: tuple[Objection, ...]

    def to_analysis(self) -> dict[str, Any]:
        return {"objections": tuple(o.to_analysis() for o in self.items)}


def _is_question(sentence: str) -> bool:
    return sentence.rstrip().endswith("?") or bool(_QUESTION_START.match(sentence))


def _strong_cue(category: str, sentence: str) -> str | None:
    """The strong cue of `category` in `sentence`; "" when the cue is there but negated ("price isn't
    a concern"), which also rules out the weaker evidence for that category."""
    negated = False
    for rx in _COMPILED[category][0]:
        m = rx.search(sentence)
        if not m:
            continue
        if (
            category not in _SELF_NEGATING
            and _NEGATED_INSIDE.search(m.group(0))
            and not _KEEPS_NEGATION.search(m.group(0))
        ):
            negated = True
            continue
        return m.group(0)
    return "" if negated else None


def _competitor_cue(sentence: str, competitors: list[str]) -> str | None:
    for name in competitors:
        if name and re.search(rf"\b{re.escape(name)}\b", sentence, re.IGNORECASE):
            return name
    cue = _strong_cue("competitor", sentence)
    if (
        cue
        and _FORMER_VENDOR.search(sentence)
        and not re.search(r"\b(?:also|already|current|existing)\b", cue, re.IGNORECASE)
    ):
        return None
    return cue


def _span_times(u: Utterance, char_start: int, char_end: int) -> tuple[float, float]:
    """Start and end of a sentence inside an utterance: from word timings, else by character share."""
    n = max(len(u.text), 1)
    if u.words:
        # Words are in order; count words before the sentence by their share of the text.
        before = len(u.text[:char_start].split())
        inside = max(1, len(u.text[char_start:char_end].split()))
        first = u.words[min(before, len(u.words) - 1)]
        last = u.words[min(before + inside - 1, len(u.words) - 1)]
        return first.start, last.end
    return u.start + u.duration * char_start / n, u.start + u.duration * char_end / n


@register("objections")
def objections(ctx: SignalContext) -> ObjectionsResult:
    """Buyer objections by category (CONTRACT `signals.objections[]`)."""
    from signals._classifiers import load
    from signals.text import sentences

    rows: list[tuple[int, str, int, int]] = []  # utterance index, sentence, char start, char end
    for i, (u, doc) in enumerate(zip(ctx.utterances, ctx.docs, strict=True)):
        if u.side != "buyer":
            continue
        for s in sentences(doc):
            rows.append((i, s.text.strip(), s.start_char, s.end_char))
    if not rows:
        return ObjectionsResult(())
    competitors = list(ctx.settings.competitors)
    strong = [
        {
            c: _competitor_cue(sent, competitors) if c == "competitor" else _strong_cue(c, sent)
            for c in CATEGORIES
        }
        for _, sent, _, _ in rows
    ]
    questions = [_is_question(sent) for _, sent, _, _ in rows]
    # The classifier reads statements long enough to state something; a question objects only
    # with a cue of its own.
    wanted = [not q and len(sent.split()) >= MIN_EMBED_WORDS
              for q, (_, sent, _, _) in zip(questions, rows, strict=True)]
    vectors = _sentence_vectors(ctx, rows, wanted)
    model = load("objection")
    stance = load("stance")
    fire_at = ctx.settings.objection_fire_probability
    if fire_at is None:
        fire_at = model.threshold("fire", DEFAULT_FIRE_PROBABILITY)
    found: dict[tuple[int, str], Objection] = {}
    for k, (i, sent, a, b) in enumerate(rows):
        u = ctx.utterances[i]
        vec = vectors[k]
        probs = (dict(zip(model.classes, model.probabilities(vec[None, :])[0].tolist(), strict=True))
                 if vec is not None else {})
        felt = (dict(zip(stance.classes, stance.probabilities(vec[None, :])[0].tolist(), strict=True))
                if probs else {})
        if probs and not _takes_a_stance(felt):
            probs = {}  # an objection is a position: a sentence read as no stance (a fact, a plan) is none
        for c in CATEGORIES:
            cue = strong[k][c]
            if cue == "":
                continue  # the category is named and denied
            fires = cue is not None or (c in probs and probs[c] >= fire_at and _pushes_back(probs[c], felt))
            if not fires or not _stronger(cue, probs.get(c), found.get((i, c))):
                continue
            start, end = _span_times(u, a, b)
            found[(i, c)] = Objection(
                category=c,
                text=sent,
                start=start,
                end=end,
                speaker=u.speaker,
                cue=cue,
                similarity=probs.get(c),
                evidence=Evidence.of(u),
            )
    items = sorted(found.values(), key=lambda o: (o.start, CATEGORIES.index(o.category)))
    return ObjectionsResult(tuple(items))


def _stronger(cue: str | None, probability: float | None, held: Objection | None) -> bool:
    """Whether a sentence beats the one already quoted for its turn and category: a cue beats the
    classifier, then the higher probability (the clearest sentence is the quote, and the result does
    not depend on which sentence of the turn came first)."""
    if held is None:
        return True
    if (cue is not None) != (held.cue is not None):
        return cue is not None
    return cue is None and (probability or 0.0) > (held.similarity or 0.0)


def _takes_a_stance(felt: dict[str, float]) -> bool:
    """Whether the stance model reads a stance toward the seller or the deal more likely than none
    (a pain, a fact or the buyer's own plan is neutral)."""
    return felt["neutral"] < STANCE_NEUTRAL_MAX


def _pushes_back(p_category: float, felt: dict[str, float]) -> bool:
    """Whether the reading against the deal outweighs the warm one: the objection reading itself
    plus the cool stance against the warm stance. Buyers wrap objections in courtesy ("I appreciate
    that, but I'd want it in writing"), which the stance model reads as warm, so cool alone need not
    beat warm (that earlier rule cost recall 0.86 -> 0.72 on the labeled calls, docs/signals.md);
    a plainly warm remark that merely mentions a topic ("that would make month-end calmer") still
    does not fire."""
    return p_category + felt["cool"] > felt["warm"]


def _sentence_vectors(
    ctx: SignalContext, rows: list[tuple[int, str, int, int]], wanted: list[bool]
) -> list[np.ndarray | None]:
    """Embeddings of buyer sentences: a one-sentence utterance reuses the shared utterance row; the
    sentences of longer utterances are embedded in one batch, and only where `wanted`."""
    from callcoach.nlp import embed

    per_utt: dict[int, int] = {}
    for i, *_ in rows:
        per_utt[i] = per_utt.get(i, 0) + 1
    out: list[np.ndarray | None] = [None] * len(rows)
    if any(per_utt[r[0]] == 1 for r in rows):
        shared = ctx.embeddings
        for k, r in enumerate(rows):
            if per_utt[r[0]] == 1:
                out[k] = shared[r[0]]
    todo = [k for k, r in enumerate(rows) if per_utt[r[0]] > 1 and wanted[k]]
    if todo:
        for k, vec in zip(todo, embed([rows[k][1] for k in todo]), strict=True):
            out[k] = vec
    return out
