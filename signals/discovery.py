"""Discovery depth: the rep's questions, open questions and follow-ups, the buyer's quantified
pains, coverage of a discovery framework, and a 0-100 score (formula in docs/signals.md).

Writes ``signals.discovery`` (CONTRACT section 2: ``questions``, ``open_questions``,
``quantified_pains``, ``score``), each count with the quotes that make it up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callcoach import analysis as an
from callcoach.domain import Evidence
from signals._pains import Pain, find_pains
from signals.base import SignalContext, register
from signals.frameworks import Coverage, framework_coverage
from signals.questions import Question, rep_questions

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Score weights (sum 1.0). Open questions weigh most: they are what separates discovery from
# a pitch; volume, pains and framework coverage next; follow-ups are rarer in short calls.
W_VOLUME = 0.20
W_OPEN = 0.25
W_FOLLOW_UP = 0.15
W_PAINS = 0.20
W_COVERAGE = 0.20
# Question volume saturates at one question per four minutes (15 in an hour, about what
# sales research reports for the best discovery calls), and never asks for fewer than 3.
QUESTIONS_PER_MIN_TARGET = 0.25
MIN_QUESTIONS_TARGET = 3
# Full follow-up credit when a third of the questions build on the buyer's last answer.
FOLLOW_UP_SHARE_TARGET = 1 / 3
# Two quantified pains make a business case; more add no score.
PAINS_TARGET = 2
# A follow-up answers a real answer: a buyer turn of at least this many words.
FOLLOW_UP_MIN_ANSWER_WORDS = 4
# Utterance-embedding cosine at which a question is on the topic of the answer before it.
FOLLOW_UP_MIN_SIMILARITY = 0.45
_ANAPHORA = frozenset({"that", "those", "this", "these", "it", "them", "there"})
_GENERIC_LEMMAS = frozenset(
    {
        "be",
        "have",
        "do",
        "get",
        "go",
        "say",
        "think",
        "know",
        "want",
        "make",
        "see",
        "look",
        "come",
        "take",
        "thing",
        "lot",
        "way",
        "today",
        "time",
        "kind",
        "sort",
        "bit",
        "yeah",
        "okay",
        "well",
        "like",
        "really",
        "just",
        "need",
        "work",
        "use",
    }
)


_METHOD = (
    "rep questions from spaCy parses (wh-fronting, auxiliary inversion, prompts such as 'walk me "
    "through', '?'), tag questions and checks excluded; pains: buyer sentences with an amount and a "
    "problem cue or pain-like embedding, targets/prices/improvements/suppositions/zero excluded; "
    "score = 100*(0.20 volume "
    "+ 0.25 open share + 0.15 follow-ups + 0.20 pains + 0.20 framework coverage), see docs/signals.md"
)


@dataclass(frozen=True, slots=True)
class FollowUp:
    question: Question
    answer: Evidence
    link: str  # "shared words: ...", "refers back", or "similar topic"


@dataclass(frozen=True, slots=True)
class DiscoveryResult:
    questions: tuple[Question, ...]
    follow_ups: tuple[FollowUp, ...]
    pains: tuple[Pain, ...]
    coverage: Coverage
    score: float
    score_parts: dict[str, float]

    def to_analysis(self) -> dict[str, Any]:
        open_qs = [q for q in self.questions if q.open]
        pains = tuple(p.to_analysis() for p in self.pains)
        return {
            "discovery": an.Discovery(
                questions=len(self.questions),
                open_questions=len(open_qs),
                quantified_pains=len(self.pains),
                follow_up_questions=len(self.follow_ups),
                score=self.score,
                score_parts=self.score_parts,
                question_list=tuple(q.to_analysis() for q in self.questions),
                pains=pains,
                follow_ups=tuple(
                    an.FollowUp(question=f.question.quote(), answer=an.Quote.of(f.answer), link=f.link)
                    for f in self.follow_ups
                ),
                framework=self.coverage.to_analysis(),
                evidence=an.DiscoveryEvidence(
                    questions=tuple(q.quote() for q in self.questions),
                    open_questions=tuple(q.quote() for q in open_qs),
                    quantified_pains=pains,
                    follow_ups=tuple(f.question.quote() for f in self.follow_ups),
                ),
                method=_METHOD,
            )
        }


def _content_lemmas(doc: Doc) -> set[str]:
    return {
        t.lemma_.lower()
        for t in doc
        if t.pos_ in {"NOUN", "PROPN", "VERB", "NUM", "ADJ"}
        and not t.is_stop
        and t.lemma_.lower() not in _GENERIC_LEMMAS
        and len(t.text) > 2
    }


def find_follow_ups(ctx: SignalContext, questions: list[Question]) -> list[FollowUp]:
    """Questions asked right after a buyer answer that build on it: they share content words
    with it, point back to it ("what happened with those?"), or are close to it in meaning."""
    import numpy as np

    found: list[FollowUp] = []
    for q in questions:
        k = q.utterance_index - 1
        if k < 0 or ctx.utterances[k].side != "buyer":
            continue
        answer = ctx.utterances[k]
        if len(answer.text.split()) < FOLLOW_UP_MIN_ANSWER_WORDS:
            continue
        shared = _content_lemmas(ctx.docs[q.utterance_index]) & _content_lemmas(ctx.docs[k])
        q_doc = ctx.docs[q.utterance_index]
        refers = any(t.lower_ in _ANAPHORA and t.dep_ not in {"mark", "expl", "nsubj"} for t in q_doc) or any(
            t.lower_ in _ANAPHORA and t.dep_ == "nsubj" and t.head.lemma_ != "be" for t in q_doc
        )
        similar = float(np.dot(ctx.embeddings[q.utterance_index], ctx.embeddings[k]))
        if shared:
            link = "shared words: " + ", ".join(sorted(shared)[:4])
        elif refers:
            link = "refers back"
        elif similar >= FOLLOW_UP_MIN_SIMILARITY:
            link = f"similar topic ({similar:.2f})"
        else:
            continue
        found.append(FollowUp(question=q, answer=Evidence.of(answer), link=link))
    return found


def discovery_score(
    *, questions: int, open_questions: int, follow_ups: int, pains: int, coverage: float, duration_s: float
) -> tuple[float, dict[str, float]]:
    """The 0-100 discovery score and its parts (each 0..1), as documented in docs/signals.md."""
    target = max(MIN_QUESTIONS_TARGET, QUESTIONS_PER_MIN_TARGET * duration_s / 60.0)
    parts = {
        "volume": min(1.0, questions / target),
        "open_share": open_questions / questions if questions else 0.0,
        "follow_ups": min(1.0, follow_ups / (FOLLOW_UP_SHARE_TARGET * questions)) if questions else 0.0,
        "pains": min(1.0, pains / PAINS_TARGET),
        "coverage": coverage,
    }
    score = 100.0 * (
        W_VOLUME * parts["volume"]
        + W_OPEN * parts["open_share"]
        + W_FOLLOW_UP * parts["follow_ups"]
        + W_PAINS * parts["pains"]
        + W_COVERAGE * parts["coverage"]
    )
    return round(score, 1), {k: round(v, 3) for k, v in parts.items()}


@register("discovery")
def discovery(ctx: SignalContext) -> DiscoveryResult:
    questions = rep_questions(ctx)
    follow_ups = find_follow_ups(ctx, questions)
    pains = find_pains(ctx)
    coverage = framework_coverage(ctx)
    score, parts = discovery_score(
        questions=len(questions),
        open_questions=sum(q.open for q in questions),
        follow_ups=len(follow_ups),
        pains=len(pains),
        coverage=coverage.share,
        duration_s=ctx.transcript.duration_s,
    )
    return DiscoveryResult(
        questions=tuple(questions),
        follow_ups=tuple(follow_ups),
        pains=tuple(pains),
        coverage=coverage,
        score=score,
        score_parts=parts,
    )
