"""The fake provider server, run for real on 127.0.0.1 in a background thread."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from vignette.fakes.server import create_app


@dataclass
class FakeServer:
    """A running fake server and its control endpoints."""

    url: str
    # One pooled client: a new httpx client per call costs tens of milliseconds.
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))

    def calls(self) -> dict[str, Any]:
        """The server's call counts and recent-request trace."""
        body: dict[str, Any] = self.http.get(f"{self.url}/_fake/calls").json()
        return body

    def outcomes(self, provider: str) -> dict[str, int]:
        """Calls received by one provider's endpoint, per outcome."""
        entry = self.calls()["providers"].get(provider, {"outcomes": {}})
        return dict(entry["outcomes"])

    def recent(self) -> list[dict[str, Any]]:
        """Requests the server saw, oldest first."""
        recent: list[dict[str, Any]] = self.calls()["recent"]
        return recent

    def reset(self) -> None:
        """Clear counts, trace and forced faults."""
        self.http.post(f"{self.url}/_fake/reset").raise_for_status()

    def force(self, **faults: str | None) -> None:
        """Force (or with None clear) a fault per provider."""
        self.http.post(f"{self.url}/_fake/faults", json=faults).raise_for_status()


@contextmanager
def running_fake_server(**options: Any) -> Iterator[FakeServer]:
    """Start the fake server on a free port; stop it when the block ends."""
    config = uvicorn.Config(
        create_app(**options),
        host="127.0.0.1",
        port=0,  # the OS picks a free port; read it back from the bound socket
        log_level="warning",
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="fake-providers", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("fake provider server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    fake = FakeServer(f"http://127.0.0.1:{port}")
    try:
        yield fake
    finally:
        fake.http.close()
        server.should_exit = True
        thread.join(timeout=10)
        assert not thread.is_alive(), "fake provider server did not stop"


SECRET = "sk-TEST-do-not-leak-7f3a9c"


def assert_secret_hidden(exc: BaseException) -> None:
    """The API key appears nowhere in an error: message, str, repr or chained causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        for text in (str(current), repr(current), str(getattr(current, "message", ""))):
            assert SECRET not in text
        current = current.__cause__ or current.__context__
