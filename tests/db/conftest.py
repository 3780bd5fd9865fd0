"""A migrated database per test: SQLite, and PostgreSQL when configured."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.backends import Backend, new_backend
from vignette.db.migrate import upgrade
from vignette.db.session import Database


@pytest.fixture
def db(backend_name: str, tmp_path: Path) -> Iterator[Database]:
    backend: Backend = new_backend(backend_name)
    url = backend.database_url or f"sqlite:///{tmp_path / 'v.db'}"
    upgrade(url)
    database = Database(url)
    yield database
    database.dispose()
    backend.drop()
