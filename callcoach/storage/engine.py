"""Engines, sessions and migrations: one engine per database URL per process, the schema brought
to the newest Alembic revision on first use.

``init_db`` is safe when several processes start at once (CLI, API, workers): on PostgreSQL it
holds an advisory lock while migrating; on SQLite it holds a file lock next to the database,
and every connection runs in WAL mode with a busy timeout so readers and one writer coexist.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from callcoach.errors import StorageError
from callcoach.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger("callcoach.storage")

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration revision. A database already there is recognised by one SELECT, without
# loading Alembic and its scripts (a second of every CLI command's start-up on a busy machine);
# tests/storage/test_migrations_apply.py checks that it names the real head.
HEAD_REVISION = "0009_job_rows_backfill"
# How long a SQLite connection waits for another writer before failing ("database is locked").
# Ingesting one long call writes a few thousand rows in well under a second; 30 s covers bursts.
SQLITE_BUSY_TIMEOUT_MS = 30_000
# Any constant works as long as every callcoach process uses the same one: it names the lock
# that serialises migrations on one PostgreSQL database ("cc" + "mig" in ASCII).
PG_MIGRATION_LOCK_KEY = 0x6363_6D69_67
# Pooled PostgreSQL connections are checked before use: a restarted server or a dropped
# connection then costs a reconnect, not a failed request.
PG_POOL_PRE_PING = True

_migrated: set[str] = set()
_migrate_lock = threading.RLock()


def describe_url(url: str) -> str:
    """The database URL as it may appear in a message (no password)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparsable URL is reported as such below
        return "<unparsable database URL>"


def storage_error(what: str, exc: BaseException, url: str | None = None) -> StorageError:
    """A StorageError with one readable line: what failed and the driver's reason.

    The message may reach an API client, so it never names the database (its URL, user or host):
    the operator's log gets that, on its own line. The engine hides statement parameters
    (``hide_parameters``), so a failed save does not put utterance text in the message either."""
    detail = str(getattr(exc, "orig", None) or exc).strip()
    reason = _scrub(detail.splitlines()[0] if detail else type(exc).__name__, url)
    if url:
        log.debug("%s failed on %s", what, describe_url(url))
    return StorageError(f"{what} failed: {reason}")


def is_duplicate(exc: StorageError) -> bool:
    """Whether the database refused a write for a unique key already taken (two writers raced)."""
    return isinstance(exc.__cause__, IntegrityError)


def _scrub(reason: str, url: str | None) -> str:
    # Driver messages name the host, port and user ('connection to server at "10.0.0.5", port
    # 5432 failed: ...'): keep the kind of failure, drop where it happened.
    if url:
        try:
            parsed = make_url(url)
        except Exception:  # noqa: BLE001 - nothing to scrub with
            return reason
        for part in (url, describe_url(url), parsed.host, parsed.username, parsed.database):
            if part and len(part) > 2:
                reason = reason.replace(str(part), "<database>")
    return re.sub(r"\b[a-z][a-z0-9+]*://\S+", "<url>", reason)


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets readers run while one process writes; foreign keys make ON DELETE CASCADE work.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


_engines: dict[str, Engine] = {}


def _engine(url: str) -> Engine:
    with _migrate_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = _create_engine(url)
        return engine


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, hide_parameters=True
        )
        event.listen(engine, "connect", _on_sqlite_connect)
        return engine
    return create_engine(url, pool_pre_ping=PG_POOL_PRE_PING, hide_parameters=True)


def engine_for(settings: Settings) -> Engine:
    """The process-wide engine for ``settings.database_url`` (created once, reused)."""
    try:
        return _engine(settings.database_url)
    except (SQLAlchemyError, ValueError, OSError) as exc:
        raise storage_error("opening the database", exc, settings.database_url) from exc


def dispose_engines() -> None:
    """Close every pooled connection (tests, and processes that fork after using the database)."""
    from callcoach.storage.versions import close_probes  # it builds on the engines: imported late

    close_probes()
    with _migrate_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()
        _sessionmakers.clear()
        _migrated.clear()


def _after_fork_in_child() -> None:
    # A forked process (Celery prefork) must not reuse its parent's pooled connections: drop
    # them without closing (the parent still owns the sockets) and open new ones on demand.
    for engine in list(_engines.values()):
        engine.dispose(close=False)


