#!/usr/bin/env python3
"""Our analyze-path transcription, sequential and batched, against faster-whisper's bare `transcribe`.

    .venv/bin/python bench/transcribe.py                       # sample call, stereo and mono
    .venv/bin/python bench/transcribe.py --stereo A.wav --meta A.meta.json --mono B.wav --repeat 5

Ours: `callcoach.services.pipeline.load_transcript` (decode with PyAV, `transcribe_call` with bleed removal or
diarization, utterances, sides): everything `callcoach analyze` does before signals, once with
`transcribe_mode=sequential` and once batched (the default).
Bare: `faster_whisper.decode_audio` then the sequential `WhisperModel.transcribe(...)` with the options
we use (`transcribe._whisper.whisper_options`), segments consumed; for stereo both channels
(`split_stereo=True`), since ours transcribes both too. All share one loaded model. One untimed warm-up
run of each loads the models (reported separately); then `--repeat` rounds of the three back to back,
the order rotated each round; each figure is the median of the per-round ratios to bare (the
machine's load drifts between rounds).
Goals: sequential overhead <= 10% stereo, <= 25% mono including diarization (issue 2); batched
faster than bare (issue 16).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
# Run as a script, this file's folder comes first on sys.path and its name would shadow the
# `transcribe` package: put the repository first.
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from callcoach.services.pipeline import load_transcript  # noqa: E402
from callcoach.settings import Settings  # noqa: E402
from transcribe._whisper import load_whisper, whisper_options  # noqa: E402

SAMPLE = REPO / "samples" / "sample_call.wav"
SAMPLE_META = REPO / "samples" / "sample_call.meta.json"
GOALS = {"stereo": 0.10, "mono": 0.25}


def _bare(path: Path, stereo: bool, settings: Settings) -> Callable[[], int]:
    from faster_whisper import decode_audio

    model = load_whisper(settings)
    options = whisper_options(settings)

    def run() -> int:
        channels = decode_audio(str(path), split_stereo=True) if stereo else (decode_audio(str(path)),)
        words = 0
        for channel in channels:
            segments, _ = model.transcribe(channel, **options)
            words += sum(len(s.words or ()) for s in segments)
        return words

    return run


def _ours(path: Path, meta: Path | None, settings: Settings) -> Callable[[], int]:
    def run() -> int:
        return sum(len(u.words) for u in load_transcript(path, meta_path=meta, settings=settings).utterances)

    return run


def _timed(fn: Callable[[], int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def bench(label: str, path: Path, meta: Path | None, stereo: bool, repeat: int, settings: Settings) -> bool:
    duration = sf.info(str(path)).duration
    runners = {
        "bare faster-whisper": _bare(path, stereo, settings),
        "ours, sequential": _ours(path, meta, settings.model_copy(update={"transcribe_mode": "sequential"})),
        "ours, batched": _ours(path, meta, settings.model_copy(update={"transcribe_mode": "batched"})),
    }
    cold = {name: _timed(fn)[0] for name, fn in runners.items()}
    times: dict[str, list[float]] = {name: [] for name in runners}
    words: dict[str, int] = {}
    names = list(runners)
    for i in range(repeat):
        # Rotate the order so that no runner always goes first (or always after the same one).
        for name in names[i % 3 :] + names[: i % 3]:
            t, words[name] = _timed(runners[name])
            times[name].append(t)
    bare = times["bare faster-whisper"]
    print(f"{label:6} {path.name} ({duration:.1f} s audio), {repeat} rounds")
    ratios = {}
    for name, runs in times.items():
        ratios[name] = statistics.median(o / b for o, b in zip(runs, bare, strict=True))
        median = statistics.median(runs)
        print(
            f"  {name:20} median {median:7.2f} s  RTF {median / duration:.3f}  ratio to bare "
            f"{ratios[name]:.3f}  words {words[name]:5}  runs {', '.join(f'{t:.1f}' for t in runs)}"
        )
    overhead = ratios["ours, sequential"] - 1.0
    speedup = statistics.median(
        b / s for b, s in zip(times["ours, batched"], times["ours, sequential"], strict=True)
    )
    ok = overhead <= GOALS[label] and ratios["ours, batched"] < 1.0
    print(
        f"  sequential overhead {overhead:+.1%} (goal <= {GOALS[label]:.0%}), batched/bare "
        f"{ratios['ours, batched']:.3f} (goal < 1), batched/sequential "
        f"{speedup:.3f}"
        f"  {'OK' if ok else 'MISSED'}"
    )
    print("  first (cold) runs: " + ", ".join(f"{n} {t:.1f} s" for n, t in cold.items()))
    if not stereo:
        t_diarize = _diarization_alone(path, settings)
        print(
            f"  diarization alone (embeddings + clustering, median of {DIARIZE_REPEAT}): {t_diarize:.2f} s "
            f"= {t_diarize / statistics.median(bare):.1%} of the bare transcription"
        )
    return ok


DIARIZE_REPEAT = 5


def _diarization_alone(path: Path, settings: Settings) -> float:
    from faster_whisper import decode_audio

    from transcribe._diarize import diarize_words
    from transcribe._whisper import transcribe_words

    samples = decode_audio(str(path))
    sequential = settings.model_copy(update={"transcribe_mode": "sequential"})
    words = transcribe_words(load_whisper(settings), samples, sequential)
    times = [_timed(lambda: len(diarize_words(samples, 16000, words)))[0] for _ in range(DIARIZE_REPEAT)]
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stereo", type=Path, default=SAMPLE, help="stereo recording (rep left)")
    ap.add_argument("--meta", type=Path, default=SAMPLE_META, help="its --meta file")
    ap.add_argument(
        "--mono", type=Path, default=None, help="mono recording (default: the stereo one mixed down)"
    )
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    settings = Settings()
    print(
        f"model {settings.whisper_model} on {settings.device}/{settings.compute_type}, "
        f"beam {settings.beam_size}, options {whisper_options(settings)}"
    )
    ok = bench("stereo", args.stereo, args.meta, True, args.repeat, settings)
    with tempfile.TemporaryDirectory() as tmp:
        mono = args.mono
        if mono is None:
            samples, rate = sf.read(str(args.stereo), dtype="float32", always_2d=True)
            mono = Path(tmp) / f"{args.stereo.stem}_mono.wav"
            sf.write(str(mono), np.mean(samples, axis=1), rate, subtype="PCM_16")
        meta = args.meta if args.mono is None else None
        ok = bench("mono", mono, meta, False, args.repeat, settings) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
