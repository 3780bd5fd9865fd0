"""The one Celery app that workers and beat run, and the runtime its tasks use."""

from __future__ import annotations

import logging
import threading

from celery import signals

from vignette.logs import configure as configure_logs
from vignette.queue.celery_app import create_celery
from vignette.runtime import Runtime, build_runtime
from vignette.settings import get_settings
from vignette.worker_steps import AnnouncePresence, RenewHeldMarkers

# Celery imports these when a worker starts; each registers its tasks on `app`.
TASK_MODULES = ["vignette.generation.tasks", "vignette.books.tasks", "vignette.maintenance.tasks"]

app = create_celery(get_settings(), set_as_current=True)
app.conf.include = TASK_MODULES

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


# What the worker holds and that it is alive, told to the reconcilers and to `/readyz`.
app.steps["consumer"].add(RenewHeldMarkers)
app.steps["consumer"].add(AnnouncePresence)
