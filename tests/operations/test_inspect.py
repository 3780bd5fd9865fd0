"""Operators watch the workers with Celery's own tools against Vignette's one app:
`celery -A vignette.worker inspect ping` gets an answer from a running `vignette serve`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.backends import Backend
from tests.support.service import Service

pytestmark = pytest.mark.integration


def test_celery_inspect_ping_answers_from_the_running_worker(
    fresh_backend: Backend, tmp_path: Path
) -> None:
    svc = Service(tmp_path / "data", fresh_backend)
    svc.start()
    try:
        broker = fresh_backend.redis_url or f"unix://{svc.data_dir / 'run' / 'redis.sock'}"
        out = subprocess.run(
            [sys.executable, "-m", "celery", "-A", "vignette.worker", "inspect", "ping",
             "--timeout", "3"],
            env={**svc.env, "VIGNETTE_REDIS_URL": broker},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert out.returncode == 0, out.stdout + out.stderr
        assert "pong" in out.stdout
        assert f"vignette-{svc.pid('worker')}@" in out.stdout  # the worker serve started
    finally:
        svc.stop()
