"""Alembic environment for callcoach: the packaged migrations, run on the connection that
``callcoach.storage.init_db`` hands over (under its lock), or on the configured URL when run
from the ``alembic`` command (``alembic -c callcoach/storage/alembic.ini upgrade head``)."""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context
from sqlalchemy import Engine, create_engine

from callcoach.storage import full_metadata

config = context.config
if config.config_file_name and not config.attributes.get("connection"):
    # Only the alembic command configures logging from the ini; in-process runs keep the app's.
    fileConfig(config.config_file_name, disable_existing_loggers=False)
# Every table (core, coaching, access, web), for autogenerate.
target_metadata = full_metadata()


def _engine() -> Engine:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return create_engine(url)
    from callcoach.settings import get_settings
    from callcoach.storage import engine_for

    # The application's engine: creates the SQLite data directory and sets the same pragmas.
    return engine_for(get_settings())


def run_migrations_offline() -> None:
    context.configure(url=_engine().url, target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        # render_as_batch: SQLite cannot ALTER most things; batch mode copies the table instead.
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    with _engine().connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
