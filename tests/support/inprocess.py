"""The API from `create_app` served in this process, with its Redis and one real worker process.

The API runs on uvicorn in a background thread (real HTTP on 127.0.0.1, no process tree to
start); jobs are run by a real `vignette worker` process on the same database and Redis. It
answers like `Service` (client, base_url, api_key, create_user), so a test can use either.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from tests.support.backends import Backend
from vignette.app import create_app
from vignette.cli.bootstrap import ensure_local_key
from vignette.db.migrate import upgrade
from vignette.db.session import Database
from vignette.embedded.process import child_preexec, stop_group
from vignette.embedded.redis_server import start_redis
from vignette.settings import Settings
from vignette.users.service import create_user


class InProcessApp:
    """create_app(settings) on a free port, its Redis, and (optionally) one worker process."""

    def __init__(
        self, data_dir: Path, backend: Backend, *, worker: bool = True, **settings: Any
    ) -> None:
        self.data_dir = data_dir
        self.backend = backend
        self.with_worker = worker
        self.overrides = settings
        self.redis_proc: subprocess.Popen[bytes] | None = None
        self.worker_proc: subprocess.Popen[bytes] | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""
        self.settings: Settings | None = None
        self.log_path = data_dir / "worker.log"

    def start(self) -> None:
        """Start Redis (embedded backend), migrate, then the worker and the API."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if self.backend.name == "embedded":
            # A real redis-server with its AOF in the data dir: a restart keeps the queues.
            self.redis_proc, redis_url = start_redis(self.data_dir)
            database_url = f"sqlite:///{self.data_dir / 'vignette.db'}"
        else:
            database_url, redis_url = self.backend.database_url, self.backend.redis_url
        settings = Settings(
            data_dir=self.data_dir,
            database_url=database_url,
            redis_url=redis_url,
            **self.overrides,
        )
        self.settings = settings
        upgrade(database_url)
        ensure_local_key(settings)
        if self.with_worker:
            self.start_worker()
        self._serve(settings)

    def _env(self) -> dict[str, str]:
        assert self.settings is not None
        env = {k: v for k, v in os.environ.items() if not k.startswith("VIGNETTE_")}
        env.update({f"VIGNETTE_{k.upper()}": str(v) for k, v in self.overrides.items()})
        env.update(
            VIGNETTE_DATA_DIR=str(self.data_dir),
            VIGNETTE_DATABASE_URL=self.settings.resolved_database_url,
            VIGNETTE_REDIS_URL=self.settings.redis_url,
            PYTHONUNBUFFERED="1",
        )
        return env

    def start_worker(self) -> None:
        """Start one `vignette worker` on every queue, as `vignette serve` does."""
        assert self.settings is not None
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.worker_proc = subprocess.Popen(
            [sys.executable, "-m", "vignette", "worker", "--queues", "heavy,normal,light",
             "--concurrency", str(self.settings.worker_concurrency),
             "--pool", self.settings.worker_pool],
            env=self._env(), stdout=log, stderr=subprocess.STDOUT, preexec_fn=child_preexec,
        )  # fmt: skip
        log.close()

    def stop_worker(self) -> None:
        """Stop the worker and its pool (SIGTERM, then SIGKILL whatever is left)."""
        if self.worker_proc is not None:
            stop_group(self.worker_proc, timeout=20)
            self.worker_proc = None

    def _serve(self, settings: Settings) -> None:
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=0, log_level="warning",
            timeout_graceful_shutdown=2,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, name="api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the in-process API did not start")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.base_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """Stop the API, the worker, then Redis; the data dir stays (start() again reuses it)."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=15)
            assert not self._thread.is_alive(), "the in-process API did not stop"
        self.stop_worker()
        if self.redis_proc is not None:
            stop_group(self.redis_proc, timeout=10)
            self.redis_proc = None

    def log(self) -> str:
        """What the worker printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def api_key(self) -> str:
        """The local user's key, as `vignette serve` writes it."""
        return (self.data_dir / "api-key").read_text().strip()

    def client(self, api_key: str | None = None) -> httpx.Client:
        """An HTTP client authenticated as the given key (default: the local user)."""
        key = api_key or self.api_key
        return httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )

    def create_user(self) -> str:
        """A new user's API key."""
        assert self.settings is not None
        db = Database(self.settings.resolved_database_url)
        try:
            with db.write() as session:
                return create_user(session, f"u{uuid.uuid4().hex[:8]}@ex.org")[1]
        finally:
            db.dispose()
