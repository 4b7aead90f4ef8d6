"""faster-whisper behind a cached loader: one model per process, speech-only (VAD) with word timings.

Two ways to decode (`settings.transcribe_mode`):
- batched (default): faster-whisper's `BatchedInferencePipeline`. Silero VAD cuts the channel into
  speech segments, packs them into chunks of at most `whisper_chunk_length_s` of speech, and decodes
  `batch_size` chunks in one encoder/decoder call. Chunks are independent (no previous-text prompt).
- sequential: `WhisperModel.transcribe`, one 30 s window after another, each conditioned on the
  text decoded before it.
"""

from __future__ import annotations

import dataclasses
import logging
import shutil
import subprocess
from collections.abc import Callable, Iterable
from functools import lru_cache
from math import ceil
from typing import Any

import numpy as np

from callcoach.domain import Word
from callcoach.errors import ModelUnavailable
from callcoach.settings import Settings

log = logging.getLogger("callcoach.transcribe")

# faster-whisper works on 16 kHz mono float32; every other rate is resampled before it gets here.
WHISPER_RATE = 16000

# Batch size on CPU: on the 2-core machine a 350 s call took 37.6 s at batch 8 and 36.3 s at 16
# (sequential 63.9 s); 8 holds half the chunk features and encoder outputs in memory at a time.
CPU_BATCH_SIZE = 8
# GPU memory one more chunk in a batch needs beyond the model: faster-whisper's own table has
# large-v2 at beam 5 going from 4.5 GB (sequential) to 6.1 GB at batch 8, about 200 MB a chunk;
# smaller models need less, so this over-estimates for them.
GPU_BYTES_PER_CHUNK = 256 * 1024**2
# Share of the free GPU memory the batch may take: CUDA allocators fragment, and a second worker or
# the NLP models may want some.
GPU_MEMORY_SHARE = 0.8
# Past this a GPU is already saturated (faster-whisper's benchmarks plateau at 16-32) and a
# 60-minute channel has only ~100 chunks: larger batches only delay the first results.
MAX_AUTO_BATCH = 32
# Batch size on a GPU whose free memory cannot be read (no NVML, no nvidia-smi).
GPU_FALLBACK_BATCH = 16
# faster-whisper's batched default: short pauses end a VAD segment, so chunks are packed with
# speech and cut between words, not inside them.
BATCHED_VAD_MIN_SILENCE_MS = 160
# Silero's (and faster-whisper's) speech threshold: left out of the options when unchanged, so the
# sequential call is exactly the one made before batching existed.
DEFAULT_VAD_THRESHOLD = 0.5


@lru_cache(maxsize=2)
def _load_model(model: str, device: str, compute_type: str, cpu_threads: int) -> Any:
    from faster_whisper import WhisperModel

    log.info("loading whisper model %s (%s, %s)", model, device, compute_type)
    return WhisperModel(
        model, device=device, compute_type=compute_type, cpu_threads=cpu_threads, local_files_only=True
    )


def load_whisper(settings: Settings) -> Any:
    """The process-wide WhisperModel for these settings; load failures become ModelUnavailable."""
    try:
        return _load_model(
            settings.whisper_model, settings.device, settings.compute_type, settings.cpu_threads
        )
    except Exception as exc:  # noqa: BLE001 - CTranslate2/HF raise many types; all mean "no model"
        raise ModelUnavailable(
            f"whisper model {settings.whisper_model!r} cannot be loaded on {settings.device}/"
            f"{settings.compute_type}: {exc} (set CALLCOACH_WHISPER_MODEL to a local model path)"
        ) from exc


def whisper_options(settings: Settings) -> dict[str, Any]:
    """The options of every sequential `transcribe` call (the bench passes the same to the bare baseline)."""
    options: dict[str, Any] = {
        "beam_size": settings.beam_size,
        "language": settings.language,
        # Silero VAD (shipped with faster-whisper) skips silence: faster, and no hallucinated words
        # in the long quiet stretches that each channel of a stereo call is full of.
        "vad_filter": True,
        "word_timestamps": True,
    }
    vad = _vad_parameters(settings, default_min_silence_ms=None)
    if vad:
        options["vad_parameters"] = vad
    return options


