#!/usr/bin/env python3
"""Transcription quality on synthetic speech: word error rate and time-weighted side agreement.

Each call in ../shared/calls is rendered with espeak-ng by ../shared/tools/synth_call.py (first 16
utterances, mono and --stereo) into a temporary folder; the recording then goes through our analyze
path (ingest -> transcribe_call -> assign_sides) with the call's metadata (its JSON minus utterances
and labels, as `callcoach analyze X.wav --meta META.json` would get it). Mono is also run with no
metadata at all (speaker count and sides from the audio and cues alone).

    .venv/bin/python bench/quality.py                  # needs espeak-ng and sox
    .venv/bin/python bench/quality.py --calls DIR --work /tmp/cc_quality

Metrics:
- WER: word-level edit distance over the whole call / reference words, after lowercasing, dropping
  punctuation and writing numbers as spoken words (num2words) on both sides ("30%" == "thirty percent").
- side agreement: over the time where both the reference and our transcript have speech, the share
  of time where our side (rep/buyer) equals the reference speaker's side. Coverage is reported too:
  the share of reference speech time that our utterances cover at all.
Targets (issue 2): WER <= 0.20 with tiny.en; side agreement >= 0.97 stereo, >= 0.85 mono.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from num2words import num2words

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

SHARED = REPO.parent / "shared"
# Side agreement is measured on a 10 ms grid: finer than any utterance boundary error that matters.
GRID_S = 0.01
UTTERANCES = 16

_NUMBER = re.compile(r"(?P<cur>\$)?(?P<num>\d[\d,]*(?:\.\d+)?)(?P<pct>\s?%)?")
_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th)\b")
_NON_WORD = re.compile(r"[^a-z0-9' ]+")


def _spoken_number(m: re.Match[str]) -> str:
    raw = m.group("num").replace(",", "")
    try:
        words = num2words(float(raw) if "." in raw else int(raw))
    except (ValueError, OverflowError):
        return m.group(0)
    if m.group("pct"):
        words += " percent"
    if m.group("cur"):
        words += " dollars"
    return f" {words} "


def normalise(text: str) -> list[str]:
    """Lowercase words without punctuation, numbers as spoken words."""
    text = _ORDINAL.sub(lambda m: f" {num2words(int(m.group(1)), to='ordinal')} ", text)
    text = _NUMBER.sub(_spoken_number, text)
    text = text.lower().replace("-", " ").replace("%", " percent ")
    text = _NON_WORD.sub(" ", text)
    return [w.strip("'") for w in text.split() if w.strip("'")]


def edit_distance(ref: Sequence[str], hyp: Sequence[str]) -> int:
    """Word-level Levenshtein distance (substitutions + deletions + insertions)."""
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1]


def word_error_rate(ref_text: str, hyp_text: str) -> float:
    ref = normalise(ref_text)
    return edit_distance(ref, normalise(hyp_text)) / max(len(ref), 1)


def _side_grid(spans: Sequence[tuple[float, float, str]], n: int) -> np.ndarray:
    grid = np.full(n, "", dtype=object)
    for start, end, side in spans:
        grid[int(start / GRID_S) : int(end / GRID_S)] = side
    return grid


def side_agreement(
    ref: Sequence[tuple[float, float, str]], hyp: Sequence[tuple[float, float, str]]
) -> tuple[float, float]:
    """(agreement, coverage): time-weighted, over (start, end, side) spans of reference and ours."""
    end = max([e for _, e, _ in ref] + [e for _, e, _ in hyp] + [GRID_S])
    n = int(end / GRID_S) + 1
    r, h = _side_grid(ref, n), _side_grid(hyp, n)
    both = (r != "") & (h != "")
    agreement = float(np.mean(r[both] == h[both])) if both.any() else 0.0
    coverage = float(both.sum() / max((r != "").sum(), 1))
    return agreement, coverage


def _synth(call: Path, out: Path, stereo: bool) -> Path:
    if not out.exists() or not Path(f"{out}.ref.json").exists():
        cmd = [
            sys.executable,
            str(SHARED / "tools" / "synth_call.py"),
            str(call),
            str(out),
            "--max-utterances",
            str(UTTERANCES),
        ] + (["--stereo"] if stereo else [])
        subprocess.run(cmd, check=True, capture_output=True)
    return Path(f"{out}.ref.json")


def _meta_file(call: Path, work: Path) -> Path:
    data = json.loads(call.read_text())
    meta = {k: v for k, v in data.items() if k not in ("utterances", "labels")}
    path = work / f"{call.stem}.meta.json"
    path.write_text(json.dumps(meta))
    return path


def evaluate(audio: Path, ref_path: Path, meta_path: Path | None) -> dict[str, float]:
    from callcoach.services.pipeline import load_transcript
    from callcoach.settings import Settings

    ref = json.loads(ref_path.read_text())
    sides = {p["name"]: p.get("side", "unknown") for p in ref.get("participants", [])}
    t0 = time.perf_counter()
    transcript = load_transcript(audio, meta_path=meta_path, settings=Settings())
    elapsed = time.perf_counter() - t0
    ref_text = " ".join(u["text"] for u in ref["utterances"])
    hyp_text = " ".join(u.text for u in transcript.utterances)
    agreement, coverage = side_agreement(
        [(u["start"], u["end"], sides.get(u["speaker"], "unknown")) for u in ref["utterances"]],
        [(u.start, u.end, u.side) for u in transcript.utterances],
    )
    ref_words = len(normalise(ref_text))
    return {
        "wer": word_error_rate(ref_text, hyp_text),
        "ref_words": ref_words,
        "edits": edit_distance(normalise(ref_text), normalise(hyp_text)),
        "agreement": agreement,
        "coverage": coverage,
        "ref_speakers": len({u["speaker"] for u in ref["utterances"]}),
        "found_speakers": len(transcript.speakers),
        "seconds": elapsed,
        "audio_s": transcript.duration_s,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=SHARED / "calls")
    ap.add_argument("--work", type=Path, default=Path("/tmp/cc_quality"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    calls = sorted(args.calls.glob("*.json"))
    modes = (("stereo", True, True), ("mono", False, True), ("mono-nometa", False, False))
    results: dict[str, list[dict[str, float]]] = {m: [] for m, _, _ in modes}
    print(f"{'call':34} {'mode':12} {'WER':>6} {'sides':>6} {'cover':>6} {'spk':>7} {'audio':>6} {'time':>6}")
    for call in calls:
        meta_path = _meta_file(call, args.work)
        for mode, stereo, with_meta in modes:
            wav = args.work / f"{call.stem}.{'stereo' if stereo else 'mono'}.wav"
            ref_path = _synth(call, wav, stereo)
            r = evaluate(wav, ref_path, meta_path if with_meta else None)
            results[mode].append(r)
            print(
                f"{call.stem:34} {mode:12} {r['wer']:6.3f} {r['agreement']:6.3f} {r['coverage']:6.3f} "
                f"{int(r['found_speakers'])}/{int(r['ref_speakers']):<5} {r['audio_s']:6.1f} "
                f"{r['seconds']:6.1f}",
                flush=True,
            )
    print()
    targets = {"stereo": 0.97, "mono": 0.85, "mono-nometa": 0.85}
    for mode, rows in results.items():
        wer = sum(r["edits"] for r in rows) / max(sum(r["ref_words"] for r in rows), 1)
        weights = np.array([r["audio_s"] for r in rows])
        agreement = float(np.average([r["agreement"] for r in rows], weights=weights))
        coverage = float(np.average([r["coverage"] for r in rows], weights=weights))
        speakers_ok = sum(r["found_speakers"] == r["ref_speakers"] for r in rows)
        # Stereo has one speaker per channel by design: every buyer shares the right channel.
        count = "(one per channel)" if mode == "stereo" else f"{speakers_ok}/{len(rows)}"
        print(
            f"{mode:12} WER {wer:.3f} (target <= 0.20)   side agreement {agreement:.3f} "
            f"(target >= {targets[mode]:.2f}, worst call {min(r['agreement'] for r in rows):.3f})   "
            f"coverage {coverage:.3f}   speaker count right {count}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
