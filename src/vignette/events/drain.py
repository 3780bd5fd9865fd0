"""Ending a process's open event streams when its server begins to shut down: uvicorn waits for
open responses to finish before it stops, and a stream never finishes by itself."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

POLL_SECONDS = 0.5


def _server_exiting() -> bool:
    """Whether the uvicorn server of this process has been told to stop (its SIGTERM handler
    is the server's bound method; uvicorn offers no hook an app can register)."""
    handler: Any = signal.getsignal(signal.SIGTERM)
    return bool(getattr(getattr(handler, "__self__", None), "should_exit", False))


class Drain:
    """The open streams of the process, each as the function that ends it."""

    def __init__(self) -> None:
        self._open: set[Callable[[], None]] = set()
        self._task: asyncio.Task[None] | None = None
        self.draining = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._watch())

    async def stop(self) -> None:
        self.now()
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    def now(self) -> None:
        """End every open stream (and any opened from now on)."""
        self.draining = True
        for end in list(self._open):
            end()

    def add(self, end: Callable[[], None]) -> None:
        """Keep `end` until `discard` (calling it at once when draining already)."""
        if self.draining:
            end()
        self._open.add(end)

    def discard(self, end: Callable[[], None]) -> None:
        self._open.discard(end)

    async def _watch(self) -> None:
        while not _server_exiting():
            await asyncio.sleep(POLL_SECONDS)
        if self._open:
            log.info("server stopping: ending %d event streams", len(self._open))
        self.now()