def batched_options(settings: Settings) -> dict[str, Any]:
    """The options of every `BatchedInferencePipeline.transcribe` call (batch size comes separately)."""
    return {
        "beam_size": settings.beam_size,
        "language": settings.language,
        "vad_filter": True,
        "vad_parameters": _vad_parameters(settings, default_min_silence_ms=BATCHED_VAD_MIN_SILENCE_MS),
        "chunk_length": settings.whisper_chunk_length_s,
        "word_timestamps": True,
        # faster-whisper's batched default (True) decodes text tokens only; on our synthetic calls it
        # then dropped the opening words of a chunk ("Thanks, Greg. Thanks, Tessa." gone, WER 0.117
        # against 0.070 sequential on one call). With timestamp tokens, as the sequential decode has,
        # they stay, and each chunk comes back as several segments (finer progress).
        "without_timestamps": False,
    }


def _vad_parameters(settings: Settings, *, default_min_silence_ms: int | None) -> dict[str, Any]:
    vad: dict[str, Any] = {}
    if settings.vad_threshold != DEFAULT_VAD_THRESHOLD:
        vad["threshold"] = settings.vad_threshold
    silence = default_min_silence_ms if settings.vad_min_silence_ms is None else settings.vad_min_silence_ms
    if silence is not None:
        vad["min_silence_duration_ms"] = silence
    return vad


