"""The operations commands as a user runs them: keys create/revoke, reconcile, worker without a broker."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import dispose_engines, session_scope

CLI = Path(sys.executable).with_name("callcoach")


def _run(data_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CALLCOACH_")}
    base.update({"CALLCOACH_DATA_DIR": str(data_dir), **env})
    return subprocess.run([str(CLI), *args], capture_output=True, text=True, env=base, timeout=120)


def test_cli_ops_keys_create_prints_a_working_key_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = _run(data, "keys", "create", "--role", "rep", "--rep", "Dana Reyes", "--team", "east")
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()
    assert key.startswith("cc_") and len(key) > 40
    assert key[:11] in done.stderr and key not in done.stderr  # only the prefix is echoed
    settings = Settings(data_dir=data)
    with session_scope(settings) as session:
        record = access.verify_key(session, key)
        assert record is not None and (record.role, record.rep, record.team) == ("rep", "Dana Reyes", "east")
        assert access.team_of(session, "Dana Reyes") == "east"
    revoked = _run(data, "keys", "revoke", key[:11])
    assert revoked.returncode == 0, revoked.stderr
    with session_scope(settings) as session:
        assert access.verify_key(session, key) is None
    dispose_engines()


def test_cli_ops_keys_create_rejects_incomplete_roles(tmp_path: Path) -> None:
    done = _run(tmp_path / "data", "keys", "create", "--role", "manager")
    assert done.returncode == 2 and "needs --team" in done.stderr and done.stdout == ""
    done = _run(tmp_path / "data", "keys", "create", "--role", "owner")
    assert done.returncode == 2 and "unknown role 'owner'" in done.stderr


def test_cli_ops_worker_needs_a_broker(tmp_path: Path) -> None:
    done = _run(tmp_path / "data", "worker", "--queues", "transcribe")
    assert done.returncode == 2 and "CALLCOACH_BROKER_URL" in done.stderr


def test_cli_ops_reconcile_with_nothing_stuck(tmp_path: Path) -> None:
    done = _run(tmp_path / "data", "reconcile")
    assert done.returncode == 0 and "0 stuck call(s)" in done.stderr
