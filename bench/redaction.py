#!/usr/bin/env python3
"""Precision and recall of the PII redactor per entity and per form, on the labeled test set.

    .venv/bin/python bench/redaction.py                       # tests/data/redact/pii_cases.yaml
    .venv/bin/python bench/redaction.py --threshold 0.7 --show-errors

A gold span counts as found when one predicted span of its type covers all of it (nothing of it is
left readable); a predicted span is correct when it overlaps a gold span of its type. Look-alikes
(`keep`: prices, dates, headcounts, quantities, names) must come out verbatim. Goals (issue 12):
recall >= 0.95 on digit forms, >= 0.85 on spoken forms, precision >= 0.95.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from redact import ENTITIES, RedactionOptions, find_pii, redact_text  # noqa: E402

DEFAULT_CASES = REPO / "tests" / "data" / "redact" / "pii_cases.yaml"
GOAL_RECALL = {"digits": 0.95, "spoken": 0.85}
GOAL_PRECISION = 0.95


@dataclass
class Scores:
    gold: Counter[tuple[str, str]]  # (entity, form) -> gold spans
    found: Counter[tuple[str, str]]  # (entity, form) -> gold spans covered by a span of their type
    predicted: Counter[str]  # entity -> predicted spans
    correct: Counter[str]  # entity -> predicted spans overlapping gold of their type
    keeps: int
    keeps_kept: int
    errors: list[str]


def evaluate(cases: list[dict], threshold: float) -> Scores:
    s = Scores(Counter(), Counter(), Counter(), Counter(), 0, 0, [])
    for case in cases:
        text = case["text"]
        options = RedactionOptions(score_threshold=threshold, allow_list=tuple(case.get("allow_list", ())))
        spans = find_pii([text], options)[0]
        gold = []
        pos = 0
        for g in case.get("pii", ()):
            start = text.index(g["text"], pos)
            pos = start + len(g["text"])
            gold.append((g["type"], g["form"], start, pos))
        for entity, form, start, end in gold:
            s.gold[entity, form] += 1
            if any(p.entity == entity and p.start <= start and end <= p.end for p in spans):
                s.found[entity, form] += 1
            else:
                s.errors.append(f"MISSED {entity}/{form}: {text!r} -> {redact_text(text, options)!r}")
        for p in spans:
            s.predicted[p.entity] += 1
            if any(p.entity == e and p.start < end and start < p.end for e, _f, start, end in gold):
                s.correct[p.entity] += 1
            else:
                s.errors.append(f"WRONG {p.entity}: {text[p.start:p.end]!r} in {text!r}")
        if case.get("keep"):
            out = redact_text(text, options)
            for keep in case["keep"]:
                s.keeps += 1
                if keep in out:
                    s.keeps_kept += 1
                else:
                    s.errors.append(f"LOST look-alike {keep!r}: {text!r} -> {out!r}")
    return s


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.3f} ({a}/{b})" if b else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cases", nargs="?", type=Path, default=DEFAULT_CASES)
    ap.add_argument("--threshold", type=float, default=RedactionOptions().score_threshold)
    ap.add_argument("--show-errors", action="store_true")
    args = ap.parse_args()

    cases = yaml.safe_load(args.cases.read_text())
    s = evaluate(cases, args.threshold)
    print(f"{len(cases)} utterances, {sum(s.gold.values())} PII spans, {s.keeps} look-alikes; "
          f"score threshold {args.threshold}")
    print(f"{'entity':9} {'recall digits':>16} {'recall spoken':>16} {'precision':>16}")
    for e in ENTITIES:
        print(f"{e:9} {_ratio(s.found[e, 'digits'], s.gold[e, 'digits']):>16} "
              f"{_ratio(s.found[e, 'spoken'], s.gold[e, 'spoken']):>16} "
              f"{_ratio(s.correct[e], s.predicted[e]):>16}")
    rec = {form: (sum(v for (_, f), v in s.found.items() if f == form),
                  sum(v for (_, f), v in s.gold.items() if f == form)) for form in ("digits", "spoken")}
    prec = (sum(s.correct.values()), sum(s.predicted.values()))
    print(f"{'all':9} {_ratio(*rec['digits']):>16} {_ratio(*rec['spoken']):>16} {_ratio(*prec):>16}")
    print(f"look-alikes kept verbatim: {_ratio(s.keeps_kept, s.keeps)}")
    met = (all(rec[f][1] == 0 or rec[f][0] / rec[f][1] >= GOAL_RECALL[f] for f in rec)
           and (prec[1] == 0 or prec[0] / prec[1] >= GOAL_PRECISION))
    print(f"goals (recall digits >= {GOAL_RECALL['digits']}, spoken >= {GOAL_RECALL['spoken']}, "
          f"precision >= {GOAL_PRECISION}): {'met' if met else 'NOT met'}")
    if args.show_errors:
        print("\n".join(s.errors) or "no errors")
    return 0


if __name__ == "__main__":
    sys.exit(main())
