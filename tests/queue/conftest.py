"""A real Redis for the queue's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from tests.support.backends import Backend, new_backend
from vignette.embedded.process import stop_group
from vignette.embedded.redis_server import start_redis


@pytest.fixture
def client(backend_name: str, tmp_path: Path) -> Iterator[redis.Redis]:
    """A real Redis: the embedded server, or a fresh db on the configured one."""
    if backend_name == "embedded":
        proc, url = start_redis(tmp_path)
        c = redis.Redis.from_url(url)
        yield c
        c.close()
        stop_group(proc, timeout=5)
    else:
        backend: Backend = new_backend(backend_name)
        c = redis.Redis.from_url(backend.redis_url)
        yield c
        c.close()
        backend.drop()
