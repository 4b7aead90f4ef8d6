"""`callcoach calls`, `show` and `keys` import no model and no library they do not use.

Each command runs in a fresh interpreter against a database already at the newest schema, and the
check reads ``sys.modules`` after it answered: it also sees modules imported through
``importlib.import_module`` (the signal and table registries), which ``python -X importtime``
does not report.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from callcoach import storage
from callcoach.domain import CallMeta, Participant, Transcript, Utterance
from callcoach.settings import Settings

# Model and audio libraries, the other doors' frameworks, and Alembic (a database already at the
# head revision is recognised by one SELECT). numpy comes with every model library.
HEAVY = (
    "torch", "spacy", "sentence_transformers", "transformers", "faster_whisper", "sklearn", "scipy",
    "numpy", "presidio_analyzer", "presidio_anonymizer", "av", "soundfile", "dateparser",
    "celery", "redis", "fastapi", "starlette", "uvicorn", "jinja2", "alembic",
)
# Our stages: each pulls models in when it runs.
STAGES = ("signals", "coaching", "redact", "transcribe", "ingest")
# On SQLite, the tables of other aggregates and the PostgreSQL dialect (their partial index names it).
UNUSED_STORAGE = ("callcoach.storage.coaching_models", "callcoach.storage.web_models",
                  "sqlalchemy.dialects.postgresql")

_RUN = """
import json, sys
from callcoach.cli import app
code = 0
try:
    app(sys.argv[2:], prog_name="callcoach")
except SystemExit as exc:
    code = exc.code or 0
with open(sys.argv[1], "w") as fh:
    json.dump({"code": code, "modules": sorted(sys.modules)}, fh)
"""


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A data directory whose database is migrated and holds one call, `acme-1`."""
    settings = Settings(data_dir=tmp_path / "data", database_url="", broker_url=None)
    meta = CallMeta(call_id="acme-1", title="Acme / discovery", rep="Dana Reyes",
                    started_at=datetime(2026, 3, 2, 15, tzinfo=UTC),
                    participants=(Participant("Dana Reyes", "rep"),))
    transcript = Transcript(meta, (Utterance("Dana Reyes", 0.0, 2.0, "Hello there.", "rep"),), 60.0)
    analysis = {"call_id": "acme-1", "title": meta.title, "duration_s": 60.0, "speakers": [],
                "transcript": [], "signals": {}, "coaching": {"prompts": [], "alerts": []}}
    with storage.session_scope(settings) as session:
        storage.save_call(session, transcript, analysis)
        storage.upsert_job(session, "acme-1", status="done")
    storage.dispose_engines()
    return settings.data_dir


def _imported(data_dir: Path, tmp_path: Path, args: list[str]) -> tuple[int, set[str], str]:
    """(exit code, modules imported, stdout) of `callcoach ARGS` run in a fresh interpreter."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")}
    env["CALLCOACH_DATA_DIR"] = str(data_dir)
    env["COLUMNS"] = "200"  # the table shows whole call ids
    out = tmp_path / "modules.json"
    done = subprocess.run([sys.executable, "-c", _RUN, str(out), *args], capture_output=True, text=True,
                          env=env, timeout=120)
    assert out.exists(), done.stderr
    seen = json.loads(out.read_text(encoding="utf-8"))
    return seen["code"], set(seen["modules"]), done.stdout


@pytest.mark.parametrize(
    ("args", "shows"),
    [
        (["calls", "--limit", "5"], "acme-1"),
        (["calls", "--json"], '"acme-1"'),
        (["show", "acme-1"], "Acme / discovery"),
        (["show", "acme-1", "--json"], '"acme-1"'),
        (["keys", "create", "--role", "admin"], "cc_"),
        (["alerts", "--help"], "alerts"),
    ],
)
def test_cli_read_commands_import_no_heavy_module(data_dir: Path, tmp_path: Path, args: list[str],
                                                  shows: str) -> None:
    code, modules, stdout = _imported(data_dir, tmp_path, args)
    assert code == 0 and shows in stdout, (args, code, stdout)
    imported = {m.split(".")[0] for m in modules}
    assert imported & {*HEAVY, *STAGES} == set(), f"{args}: {sorted(imported & {*HEAVY, *STAGES})}"
    assert modules & set(UNUSED_STORAGE) == set(), f"{args}: {sorted(modules & set(UNUSED_STORAGE))}"
    assert {"callcoach", "typer"} <= imported  # the check saw the CLI's own imports


@pytest.mark.slow  # loads spaCy and MiniLM
def test_cli_analyze_transcript_imports_no_transcriber_or_database(tmp_path: Path) -> None:
    """A transcript with sides is analysed without faster-whisper, audio decoding or the database."""
    transcript = Path(__file__).resolve().parents[1] / "data" / "transcripts" / "harbor_discovery.json"
    code, modules, stdout = _imported(tmp_path / "data", tmp_path, ["analyze", str(transcript), "--json"])
    assert code == 0 and json.loads(stdout)["transcript"], stdout[:200]
    imported = {m.split(".")[0] for m in modules}
    unneeded = {"faster_whisper", "av", "transcribe", "sqlalchemy", "alembic", "celery", "fastapi", "uvicorn"}
    assert imported & unneeded == set(), sorted(imported & unneeded)
    assert {"spacy", "sentence_transformers", "signals"} <= imported
