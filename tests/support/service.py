"""Run `vignette serve` as a real process tree and talk to it over HTTP."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psutil

from tests.support.backends import Backend


def free_port() -> int:
    """An unused TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def process_tree(pid: int) -> list[psutil.Process]:
    """A process and all its descendants."""
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


class Service:
    """A `vignette serve` process with its data dir; start, stop, restart, inspect."""

    def __init__(self, data_dir: Path, backend: Backend, **settings: Any) -> None:
        self.data_dir = data_dir
        self.backend = backend
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.env = dict(os.environ)
        for key in [k for k in self.env if k.startswith("VIGNETTE_")]:
            del self.env[key]
        self.env.update(backend.env())
        self.env.update({f"VIGNETTE_{k.upper()}": str(v) for k, v in settings.items()})
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = data_dir / "serve.log"

    def start(self, timeout: float = 60.0) -> None:
        """Start serve and wait until the API answers."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vignette", "serve", "--port", str(self.port),
             "--data-dir", str(self.data_dir)],
            env=self.env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"serve exited early:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"serve did not start:\n{self.log()}")

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM serve, wait for it; returns its exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise

    def log(self) -> str:
        """What serve printed so far."""
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @property
    def api_key(self) -> str:
        """The local user's key written by serve."""
        return (self.data_dir / "api-key").read_text().strip()

    def pid(self, name: str) -> int:
        """Pid of a child (api, worker, beat, redis) from its pid file."""
        return int((self.data_dir / "run" / f"{name}.pid").read_text())

    def processes(self) -> list[int]:
        """Pids of serve and of every process under it (API servers, worker pool, Redis...)."""
        assert self.proc is not None
        return [p.pid for p in process_tree(self.proc.pid)]

    def api_servers(self) -> list[int]:
        """Pids of the processes serving HTTP: uvicorn's workers when there are several."""
        api = psutil.Process(self.pid("api"))
        servers = []
        for child in api.children():
            try:
                if "spawn_main" in " ".join(child.cmdline()):
                    servers.append(child.pid)
            except psutil.NoSuchProcess:
                continue
        return servers or [api.pid]

    @property
    def redis_url(self) -> str:
        """The broker's Redis: the external one, or the embedded one's socket."""
        return self.backend.redis_url or f"unix://{self.data_dir / 'run' / 'redis.sock'}"

    def client(self, api_key: str | None = None) -> httpx.Client:
        """An HTTP client authenticated as the given key (default: the local user)."""
        key = api_key or self.api_key
        return httpx.Client(
            base_url=f"{self.base_url}/api/v1",
            headers={"Authorization": f"Bearer {key}"},
            timeout=30,
        )

    def create_user(self) -> str:
        """A new user's API key, made with the CLI against this service's database."""
        out = subprocess.run(
            [sys.executable, "-m", "vignette", "users", "create",
             f"u{uuid.uuid4().hex[:8]}@ex.org"],
            env={**self.env, "VIGNETTE_DATA_DIR": str(self.data_dir)},
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return out.stdout.strip()


def pause_outside_a_write(svc: Service, worker: int) -> None:
    """SIGSTOP the worker's process group, but not while it holds SQLite's write lock (its
    reconciler writes every half second): a frozen writer would block the API's commits."""
    database = svc.data_dir / "vignette.db"
    for _ in range(50):
        os.killpg(worker, signal.SIGSTOP)
        if svc.backend.database_url or not database.exists():
            return  # PostgreSQL: no database-wide write lock
        probe = sqlite3.connect(database, timeout=0.2)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.rollback()
            return
        except sqlite3.OperationalError:  # locked by the frozen worker: let it finish
            os.killpg(worker, signal.SIGCONT)
            time.sleep(0.05)
        finally:
            probe.close()
    raise AssertionError("the worker never let go of the database's write lock")
