"""Transcribe: a decoded recording -> a speaker-attributed transcript with word timings and sides.

Entry points: :func:`transcribe_call` (faster-whisper with VAD and word timestamps; stereo calls
per channel with bleed removed, mono calls diarized with speaker embeddings) and
:func:`assign_sides` (rep or buyer for speakers the input left "unknown"). The method and its limits
are written up in docs/transcribe.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np

from callcoach.domain import AudioInput, CallMeta, Side, Transcript, Word
from callcoach.errors import EmptyInput, UnsupportedAudio
from callcoach.settings import Settings
from ingest.audio import is_dual_mono
from transcribe._diarize import diarize_words
from transcribe._names import name_voices
from transcribe._sides import assign_sides, infer_sides
from transcribe._stereo import dedupe_bleed
from transcribe._utterances import LONG_PAUSE_S, build_utterances
from transcribe._whisper import WHISPER_RATE, load_whisper, transcribe_words

__all__ = ["LONG_PAUSE_S", "assign_sides", "transcribe_call"]

log = logging.getLogger("callcoach.transcribe")

# Share of the progress bar for whisper on mono calls; diarization (a second or two) takes the rest.
MONO_TRANSCRIBE_SHARE = 0.9


def transcribe_call(
    audio: AudioInput, meta: CallMeta, *, settings: Settings, progress: Callable[[float], None] | None = None
) -> Transcript:
    """Transcribe a recording into utterances with speakers, sides and word timings.

    Stereo: the rep's channel is `meta.rep_channel` (left by default), the buyer side the other one.
    Mono (or stereo with two identical channels): speakers found by diarization, then named and
    sided from the metadata and conversational cues. `progress(fraction)` is called as segments land.
    """
    report: Callable[[float], None] = progress or (lambda _fraction: None)
    samples = _samples_16k(audio)
    duration = max(audio.duration_s, samples.shape[1] / WHISPER_RATE, 1e-3)
    model = load_whisper(settings)
    if samples.shape[0] == 2 and not is_dual_mono(samples):
        transcript = _transcribe_stereo(model, samples, duration, meta, settings, report)
    else:
        transcript = _transcribe_mono(model, samples.mean(axis=0), duration, meta, settings, report)
    if not transcript.utterances:
        raise EmptyInput("no speech found in the recording", path=audio.path)
    report(1.0)
    return transcript


def _samples_16k(audio: AudioInput) -> np.ndarray:
    samples = np.asarray(audio.samples, dtype=np.float32)
    if samples.ndim == 1:
        samples = samples[np.newaxis, :]
    if samples.ndim != 2 or samples.shape[1] == 0:
        raise UnsupportedAudio(
            f"expected (channels, samples) audio, got shape {samples.shape}", path=audio.path
        )
    if audio.sample_rate != WHISPER_RATE:
        from math import gcd

        from scipy.signal import resample_poly

        g = gcd(WHISPER_RATE, audio.sample_rate)
        samples = resample_poly(samples, WHISPER_RATE // g, audio.sample_rate // g, axis=1).astype(np.float32)
    return samples


def _rep_name(meta: CallMeta) -> str:
    if meta.rep:
        return meta.rep
    reps = [p.name for p in meta.participants if p.side == "rep"]
    return reps[0] if len(reps) == 1 else "Rep"


def _buyer_names(meta: CallMeta) -> list[str]:
    return [p.name for p in meta.participants if p.side == "buyer"]


def _transcribe_stereo(
    model: object,
    samples: np.ndarray,
    duration: float,
    meta: CallMeta,
    settings: Settings,
    report: Callable[[float], None],
) -> Transcript:
    rep_channel = 1 if meta.rep_channel == "right" else 0
    per_channel: list[list[Word]] = []
    for i in range(2):

        def channel_progress(seconds: float, done: int = i) -> None:
            report((done + min(seconds / duration, 1.0)) / 2)

        per_channel.append(transcribe_words(model, samples[i], settings, channel_progress))
    left, right = dedupe_bleed(per_channel[0], per_channel[1], samples, WHISPER_RATE)
    rep_words, buyer_words = (left, right) if rep_channel == 0 else (right, left)
    buyers = _buyer_names(meta)
    names = {"rep": _rep_name(meta), "buyer": buyers[0] if len(buyers) == 1 else "Buyer"}
    sides: dict[str, Side] = {"rep": "rep", "buyer": "buyer"}
    labelled = [(w, "rep") for w in rep_words] + [(w, "buyer") for w in buyer_words]
    return Transcript(
        meta=meta,
        utterances=tuple(build_utterances(labelled, names, sides)),
        duration_s=round(duration, 3),
        source="audio",
    )


def _speaker_count(meta: CallMeta) -> int | None:
    """How many voices the metadata promises: its participants (with the rep), when it lists two or more.

    A single listed name says nothing about the others on the line, so diarization then decides.
    """
    people = {p.name for p in meta.participants} | ({meta.rep} if meta.rep else set())
    return len(people) if len(people) >= 2 else None


def _transcribe_mono(
    model: object,
    mono: np.ndarray,
    duration: float,
    meta: CallMeta,
    settings: Settings,
    report: Callable[[float], None],
) -> Transcript:
    words = transcribe_words(
        model, mono, settings, lambda t: report(MONO_TRANSCRIBE_SHARE * min(t / duration, 1.0))
    )
    labels = diarize_words(mono, WHISPER_RATE, words, n_speakers=_speaker_count(meta))
    provisional = {k: f"Speaker {k + 1}" for k in set(labels)}
    draft = Transcript(
        meta=meta,
        utterances=tuple(build_utterances(list(zip(words, labels, strict=True)), provisional, {})),
        duration_s=round(duration, 3),
        source="audio",
    )
    by_name = infer_sides(draft)
    sides: dict[int, Side] = {k: by_name.get(name, "unknown") for k, name in provisional.items()}
    names = _name_speakers(meta, sides, provisional, draft)
    log.info("diarization: %d speakers (%s)", len(names), ", ".join(f"{names[k]}={sides[k]}" for k in names))
    return Transcript(
        meta=meta,
        utterances=tuple(build_utterances(list(zip(words, labels, strict=True)), names, sides)),
        duration_s=round(duration, 3),
        source="audio",
    )


def _name_speakers(
    meta: CallMeta, sides: dict[int, Side], provisional: dict[int, str], draft: Transcript
) -> dict[int, str]:
    """Metadata names where the sides (or how people address each other) make them clear, else "Buyer N"."""
    reps = [k for k in provisional if sides[k] == "rep"]
    buyers = [k for k in provisional if sides[k] == "buyer"]
    names = dict(provisional)
    if len(reps) == 1:
        names[reps[0]] = _rep_name(meta)
    listed = _buyer_names(meta)
    if len(buyers) == 1 and len(listed) == 1:
        names[buyers[0]] = listed[0]
    elif buyers:
        names.update({k: "Buyer" if len(buyers) == 1 else f"Buyer {i + 1}" for i, k in enumerate(buyers)})
        found = name_voices(draft.utterances, [provisional[k] for k in buyers], listed)
        names.update({k: found[provisional[k]] for k in buyers if provisional[k] in found})
    return names
