"""Alembic environment: the URL comes from the Config built in hedui.appdb.engine."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

from hedui.appdb.schema import metadata

config = context.config


def run_migrations_online() -> None:
    engine = create_engine(config.get_main_option("sqlalchemy.url"), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
