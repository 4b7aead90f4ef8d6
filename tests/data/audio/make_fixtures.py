#!/usr/bin/env python3
"""Regenerate the committed synthetic audio fixtures and the demo sample call with espeak-ng.

    apt-get install -y espeak-ng sox
    .venv/bin/python tests/data/audio/make_fixtures.py          # tests/data/audio/*.wav + .ref.json
    .venv/bin/python tests/data/audio/make_fixtures.py --sample  # also samples/sample_call.wav + meta

The tests only read the committed outputs; they never need espeak. Every line of dialogue here is
invented for these fixtures. Each `.ref.json` holds the true start/end of each utterance in the audio
(the synthesiser knows exactly where it put the samples), its speaker, side and text.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf

RATE = 16000
# Silence between turns: a brisk but realistic hand-over, long enough for VAD to see a boundary.
TURN_GAP_S = 0.4
LEAD_IN_S = 0.3
WPM = 160
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


@dataclass(frozen=True)
class Person:
    name: str
    side: str
    title: str
    voice: str


@dataclass(frozen=True)
class Fixture:
    name: str
    people: tuple[Person, ...]
    lines: tuple[tuple[int, str], ...]  # (index into people, text)
    stereo: bool
    suffix: str = ".wav"  # ".flac" keeps a longer stereo clip small


REP = Person("Marco Diaz", "rep", "Account Executive", "en-us+m3")
BUYER = Person("Helen Park", "buyer", "Head of Customer Support", "en-us+f3")
BUYER2 = Person("Oliver Grant", "buyer", "IT Director", "en-gb+m1")

_TWO_PARTY = (
    (0, "Hi Helen, thanks for joining. What would you like to get out of today?"),
    (1, "We want to understand how your tool handles ticket routing."),
    (0, "Sure. How does routing work on your team right now?"),
    (1, "Agents pick tickets by hand, and we miss about thirty urgent tickets every week."),
    (0, "What happens when an urgent ticket is missed?"),
    (1, "The customer waits a full day, and some of them cancel their contract."),
    (0, "That sounds painful. Could we review a short demo on Tuesday?"),
    (1, "Yes, Tuesday morning works for me."),
)

FIXTURES = (
    Fixture("stereo_two_speakers", (REP, BUYER), _TWO_PARTY, stereo=True),
    Fixture(
        "mono_two_speakers",
        (REP, BUYER),
        (
            (0, "Good morning Helen. Tell me about your current support process."),
            (1, "We answer every email by hand, and it takes us two days on average."),
            (0, "How many people are on the support team?"),
            (1, "Twelve people, and three of them only sort the inbox."),
            (0, "What would change if sorting happened automatically?"),
            (1, "Those three could answer customers instead, which is what we need."),
            (0, "Great. I will send a proposal by Friday."),
            (1, "Thank you, I will share it with my manager."),
        ),
        stereo=False,
    ),
    Fixture(
        "mono_three_speakers",
        (REP, BUYER, BUYER2),
        (
            (0, "Thanks to you both for the time. What is the main goal for this quarter?"),
            (1, "We need to cut our response time in half before the summer."),
            (2, "And on my side, any new tool has to pass our security review first."),
            (0, "Understood. How long does a security review usually take?"),
            (2, "About six weeks, and we need the documents up front."),
            (1, "Our customers are already complaining about slow replies."),
            (0, "I can send the security documents today, so the review can start."),
            (2, "That would help a lot, thank you."),
        ),
        stereo=False,
    ),
    # Two buyers share the right channel: the buyer channel is diarized too (issue 17).
    Fixture(
        "stereo_three_speakers",
        (REP, BUYER, BUYER2),
        (
            (0, "Hello both. Could you each say what you look after?"),
            (1, "Sure, I'm Helen, I run customer support."),
            (2, "And I'm Oliver, I look after our servers and security."),
            (0, "Thanks. Helen, what slows your team down the most today?"),
            (1, "Every ticket is sorted by hand, so urgent ones wait for hours."),
            (0, "Oliver, what would a new tool need to pass your review?"),
            (2, "Single sign on, audit logs, and all data kept inside Europe."),
        ),
        stereo=True,
        suffix=".flac",
    ),
)

SAMPLE_REP = Person("Jordan Blake", "rep", "Account Executive", "en-us+m3")
SAMPLE_BUYER = Person("Alicia Gomez", "buyer", "Director of Support Operations", "en-us+f3")
SAMPLE = Fixture(
    "sample_call",
    (SAMPLE_REP, SAMPLE_BUYER),
    (
        (0, "Hi Alicia, this is Jordan from Fernhill. Thanks for making time today."),
        (1, "Happy to, Jordan."),
        (0, "First, what made support a priority for your team this quarter?"),
        (
            1,
            "Our agents spend about ten hours a week copying tickets between systems, "
            "and we lost two large customers last quarter because replies were slow.",
        ),
        (0, "How are those tickets handled today, step by step?"),
        (1, "Someone exports a spreadsheet every morning and assigns tickets by hand."),
        (0, "What would it mean for the team if that work went away?"),
        (1, "Honestly, the price is too high for us. Our spending is frozen until July."),
        (0, "That makes sense. We can start with one team and a smaller plan."),
        (1, "That could work."),
        (
            0,
            "Great. I will send you a proposal on Thursday, and let's meet on Tuesday, "
            "March seventeenth at two p m, with your finance lead.",
        ),
        (1, "Sounds good, I will invite her."),
    ),
    stereo=True,
)
SAMPLE_META = {
    "call_id": "sample-fernhill-discovery",
    "title": "Tidewater Logistics / discovery",
    "started_at": "2026-03-10T15:00:00Z",
    "deal_id": "tidewater-2026",
    "rep": SAMPLE_REP.name,
    "participants": [
        {"name": SAMPLE_REP.name, "side": "rep", "title": SAMPLE_REP.title},
        {"name": SAMPLE_BUYER.name, "side": "buyer", "title": SAMPLE_BUYER.title},
    ],
}


def speak(text: str, voice: str) -> np.ndarray:
    """espeak-ng renders at 22.05 kHz; sox resamples to 16 kHz (-D: no random dither, so reruns match)."""
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw.wav", Path(tmp) / "16k.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", str(WPM), "-w", str(raw), text], check=True)
        subprocess.run(["sox", "-D", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
        samples, rate = sf.read(out, dtype="float32")
    assert rate == RATE
    return np.asarray(samples, dtype=np.float32)


def render(fx: Fixture, wav_path: Path) -> dict[str, object]:
    """Write the fixture's audio and return its reference transcript (CONTRACT section 1 shape)."""
    channels = [[np.zeros(int(LEAD_IN_S * RATE), np.float32)] for _ in range(2 if fx.stereo else 1)]
    cursor = int(LEAD_IN_S * RATE)
    utterances = []
    for who, text in fx.lines:
        person = fx.people[who]
        pcm = speak(text, person.voice)
        silent = np.zeros_like(pcm)
        for ch, parts in enumerate(channels):
            on_this = not fx.stereo or (ch == 0) == (person.side == "rep")
            parts.append(pcm if on_this else silent)
            parts.append(np.zeros(int(TURN_GAP_S * RATE), np.float32))
        utterances.append(
            {
                "speaker": person.name,
                "side": person.side,
                "start": round(cursor / RATE, 3),
                "end": round((cursor + len(pcm)) / RATE, 3),
                "text": text,
            }
        )
        cursor += len(pcm) + int(TURN_GAP_S * RATE)
    audio = np.stack([np.concatenate(parts) for parts in channels], axis=1)
    if fx.suffix == ".flac":
        sf.write(wav_path, audio, RATE, subtype="PCM_16", compression_level=1.0)
    else:
        sf.write(wav_path, audio if fx.stereo else audio[:, 0], RATE, subtype="PCM_16")
    return {
        "call_id": fx.name,
        "rep": REP.name if fx is not SAMPLE else SAMPLE_REP.name,
        "participants": [{"name": p.name, "side": p.side, "title": p.title} for p in fx.people],
        "duration_s": round(len(audio) / RATE, 3),
        "utterances": utterances,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sample", action="store_true", help="also write samples/sample_call.wav and its meta")
    ap.add_argument("--only", default="", help="render only the fixtures whose name contains this")
    args = ap.parse_args()
    for fx in FIXTURES:
        if args.only not in fx.name:
            continue
        wav = HERE / f"{fx.name}{fx.suffix}"
        ref = render(fx, wav)
        (HERE / f"{fx.name}.ref.json").write_text(json.dumps(ref, indent=1) + "\n")
        print(f"{wav.relative_to(REPO)}: {ref['duration_s']} s")
    if args.sample:
        wav = REPO / "samples" / "sample_call.wav"
        ref = render(SAMPLE, wav)
        (REPO / "samples" / "sample_call.ref.json").write_text(json.dumps(ref, indent=1) + "\n")
        (REPO / "samples" / "sample_call.meta.json").write_text(json.dumps(SAMPLE_META, indent=1) + "\n")
        print(f"{wav.relative_to(REPO)}: {ref['duration_s']} s")


if __name__ == "__main__":
    main()
