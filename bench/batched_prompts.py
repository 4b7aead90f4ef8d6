#!/usr/bin/env python3
"""Context for batched chunks, measured: two ways to give a batched chunk what sequential decoding gets
from the text before it, against plain batched and sequential (docs/transcribe.md, Figures, issue 16).

    PYTHONPATH=. .venv/bin/python bench/batched_prompts.py --only dev-01 dev-02 --variants sequential \\
        batched meta prev_best prev_best+meta

Variants (each through the analyze path with the call's metadata, scored like bench/batched_quality.py):
- sequential, batched: the two transcription modes as shipped.
- meta: batched, every chunk decoded after the call's vocabulary ("<title>. <name>, <title>. ...",
  from the metadata) as faster-whisper's `initial_prompt`.
- prev, prev_best: batched, then each chunk decoded a second time from the same encoder output with
  the previous chunk's first-pass text as prompt (CTranslate2 needs every prompt of one batch at the
  same length: cut to the shortest); prev keeps the second decode, prev_best the one with the higher
  avg_logprob. "+meta" adds the vocabulary prompt to the first pass.

The variants are not in the product (neither helped beyond one call's noise); this script patches the
batched pipeline of transcribe._whisper for its own process to measure them. Rows go to --out as JSON
lines (WER, edits, words, side agreement, wall and CPU seconds, each chunk's first-pass avg_logprob).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path[:] = [str(REPO)] + [p for p in sys.path if Path(p or ".").resolve() != REPO / "bench"]

import numpy as np  # noqa: E402

import transcribe._whisper as whisper  # noqa: E402
from bench.batched_quality import SHARED, scores, synth  # noqa: E402
from bench.quality import _meta_file  # noqa: E402
from callcoach.settings import Settings  # noqa: E402

# The variant the patched pipeline decodes with: second pass ("prev", "prev_best" or None) and prompt.
CURRENT: dict[str, Any] = {"second_pass": None, "prompt": None}
FIRST_PASS_LOGPROBS: list[float] = []
_shipped_pipeline = whisper._complete_chunks_pipeline
_shipped_options = whisper.batched_options


def _text_tokens(tokens: list[int], tokenizer: Any) -> list[int]:
    return [t for t in tokens if t < tokenizer.eot]


def _pipeline_with_second_pass(model: Any) -> Any:
    import ctranslate2

    shipped = type(_shipped_pipeline(model))

    class SecondPass(shipped):  # type: ignore[misc, valid-type]
        carried: list[int] = []

        def generate_segment_batched(self, features: Any, tokenizer: Any, options: Any) -> Any:
            encoder_output, outputs = super().generate_segment_batched(features, tokenizer, options)
            if self.depth > 0 or CURRENT["second_pass"] is None:
                return encoder_output, outputs
            previous, carried = [], self.carried
            for output in outputs:
                previous.append(carried)
                carried = _text_tokens(output["tokens"], tokenizer) or carried
                FIRST_PASS_LOGPROBS.append(round(float(output["avg_logprob"]), 3))
            self.carried = carried
            redo = [i for i in range(len(outputs)) if previous[i]]
            if not redo:
                return encoder_output, outputs
            keep = min(min(len(previous[i]) for i in redo), model.max_length // 2 - 1)
            prompts = [
                model.get_prompt(tokenizer, previous[i][-keep:], without_timestamps=False) for i in redo
            ]
            encoded = ctranslate2.StorageView.from_array(np.ascontiguousarray(np.array(encoder_output)[redo]))
            results = model.model.generate(
                encoded,
                prompts,
                beam_size=options.beam_size,
                patience=options.patience,
                length_penalty=options.length_penalty,
                max_length=model.max_length,
                suppress_blank=options.suppress_blank,
                suppress_tokens=options.suppress_tokens,
                return_scores=True,
                return_no_speech_prob=True,
                sampling_temperature=options.temperatures[0],
                repetition_penalty=options.repetition_penalty,
                no_repeat_ngram_size=options.no_repeat_ngram_size,
            )
            for i, result in zip(redo, results, strict=True):
                n = len(result.sequences_ids[0])
                logprob = result.scores[0] * (n**options.length_penalty) / (n + 1)
                if CURRENT["second_pass"] == "prev_best" and logprob <= outputs[i]["avg_logprob"]:
                    continue
                tokens = whisper.close_last_segment(
                    result.sequences_ids[0], tokenizer.timestamp_begin, self.durations[i]
                )
                stamps = [t for t in tokens if t >= tokenizer.timestamp_begin]
                self.decoded_until[i] = (
                    (stamps[-1] - tokenizer.timestamp_begin) * whisper.TIMESTAMP_STEP_S
                    if stamps
                    else self.durations[i]
                )
                outputs[i] = {
                    "avg_logprob": logprob,
                    "no_speech_prob": result.no_speech_prob,
                    "tokens": tokens,
                }
            return encoder_output, outputs

    return SecondPass(model)


def _options_with_prompt(settings: Settings, *args: Any) -> dict[str, Any]:
    options = _shipped_options(settings, *args)
    if CURRENT["prompt"]:
        options["initial_prompt"] = CURRENT["prompt"]
    return options


def vocabulary_prompt(meta: dict[str, Any]) -> str:
    """ "<title>. <name>, <title>. ..." from a call's metadata."""
    parts = [meta.get("title") or ""]
    parts += [
        ", ".join(x for x in (p.get("name"), p.get("title")) if x) for p in meta.get("participants", [])
    ]
    return ". ".join(p for p in parts if p) + "."


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--calls", type=Path, default=SHARED / "calls")
    ap.add_argument("--only", nargs="+", default=[], metavar="PREFIX", help="calls whose names start so")
    ap.add_argument("--engine", choices=["espeak", "piper"], default="espeak")
    ap.add_argument("--piper", type=Path, default=Path("/tmp/piper"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/cc_batched_quality"))
    ap.add_argument("--layouts", nargs="+", default=["stereo", "mono"], choices=["stereo", "mono"])
    ap.add_argument(
        "--variants",
        nargs="+",
        default=["sequential", "batched", "meta", "prev_best"],
        choices=["sequential", "batched", "meta", "prev", "prev_best", "prev+meta", "prev_best+meta"],
    )
    ap.add_argument("--out", type=Path, default=Path("/tmp/cc_batched_prompts.jsonl"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    from callcoach.services.pipeline import load_transcript

    whisper._complete_chunks_pipeline = _pipeline_with_second_pass
    whisper.batched_options = _options_with_prompt
    calls = [c for c in sorted(args.calls.glob("*.json")) if c.name.startswith(tuple(args.only) or "")]
    for call in calls:
        stereo, mono, ref_path = synth(call, args.work, args.engine, args.piper)
        ref = json.loads(ref_path.read_text())
        meta_path = _meta_file(call, args.work)
        for layout, wav in (("stereo", stereo), ("mono", mono)):
            if layout not in args.layouts:
                continue
            for variant in args.variants:
                second = variant.split("+")[0]
                CURRENT.update(
                    second_pass=second if second.startswith("prev") else None,
                    prompt=vocabulary_prompt(json.loads(meta_path.read_text()))
                    if variant.endswith("meta")
                    else None,
                )
                FIRST_PASS_LOGPROBS.clear()
                mode = "sequential" if variant == "sequential" else "batched"
                wall, cpu = time.perf_counter(), time.process_time()
                transcript = load_transcript(
                    wav, meta_path=meta_path, settings=Settings(transcribe_mode=mode)
                )
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                row = {
                    "call": call.stem,
                    "layout": layout,
                    "variant": variant,
                    **scores(transcript, ref),
                    "wall_s": round(wall, 1),
                    "cpu_s": round(cpu, 1),
                    "logprobs": list(FIRST_PASS_LOGPROBS),
                }
                row["wer"] = round(row["edits"] / row["ref_words"], 3)
                print(
                    f"{call.stem[:24]:24} {layout:6} {variant:15} WER {row['wer']:.3f} ({row['edits']}/"
                    f"{row['ref_words']}) sides {row['agreement']:.3f} CPU {row['cpu_s']:6.1f} s",
                    flush=True,
                )
                with args.out.open("a") as f:
                    f.write(json.dumps(row) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
