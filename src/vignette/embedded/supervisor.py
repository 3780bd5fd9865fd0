"""`vignette serve`: Redis, migrations, API, worker and beat as one supervised process tree."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from vignette.embedded.process import child_preexec, stop_group
from vignette.embedded.redis_server import start_redis
from vignette.metrics import clear_directory
from vignette.settings import Settings

log = logging.getLogger("vignette.serve")


@dataclass
class Child:
    """A supervised process and how to start it again."""

    name: str
    argv: list[str]
    stop_timeout: float
    niceness: int = 0
    proc: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    started_at: float = field(default=0.0)

    def start(self, env: dict[str, str], run_dir: Path) -> None:
        """Start (or restart) the process and record its pid."""
        niceness = self.niceness

        def preexec() -> None:
            child_preexec()
            if niceness:
                os.nice(niceness)

        self.proc = subprocess.Popen(self.argv, env=env, preexec_fn=preexec)
        self.started_at = time.monotonic()
        (run_dir / f"{self.name}.pid").write_text(f"{self.proc.pid}\n")


class Supervisor:
    """Starts the children, restarts any that die, stops them all on SIGINT/SIGTERM."""

    def __init__(self, settings: Settings, out: IO[str]) -> None:
        self.settings = settings
        self.out = out
        self.data_dir = settings.data_dir.resolve()
        self.run_dir = self.data_dir / "run"
        self.stopping = threading.Event()
        self.children: list[Child] = []
        self.redis_proc: subprocess.Popen[bytes] | None = None

    def _lock_data_dir(self) -> IO[str]:
        self.run_dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.run_dir / "serve.lock", "w")  # noqa: SIM115  (held for the run)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SystemExit(f"another `vignette serve` is using {self.data_dir}") from None
        return handle

    def _env(self, redis_url: str) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            VIGNETTE_DATA_DIR=str(self.data_dir),
            VIGNETTE_DATABASE_URL=self.settings.resolved_database_url,
            VIGNETTE_REDIS_URL=redis_url,
            PYTHONUNBUFFERED="1",
        )
        return env

    def _children(self) -> list[Child]:
        py = [sys.executable, "-m", "vignette"]
        s = self.settings
        return [
            Child(
                "worker",
                [*py, "worker", "--queues", "heavy,normal,light",
                 "--concurrency", str(s.worker_concurrency), "--pool", s.worker_pool],
                stop_timeout=20,
                # On one machine the API answers first; rendering takes the spare CPU.
                niceness=5,
            ),
            Child("beat", [*py, "beat"], stop_timeout=5),
            Child("api", [*py, "api", "--host", s.host, "--port", str(s.port)], stop_timeout=10),
        ]  # fmt: skip

    def run(self, on_ready: list[str]) -> int:
        """Run until told to stop; returns the exit code."""
        lock = self._lock_data_dir()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: self.stopping.set())
        try:
            redis_url = self.settings.redis_url
            if not redis_url:
                self.redis_proc, redis_url = start_redis(self.data_dir)
                (self.run_dir / "redis.pid").write_text(f"{self.redis_proc.pid}\n")
            env = self._env(redis_url)
            clear_directory(self.settings.metrics_directory)  # counts start with this run
            self.children = self._children()
            for child in self.children:
                child.start(env, self.run_dir)
            for line in on_ready:
                print(line, file=self.out, flush=True)
            self._supervise(env)
        finally:
            self._shutdown()
            lock.close()
        return 0

    def _supervise(self, env: dict[str, str]) -> None:
        while not self.stopping.wait(0.25):
            if self.redis_proc is not None and self.redis_proc.poll() is not None:
                log.error("embedded redis exited (code %s); stopping", self.redis_proc.returncode)
                return
            for child in self.children:
                assert child.proc is not None
                code = child.proc.poll()
                if code is None:
                    continue
                # Clean up what is left of its group (e.g. pool processes of a killed worker).
                stop_group(child.proc, timeout=1)
                child.restarts += 1
                delay = min(0.5 * child.restarts, 5.0)
                if time.monotonic() - child.started_at > 60:
                    child.restarts = 0
                print(f"vignette: {child.name} exited with code {code}; restarting",
                      file=self.out, flush=True)  # fmt: skip
                if self.stopping.wait(delay):
                    return
                child.start(env, self.run_dir)

    def _shutdown(self) -> None:
        # Stop taking requests first, then the scheduler, then let the worker finish.
        for child in reversed(self.children):
            if child.proc is not None:
                stop_group(child.proc, timeout=child.stop_timeout)
            with contextlib.suppress(FileNotFoundError):
                (self.run_dir / f"{child.name}.pid").unlink()
        if self.redis_proc is not None:
            stop_group(self.redis_proc, timeout=10)
            with contextlib.suppress(FileNotFoundError):
                (self.run_dir / "redis.pid").unlink()
