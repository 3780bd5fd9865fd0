"""The one Celery app that workers and beat run, and the runtime its tasks use."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from typing import Any

import redis
from celery import bootsteps, signals
from celery.worker import state as worker_state

from vignette.logs import configure as configure_logs
from vignette.queue.celery_app import create_celery
from vignette.queue.holding import HeldMarkers, HeldMessage, held_ttl
from vignette.queue.presence import ANNOUNCE_EVERY_SECONDS, Presence
from vignette.runtime import Runtime, build_runtime
from vignette.settings import get_settings

# Celery imports these when a worker starts; each registers its tasks on `app`.
TASK_MODULES = ["vignette.generation.tasks", "vignette.books.tasks"]

app = create_celery(get_settings(), set_as_current=True)
app.conf.include = TASK_MODULES

log = logging.getLogger(__name__)
_lock = threading.Lock()


@signals.setup_logging.connect
def _setup_logging(**_: object) -> None:
    """Celery's logging setup is replaced by Vignette's (`vignette.logs`): one format."""
    settings = get_settings()
    configure_logs(settings.log_level, settings.log_format)


# Celery's own line per message received and per task finished, and beat's per schedule tick,
# are routine: shown at DEBUG only. A person reads one line per job or import outcome (the
# runners log them) and the warnings.
if get_settings().log_level.upper() != "DEBUG":
    for _name in ("celery.app.trace", "celery.worker.strategy", "celery.beat"):
        logging.getLogger(_name).setLevel(logging.WARNING)
_runtime: Runtime | None = None


def task_runtime() -> Runtime:
    """This worker process's runtime, built on first use (after the pool forks)."""
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = build_runtime(get_settings(), app)
        return _runtime


# What this worker holds (queue/holding.py): recorded when a message is received, renewed
# from the consumer's timer while the worker lives.
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


app.steps["consumer"].add(RenewHeldMarkers)
app.steps["consumer"].add(AnnouncePresence)
