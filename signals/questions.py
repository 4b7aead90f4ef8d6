"""Which rep sentences are questions to the buyer, and which of those are open (CONTRACT section 3).

Speech-recognition text is lowercase and often has no question marks, so a sentence is read
from its spaCy parse, not from "?" alone:

- a *prompt*: an imperative that asks the buyer to talk ("walk me through", "tell me about",
  "help me understand", "describe", "explain", "can you walk me through ...") - open;
- a *wh-question*: a fronted what/how/why/who/when/which/where heading the main clause
  (not a relative or subordinate "what we do", "when you think about it") - open for
  what/how/why, closed for who/when/where/which/whose and "how much/many/long/often";
- a *yes/no question*: an auxiliary or modal opening the clause before its subject
  ("do you", "is there", "would a discount help", "..., and can we get thirty minutes") - closed;
- an *indirect question*: "I'm curious how ...", "I'd love to understand ...", "I was wondering if ...";
- any other sentence ending in "?" (an echo or declarative question) - closed.

Not counted: tag questions ("..., right?", "super easy right"), rhetorical and logistic checks
("does that make sense?", "can you hear me?", "can you see my screen?", "any questions?"),
small talk ("how are you?") and anything a buyer says. A question split over two utterances
of the same rep ("so walk me through" / "how you onboard a client") is joined and parsed once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from callcoach import analysis as an
from callcoach.domain import Evidence, Utterance
from signals.text import sentences

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span, Token

    from signals.base import SignalContext

__all__ = ["Question", "QuestionForm", "classify_sentence", "find_questions", "rep_questions"]

QuestionForm = Literal["prompt", "wh", "yes_no", "indirect", "marked"]

# A rep's two utterances are one split sentence when the first stops on a word that cannot end
# one and the second follows within this pause; longer pauses are a new thought. 2 s is about
# the longest within-sentence hesitation diarizers keep in one speaker turn.
SPLIT_MAX_GAP_S = 2.0

_OPEN_WH = frozenset({"what", "how", "why"})
_CLOSED_WH = frozenset({"who", "whom", "whose", "when", "where", "which"})
_WH = _OPEN_WH | _CLOSED_WH
# Question words that also open a non-restrictive relative clause after a comma ("..., which is").
_RELATIVE_WH = frozenset({"which", "who", "whose", "whom"})
# "how much / how many / how long ..." ask for one fact (CONTRACT: closed).
_HOW_ONE_FACT = frozenset(
    {
        "much",
        "many",
        "long",
        "often",
        "soon",
        "far",
        "old",
        "big",
        "large",
        "small",
        "frequently",
        "quickly",
        "fast",
        "late",
        "early",
        "important",
        "likely",
        "confident",
        "sure",
    }
)
_WHAT_ONE_FACT = frozenset({"time", "day", "date", "year", "month", "week", "percentage", "percent"})
_AUX = frozenset(
    {
        "is",
        "are",
        "was",
        "were",
        "am",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "can",
        "could",
        "will",
        "would",
        "shall",
        "should",
        "may",
        "might",
        "must",
        "'s",
        "'re",
    }
)
_SUBJECT_WORDS = frozenset(
    {
        "you",
        "we",
        "i",
        "they",
        "it",
        "that",
        "this",
        "there",
        "he",
        "she",
        "your",
        "the",
        "a",
        "an",
        "anyone",
        "anybody",
        "someone",
        "somebody",
        "everyone",
        "any",
        "those",
        "these",
        "y'all",
    }
)
# Words a clause may open with before its question word or inverted auxiliary.
_MARKERS = frozenset(
    {
        "so",
        "and",
        "but",
        "or",
        "okay",
        "ok",
        "alright",
        "well",
        "now",
        "then",
        "also",
        "great",
        "nice",
        "cool",
        "perfect",
        "awesome",
        "right",
        "yeah",
        "yes",
        "oh",
        "um",
        "uh",
        "hmm",
        "sure",
        "totally",
        "understood",
        "gotcha",
        "just",
        "quickly",
        "actually",
        "anyway",
        "ah",
        "interesting",
        "wow",
        "ouch",
        "thanks",
        "like",
        "hey",
        "hi",
    }
)
_PROMPTS = re.compile(
    r"\b(?:walk|talk|take|run) (?:me|us) through\b"
    r"|\btell (?:me|us) (?:a (?:bit|little)|more|about|how|what|why|where|when|who|a story)\b"
    r"|\bhelp (?:me|us) (?:to )?(?:understand|get a sense|see|picture)\b"
    r"|\bdescribe\b|\bexplain\b|\belaborate\b|\bexpand on\b|\bunpack\b"
    r"|\bpaint (?:me |us )?a picture\b|\bfill (?:me|us) in\b"
    r"|\bgive (?:me|us) (?:a sense|an idea|a feel|a flavor|an overview|a picture)\b"
    r"|\bshare (?:with (?:me|us) )?(?:a (?:bit|little)|more|how|what|why)\b",
)
_PROMPT_VERBS = frozenset(
    {
        "walk",
        "talk",
        "take",
        "run",
        "tell",
        "help",
        "describe",
        "explain",
        "elaborate",
        "expand",
        "unpack",
        "paint",
        "fill",
        "give",
        "share",
    }
)
_INDIRECT_OPEN = re.compile(
    r"\b(?:(?:i'?m|i am) )?curious (?:about|how|what|why|to (?:hear|know|understand|learn))\b"
    r"|\bi(?:'d| would) (?:love|like) to (?:hear|understand|know|learn)(?: more)? (?:about|how|what|why)\b"
    r"|\bi wonder (?:how|what|why)\b"
    r"|\bi(?:'d| would) be curious (?:about|how|what|why|to)\b",
)
_INDIRECT_CLOSED = re.compile(
    r"\b(?:i was|i'm|i am) (?:just )?wondering (?:if|whether)\b|\bi wonder (?:if|whether)\b"
    r"|\b(?:i'?m|i am) curious (?:if|whether)\b",
)
# Checks on the line or on understanding, and small talk: they ask nothing about the buyer's business.
_CHECKS = re.compile(
    r"^(?:does|did|do) (?:that|this|it|everything|all (?:of )?that) "
    r"(?:make sense|sound (?:good|right|ok|okay|fair))"
    r"|\bmakes? sense$"
    r"|^(?:can|could|do) (?:you|everyone|everybody|y'all) (?:all )?(?:hear|see) "
    r"(?:me|us|my|the|that|this|it|ok|okay|alright)"
    r"|^(?:is|are) (?:my|the) (?:screen|audio|slides?|deck) "
    r"(?:showing|visible|coming through|sharing|loading)"
    r"|^(?:are you|is everyone) (?:able to (?:see|hear)|seeing|hearing)"
    r"|^(?:am i|are you|is it) (?:on mute|muted|there|still there|with me|breaking up|frozen|cutting out)"
    r"|^(?:can|could|may|should) (?:you|i|we) (?:share|stop sharing|see) (?:your|my|the) screen"
    r"|^who knows\b|^which (?:is|was) (?:why|how|what|where|when|the reason|great|good|fine|huge|exactly)"
    r"|^which (?:means|meant|makes|made|leads|led)\b"
    r"|^(?:did|have) i lose you|^you there$|^(?:you )?know what i mean$"
    r"|^(?:any|do you have any|have you got any) (?:questions|thoughts) (?:so far|on that|on this|before)"
    r"|^any questions$|^questions so far$"
    r"|^how (?:are|r|is) (?:you|ya|things|everyone|everybody|it going|your (?:day|week|morning|weekend))"
    r"(?: (?:doing|going|today|this (?:morning|afternoon|week)|holding up))*$"
    r"|^how(?:'s| is| was) (?:it going|your (?:day|week|weekend|morning|holiday|vacation|trip))"
    r"|^how (?:was|were) (?:your|the) (?:weekend|week|holiday|holidays|vacation|trip|flight)"
    r"|^(?:is that|that) (?:right|correct|fair)$|^(?:sound|sounds) (?:good|ok|okay|fair|right)$",
)
# Small talk about the day or the weather, also after an introduction ("Sam from Acme, how's your
# Tuesday going?"): it is read in every comma-separated part of the sentence.
# The greeting ends there: "how's the weather data feeding into routing?" asks about the work.
_SMALL_TALK = re.compile(
    r"^how(?:'s| is| was)? (?:the weather|your (?:monday|tuesday|wednesday|thursday|friday|afternoon|evening"
    r"|day|week|weekend|morning))(?: (?:going|been|treating \w+))?(?: so far)?"
    r"(?: (?:up|out|down|over) there| there)?\W*$"
)
# A tag that turns a statement into a check: "..., right?", "super easy right", "..., isn't it?"
_TAG = re.compile(
    r"(?:^|[\s,])(?:right|correct|yeah|yes|no|okay|ok|huh|eh|agreed|fair|yep|true"
    r"|(?:is|are|was|were|do|does|did|can|could|will|would|have|has|had|should)n'?t "
    r"(?:it|you|they|we|that|he|she|there)"
    r"|is that right|you know|know what i mean|sound good|make sense|got it|see what i mean)\s*[?.!]*$",
)
_NEGATIVE_TAG = re.compile(r",\s*\w+n['’]?t \w+\s*\??\s*$")
_DANGLING_TAGS = frozenset(
    {"DT", "IN", "CC", "PRP$", "TO", "WDT", "WP", "WP$", "WRB", "MD", "EX", "PDT", "HYPH"}
)


@dataclass(frozen=True, slots=True)
class Question:
    """One rep question: its words, where it was said, and whether it is open."""

    text: str
    speaker: str
    start: float
    end: float
    utterance_index: int  # the utterance it starts in
    last_utterance_index: int  # differs when a question was split over two utterances
    form: QuestionForm
    open: bool
    cue: str  # the words that made it a question ("walk me through", "how", "would", "?")

    def quote(self) -> an.Quote:
        return an.Quote.of(Evidence(self.start, self.end, self.speaker, self.text))

    def to_analysis(self) -> an.AskedQuestion:
        q = self.quote()
        return an.AskedQuestion(start=q.start, end=q.end, speaker=q.speaker, text=q.text, open=self.open,
                               form=self.form, cue=self.cue, utterance_index=self.utterance_index)


def _norm(text: str) -> str:
    text = text.lower().replace("’", "'")
    text = re.sub(r"[^\w\s'?]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _strip_markers(norm: str) -> str:
    """The sentence without its opening discourse markers ("so", "okay", "and Greg,")."""
    words = norm.replace("?", " ").split()
    while words and words[0] in _MARKERS:
        words.pop(0)
    return " ".join(words)


def _vocative(tok: Token) -> bool:
    """A name set off by a comma ("Greg, how ..."): the person addressed, though the small parser
    often calls it the subject."""
    nxt = tok.doc[tok.i + 1] if tok.i + 1 < len(tok.doc) else None
    return tok.pos_ in {"PROPN", "NOUN"} and nxt is not None and nxt.text == ","


def _adverbial_clause(prev: Token, tok: Token) -> Token | None:
    """The adverbial clause ("if/when ...") that `prev` belongs to, when it does not contain `tok`."""
    for a in [prev, *prev.ancestors]:
        if a.dep_ == "advcl" and not (a.left_edge.i <= tok.i <= a.right_edge.i):
            return a
    return None


def _aux_follows(wh: Token, sent: Span) -> bool:
    """An auxiliary right after the wh-word, or after one modifier ("how long does", "what's")."""
    doc = wh.doc
    nxt = wh.i + 1
    if nxt < sent.end and doc[nxt].pos_ in {"ADJ", "ADV"} and doc[nxt].lower_ not in _AUX:
        nxt += 1
    return nxt < sent.end and doc[nxt].lower_ in _AUX and doc[nxt].pos_ == "AUX"


def _clause_verb(tok: Token) -> Token:
    """The verb (or root) whose clause `tok` belongs to."""
    head = tok
    while head.head.i != head.i and head.pos_ not in {"VERB", "AUX"}:
        head = head.head
    return head


def _opens_clause(tok: Token, sent: Span) -> bool:
    """True when only discourse markers, vocatives or punctuation stand between the start of
    `tok`'s clause (the sentence start or the last comma/conjunction) and `tok`."""
    i = tok.i - 1
    while i >= sent.start:
        prev = tok.doc[i]
        clause = _adverbial_clause(prev, tok)
        if clause is not None:  # "if you had a magic wand, what ...": skip the whole if-clause
            i = clause.left_edge.i - 1
            continue
        if prev.text in {",", ";", ":", "-", "--", "—", "..."} or prev.lower_ in {"and", "but", "or", "so"}:
            return True
        if not (prev.is_punct or prev.lower_ in _MARKERS or prev.pos_ in {"INTJ", "PROPN", "CCONJ"}):
            return False
        i -= 1
    return True