def batch_size(settings: Settings, free_gpu_bytes: int | None = None) -> int:
    """The batch size to decode with: the setting, else CPU_BATCH_SIZE on CPU, else what the free GPU
    memory holds (`free_gpu_bytes` is read from the device when not given)."""
    if settings.whisper_batch_size:
        return settings.whisper_batch_size
    if settings.device == "cpu":
        return CPU_BATCH_SIZE
    free = free_gpu_bytes if free_gpu_bytes is not None else _free_gpu_bytes()
    if free is None:
        # "auto" on a machine with no readable GPU runs on the CPU.
        return GPU_FALLBACK_BATCH if settings.device == "cuda" else CPU_BATCH_SIZE
    return int(max(1, min(MAX_AUTO_BATCH, free * GPU_MEMORY_SHARE // GPU_BYTES_PER_CHUNK)))


def _free_gpu_bytes(index: int = 0) -> int | None:
    """Free memory of GPU `index` (after the model is loaded), from NVML or nvidia-smi; None if neither."""
    try:
        import pynvml  # type: ignore[import-not-found]

        pynvml.nvmlInit()
        try:
            return int(pynvml.nvmlDeviceGetMemoryInfo(pynvml.nvmlDeviceGetHandleByIndex(index)).free)
        finally:
            pynvml.nvmlShutdown()
    except Exception:  # noqa: BLE001 - no NVML library or no GPU: try the command line tool
        pass
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    try:
        out = subprocess.run(
            [smi, "--query-gpu=memory.free", "--format=csv,noheader,nounits", f"--id={index}"],
            check=True, capture_output=True, text=True, timeout=10,
        ).stdout
        return int(float(out.strip().splitlines()[0]) * 1024**2)
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def transcribe_words(
    model: Any, samples: np.ndarray, settings: Settings, on_progress: Callable[[float], None] | None = None
) -> list[Word]:
    """Words of one mono channel, in time order; `on_progress(seconds_done)` after each segment."""
    audio = np.ascontiguousarray(samples, dtype=np.float32)
    if settings.transcribe_mode == "batched":
        # A pipeline per call: it keeps per-run state (the last speech timestamp), and serve runs
        # several calls on one model from several threads.
        pipeline = _complete_chunks_pipeline(model)
        segments, _info = pipeline.transcribe(
            audio, batch_size=batch_size(settings), **batched_options(settings)
        )
    else:
        segments, _info = model.transcribe(audio, **whisper_options(settings))
    return words_of(segments, on_progress)


def _complete_chunks_pipeline(model: Any) -> Any:
    """A BatchedInferencePipeline that reads each chunk to its end.

    Whisper may stop decoding a 30 s window early: it closes a segment with a timestamp and ends,
    or ends in text with no closing timestamp (an "unfinished segment", which faster-whisper drops).
    Sequential decoding then seeks to the last timestamp and reads on from there; a batched chunk has
    no next window, so the rest of the chunk was lost (on one synthetic call a whole 12-word answer:
    the decode stopped at 24.0 s of a 29.2 s chunk). Here the unfinished text is closed with the
    chunk's end timestamp, and a chunk whose decode stopped more than UNREAD_TAIL_S before its end
    has that tail decoded again, as sequential seeking would. The batch's tails are packed end to
    end into as few 30 s windows as hold them (`pack_frames`), and what whisper reads in a packed
    window goes back to its tail by time (`unpack_segments`): the encoder's cost is per window, and
    one window per 2-5 s tail had made the re-reading 6 of a 6-minute call's 19 encoder passes
    (now 2 of 15).

    A chunk whose decode fails the checks sequential decoding applies to each window (a loop that
    compresses too well, or a low average log probability) is decoded again as sequential decoding
    would (`needs_fallback`, `_decode_again`). Batched decoding has no fallback of its own: on a
    full-length synthetic call a whole answer came back as "No, no, no, ..." (WER 0.28 against
    0.17 sequential; 0.18 with this).
    """
    from faster_whisper import BatchedInferencePipeline

    class CompleteChunksPipeline(BatchedInferencePipeline):  # type: ignore[misc]
        durations: list[float] = []
        decoded_until: list[float] = []
        text_before: list[int] = []
        depth = 0

        def forward(self, features: Any, tokenizer: Any, chunks_metadata: Any, options: Any) -> Any:
            self.durations = [float(c["duration"]) for c in chunks_metadata]
            outputs = [plausible_segments(segments, float(c["offset"]), float(c["duration"]))
                       for segments, c in zip(super().forward(features, tokenizer, chunks_metadata, options),
                                              chunks_metadata, strict=True)]
            ends = list(self.decoded_until)
            redo = [i for i, (end, c) in enumerate(zip(ends, chunks_metadata, strict=True))
                    if float(c["duration"]) - end >= UNREAD_TAIL_S]
            if options.without_timestamps or not redo or self.depth >= MAX_TAIL_REREADS:
                return outputs
            fps = self.model.frames_per_second
            # The tails are short (1 to 5 s): each in a 30 s window of its own costs a whole encoder
            # pass, so they are packed end to end, a short silence apart, into as few windows as hold them.
            last = [min(features.shape[-1], ceil(float(chunks_metadata[i]["duration"]) * fps)) for i in redo]
            pieces = [features[i][..., round(ends[i] * fps):end] for i, end in zip(redo, last, strict=True)]
            windows = pack_frames(pieces, features.shape[-1], round(TAIL_GAP_S * fps))
            window_meta = [{"offset": 0.0, "duration": used / fps, "segments": []} for _, _, used in windows]
            log.debug("re-reading %d chunk tails in %d windows", len(redo), len(windows))
            self.depth += 1
            try:
                extra = self.forward(np.stack([w for w, _, _ in windows]), tokenizer, window_meta, options)
            finally:
                self.depth -= 1
            for (_, starts, _), segments in zip(windows, extra, strict=True):
                places = [(k, start / fps, (start + pieces[k].shape[-1]) / fps,
                           float(chunks_metadata[redo[k]]["offset"]) + ends[redo[k]]) for k, start in starts]
                for k, found in unpack_segments(segments, places).items():
                    outputs[redo[k]] = outputs[redo[k]] + found
            return outputs

        def generate_segment_batched(self, features: Any, tokenizer: Any, options: Any) -> Any:
            encoder_output, outputs = super().generate_segment_batched(features, tokenizer, options)
            for k, output in enumerate(outputs):
                if needs_fallback(output, tokenizer.decode(output["tokens"]), options):
                    before = outputs[k - 1]["tokens"] if k else self.text_before
                    outputs[k] = self._decode_again(features[k:k + 1], tokenizer, options, before)
            if not self.depth and outputs:
                self.text_before = outputs[-1]["tokens"]
            self.decoded_until = list(self.durations)
            if not options.without_timestamps:
                for k, (output, duration) in enumerate(zip(outputs, self.durations, strict=True)):
                    output["tokens"] = close_last_segment(output["tokens"], tokenizer.timestamp_begin,
                                                          duration)
                    stamps = [t for t in output["tokens"] if t >= tokenizer.timestamp_begin]
                    if stamps:
                        self.decoded_until[k] = (stamps[-1] - tokenizer.timestamp_begin) * TIMESTAMP_STEP_S
            return encoder_output, outputs

        def _decode_again(
            self, features: Any, tokenizer: Any, options: Any, before: list[int]
        ) -> dict[str, Any]:
            """A chunk whose decode failed sequential decoding's checks, decoded as sequential decoding
            would: conditioned on the text before it (the chunk before it in the batch, or the last
            chunk of the batch before; for a packed window of tails, the window before it), at
            temperature 0, then sampling at rising temperatures until it passes."""
            retry = dataclasses.replace(options, temperatures=FALLBACK_TEMPERATURES)
            text = [t for t in before if t < tokenizer.eot]
            prompt = self.model.get_prompt(tokenizer, previous_tokens=text,
                                           without_timestamps=options.without_timestamps,
                                           hotwords=options.hotwords)
            # The chunk is encoded again: CTranslate2's batch encoder output cannot be sliced to one
            # row on every device, and a failing chunk is rare (one or two in a whole call).
            result, avg_logprob, temperature, ratio = self.model.generate_with_fallback(
                self.model.encode(features), prompt, tokenizer, retry)
            log.debug("chunk decoded again at temperature %.1f (compression ratio %.2f)", temperature, ratio)
            return {"avg_logprob": avg_logprob, "no_speech_prob": result.no_speech_prob,
                    "tokens": result.sequences_ids[0]}

    return CompleteChunksPipeline(model)


# Sequential decoding's temperatures (faster-whisper's default): 0 with the text before as prompt
# first, then sampling.
FALLBACK_TEMPERATURES = [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def needs_fallback(output: dict[str, Any], text: str, options: Any) -> bool:
    """Whether a batched decode fails the checks that make sequential decoding try again: text that
    compresses too well (a loop: "no, no, no, ..." in place of a whole answer) or an average log
    probability too low, unless the window is silence (no-speech probability high as well)."""
    from faster_whisper.transcribe import get_compression_ratio

    if options.compression_ratio_threshold is not None and \
            get_compression_ratio(text.strip()) > options.compression_ratio_threshold:
        return True
    low = options.log_prob_threshold is not None and output["avg_logprob"] < options.log_prob_threshold
    silent = (options.no_speech_threshold is not None
              and output["no_speech_prob"] > options.no_speech_threshold)
    return low and not silent


# Whisper's timestamp tokens are 20 ms apart.
TIMESTAMP_STEP_S = 0.02
# A chunk whose decode stopped this far before its end has its tail decoded again: shorter tails
# are the chunk's trailing VAD padding (400 ms each side), not unread words.
UNREAD_TAIL_S = 1.0
# Tails of tails: whisper rarely stops twice in one chunk; the bound keeps a stubborn chunk from
# looping.
MAX_TAIL_REREADS = 2


# A segment may start this far past its chunk's end (timestamps are 20 ms steps, VAD pads 400 ms);
# later than that whisper is decoding the 30 s window's zero padding.
SEGMENT_OVERRUN_S = 0.5


def plausible_segments(
    segments: list[dict[str, Any]], offset: float, duration: float
) -> list[dict[str, Any]]:
    """A chunk's decoded segments without the marks of a decoding loop.

    Batched decoding has no temperature fallback: on a short chunk whisper can loop ("And we'll be
    back next time." twelve times over 24 s of a 1.2 s chunk, on a committed fixture with 5 s chunks).
    Segments that start past the chunk's audio, and a segment repeating the one before word for word,
    are dropped.
    """
    kept: list[dict[str, Any]] = []
    for segment in segments:
        if float(segment["start"]) - offset > duration + SEGMENT_OVERRUN_S:
            continue
        if kept and segment["text"].strip() == kept[-1]["text"].strip():
            continue
        kept.append(segment)
    return kept


# Silence between two tails packed into one window: whisper ends one sentence and starts the next
# across it, as across the pauses VAD leaves between the segments of a chunk.
TAIL_GAP_S = 0.4


def pack_frames(
    pieces: list[np.ndarray], window: int, gap: int
) -> list[tuple[np.ndarray, list[tuple[int, int]], int]]:
    """Pack log-mel `pieces` (mels, frames; none longer than `window`) in order into windows of
    `window` frames, `gap` frames apart.

    Returns (features, [(piece index, first frame)], frames used) per window. Frames not covered
    hold the lowest value of the window's pieces: the floor whisper's normalisation clamps silence
    to, as in the zero padding of a short chunk.
    """
    groups: list[list[tuple[int, int]]] = []
    at = window  # where the next piece would start; a full window makes the first piece open one
    for k, piece in enumerate(pieces):
        if at + piece.shape[-1] > window:
            groups.append([])
            at = 0
        groups[-1].append((k, at))
        at += piece.shape[-1] + gap
    packed = []
    for starts in groups:
        first = pieces[starts[0][0]]
        features = np.full((*first.shape[:-1], window), min(float(pieces[k].min()) for k, _ in starts),
                           dtype=first.dtype)
        for k, start in starts:
            features[..., start:start + pieces[k].shape[-1]] = pieces[k]
        k, start = starts[-1]
        packed.append((features, starts, start + pieces[k].shape[-1]))
    return packed


def unpack_segments(
    segments: list[dict[str, Any]], places: list[tuple[int, float, float, float]]
) -> dict[int, list[dict[str, Any]]]:
    """Segments decoded from a packed window, split back to the pieces they came from.

    `places`: (piece, start s, end s in the window, time the piece starts at in the call). Each word
    goes to the piece its middle lies in (or the nearest one, for a word in a gap) and is shifted to
    that piece's time; a segment whose words lie in two pieces becomes one segment in each.
    """
    def piece_of(t: float) -> tuple[int, float, float, float]:
        return min(places, key=lambda p: 0.0 if p[1] <= t <= p[2] else min(abs(t - p[1]), abs(t - p[2])))

    def shifted(item: dict[str, Any], place: tuple[int, float, float, float]) -> dict[str, Any]:
        _, start, end, at = place
        return {**item, "start": at + min(max(float(item["start"]), start), end) - start,
                "end": at + min(max(float(item["end"]), start), end) - start}

    out: dict[int, list[dict[str, Any]]] = {}
    for segment in segments:
        words = segment.get("words") or []
        if not words:
            place = piece_of((float(segment["start"]) + float(segment["end"])) / 2)
            out.setdefault(place[0], []).append(shifted(segment, place))
            continue
        groups: dict[int, list[dict[str, Any]]] = {}
        for word in words:
            place = piece_of((float(word["start"]) + float(word["end"])) / 2)
            groups.setdefault(place[0], []).append(shifted(word, place))
        for k, moved in groups.items():
            out.setdefault(k, []).append({**segment, "words": moved, "start": moved[0]["start"],
                                          "end": moved[-1]["end"], "text": "".join(w["word"] for w in moved)})
    return out


def close_last_segment(tokens: list[int], timestamp_begin: int, duration: float) -> list[int]:
    """`tokens` with a closing timestamp at `duration` when they end in text after a timestamp."""
    if not tokens or tokens[-1] >= timestamp_begin or all(t < timestamp_begin for t in tokens):
        return tokens
    last = max(t for t in tokens if t >= timestamp_begin)
    end = max(timestamp_begin + round(duration / TIMESTAMP_STEP_S), last + 1)
    return [*tokens, end]


def words_of(segments: Iterable[Any], on_progress: Callable[[float], None] | None = None) -> list[Word]:
    """faster-whisper segments -> our words, consumed lazily (segments are decoded as they are read).

    Whisper's word tokens carry their own leading space (" Step", "-by", "-step."): the text is
    stripped, and whether a space preceded it is kept so the utterance text can be joined right.
    The first word of a segment always starts a new word (segments are separate decodes).
    """
    words: list[Word] = []
    for segment in segments:
        first = True
        for w in segment.words or ():
            text = w.word.strip()
            if text:
                words.append(
                    Word(
                        text=text,
                        start=float(w.start),
                        end=float(max(w.end, w.start)),
                        probability=float(w.probability),
                        space_before=first or w.word[:1].isspace(),
                    )
                )
                first = False
        if on_progress is not None:
            on_progress(float(segment.end))
    return words
