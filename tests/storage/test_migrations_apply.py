"""Migrations: a fresh database is brought to the one head, by one process or several at once,
and the migrated schema is what the models describe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, inspect, text

from callcoach import storage
from callcoach.errors import StorageError
from callcoach.settings import Settings
from callcoach.storage.engine import alembic_config

ROOT = Path(__file__).resolve().parents[2]
CORE_TABLES = {"calls", "participants", "utterances", "analyses", "jobs"}


def test_migrations_single_head() -> None:
    assert len(storage.head_revisions()) == 1
    # The packaged alembic.ini works for the alembic command too.
    out = subprocess.run([str(ROOT / ".venv/bin/alembic"), "-c", "callcoach/storage/alembic.ini", "heads"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60, check=True).stdout
    heads = [line for line in out.splitlines() if line.strip()]
    assert len(heads) == 1 and "(head)" in heads[0], out


def test_migrations_head_revision_constant_names_the_head() -> None:
    """init_db's fast path recognises a migrated database by HEAD_REVISION: it must be the head."""
    from callcoach.storage.engine import HEAD_REVISION

    assert storage.head_revisions() == (HEAD_REVISION,)


@pytest.mark.slow  # runs the alembic command in a subprocess
def test_migrations_alembic_command_upgrades_a_fresh_data_dir(tmp_path: Path) -> None:
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")},
           "CALLCOACH_DATA_DIR": str(tmp_path / "new" / "data")}
    alembic = [str(ROOT / ".venv/bin/alembic"), "-c", "callcoach/storage/alembic.ini"]
    subprocess.run([*alembic, "upgrade", "head"], cwd=ROOT, env=env, capture_output=True, timeout=120,
                   check=True)
    current = subprocess.run([*alembic, "current"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=60, check=True).stdout
    assert f"{storage.head_revisions()[0]} (head)" in current


def test_migrations_fresh_database_reaches_head(db_settings: Settings) -> None:
    storage.init_db(db_settings)
    engine = storage.engine_for(db_settings)
    with engine.connect() as conn:
        assert set(MigrationContext.configure(conn).get_current_heads()) == set(storage.head_revisions())
        tables = set(inspect(conn).get_table_names())
    assert tables >= CORE_TABLES
    assert set(storage.full_metadata().tables) <= tables, "every model's table has a migration"


def _diff_table(diff: Any) -> str | None:
    """The table an autogenerate difference is about: ('add_table', Table), ('add_index', Index),
    ('add_column', schema, 'calls', Column), or a list of ('modify_type', schema, 'calls', ...)."""
    op = diff[0] if isinstance(diff, list) else diff
    for part in op[1:]:
        if isinstance(part, str) and part in CORE_TABLES:
            return part
        if isinstance(part, Table):
            return part.name
        table = getattr(part, "table", None)
        if isinstance(table, Table):
            return table.name
    return None


def test_migrations_match_core_models(db_settings: Settings) -> None:
    storage.init_db(db_settings)
    with storage.engine_for(db_settings).connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), storage.full_metadata())

    assert [d for d in diff if _diff_table(d) in CORE_TABLES] == []


def test_migrations_downgrade_and_upgrade_again(db_settings: Settings) -> None:
    storage.init_db(db_settings)
    with storage.engine_for(db_settings).begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
        assert not CORE_TABLES & set(inspect(conn).get_table_names())
        command.upgrade(cfg, "head")
        assert set(inspect(conn).get_table_names()) >= CORE_TABLES


@pytest.mark.slow  # starts several Python processes that each import storage and migrate
def test_migrations_concurrent_processes_on_fresh_database(db_settings: Settings) -> None:
    # CLI, API and workers may all start at once on an empty database: every one must succeed
    # and the schema must be created once.
    env = {**os.environ, "CALLCOACH_DATABASE_URL": db_settings.database_url,
           "CALLCOACH_DATA_DIR": str(db_settings.data_dir)}
    code = ("from callcoach.settings import get_settings\n"
            "from callcoach.storage import init_db, session_scope, upsert_job\n"
            "import os\n"
            "with session_scope(get_settings()) as s:\n"
            "    upsert_job(s, f'job-{os.getpid()}', status='queued')\n")
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT, stderr=subprocess.PIPE,
                              text=True) for _ in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0], errors
    with storage.engine_for(db_settings).connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM alembic_version")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM jobs")).scalar() == 4


def test_migrations_database_from_newer_code_is_refused_clearly(db_settings: Settings) -> None:
    storage.init_db(db_settings)
    with storage.engine_for(db_settings).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0099_from_the_future'"))
    storage.dispose_engines()  # a new process: nothing known about this database yet
    with pytest.raises(StorageError, match="0099_from_the_future"):
        storage.init_db(db_settings)


def test_migration_0009_gives_every_stored_call_a_job_row(db_settings: Settings) -> None:
    """A call stored without a job row (old `callcoach ingest`) is listed after the upgrade, as done;
    a call that already has a job row keeps it as it was."""
    storage.init_db(db_settings)
    with storage.engine_for(db_settings).begin() as conn:
        cfg = alembic_config()
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0008_team_indexes")
        for call_id in ("legacy-01", "queued-01"):
            conn.execute(text(
                "INSERT INTO calls (call_id, title, rep, duration_s, source, content_hash, created_at, "
                "updated_at) VALUES (:c, 't', 'Dana', 60.0, 'transcript', 'h', CURRENT_TIMESTAMP, "
                "CURRENT_TIMESTAMP)"), {"c": call_id})
        conn.execute(text(
            "INSERT INTO jobs (call_id, status, attempts, created_at, updated_at) "
            "VALUES ('queued-01', 'failed', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        command.upgrade(cfg, "head")
        rows = dict(conn.execute(text(
            "SELECT call_id, status FROM jobs WHERE call_id IN ('legacy-01', 'queued-01')")).all())
    assert rows == {"legacy-01": "done", "queued-01": "failed"}
