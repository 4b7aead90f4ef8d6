"""Write the training corpus: templates x slot fills x speech-recognition noise, seeded.

    .venv/bin/python -m signals._corpus.generate        # rewrites signals/_corpus/data/*.jsonl

Each row is ``{"id", "task", "label", "text", "group", "industry"}``; ``group`` is the template
(``task:label:index``) so cross-validation can keep a template's fills on one side of a fold.
The files are committed: training reads them, and a change of template or seed shows in the diff.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from signals._corpus.templates import TASKS
from signals._corpus.vocab import GENERIC, INDUSTRIES

SEED = 20260309
DATA_DIR = Path(__file__).resolve().parent / "data"
# Fills per template: enough variety of slots and noise per phrasing, few enough that one template
# does not outweigh the others (every template gets the same count).
FILLS_PER_TEMPLATE = 7
# Share of rows rendered as raw speech recognition output (lowercase, no punctuation) and the
# chances of each kind of disfluency; calls from note-takers and from our own Whisper pass mix both.
P_ASR_CASE = 0.45
P_LEAD_FILLER = 0.3
P_FALSE_START = 0.15
P_MID_FILLER = 0.2
P_DIGITS_AS_WORDS = 0.5

LEAD_FILLERS = ("um", "uh", "so", "yeah", "I mean", "you know", "okay so", "honestly", "well", "right, so",
                "look", "yeah no")
MID_FILLERS = ("uh", "um", "like", "you know", "I mean", "sort of", "kind of")
_SLOT = re.compile(r"\{(\w+)\}")
_INDUSTRY_SLOTS = frozenset({"thing", "system", "team", "event"})


def _fill(template: str, rng: random.Random, industry: str) -> str:
    def value(m: re.Match[str]) -> str:
        slot = m.group(1)
        pool = INDUSTRIES[industry][slot] if slot in _INDUSTRY_SLOTS else GENERIC[slot]
        return rng.choice(pool)

    return _SLOT.sub(value, template)


def _digits_as_words(text: str) -> str:
    from num2words import num2words

    return re.sub(r"(?<![\w$,.:])\d+(?![\w,.:%])", lambda m: num2words(int(m.group(0))), text)


def _noisy(text: str, rng: random.Random, question: bool) -> str:
    """Render `text` as a person said it: disfluencies, and either ASR casing or written punctuation."""
    words = text.split()
    if rng.random() < P_FALSE_START and len(words) > 3:
        k = rng.choice((1, 1, 2))
        words = [*words[:k], *(w.rstrip(",") for w in words[:k]), *words[k:]]
    if rng.random() < P_MID_FILLER and len(words) > 4:
        at = rng.randrange(2, len(words) - 1)
        words.insert(at, rng.choice(MID_FILLERS))
    if rng.random() < P_LEAD_FILLER:
        words.insert(0, rng.choice(LEAD_FILLERS) + ",")
    out = " ".join(words)
    if rng.random() < P_DIGITS_AS_WORDS:
        out = _digits_as_words(out)
    if rng.random() < P_ASR_CASE:
        return re.sub(r"[.,!?;:]", "", out.lower())
    out = out[0].upper() + out[1:]
    # Questions keep no question mark: the "?" rule is exact and applied outside the classifier.
    return out if question else out + rng.choice((".", ".", ".", "!"))


def generate(seed: int = SEED) -> dict[str, list[dict[str, str]]]:
    """All rows per task, deterministic for a seed."""
    industries = sorted(INDUSTRIES)
    out: dict[str, list[dict[str, str]]] = {}
    for task, by_label in TASKS.items():
        rows: list[dict[str, str]] = []
        seen: set[str] = set()
        for label, templates in by_label.items():
            for t_idx, template in enumerate(templates):
                group = f"{task}:{label}:{t_idx}"
                # One stream per template (seeded by its text): adding or editing a template leaves
                # every other template's rows as they were, so the data diff shows only the change.
                rng = random.Random(f"{seed}:{task}:{label}:{template}")
                for _ in range(FILLS_PER_TEMPLATE):
                    industry = rng.choice(industries)
                    text = _noisy(_fill(template, rng, industry), rng, question=task == "question")
                    if text in seen:
                        continue
                    seen.add(text)
                    rows.append({"id": f"{group}:{len(rows)}", "task": task, "label": label, "text": text,
                                 "group": group, "industry": industry})
        out[task] = rows
    return out


def write(data_dir: Path = DATA_DIR) -> dict[str, int]:
    data_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for task, rows in generate().items():
        path = data_dir / f"{task}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        counts[task] = len(rows)
    return counts


def main() -> None:
    from collections import Counter

    for task, n in write().items():
        labels = Counter(json.loads(line)["label"] for line in (DATA_DIR / f"{task}.jsonl").open())
        print(f"{task:11} {n:5d} rows  " + "  ".join(f"{k} {v}" for k, v in sorted(labels.items())))


if __name__ == "__main__":
    main()
