"""The worker's own consumer steps, beside Celery's: it records the messages it holds and
keeps their `held` keys alive (`queue/holding.py`), and announces itself and its queues
(`queue/presence.py`). Both run on the consumer's timer in the worker's main process, which is
the one that receives messages."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any

import redis
from celery import bootsteps, signals
from celery.worker import state as worker_state

from vignette.queue.holding import HeldMarkers, HeldMessage, held_ttl
from vignette.queue.presence import ANNOUNCE_EVERY_SECONDS, Presence
from vignette.settings import get_settings

log = logging.getLogger(__name__)
_lock = threading.Lock()

_held: HeldMarkers | None = None


def held_markers() -> HeldMarkers:
    """This worker process's record of what it holds (the main process receives messages)."""
    global _held
    with _lock:
        if _held is None:
            settings = get_settings()
            client = redis.Redis.from_url(
                settings.redis_url or "", socket_timeout=2, socket_connect_timeout=2
            )
            received_ttl = settings.requeue_after_seconds + settings.retry_max_seconds
            _held = HeldMarkers(client, held_ttl(settings.lease_seconds), received_ttl)
        return _held


@signals.task_received.connect
def _on_received(sender: object = None, request: HeldMessage | None = None, **_: object) -> None:
    if request is not None:
        _hold_quietly([request])


def _hold_quietly(messages: list[HeldMessage]) -> None:
    try:
        held_markers().hold(messages)
    except redis.RedisError:
        log.warning("could not record the messages this worker holds", exc_info=True)


class RenewHeldMarkers(bootsteps.StartStopStep):
    """Renews the `held` keys of every message this worker holds (running, waiting for a slot
    or for a retry's countdown: Celery's `worker.state.requests`)."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        self._timer: Any = None
        super().__init__(parent, **kwargs)

    def start(self, parent: Any) -> None:
        self._timer = parent.timer.call_repeatedly(held_markers().renew_every, self.renew)

    def renew(self) -> None:
        try:
            held = list(worker_state.requests.values())
        except RuntimeError:  # changed while read (a pool whose timer is a thread): next round
            return
        _hold_quietly(held)

    def stop(self, parent: Any) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    shutdown = stop


class AnnouncePresence(bootsteps.StartStopStep):
    """Announces this worker and the queues it consumes (`queue/presence.py`) every few
    seconds, so `GET /readyz` can tell a queue that nobody consumes."""

    requires = ("celery.worker.consumer.tasks:Tasks",)

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        self._timer: Any = None
        super().__init__(parent, **kwargs)

    def start(self, parent: Any) -> None:
        self._name = f"{parent.hostname}:{os.getpid()}"
        self._queues = [q.name for q in parent.task_consumer.queues]
        self._presence = Presence(held_markers().redis)
        self.announce()
        self._timer = parent.timer.call_repeatedly(ANNOUNCE_EVERY_SECONDS, self.announce)

    def announce(self) -> None:
        try:
            self._presence.announce(self._name, self._queues)
        except redis.RedisError:
            log.warning("could not announce this worker", exc_info=True)

    def stop(self, parent: Any) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
            with contextlib.suppress(redis.RedisError):
                self._presence.withdraw(self._name)  # a stopped worker is gone at once

    shutdown = stop