os.register_at_fork(after_in_child=_after_fork_in_child)


def alembic_config(url: str | None = None) -> Config:
    """Alembic configuration pointing at the packaged migrations (works when installed)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        # ConfigParser interpolates '%': escape it so URL-encoded passwords survive.
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revisions() -> tuple[str, ...]:
    """The newest migration revision(s); exactly one unless two migrations branch off one parent."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    try:
        return tuple(ScriptDirectory.from_config(alembic_config()).get_heads())
    except (CommandError, KeyError) as exc:  # alembic raises KeyError for a missing down_revision
        raise StorageError(f"the migrations in {MIGRATIONS_DIR} are inconsistent: {exc!r}") from exc


def _current_revisions(conn: Connection) -> tuple[str, ...]:
    from alembic.runtime.migration import MigrationContext

    return tuple(MigrationContext.configure(conn).get_current_heads())


@contextmanager
def _sqlite_file_lock(database: str | None) -> Iterator[None]:
    if not database or database == ":memory:":
        yield
        return
    lock_path = Path(database).with_name(Path(database).name + ".migrate.lock")
    with open(lock_path, "a+b") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _upgrade(conn: Connection) -> None:
    from alembic import command

    cfg = alembic_config()
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, "head")


def _command_error() -> type[Exception]:
    from alembic.util import CommandError

    return CommandError


def _at_known_head(engine: Engine) -> bool:
    """True when the database's one revision is HEAD_REVISION (one SELECT, no Alembic)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except SQLAlchemyError:  # no version table yet: a fresh database, migrated below
        return False
    return [r[0] for r in rows] == [HEAD_REVISION]


def init_db(settings: Settings) -> None:
    """Bring the database to the newest schema (``alembic upgrade head``); cheap when it already is."""
    url = settings.database_url
    if url in _migrated:
        return
    with _migrate_lock:
        if url in _migrated:
            return
        engine = engine_for(settings)
        if _at_known_head(engine):
            _migrated.add(url)
            return
        heads = set(head_revisions())
        try:
            with engine.connect() as conn:
                current = set(_current_revisions(conn))
        except SQLAlchemyError as exc:
            raise storage_error("connecting to the database", exc, url) from exc
        if current == heads:
            _migrated.add(url)
            return
        try:
            if engine.dialect.name == "postgresql":
                with engine.connect() as conn:
                    conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
                    conn.commit()
                    try:
                        if set(_current_revisions(conn)) != heads:
                            _upgrade(conn)
                            conn.commit()
                    finally:
                        conn.rollback()
                        conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": PG_MIGRATION_LOCK_KEY})
                        conn.commit()
            else:
                with _sqlite_file_lock(engine.url.database), engine.connect() as conn:
                    if set(_current_revisions(conn)) != heads:
                        _upgrade(conn)
                        conn.commit()
        except SQLAlchemyError as exc:
            raise storage_error("migrating the database", exc, url) from exc
        except _command_error() as exc:  # e.g. a database migrated by a newer callcoach
            raise StorageError(f"migrating the database failed: {exc} "
                               f"(database at {sorted(current) or 'no revision'}, code at {sorted(heads)})"
                               ) from exc
        log.info("database %s at revision %s", describe_url(url), ", ".join(sorted(heads)))
        _migrated.add(url)


_sessionmakers: dict[str, sessionmaker[Session]] = {}


def _sessionmaker(settings: Settings) -> sessionmaker[Session]:
    maker = _sessionmakers.get(settings.database_url)
    if maker is None or maker.kw.get("bind") is not engine_for(settings):
        maker = sessionmaker(bind=engine_for(settings), expire_on_commit=False)
        _sessionmakers[settings.database_url] = maker
    return maker


def ping(session: Session) -> None:
    """One round trip to the database (a health probe); StorageError when it does not answer."""
    try:
        session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        raise storage_error("database probe", exc) from exc


@contextmanager
def session_scope(settings: Settings) -> Iterator[Session]:
    """A session in one transaction: committed when the block ends, rolled back if it raises.

    Migrates the database on first use. Database errors come out as ``StorageError``."""
    init_db(settings)
    session = _sessionmaker(settings)()
    try:
        yield session
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        raise storage_error("database transaction", exc, settings.database_url) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
