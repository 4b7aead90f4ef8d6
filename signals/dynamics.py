"""Conversation dynamics: who talks how much, for how long, how often the floor changes, how
long the rep waits before answering, and how often the rep asks or fills.

Writes ``signals.talk_ratio`` (``rep``, ``buyer``, ``per_speaker``), ``signals.longest_monologue_s``
(CONTRACT section 2) and ``signals.dynamics`` with the details and their quotes. Talk time is
the sum of utterance durations; a *run* is one speaker's consecutive speech, where another
speaker's short backchannel ("mm-hmm", "right") does not break it.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from typing import Any

from callcoach import analysis as an
from callcoach.domain import Evidence, Side, Utterance
from signals.base import SignalContext, register
from signals.questions import rep_questions

# Another speaker's turn of at most this many words and seconds is a backchannel ("yeah",
# "mm-hmm, sure"): listeners make them without taking the floor, so a monologue goes on.
BACKCHANNEL_MAX_WORDS = 3
BACKCHANNEL_MAX_S = 1.5
# A silence longer than this ends a run even without another speaker: the rep paused for a reply.
RUN_MAX_GAP_S = 5.0
# A rep reply starting later than this after the buyer stopped is not an answer to that turn
# (someone else spoke, or the line went quiet); it would only inflate the mean pause.
PATIENCE_MAX_PAUSE_S = 10.0
# Evidence quotes for patience: the quickest replies, where interrupting is likeliest.
PATIENCE_EVIDENCE = 3
# Filler words and phrases as ASR writes them; "like" only when spaCy tags it an interjection.
_FILLERS = re.compile(r"\b(?:um+|uh+|erm+|uhm+|you know|i mean|sort of|kind of|basically|literally)\b")


@dataclass(frozen=True, slots=True)
class Run:
    """One speaker's uninterrupted stretch of speech."""

    speaker: str
    side: Side
    utterances: tuple[Utterance, ...]

    @property
    def start(self) -> float:
        return self.utterances[0].start

    @property
    def end(self) -> float:
        return self.utterances[-1].end

    @property
    def seconds(self) -> float:
        return max(0.0, self.end - self.start)

    def to_analysis(self) -> an.Run:
        return an.Run(
            seconds=round(self.seconds, 2),
            speaker=self.speaker,
            start=round(self.start, 2),
            end=round(self.end, 2),
            evidence=tuple(an.Quote.of(Evidence.of(u)) for u in self.utterances),
        )


@dataclass(frozen=True, slots=True)
class DynamicsResult:
    talk: dict[str, float]  # per side share
    per_speaker: dict[str, float]
    talk_time_s: dict[str, float]
    longest_monologue: Run | None
    longest_buyer_story: Run | None
    switches: int
    switches_per_min: float
    pauses: tuple[tuple[Utterance, Utterance, float], ...]  # (buyer turn, rep reply, pause)
    questions: int
    questions_per_min: float
    fillers: dict[str, int]  # per speaker
    filler_evidence: tuple[Evidence, ...]
    rep_talk_min: float
    duration_s: float
    sides: dict[str, str]  # speaker -> side

    def to_analysis(self) -> dict[str, Any]:
        pause_vals = [p for _, _, p in self.pauses]
        quickest = sorted(self.pauses, key=lambda x: x[2])[:PATIENCE_EVIDENCE]
        rep_fillers = sum(n for s, n in self.fillers.items() if self._side(s) == "rep")
        return {
            "talk_ratio": an.TalkRatio(
                rep=round(self.talk.get("rep", 0.0), 3),
                buyer=round(self.talk.get("buyer", 0.0), 3),
                unknown=round(self.talk.get("unknown", 0.0), 3),
                per_speaker={k: round(v, 3) for k, v in self.per_speaker.items()},
                talk_time_s={k: round(v, 2) for k, v in self.talk_time_s.items()},
                evidence=(),
                method="share of summed utterance durations per side and per speaker "
                "(the transcript's timings are the evidence)",
            ),
            "longest_monologue_s": round(self.longest_monologue.seconds, 2)
            if self.longest_monologue
            else 0.0,
            "dynamics": an.Dynamics(
                longest_monologue=self.longest_monologue.to_analysis() if self.longest_monologue else None,
                longest_buyer_story=self.longest_buyer_story.to_analysis()
                if self.longest_buyer_story
                else None,
                interactivity=an.Interactivity(
                    switches=self.switches, switches_per_min=round(self.switches_per_min, 2)
                ),
                patience=an.Patience(
                    mean_pause_s=round(statistics.fmean(pause_vals), 2) if pause_vals else None,
                    median_pause_s=round(statistics.median(pause_vals), 2) if pause_vals else None,
                    replies=len(pause_vals),
                    evidence=tuple(an.Quote.of(Evidence.of(u)) for b, r, _ in quickest for u in (b, r)),
                ),
                question_rate=an.QuestionRate(
                    questions=self.questions, per_min=round(self.questions_per_min, 2)
                ),
                filler_rate=an.FillerRate(
                    rep_per_min=round(rep_fillers / self.rep_talk_min, 2) if self.rep_talk_min else 0.0,
                    per_speaker=dict(self.fillers),
                    evidence=tuple(an.Quote.of(e) for e in self.filler_evidence),
                ),
                method="runs: one speaker's consecutive utterances, backchannels of <= "
                f"{BACKCHANNEL_MAX_WORDS} words/{BACKCHANNEL_MAX_S}s and pauses <= {RUN_MAX_GAP_S}s "
                "kept inside; interactivity: speaker changes per call minute; patience: mean gap "
                "from a buyer turn's end to the rep's reply (negative = overlap); question rate: "
                "rep questions (signals.discovery) per call minute; fillers per minute of rep talk",
            ),
        }

    def _side(self, speaker: str) -> str:
        return self.sides.get(speaker, "unknown")


