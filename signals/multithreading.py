"""Multithreading: how many buyer-side people the rep is reaching, on this call and across the deal.

Method:

1. Buyer participants are the distinct buyer-side speakers with at least one utterance.
2. Stakeholders are those speakers plus the buyer-side people and decision functions the
   buyers mention: PERSON entities from the shared spaCy parse, titles ("our CFO", "my boss",
   "our treasurer") and functions ("procurement", "the board", "IT security") from
   :mod:`signals._stakeholder_lexicon`. Only buyer speech creates stakeholders, and a mention
   is dropped when it belongs to the seller ("your CEO", the rep's own name), to another
   organisation ("John at Acme", "their CFO", a competitor) or is a customer or reference.
3. Mentions are deduplicated: a title next to a name is one person ("our CFO, Mark", "Rick, our
   CFO"); a first name links to a speaker or an earlier full name ("Paul" -> "Paul Ng"); a title
   links to the speaker or person holding it; a function counts once and links to a speaker
   whose title shows they are that function (a "Finance Manager" is finance).
4. Across the deal (`ctx.history`, same `deal_id`), each call's stakeholders are merged with the
   same rules into a map (first seen, calls seen, on any call), and `single_threaded` says the
   rep has spoken with at most one buyer-side person on all of the deal's calls.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from callcoach import analysis as an
from callcoach.domain import Evidence, StoredCall, Utterance
from signals._stakeholder_lexicon import (
    FUNCTION_HEADS,
    FUNCTION_RE,
    FUNCTION_TITLE_WORDS,
    SELLER_TITLES,
    TITLE_RE,
    function_key,
    title_key,
)
from signals.base import SignalContext, register

log = logging.getLogger("callcoach.signals")

__all__ = ["Stakeholder", "MultithreadingResult", "multithreading"]

Kind = Literal["person", "function"]
METHOD = (
    "buyer speakers + buyer-side PERSON entities, titles and decision functions named in buyer speech "
    "(spaCy NER + title lexicon), seller/customer/other-org mentions dropped, linked by name, first name, "
    "title and function; deal map merged across the deal's stored calls"
)

_EVIDENCE_MIN_WORDS = 4
# Speaker labels that carry no name (diarised audio): the stakeholder is reported with name null.
_GENERIC_SPEAKER = re.compile(
    r"^(?:speaker|spk|buyer|rep|seller|customer|unknown|channel|left|right|guest|"
    r"participant|person)[\s_-]*\d*$",
    re.IGNORECASE,
)
# Words spaCy's small model sometimes tags PERSON in conversational text.
_NOT_NAMES = frozenset(
    [
        "okay",
        "ok",
        "thanks",
        "thank",
        "sure",
        "yeah",
        "yes",
        "hey",
        "hi",
        "hello",
        "great",
        "perfect",
        "awesome",
        "totally",
        "honestly",
        "right",
        "well",
        "so",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "god",
    ]
)
# Determiners in front of a role that put it on the buyer's side (spoken by a buyer).
_BUYER_DETERMINERS = frozenset({"our", "my", "the"})
_OTHER_DETERMINERS = frozenset({"your", "their", "his", "her", "a", "an", "any", "every", "no", "that"})
_REFERENCE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "conj", "appos", "ROOT", "attr", "dative"})
_FUNCTION_DISPLAY = {"it": "IT", "hr": "HR", "it security": "IT security"}
# Functions that need a determiner to be a reference ("on board" is not the board).
_FUNCTIONS_NEED_DET = frozenset({"board", "committee", "council", "leadership"})
_NAME_TITLE_GAP = re.compile(r"^\s*,?\s*(?:who\s+is|who['’]s|is|was)?\s*(?:our|my|the)?\s*$", re.IGNORECASE)
_TITLE_NAME_GAP = re.compile(r"^\s*,?\s*$")
_NAME_FROM_FUNCTION = re.compile(
    r"^\s*(?:\w+\s+)?(?:from|in|on|over\s+in)\s+(?:the\s+|our\s+)?$", re.IGNORECASE
)
_SELF_ROLE = re.compile(r"\b(?:i['’]m|i\s+am|as)\s+(?:the|a|an|our)?\s*$", re.IGNORECASE)
# Words before a proper noun that make it a product or system, not a person ("integrates with Okta").
_PRODUCT_BEFORE = re.compile(
    r"\b(?:integrat\w*|connect\w*|sync\w*|use[sd]?|using|switch(?:ed|ing)?|migrat\w*|built|runs?|running|"
    r"licen[cs]e\w*|subscri\w*|deploy\w*|install\w*|log\s+into|via)\s+(?:with\s+|to\s+|on\s+|from\s+|into\s+)?$",
    re.IGNORECASE,
)
# Contexts that only a person takes, to accept a proper noun the NER did not tag PERSON.
_PERSON_BEFORE = re.compile(
    r"\b(?:loop(?:ing)?\s+in|bring(?:ing)?\s+in|cc|copy\s+in|ask(?:ed)?|tell|told|check\s+with|talk(?:ed)?\s+to|"
    r"speak\s+(?:to|with)|spoke\s+(?:to|with)|send\s+it\s+to|forward\s+it\s+to|meet\s+with|met\s+with|"
    r"introduce\s+you\s+to|colleague|boss|manager)\s+$",
    re.IGNORECASE,
)
_PERSON_AFTER = re.compile(
    r"^(?:\s+(?:from|in|on)\s+(?:the\s+)?(?:finance|procurement|purchasing|legal|it|security|compliance|hr|"
    r"accounting|operations|ops|the\s+board)\b|\s+(?:will|wants|needs|said|says|asked|mentioned|thinks|signs|"
    r"approves|runs|owns|leads|handles)\b|['’]ll\b|['’]s\s+(?:calendar|team|approval|sign-?off|call|decision|boss)\b"
    r"|,\s+(?:our|my)\s+)",
    re.IGNORECASE,
)
_PERSON_AFTER_NARROW = re.compile(
    r"^(?:\s+(?:from|in|on)\s+(?:the\s+)?(?:finance|procurement|purchasing|legal|it|security|compliance|hr|"
    r"accounting|operations|ops)\b|,\s+(?:our|my)\s+)",
    re.IGNORECASE,
)
_OPEN_CLASS = frozenset({"NOUN", "ADV", "ADJ", "VERB", "INTJ", "X"})
_OUTSIDE_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:at|from|over\s+at|with)\s+(?!(?:the\s+|our\s+)?(?:finance|procurement|purchasing|legal|it\b|"
    r"security|compliance|board|hr|accounting|ops|operations|corporate|headquarters|hq|the\s+district|the\s+office)\b)"
    r"(?:[A-Z]|the\s+[A-Z]|another|a\s+(?:company|customer|competitor|vendor|bank))",
    re.IGNORECASE,
)
_OUTSIDE_BEFORE = re.compile(
    r"\b(?:your|their|his|her|customer|customers|client|clients|reference|references|competitor|vendor|consultant|"
    r"recruiter|friend|buddy|analyst)[,\s]+(?:[\w-]+[,\s]+){0,2}$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Stakeholder:
    """A buyer-side person or decision function, on the call or mentioned in it."""

    name: str | None
    title: str | None
    on_call: bool
    kind: Kind = "person"
    speaker: str | None = None  # the transcript speaker label when this person spoke
    evidence: tuple[Evidence, ...] = ()

    @property
    def title_key(self) -> str | None:
        return function_key(self.title) if self.kind == "function" and self.title else title_key(self.title)

    def to_analysis(self) -> an.Stakeholder:
        return an.Stakeholder(
            name=self.name,
            title=self.title,
            on_call=self.on_call,
            kind=self.kind,
            speaker=self.speaker,
            mentions=len(self.evidence),
            evidence=tuple(an.Quote.of(e) for e in self.evidence[:3]),
        )


@dataclass(frozen=True, slots=True)
class DealStakeholder:
    name: str | None
    title: str | None
    kind: Kind
    first_seen: str | None  # call_id
    first_seen_at: str | None  # ISO start of that call
    calls_seen: tuple[str, ...]
    on_call: bool  # spoke on any of the deal's calls

    def to_analysis(self) -> an.DealStakeholder:
        return an.DealStakeholder(
            name=self.name,
            title=self.title,
            kind=self.kind,
            first_seen=self.first_seen,
            first_seen_at=self.first_seen_at,
            calls_seen=len(self.calls_seen),
            call_ids=tuple(self.calls_seen),
            on_call=self.on_call,
        )


@dataclass(frozen=True, slots=True)
class MultithreadingResult:
    """`signals.multithreading` of the CONTRACT plus the deal-level stakeholder map."""

    buyer_participants: int
    stakeholders: tuple[Stakeholder, ...]
    deal_id: str | None = None
    deal_calls: int = 1
    deal_stakeholders: tuple[DealStakeholder, ...] = ()
    single_threaded: bool = True
    evidence: tuple[Evidence, ...] = field(default=())

    def to_analysis(self) -> dict[str, Any]:
        return {
            "multithreading": an.Multithreading(
                buyer_participants=self.buyer_participants,
                stakeholders=tuple(s.to_analysis() for s in self.stakeholders),
                single_threaded=self.single_threaded,
                deal=an.DealMap(
                    deal_id=self.deal_id,
                    calls=self.deal_calls,
                    buyer_contacts=sum(1 for s in self.deal_stakeholders if s.on_call),
                    stakeholders=tuple(s.to_analysis() for s in self.deal_stakeholders),
                ),
                evidence=tuple(an.Quote.of(e) for e in self.evidence),
                method=METHOD,
            )
        }


def _display_name(text: str) -> str:
    text = re.sub(r"(?:['’]s|['’])$", "", text.strip(" ,.")).strip()
    return " ".join(w[:1].upper() + w[1:] if w.islower() else w for w in text.split())


def _first(name: str | None) -> str | None:
    return name.split()[0].lower() if name else None


def _same_name(a: str, b: str) -> bool:
    pa, pb = a.lower().split(), b.lower().split()
    if pa[0] != pb[0]:
        return False
    return len(pa) == 1 or len(pb) == 1 or pa[-1] == pb[-1]


def _titles_match(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return a == b or a.startswith(b + " ") or b.startswith(a + " ")


def _function_matches_title(function: str, title: str | None) -> bool:
    low = (title or "").lower()
    return any(re.search(rf"\b{re.escape(w)}\b", low) for w in FUNCTION_TITLE_WORDS.get(function, ()))


class _Book:
    """The stakeholders of one call (or one deal) being deduplicated as mentions arrive."""

    def __init__(self) -> None:
        self.people: list[Stakeholder] = []

    def find(self, name: str | None, title: str | None, kind: Kind) -> int | None:
        tkey = (function_key(title) if kind == "function" else title_key(title)) if title else None
        if name:
            for i, s in enumerate(self.people):
                if s.name and _same_name(s.name, name):
                    return i
        if kind == "function" and tkey:
            for i, s in enumerate(self.people):
                if s.kind == "function" and s.title_key == tkey:
                    return i
            for i, s in enumerate(self.people):
                if s.kind == "person" and _function_matches_title(tkey, s.title):
                    return i
            return None
        if tkey:
            for i, s in enumerate(self.people):
                if s.kind == "person" and _titles_match(s.title_key, tkey) and not (name and s.name):
                    return i
        return None

    def add(self, st: Stakeholder) -> Stakeholder:
        i = self.find(st.name, st.title, st.kind)
        if i is None:
            self.people.append(st)
            return st
        old = self.people[i]
        merged = replace(
            old,
            name=old.name
            if old.name and len(old.name.split()) >= len((st.name or "").split())
            else st.name or old.name,
            title=old.title or st.title,
            on_call=old.on_call or st.on_call,
            speaker=old.speaker or st.speaker,
            evidence=old.evidence + tuple(e for e in st.evidence if e not in old.evidence),
        )
        self.people[i] = merged
        return merged


@dataclass(frozen=True, slots=True)
class _Role:
    start: int
    end: int
    key: str
    text: str
    kind: Kind
    det: str | None


def _roles(text: str) -> list[_Role]:
    """Titles and functions in `text`, longest first, without overlaps."""
    found: list[_Role] = []
    for table, kind in ((TITLE_RE, "person"), (FUNCTION_RE, "function")):
        for rx, key in table:
            for m in rx.finditer(text):
                if m.group(0).strip():
                    found.append(_Role(m.start(), m.end(), key, m.group(0), kind, None))  # type: ignore[arg-type]
    found.sort(key=lambda r: (r.start - r.end, r.start))
    kept: list[_Role] = []
    for r in found:
        if all(r.end <= k.start or r.start >= k.end for k in kept):
            before = re.search(r"(\w+)\s*$", text[: r.start])
            kept.append(replace(r, det=before.group(1).lower() if before else None))
    return sorted(kept, key=lambda r: r.start)


def _function_is_reference(doc: Any, sent_offset: int, role: _Role) -> bool:
    """A function word used as a modifier of something else ("our finance system") is no reference."""
    span = doc.char_span(sent_offset + role.start, sent_offset + role.end, alignment_mode="expand")
    if span is None:
        return True
    last = span[-1]
    if last.i + 1 < len(doc):
        nxt = doc[last.i + 1]
        if (
            nxt.is_alpha
            and nxt.pos_ in {"NOUN", "PROPN"}
            and nxt.lower_ not in FUNCTION_HEADS
            and last.dep_ in {"compound", "amod", "nmod"}
        ):
            return False
    if role.det in _BUYER_DETERMINERS or len(span) > 1:
        return True
    # A bare function word must be a noun that something is said about or done to ("procurement
    # will need three weeks", "send it to legal"), not an adjective ("is that legal?") or a unit
    # ("twenty an hr").
    if last.dep_ not in _REFERENCE_DEPS:
        return False
    # The tagger reads "legal" and "IT" as an adjective and a pronoun even where they name a team.
    return last.pos_ in {"NOUN", "PROPN"} or last.text == "IT" or last.dep_ in {"pobj", "conj", "nsubj"}


def _speaker_stakeholder(u: Utterance, title: str | None) -> Stakeholder:
    name = None if _GENERIC_SPEAKER.match(u.speaker.strip()) else u.speaker
    return Stakeholder(
        name=name, title=title, on_call=True, kind="person", speaker=u.speaker, evidence=(Evidence.of(u),)
    )


def _call_stakeholders(ctx: SignalContext) -> tuple[list[Stakeholder], set[str]]:
    meta = ctx.transcript.meta
    utts = ctx.utterances
    buyers: dict[str, Utterance] = {}
    for u in utts:
        if u.side == "buyer" and u.text.strip():
            # The quote for a speaker is their first turn that says something ("Of course." is weak evidence).
            first = buyers.get(u.speaker)
            if first is None or (len(first.text.split()) < _EVIDENCE_MIN_WORDS <= len(u.text.split())):
                buyers[u.speaker] = u
    seller_names = {p.name for p in meta.participants if p.side == "rep"} | {
        u.speaker for u in utts if u.side == "rep"
    }
    if meta.rep:
        seller_names.add(meta.rep)
    seller_first = {_first(n) for n in seller_names if n}
    book = _Book()
    for speaker, u in buyers.items():
        book.add(_speaker_stakeholder(u, meta.title_of(speaker)))
    buyer_first = {_first(s) for s in buyers} | {
        _first(p.name) for p in meta.participants if p.side == "buyer"
    }
    competitors = {c.lower() for c in ctx.settings.competitors}

    for u, doc in zip(utts, ctx.docs, strict=True):
        if u.side != "buyer":
            continue
        for sent in doc.sents:
            _mentions_in_sentence(sent, doc, u, book, seller_first, buyer_first, competitors, meta)
    return book.people, set(buyers)


def _mentions_in_sentence(
    sent: Any,
    doc: Any,
    u: Utterance,
    book: _Book,
    seller_first: set[str | None],
    buyer_first: set[str | None],
    competitors: set[str],
    meta: Any,
) -> None:
    text = sent.text
    off = sent.start_char
    ev = Evidence.of(u)
    roles = [r for r in _roles(text) if not SELLER_TITLES.search(text[max(0, r.start - 10) : r.end + 10])]
    names: list[tuple[int, int, str]] = []
    for ent in sent.ents:
        if ent.label_ != "PERSON":
            continue
        raw = ent.text.strip()
        first = raw.split()[0].lower().strip("'’")
        if first in _NOT_NAMES or len(first) < 2 or raw.lower() in competitors:
            continue
        names.append((ent.start_char - off, ent.end_char - off, raw))
    # The small NER model misses many first names ("loop in Jenna from procurement"): a capitalised
    # proper noun in a context only people take counts as a name too. The tagger also misreads a
    # sentence-initial name ("Raj from finance will ..."), so other capitalised open-class words count
    # in the narrowest context only: "<Name> from <function>" or "<Name>, our <title>".
    for tok in sent:
        if not tok.text[:1].isupper() or tok.ent_type_ not in {"", "NORP", "PERSON"} or not tok.is_alpha:
            continue
        if tok.pos_ != "PROPN" and (tok.pos_ not in _OPEN_CLASS or not tok.is_sent_start):
            continue
        if function_key(tok.text) or title_key(tok.text):
            continue
        a = tok.idx - off
        if any(x <= a < y for x, y, _ in names) or tok.lower_ in _NOT_NAMES or tok.lower_ in competitors:
            continue
        end_tok = tok
        nxt = tok.nbor(1) if tok.i + 1 < sent.end else None
        if (
            nxt is not None
            and nxt.pos_ == "PROPN"
            and nxt.text[:1].isupper()
            and nxt.ent_type_ in {"", "PERSON"}
        ):
            end_tok = nxt
        b = end_tok.idx + len(end_tok.text) - off
        narrow = tok.pos_ != "PROPN"
        if (not narrow and (_PERSON_BEFORE.search(text[:a]) or _PERSON_AFTER.match(text[b:]))) or (
            narrow and _PERSON_AFTER_NARROW.match(text[b:])
        ):
            names.append((a, b, text[a:b]))
    # Speech recognition lowercases names the NER misses: known buyer first names count too.
    for m in re.finditer(r"\b[a-z][a-z'’]+\b", text):
        w = m.group(0).lower().strip("'’")
        if w in buyer_first and not any(a <= m.start() < b for a, b, _ in names):
            names.append((m.start(), m.end(), m.group(0)))
    names.sort()
    linked_roles: set[int] = set()
    for a, b, raw in names:
        name = _display_name(raw)
        first = name.split()[0].lower()
        if first in seller_first and first not in buyer_first:
            continue
        if (
            _OUTSIDE_BEFORE.search(text[:a])
            or _OUTSIDE_AFTER.search(text[b:])
            or _PRODUCT_BEFORE.search(text[:a])
        ):
            continue
        if (
            raw[:1].islower()
            and first not in buyer_first
            and not any(
                _TITLE_NAME_GAP.match(text[r.end : a]) or _NAME_TITLE_GAP.match(text[b : r.start])
                for r in roles
            )
        ):
            continue  # a lowercase "name" with nothing to vouch for it is more likely a common word
        title: str | None = None
        for ri, r in enumerate(roles):
            if r.det in _OTHER_DETERMINERS:
                continue
            if (
                (r.end <= a and _TITLE_NAME_GAP.match(text[r.end : a]))
                or (r.start >= b and _NAME_TITLE_GAP.match(text[b : r.start]))
                or (r.kind == "function" and r.start >= b and _NAME_FROM_FUNCTION.match(text[b : r.start]))
            ):
                title = r.text if r.kind == "person" else _FUNCTION_DISPLAY.get(r.key, r.key)
                linked_roles.add(ri)
                break
        book.add(
            Stakeholder(name=name, title=_display_title(title), on_call=False, kind="person", evidence=(ev,))
        )
    for ri, r in enumerate(roles):
        if ri in linked_roles or r.det in _OTHER_DETERMINERS:
            continue
        if _OUTSIDE_AFTER.search(text[r.end :]):
            continue
        if _SELF_ROLE.search(text[: r.start]):
            speaker_idx = book.find(u.speaker, None, "person")
            if speaker_idx is not None and not book.people[speaker_idx].title:
                book.people[speaker_idx] = replace(book.people[speaker_idx], title=_display_title(r.text))
            continue
        if r.kind == "function":
            if (
                r.key in _FUNCTIONS_NEED_DET
                and r.det not in _BUYER_DETERMINERS
                and not r.text.lower().startswith("school")
            ):
                continue
            if not _function_is_reference(doc, sent.start_char, r):
                continue
            title = _FUNCTION_DISPLAY.get(r.key, r.key)
            book.add(Stakeholder(name=None, title=title, on_call=False, kind="function", evidence=(ev,)))
        else:
            if r.det not in _BUYER_DETERMINERS:
                continue
            book.add(
                Stakeholder(
                    name=None, title=_display_title(r.text), on_call=False, kind="person", evidence=(ev,)
                )
            )


def _display_title(title: str | None) -> str | None:
    if not title:
        return None
    t = re.sub(r"\s+", " ", title.strip())
    return t.upper() if len(t) <= 4 and t.isalpha() and t.lower() not in {"boss", "head", "dean", "hr"} else t


def _stored_stakeholders(call: StoredCall) -> list[Stakeholder]:
    analysis = call.analysis or {}
    mt = an.Signals.from_contract(analysis.get("signals")).multithreading
    if mt is None:  # an analysis from before this signal: its buyer speakers are all we know
        speakers = [an.SpeakerEntry.from_contract(s) for s in analysis.get("speakers") or []]
        return [Stakeholder(name=s.name, title=s.title, on_call=True) for s in speakers if s.side == "buyer"]
    return [
        Stakeholder(name=r.name, title=r.title, on_call=bool(r.on_call),
                    kind="function" if r.kind == "function" else "person")
        for r in mt.stakeholders
    ]


def _deal_map(current: Sequence[Stakeholder], ctx: SignalContext) -> tuple[list[DealStakeholder], int]:
    meta = ctx.transcript.meta
    history: Iterable[StoredCall] = [
        h
        for h in ctx.history
        if meta.deal_id and h.deal_id == meta.deal_id and (h.call_id != meta.call_id or not meta.call_id)
    ]
    calls = sorted(history, key=lambda h: (h.started_at is None, h.started_at or 0))  # type: ignore[arg-type]
    entries: list[tuple[Stakeholder, list[str], str | None]] = []  # (merged, call ids, first seen at)
    book = _Book()
    sources = [
        (h.call_id, h.started_at.isoformat() if h.started_at else None, _stored_stakeholders(h))
        for h in calls
    ]
    sources.append(
        (meta.call_id or "this call", meta.started_at.isoformat() if meta.started_at else None, list(current))
    )
    for call_id, at, people in sources:
        for st in people:
            if st.name is None and st.kind == "person" and st.on_call:
                # Unnamed (diarised) speakers of different calls cannot be told apart: one entry each.
                book.people.append(replace(st, evidence=()))
                entries.append((book.people[-1], [call_id], at))
                continue
            before = len(book.people)
            idx = book.find(st.name, st.title, st.kind)
            merged = book.add(replace(st, evidence=()))
            if idx is None and len(book.people) > before:
                entries.append((merged, [call_id], at))
            else:
                i = idx if idx is not None else len(book.people) - 1
                ids = entries[i][1]
                if call_id not in ids:
                    ids.append(call_id)
                entries[i] = (book.people[i], ids, entries[i][2])
    deal = [
        DealStakeholder(
            name=s.name,
            title=s.title,
            kind=s.kind,
            first_seen=ids[0],
            first_seen_at=at,
            calls_seen=tuple(ids),
            on_call=s.on_call,
        )
        for s, ids, at in entries
    ]
    return deal, len(sources)


@register("multithreading")
def multithreading(ctx: SignalContext) -> MultithreadingResult:
    """Buyer speakers, stakeholders named or speaking, and the deal's stakeholder map."""
    people, buyer_speakers = _call_stakeholders(ctx)
    deal, n_calls = _deal_map(people, ctx)
    contacts = sum(1 for s in deal if s.on_call)
    evidence = tuple(s.evidence[0] for s in people if s.evidence)
    return MultithreadingResult(
        buyer_participants=len(buyer_speakers),
        stakeholders=tuple(people),
        deal_id=ctx.transcript.meta.deal_id,
        deal_calls=n_calls,
        deal_stakeholders=tuple(deal),
        single_threaded=contacts <= 1,
        evidence=evidence,
    )
