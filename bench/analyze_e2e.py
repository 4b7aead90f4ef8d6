#!/usr/bin/env python3
"""End to end: `callcoach analyze --json` of a stereo call against the bare sequential baseline.

    .venv/bin/python bench/analyze_e2e.py CALL.wav --meta META.json --ref CALL.wav.ref.json --rounds 3

Both sides run as fresh processes (interpreter start, imports and model loads included, as a CLI
user sees them), alternately, `--rounds` pairs with the order swapped each round:
- ours: `python -m callcoach.cli analyze CALL --meta META --json` with the settings of the
  environment (batched transcription by default): decoding, transcription, bleed removal, sides,
  every signal and the coaching.
- baseline (`--baseline`, this file in a child process): one WhisperModel load, faster-whisper's
  sequential `transcribe` of both channels (`decode_audio(split_stereo=True)`, the options of
  `transcribe._whisper.whisper_options`), then one load and one pass of the NLP models over the
  segment texts: spaCy parse (`nlp.pipe`), MiniLM sentence embeddings, VADER scores.
The figure is the median of the per-pair ratios ours / baseline (the load of a shared machine drifts
between pairs). With `--ref` (synth_call.py's reference) it also prints our WER on the call.
Goal (issue 16): ratio <= 0.75 and WER <= 0.12 on the neural-voice (piper) 6-minute call.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

GOAL_RATIO = 0.75
GOAL_WER = 0.12


def baseline(call: Path) -> int:
    """The bare sequential baseline in this process; returns the number of words whisper produced."""
    from faster_whisper import WhisperModel, decode_audio

    from callcoach.nlp import embed, load_spacy
    from callcoach.settings import Settings
    from signals._sentiment.lexicon import vader_scores
    from transcribe._whisper import whisper_options

    settings = Settings(transcribe_mode="sequential")
    model = WhisperModel(settings.whisper_model, device=settings.device, compute_type=settings.compute_type,
                         cpu_threads=settings.cpu_threads, local_files_only=True)
    texts, words = [], 0
    for channel in decode_audio(str(call), split_stereo=True):
        segments, _ = model.transcribe(channel, **whisper_options(settings))
        for segment in segments:
            texts.append(segment.text.strip())
            words += len(segment.words or ())
    nlp = load_spacy()
    parsed = sum(len(doc) for doc in nlp.pipe(texts))
    vectors = embed(texts)
    scores = vader_scores(texts)
    assert parsed and len(vectors) == len(texts) == len(scores)
    return words


def _timed(cmd: list[str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, env=os.environ.copy())
    elapsed = time.perf_counter() - t0
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("call", type=Path, help="stereo recording, rep on the left")
    ap.add_argument("--meta", type=Path, help="its --meta file")
    ap.add_argument("--ref", type=Path, help="synth_call.py reference (.ref.json), for the WER")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--baseline", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        print(baseline(args.call))
        return 0

    ours_cmd = [sys.executable, "-m", "callcoach.cli", "analyze", str(args.call.resolve()), "--json"]
    if args.meta:
        ours_cmd[5:5] = ["--meta", str(args.meta.resolve())]
    base_cmd = [sys.executable, str(Path(__file__).resolve()), str(args.call.resolve()), "--baseline"]
    ours_t: list[float] = []
    base_t: list[float] = []
    analysis: dict[str, object] = {}
    for i in range(args.rounds):
        pair = [("ours", ours_cmd), ("base", base_cmd)]
        for name, cmd in pair if i % 2 == 0 else pair[::-1]:
            elapsed, out = _timed(cmd)
            if name == "ours":
                ours_t.append(elapsed)
                analysis = json.loads(out)
            else:
                base_t.append(elapsed)
            print(f"  round {i + 1} {name:4} {elapsed:7.2f} s", flush=True)
    ratio = statistics.median(o / b for o, b in zip(ours_t, base_t, strict=True))
    duration = float(analysis.get("duration_s", 0.0))  # type: ignore[arg-type]
    print(f"{args.call.name} ({duration:.1f} s audio), {args.rounds} alternated pairs, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"  baseline (sequential whisper + NLP pass)  median {statistics.median(base_t):7.2f} s  "
          f"runs {', '.join(f'{t:.1f}' for t in base_t)}")
    print(f"  callcoach analyze --json                  median {statistics.median(ours_t):7.2f} s  "
          f"runs {', '.join(f'{t:.1f}' for t in ours_t)}")
    ok = ratio <= GOAL_RATIO
    print(f"  ratio (median of paired runs) {ratio:.3f}  goal <= {GOAL_RATIO}  {'OK' if ok else 'MISSED'}")
    if args.ref:
        from bench.quality import word_error_rate

        ref = json.loads(args.ref.read_text())
        hyp = " ".join(u["text"] for u in analysis["transcript"])  # type: ignore[attr-defined]
        wer = word_error_rate(" ".join(u["text"] for u in ref["utterances"]), hyp)
        print(f"  WER {wer:.3f}  goal <= {GOAL_WER}  {'OK' if wer <= GOAL_WER else 'MISSED'}")
        ok = ok and wer <= GOAL_WER
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