def _after_content_comma(tok: Token, sent: Span) -> bool:
    """Whether `tok` follows a comma that closes a stretch of content (not only markers or a
    vocative): where "which" and "who" open a relative clause about what came before."""
    doc = tok.doc
    if tok.i - 1 < sent.start or doc[tok.i - 1].text != ",":
        return False
    return any(
        not (t.is_punct or t.lower_ in _MARKERS or t.pos_ in {"INTJ", "PROPN", "CCONJ"})
        for t in doc[sent.start : tok.i - 1]
    )


def _wh_question(sent: Span) -> Token | None:
    """The fronted question word heading the sentence's main clause, if any."""
    root = sent.root
    for tok in sent:
        low = tok.lower_
        if low not in _WH or tok.dep_ == "mark":
            continue
        nxt = tok.doc[tok.i + 1] if tok.i + 1 < sent.end else None
        if low == "what" and nxt is not None and nxt.lower_ in {"a", "an"}:
            continue  # exclamative: "what a great point"
        if low in _RELATIVE_WH and _after_content_comma(tok, sent):
            continue  # a non-restrictive relative: "we lost forty, which is the worst year yet"
        verb = _clause_verb(tok)
        if _opens_clause(tok, sent) and _aux_follows(tok, sent):
            return tok  # "how long does ...", "what's ...": fronted and inverted, whatever the parse
        if (
            verb.dep_ in {"relcl", "acl", "advcl", "csubj", "pcomp", "pobj", "dobj", "nsubj", "attr"}
            and verb.i != root.i
        ):
            continue
        if verb.dep_ == "ccomp" and not tok.i < root.i:
            continue  # "I know what you mean", "that's how it works"
        if any(
            c.dep_ in {"nsubj", "nsubjpass", "expl"} and c.i < tok.i and c.i >= sent.start
            and not _vocative(c)
            for c in verb.children
        ):
            continue  # a subject before the wh-word: a statement ("we know how it works")
        if _opens_clause(tok, sent) or (verb.dep_ == "ccomp" and tok.i < root.i):
            return tok
    return None


