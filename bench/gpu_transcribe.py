#!/usr/bin/env python3
"""A long stereo recording through the analyze path's transcription, in one go: for a GPU machine.

    # on a GPU machine (model: a local CTranslate2 model folder, or a name already in the HF cache)
    .venv/bin/python bench/gpu_transcribe.py --device cuda --compute-type float16 --model PATH
    # smoke test on a CPU, 2 minutes of audio
    .venv/bin/python bench/gpu_transcribe.py --smoke

Steps, each timed: build a `--minutes` long stereo recording (rep left, buyer right) by tiling the
`--source` recordings (default: the committed sample call) into a 16-bit WAV, written block by block;
load the whisper model; run `callcoach.services.pipeline.load_transcript` on the file (decode, transcribe both
channels, bleed removal, utterances, sides) in each `--modes` with a progress bar on stderr.
Reports the real-time factor (transcription seconds / audio seconds, model load excluded), the batch
size used, peak resident memory of the process (ru_maxrss), peak GPU memory in use (NVML or
nvidia-smi polled every 0.2 s, minus what was in use before the model loaded) and the WER against the
tiled references. `--json PATH` also writes the figures as JSON. Nothing here needs a GPU.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from bench.quality import word_error_rate  # noqa: E402
from callcoach.domain import CallMeta, Participant  # noqa: E402
from callcoach.settings import Settings  # noqa: E402

SAMPLE = REPO / "samples" / "sample_call.wav"
RATE = 16000
# Silence between two tiled copies: longer than a turn pause, so no utterance spans a seam.
SEAM_S = 2.0
GPU_POLL_S = 0.2
SMOKE_MINUTES = 2.0


def build_recording(sources: list[Path], minutes: float, out: Path) -> tuple[float, list[str], CallMeta]:
    """Tile `sources` (stereo, 16 kHz) into `out` until it lasts `minutes`; (duration, reference texts,
    metadata of the first source). Written block by block: memory stays at one source."""
    target = int(minutes * 60 * RATE)
    refs: list[str] = []
    first = _reference(sources[0])
    meta = CallMeta(call_id="long-call", rep=first.get("rep"),
                    participants=tuple(Participant(p["name"], p.get("side", "unknown"))
                                       for p in first.get("participants", [])))
    clips = []
    for src in sources:
        samples, rate = sf.read(str(src), dtype="int16", always_2d=True)
        if rate != RATE or samples.shape[1] != 2:
            raise SystemExit(f"{src}: need a 16 kHz stereo recording, got {rate} Hz x {samples.shape[1]}")
        ref = _reference(src)
        clips.append((samples, " ".join(u["text"] for u in ref["utterances"])))
    seam = np.zeros((int(SEAM_S * RATE), 2), dtype=np.int16)
    written = 0
    with sf.SoundFile(str(out), "w", samplerate=RATE, channels=2, subtype="PCM_16") as f:
        while written < target:
            samples, text = clips[len(refs) % len(clips)]
            f.write(samples)
            f.write(seam)
            written += len(samples) + len(seam)
            refs.append(text)
    return written / RATE, refs, meta


def _reference(recording: Path) -> dict[str, Any]:
    """synth_call.py writes X.wav.ref.json; the committed fixtures are X.ref.json."""
    for ref in (Path(f"{recording}.ref.json"), recording.with_suffix(".ref.json")):
        if ref.exists():
            return dict(json.loads(ref.read_text()))
    raise SystemExit(f"{recording}: no reference transcript beside it")


@contextmanager
def gpu_memory_peak() -> Iterator[dict[str, int | None]]:
    """Polls the GPU's used memory in a thread; yields a dict filled with base/peak bytes (None: no GPU)."""
    result: dict[str, int | None] = {"base": _gpu_used(), "peak": None}
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            used = _gpu_used()
            if used is not None:
                result["peak"] = max(result["peak"] or 0, used)
            stop.wait(GPU_POLL_S)

    thread = threading.Thread(target=poll, daemon=True)
    if result["base"] is not None:
        thread.start()
    try:
        yield result
    finally:
        stop.set()
        if thread.is_alive():
            thread.join()


def _gpu_used(index: int = 0) -> int | None:
    try:
        import pynvml  # type: ignore[import-not-found]

        pynvml.nvmlInit()
        return int(pynvml.nvmlDeviceGetMemoryInfo(pynvml.nvmlDeviceGetHandleByIndex(index)).used)
    except Exception:  # noqa: BLE001 - no NVML: try nvidia-smi
        pass
    smi = shutil.which("nvidia-smi")
    if smi is None:
        return None
    try:
        query = [smi, "--query-gpu=memory.used", "--format=csv,noheader,nounits", f"--id={index}"]
        out = subprocess.run(query, check=True, capture_output=True, text=True, timeout=10).stdout
        return int(float(out.strip().splitlines()[0]) * 1024**2)
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None


