"""Shared test fixtures: isolated settings, and the real Redis and PostgreSQL on the machine.

Under CI=true a missing Redis or PostgreSQL fails the test run; elsewhere (a laptop) those
tests are skipped with a reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from callcoach.settings import Settings

PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
REDIS_URL = "redis://127.0.0.1:6379"
DATA = Path(__file__).parent / "data"


def _unavailable(what: str, exc: Exception) -> None:
    msg = f"{what} is not reachable: {exc}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{msg} (CI=true: services are required)", pytrace=False)
    pytest.skip(msg)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings with a private data dir and SQLite database, in-process execution."""
    return Settings(data_dir=tmp_path / "data", database_url="", broker_url=None)


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test (dropped afterwards), as a SQLAlchemy URL."""
    try:
        import psycopg

        admin = psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001
        _unavailable("PostgreSQL at 127.0.0.1:5432", exc)
        raise
    name = f"cc_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def redis_url() -> str:
    """The machine's Redis; tests must namespace their keys/queues (e.g. with a uuid)."""
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:  # noqa: BLE001
        _unavailable("Redis at 127.0.0.1:6379", exc)
        raise
    return REDIS_URL