def _inverted_aux(sent: Span) -> Token | None:
    """An auxiliary or modal opening a clause before its subject: "do you", "is there", "can we"."""
    doc = sent.doc
    for tok in sent:
        if tok.lower_ not in _AUX or tok.tag_ not in {"VBZ", "VBP", "VBD", "MD", "VB"}:
            continue
        if tok.pos_ != "AUX" and tok.tag_ != "MD":
            continue  # a main verb: "do it once", "have a look", "did a demo"
        if not _opens_clause(tok, sent) or tok.i + 1 >= sent.end:
            continue
        verb = tok if tok.dep_ in {"ROOT", "conj", "ccomp"} else tok.head
        subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}]
        nxt = doc[tok.i + 1]
        if nxt.lower_ in {"n't", "not"} and tok.i + 2 < sent.end:
            nxt = doc[tok.i + 2]
        parsed = any(s.left_edge.i > tok.i and s.left_edge.i <= nxt.i + 1 for s in subjects)
        # The small model misparses lowercase speech; a pronoun or determiner right after the
        # auxiliary ("do you", "would the team") is inversion too.
        lexical = nxt.lower_ in _SUBJECT_WORDS and tok.i == _first_content(sent).i
        if parsed or lexical:
            return tok
    return None


def _first_content(sent: Span) -> Token:
    """The first token after opening markers, interjections and a vocative ("hey Sam!")."""
    doc = sent.doc
    for tok in sent:
        vocative = tok.tag_ == "NNP" and tok.i + 1 < sent.end and doc[tok.i + 1].is_punct
        if not (
            tok.is_punct
            or tok.lower_ in _MARKERS
            or tok.pos_ in {"INTJ", "CCONJ"}
            or tok.dep_ == "intj"
            or vocative
        ):
            return tok
    return sent[0]