def run_mode(
    path: Path, meta: CallMeta, settings: Settings, duration: float, refs: list[str]
) -> dict[str, Any]:
    from rich.console import Console

    from callcoach.cli.progress import stage_progress
    from callcoach.services.pipeline import load_transcript
    from transcribe._whisper import batch_size

    err = Console(stderr=True)
    t0 = time.perf_counter()
    with stage_progress(err, enabled=err.is_terminal) as progress:
        last = [0.0]

        def report(stage: str, fraction: float) -> None:
            progress(stage, fraction)
            # Without a terminal (a device job, a log file) print a line every 10%.
            if not err.is_terminal and fraction >= last[0] + 0.1:
                last[0] = fraction
                print(f"    {stage} {fraction:4.0%}  {time.perf_counter() - t0:7.1f} s", file=sys.stderr,
                      flush=True)

        transcript = load_transcript(path, meta=meta, settings=settings, progress=report)
    elapsed = time.perf_counter() - t0
    hyp = " ".join(u.text for u in transcript.utterances)
    return {
        "mode": settings.transcribe_mode,
        "batch_size": batch_size(settings) if settings.transcribe_mode == "batched" else 1,
        "seconds": round(elapsed, 2),
        "rtf": round(elapsed / duration, 4),
        "words": sum(len(u.words) for u in transcript.utterances),
        "utterances": len(transcript.utterances),
        "wer": round(word_error_rate(" ".join(refs), hyp), 4),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--smoke", action="store_true", help=f"{SMOKE_MINUTES:g} minutes on the CPU settings")
    ap.add_argument("--device", default=None, help="cpu, cuda or auto (default: the settings')")
    ap.add_argument("--compute-type", default=None, help="float16 on a GPU, int8 on CPU")
    ap.add_argument("--model", default=None, help="faster-whisper model name or path")
    ap.add_argument("--batch-size", type=int, default=None, help="0 = from the free memory")
    ap.add_argument("--modes", nargs="+", default=["batched"], choices=["batched", "sequential"])
    ap.add_argument("--source", type=Path, nargs="+", default=[SAMPLE],
                    help="stereo 16 kHz recordings, each with a synth_call-style X.ref.json beside it")
    ap.add_argument("--json", type=Path, default=None, help="write the figures here too")
    args = ap.parse_args()
    minutes = SMOKE_MINUTES if args.smoke else args.minutes
    overrides = {k: v for k, v in {"device": args.device, "compute_type": args.compute_type,
                                   "whisper_model": args.model, "whisper_batch_size": args.batch_size}.items()
                 if v is not None}

    figures: dict[str, Any] = {"minutes": minutes, "runs": []}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        path = Path(tmp) / "long_call.wav"
        duration, refs, meta = build_recording(args.source, minutes, path)
        figures["audio_s"] = round(duration, 1)
        print(f"recording: {duration / 60:.1f} min stereo ({path.stat().st_size / 1e6:.0f} MB, "
              f"{len(refs)} tiled copies), built in {time.perf_counter() - t0:.1f} s", flush=True)
        settings = Settings(**overrides)
        figures["settings"] = {"model": settings.whisper_model, "device": settings.device,
                               "compute_type": settings.compute_type, "beam_size": settings.beam_size}
        print(f"model {settings.whisper_model} on {settings.device}/{settings.compute_type}, "
              f"beam {settings.beam_size}", flush=True)
        with gpu_memory_peak() as gpu:
            from transcribe._whisper import load_whisper

            t0 = time.perf_counter()
            load_whisper(settings)
            figures["model_load_s"] = round(time.perf_counter() - t0, 2)
            print(f"model load {figures['model_load_s']:.1f} s", flush=True)
            for mode in args.modes:
                mode_settings = settings.model_copy(update={"transcribe_mode": mode})
                run = run_mode(path, meta, mode_settings, duration, refs)
                figures["runs"].append(run)
                print(f"  {mode:10} batch {run['batch_size']:3}  {run['seconds']:8.1f} s  "
                      f"RTF {run['rtf']:.4f} ({1 / run['rtf']:.0f}x real time)  words {run['words']}  "
                      f"WER {run['wer']:.3f}", flush=True)
    # ru_maxrss is in kilobytes on Linux.
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    if gpu["peak"] is not None and gpu["base"] is not None:
        figures["peak_gpu_mb"] = round((gpu["peak"] - gpu["base"]) / 1024**2, 1)
    gpu_text = f"{figures['peak_gpu_mb']:.0f} MB" if "peak_gpu_mb" in figures else "n/a (no GPU seen)"
    print(f"peak RSS {figures['peak_rss_mb']:.0f} MB, peak GPU memory {gpu_text}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