def _is_backchannel(u: Utterance) -> bool:
    return len(u.text.split()) <= BACKCHANNEL_MAX_WORDS and u.duration <= BACKCHANNEL_MAX_S


def speaker_runs(utterances: tuple[Utterance, ...] | list[Utterance]) -> list[Run]:
    """Consecutive speech per speaker; others' backchannels and short pauses stay inside a run."""
    runs: list[Run] = []
    current: list[Utterance] = []
    for u in utterances:
        if current and u.speaker != current[0].speaker and _is_backchannel(u):
            continue  # a listener's "mm-hmm" does not take the floor
        if current and (u.speaker != current[0].speaker or u.start - current[-1].end > RUN_MAX_GAP_S):
            runs.append(Run(current[0].speaker, current[0].side, tuple(current)))
            current = []
        current.append(u)
    if current:
        runs.append(Run(current[0].speaker, current[0].side, tuple(current)))
    return runs


def _longest(runs: list[Run], side: Side) -> Run | None:
    candidates = [r for r in runs if r.side == side]
    return max(candidates, key=lambda r: r.seconds) if candidates else None


def _fillers(ctx: SignalContext) -> tuple[dict[str, int], list[Evidence]]:
    counts: dict[str, int] = {}
    evidence: list[Evidence] = []
    for u, doc in zip(ctx.utterances, ctx.docs, strict=True):
        n = len(_FILLERS.findall(u.text.lower()))
        n += sum(1 for t in doc if t.lower_ == "like" and (t.pos_ == "INTJ" or t.dep_ == "intj"))
        if n:
            counts[u.speaker] = counts.get(u.speaker, 0) + n
            if u.side == "rep" and len(evidence) < 5:
                evidence.append(Evidence.of(u))
    return counts, evidence


@register("dynamics")
def dynamics(ctx: SignalContext) -> DynamicsResult:
    utts = ctx.utterances
    duration_min = max(ctx.transcript.duration_s, utts[-1].end if utts else 0.0) / 60.0
    talk_side: dict[str, float] = {}
    talk_speaker: dict[str, float] = {}
    sides: dict[str, str] = {}
    for u in utts:
        talk_side[u.side] = talk_side.get(u.side, 0.0) + u.duration
        talk_speaker[u.speaker] = talk_speaker.get(u.speaker, 0.0) + u.duration
        sides.setdefault(u.speaker, u.side)
    total = sum(talk_side.values()) or 1.0
    runs = speaker_runs(utts)
    switches = sum(1 for a, b in zip(utts, utts[1:], strict=False) if a.speaker != b.speaker)
    pauses = tuple(
        (a, b, b.start - a.end)
        for a, b in zip(utts, utts[1:], strict=False)
        if a.side == "buyer" and b.side == "rep" and b.start - a.end <= PATIENCE_MAX_PAUSE_S
    )
    questions = len(rep_questions(ctx))
    fillers, filler_evidence = _fillers(ctx)
    rep_talk_min = talk_side.get("rep", 0.0) / 60.0
    return DynamicsResult(
        talk={s: t / total for s, t in talk_side.items()},
        per_speaker={s: t / total for s, t in talk_speaker.items()},
        talk_time_s=talk_speaker,
        longest_monologue=_longest(runs, "rep"),
        longest_buyer_story=_longest(runs, "buyer"),
        switches=switches,
        switches_per_min=switches / duration_min if duration_min else 0.0,
        pauses=pauses,
        questions=questions,
        questions_per_min=questions / duration_min if duration_min else 0.0,
        fillers=fillers,
        filler_evidence=tuple(filler_evidence),
        rep_talk_min=rep_talk_min,
        duration_s=duration_min * 60.0,
        sides=sides,
    )