def _prompt(sent: Span, norm: str) -> str | None:
    """An imperative (or "can you ...") asking the buyer to talk: "walk me through ...", "describe ..."."""
    m = _PROMPTS.search(norm)
    if not m:
        return None
    verb_text = m.group(0).split()[0]
    for tok in sent:
        if tok.lower_ != verb_text or tok.lemma_.lower() not in _PROMPT_VERBS | {verb_text}:
            continue
        if tok.tag_ in {"VBD", "VBN", "VBG", "VBZ"}:
            return None  # "as I described", "you told me about"
        left = [t.lower_ for t in sent.doc[max(sent.start, tok.i - 3) : tok.i]]
        if (
            any(w in {"let", "i", "i'll", "we", "we'll", "'ll", "me"} for w in left[-2:])
            or left[-2:] == ["want", "to"]
            or left[-1:] == ["to"]
        ):
            return None  # "let me walk you through", "I'll describe", "I want to explain"
        # A name before a comma is the person addressed ("Victor, walk me through ..."), though
        # the parser often calls it the subject.
        subj = [
            c
            for c in tok.children
            if c.dep_ in {"nsubj", "nsubjpass"} and not (c.i + 1 < len(c.doc) and c.doc[c.i + 1].text == ",")
        ]
        if subj and subj[0].lower_ not in {"you", "y'all"}:
            return None
        return m.group(0)
    return None


