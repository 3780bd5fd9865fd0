"""Alembic environment: runs migrations against the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from vignette.db import models  # noqa: F401  (registers the tables)
from vignette.db.base import Base

config = context.config


def run_migrations() -> None:
    """Run migrations online, in batch mode so SQLite can alter tables."""
    url = config.get_main_option("sqlalchemy.url")
    assert url
    engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
