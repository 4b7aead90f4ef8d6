"""storage.data_version: equal while nothing is committed, different after any commit, from a
connection of this process or of another process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from callcoach.services import access
from callcoach.settings import Settings
from callcoach.storage import data_version, dispose_engines, list_calls, session_scope

REPO = Path(__file__).resolve().parents[2]


def _write_from_another_process(settings: Settings) -> None:
    code = (
        "from callcoach.settings import Settings\n"
        "from callcoach.services import access\n"
        "from callcoach.storage import session_scope\n"
        f"s = Settings(data_dir={str(settings.data_dir)!r}, database_url={settings.database_url!r})\n"
        "with session_scope(s) as session:\n"
        "    access.create_key(session, role='admin')\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True, timeout=120)


def _check(settings: Settings) -> None:
    try:
        with session_scope(settings) as session:
            access.create_key(session, role="admin")
        before = data_version(settings)
        assert before is not None
        with session_scope(settings) as session:  # reads commit nothing
            list_calls(session)
        assert data_version(settings) == before
        with session_scope(settings) as session:
            access.create_key(session, role="rep", rep="Dana Reyes")
        after_local = data_version(settings)
        assert after_local not in (None, before)
        _write_from_another_process(settings)
        after_other = data_version(settings)
        assert after_other not in (None, before, after_local)
        assert data_version(settings) == after_other
    finally:
        dispose_engines()


def test_sqlite_version_moves_with_each_commit_only(tmp_path: Path) -> None:
    _check(Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'cc.db'}"))


@pytest.mark.services
def test_postgres_version_moves_with_each_commit_only(tmp_path: Path, postgres_url: str) -> None:
    _check(Settings(data_dir=tmp_path / "data", database_url=postgres_url))


def test_in_memory_database_has_no_version(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "data", database_url="sqlite:///:memory:")
    try:
        assert data_version(settings) is None
    finally:
        dispose_engines()


@pytest.mark.services
def test_postgres_async_probe_is_exact_and_shared_by_concurrent_callers(
    tmp_path: Path, postgres_url: str
) -> None:
    import asyncio

    from callcoach.storage import versions

    settings = Settings(data_dir=tmp_path / "data", database_url=postgres_url)

    async def scenario() -> None:
        first = await versions.data_version_async(settings)
        assert first is not None and first == data_version(settings)
        together = await asyncio.gather(*(versions.data_version_async(settings) for _ in range(50)))
        assert set(together) == {first}
        probe = versions._async_probes[postgres_url]
        assert probe.queries < 10  # 51 callers, a handful of round trips
        with session_scope(settings) as session:  # a commit (blocking, on this loop: fine in a test)
            access.create_key(session, role="admin")
        assert await versions.data_version_async(settings) not in (None, first)

    try:
        with session_scope(settings) as session:
            access.create_key(session, role="admin")
        asyncio.run(scenario())
    finally:
        dispose_engines()