def _is_open_wh(tok: Token) -> bool:
    low = tok.lower_
    nxt = tok.doc[tok.i + 1].lower_ if tok.i + 1 < len(tok.doc) else ""
    if low == "how":
        return nxt not in _HOW_ONE_FACT and nxt != "about"  # "how about Tuesday?" proposes
    if low == "what":
        after = tok.doc[tok.i + 2].lower_ if tok.i + 2 < len(tok.doc) else ""
        if nxt == "if" and after in {"we", "i"}:
            return False  # "what if we did two years?" proposes, like "how about"
        return nxt not in _WHAT_ONE_FACT
    return low in _OPEN_WH


def classify_sentence(sent: Span) -> tuple[QuestionForm, bool, str] | None:
    """(form, open, cue) when `sent` asks the listener something, else None.

    Tag questions, rhetorical checks and small talk give None (CONTRACT section 3)."""
    raw = sent.text.strip()
    norm = _norm(raw)
    marked = raw.rstrip("\"') ").endswith("?")
    core = _strip_markers(norm)
    addressed = _norm(sent.doc.text[_first_content(sent).idx : sent.end_char])
    if not core or _CHECKS.search(core) or _CHECKS.search(addressed.replace("?", "").strip()):
        return None
    if any(_SMALL_TALK.search(_strip_markers(_norm(part))) for part in raw.split(",")):
        return None
    prompt = _prompt(sent, norm)
    if prompt:
        return "prompt", True, prompt
    wh = _wh_question(sent)
    aux = _inverted_aux(sent)
    neg_tag = _NEGATIVE_TAG.search(sent.text.lower())
    if aux is not None and neg_tag and aux.idx - sent.start_char >= neg_tag.start():
        aux = None  # the auxiliary of the tag itself: "it's quick, isn't it?"
    if _TAG.search(norm.replace("?", " ").strip()) and not (wh or aux) and not _TAG.fullmatch(norm):
        return None  # "you're on spreadsheets for that today, right?"
    if wh is not None and (aux is None or wh.i < aux.i):
        return "wh", _is_open_wh(wh), wh.lower_
    if aux is not None:
        return "yes_no", False, aux.lower_
    if m := _INDIRECT_OPEN.search(norm):
        return "indirect", True, m.group(0)
    if m := _INDIRECT_CLOSED.search(norm):
        return "indirect", False, m.group(0)
    if marked and not _TAG.fullmatch(norm.replace("?", "").strip() + "?"):
        first = core.split()[0] if core else ""
        if first in _WH:  # an elliptical wh-question the parser missed: "why not?", "what else?"
            tok = _first_content(sent)
            return "marked", _is_open_wh(tok) if tok.lower_ == first else first in _OPEN_WH, "?"
        return "marked", False, "?"
    return None


