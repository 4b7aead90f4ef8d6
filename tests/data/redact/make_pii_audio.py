#!/usr/bin/env python3
"""Regenerate tests/data/redact/pii_phone.wav: a buyer reading out a phone number, by espeak-ng.

    apt-get install -y espeak-ng sox
    .venv/bin/python tests/data/redact/make_pii_audio.py

The tests only read the committed clip; they never need espeak. The line is written for this
project (an invented number in the 555-01xx range reserved for fiction).
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

OUT = Path(__file__).with_name("pii_phone.wav")
RATE = 16_000
LINE = ("Thanks for the demo, it looked good. My cell is four one five, five five five, "
        "oh one three two. Call me on Friday about the pricing.")
LEAD_S = 0.5


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        raw, out = Path(tmp) / "raw.wav", Path(tmp) / "16k.wav"
        subprocess.run(["espeak-ng", "-v", "en-us", "-s", "150", "-w", str(raw), LINE], check=True)
        subprocess.run(["sox", "-D", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(out)], check=True)
        speech, rate = sf.read(out, dtype="float32")
    assert rate == RATE
    pad = np.zeros(int(LEAD_S * RATE), np.float32)
    sf.write(OUT, np.concatenate([pad, speech, pad]), RATE, subtype="PCM_16")


if __name__ == "__main__":
    main()
