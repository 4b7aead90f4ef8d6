"""Transcribe: a decoded recording -> a speaker-attributed transcript with word timings and sides.

Entry points: :func:`transcribe_call` (faster-whisper with VAD and word timestamps; stereo calls
per channel with bleed removed, mono calls diarized with speaker embeddings) and
:func:`assign_sides` (rep or buyer for speakers the input left "unknown"). The method and its limits
are written up in docs/transcribe.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import numpy as np

from callcoach.domain import AudioInput, CallMeta, Side, SpeakerAttribution, Transcript, Word
from callcoach.errors import EmptyInput, UnsupportedAudio
from callcoach.settings import Settings
from ingest.audio import is_dual_mono
from transcribe._diarize import diarize
from transcribe._names import name_voices
from transcribe._sides import assign_sides
from transcribe._stereo import dedupe_bleed
from transcribe._utterances import LONG_PAUSE_S, build_utterances
from transcribe._voiceprint import Voiceprint, load_all
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
    voiceprints = load_all(settings.voiceprint_dir) if settings.voiceprint_dir else ()
    if samples.shape[0] == 2 and not is_dual_mono(samples):
        per_channel: list[list[Word]] = []
        for i in range(2):

            def channel_progress(seconds: float, done: int = i) -> None:
                report((done + min(seconds / duration, 1.0)) / 2)

            per_channel.append(transcribe_words(model, samples[i], settings, channel_progress))
        transcript = _stereo_transcript(samples, per_channel[0], per_channel[1], duration, meta, voiceprints)
    else:
        mono = samples.mean(axis=0)
        words = transcribe_words(
            model, mono, settings, lambda t: report(MONO_TRANSCRIBE_SHARE * min(t / duration, 1.0))
        )
        transcript = _mono_transcript(mono, words, duration, meta, voiceprints)
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


def _listed(meta: CallMeta, side: Side) -> set[str]:
    people = {p.name for p in meta.participants if p.side == side}
    return people | ({meta.rep} if side == "rep" and meta.rep else set())


def _speakers_of_channel(
    samples: np.ndarray,
    words: list[Word],
    meta: CallMeta,
    voiceprints: Sequence[Voiceprint],
    side: Side | None,
    duration: float,
) -> tuple[list[tuple[Word, int]], dict[int, str], dict[int, Side], list[SpeakerAttribution]]:
    """Diarize one channel's words, then name and side its voices (`side`: the channel's, if known).

    The count of voices is bounded by the participants the metadata lists for the channel (so people
    who never speak do not split a real voice); one listed person on a known side is one voice.
    """
    everyone = {p.name for p in meta.participants} | _listed(meta, "rep")
    listed = len(_listed(meta, side)) if side else len(everyone)
    # A seller's channel is one voice unless the metadata lists several sellers (AE + SE); a buyer
    # channel is diarized unless exactly one buyer is listed.
    if (side == "rep" and listed < 2) or (side == "buyer" and listed == 1):
        labels = [0] * len(words)
        vectors: dict[int, np.ndarray] = {}
    else:
        found = diarize(samples, WHISPER_RATE, words, most=listed if listed >= 2 else None)
        labels, vectors = found.labels, dict(enumerate(found.voices))
        log.info("diarization (%s channel): %d voices, count from %s", side or "mono", len(set(labels)),
                 found.count_source)
    provisional = {k: f"Speaker {k + 1}" for k in sorted(set(labels))}
    draft = Transcript(
        meta=meta,
        utterances=tuple(build_utterances(list(zip(words, labels, strict=True)), provisional, {})),
        duration_s=round(duration, 3),
        source="audio",
    )
    named = name_voices(
        draft,
        list(provisional.values()),
        vectors={provisional[k]: v for k, v in vectors.items()},
        voiceprints=voiceprints,
        side_of_channel=side,
    )
    names = {k: named[p].name for k, p in provisional.items()}
    sides: dict[int, Side] = {k: named[p].side for k, p in provisional.items()}
    attributions = [named[p].attribution for p in provisional.values()]
    return list(zip(words, labels, strict=True)), names, sides, attributions


def _mono_transcript(
    mono: np.ndarray,
    words: list[Word],
    duration: float,
    meta: CallMeta,
    voiceprints: Sequence[Voiceprint] = (),
) -> Transcript:
    """A mono call's transcript from whisper's words: diarized, named and sided."""
    labelled, names, sides, attributions = _speakers_of_channel(
        mono, words, meta, voiceprints, None, duration
    )
    log.info("diarization: %s", ", ".join(f"{names[k]}={sides[k]}" for k in names))
    return Transcript(
        meta=meta,
        utterances=tuple(build_utterances(labelled, names, sides)),
        duration_s=round(duration, 3),
        source="audio",
        attributions=tuple(attributions),
    )


def _stereo_transcript(
    samples: np.ndarray,
    left: list[Word],
    right: list[Word],
    duration: float,
    meta: CallMeta,
    voiceprints: Sequence[Voiceprint] = (),
) -> Transcript:
    """A stereo call's transcript from each channel's words: bleed removed, each channel diarized
    (several buyers share the buyer channel; several sellers the rep channel) and its voices named."""
    left, right = dedupe_bleed(left, right, samples, WHISPER_RATE)
    rep_channel = 1 if meta.rep_channel == "right" else 0
    channels = ((left, "rep"), (right, "buyer")) if rep_channel == 0 else ((right, "rep"), (left, "buyer"))
    labelled: list[tuple[Word, tuple[Side, int]]] = []
    names: dict[tuple[Side, int], str] = {}
    sides: dict[tuple[Side, int], Side] = {}
    attributions: list[SpeakerAttribution] = []
    for words, side in channels:
        channel = samples[0 if (side == "rep") == (rep_channel == 0) else 1]
        if not words:
            continue
        found, n, s, a = _speakers_of_channel(channel, words, meta, voiceprints, side, duration)
        labelled += [(w, (side, k)) for w, k in found]
        names.update({(side, k): v for k, v in n.items()})
        sides.update({(side, k): v for k, v in s.items()})
        attributions += a
    return Transcript(
        meta=meta,
        utterances=tuple(build_utterances(labelled, names, sides)),
        duration_s=round(duration, 3),
        source="audio",
        attributions=tuple(attributions),
    )