def _dangles(doc: Doc) -> bool:
    """True when an utterance stops where a sentence cannot end ("so walk me through", "how do you")."""
    toks = [t for t in doc if not t.is_space]
    if not toks:
        return False
    last = toks[-1]
    if last.text in {",", "-", "--", "—", "...", "…"}:
        return True
    if last.is_punct:
        return False
    return (
        last.tag_ in _DANGLING_TAGS
        or (last.dep_ in {"nsubj", "aux"} and last.tag_ == "PRP")
        or last.lower_ in {"your", "the", "about", "through", "with", "of", "to", "and", "or", "like"}
    )


def find_questions(
    utterances: tuple[Utterance, ...] | list[Utterance], docs: list[Doc], nlp: Language, *, side: str = "rep"
) -> list[Question]:
    """Questions asked by speakers of `side` in a call; `docs` are the utterances parsed by `nlp`."""
    found: list[Question] = []
    i = 0
    n = len(utterances)
    while i < n:
        u = utterances[i]
        if u.side != side:
            i += 1
            continue
        doc, j = docs[i], i
        # Join a split sentence: the same speaker goes on after a short pause.
        while (
            j + 1 < n
            and utterances[j + 1].speaker == u.speaker
            and _dangles(docs[j])
            and utterances[j + 1].start - utterances[j].end <= SPLIT_MAX_GAP_S
        ):
            j += 1
        if j > i:
            doc = nlp(" ".join(utterances[k].text.strip() for k in range(i, j + 1)))
        first_len = len(u.text.strip())
        for sent in sentences(doc):
            kind = classify_sentence(sent)
            if kind is None:
                continue
            form, is_open, cue = kind
            # A sentence inside the first utterance keeps its times; one crossing into the next
            # takes the later utterance's end.
            ends_in = i if sent.end_char <= first_len else _utterance_at(utterances, i, j, sent.end_char)
            starts_in = (
                i if sent.start_char <= first_len else _utterance_at(utterances, i, j, sent.start_char)
            )
            found.append(
                Question(
                    text=sent.text.strip(),
                    speaker=u.speaker,
                    start=utterances[starts_in].start,
                    end=utterances[ends_in].end,
                    utterance_index=starts_in,
                    last_utterance_index=ends_in,
                    form=form,
                    open=is_open,
                    cue=cue,
                )
            )
        i = j + 1
    return found


def _utterance_at(utterances: Any, i: int, j: int, char: int) -> int:
    """Which of the joined utterances i..j holds character `char` of their joined text."""
    offset = 0
    for k in range(i, j + 1):
        offset += len(utterances[k].text.strip()) + 1
        if char < offset:
            return k
    return j


def rep_questions(ctx: SignalContext) -> list[Question]:
    """The rep's questions in this call, computed once per context and shared between signals."""
    if "rep_questions" not in ctx._cache:
        from callcoach.nlp import load_spacy

        ctx._cache["rep_questions"] = find_questions(
            ctx.utterances, ctx.docs, load_spacy(ctx.settings.spacy_model), side="rep"
        )
    result: list[Question] = ctx._cache["rep_questions"]
    return result
