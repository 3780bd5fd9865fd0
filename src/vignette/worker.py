"""The one Celery app that workers and beat run, and the runtime its tasks use."""

from __future__ import annotations

import threading

from vignette.queue.celery_app import create_celery
from vignette.runtime import Runtime, build_runtime
from vignette.settings import get_settings

# Celery imports these when a worker starts; each registers its tasks on `app`.
TASK_MODULES = ["vignette.generation.tasks", "vignette.books.tasks"]

app = create_celery(get_settings(), set_as_current=True)
app.conf.include = TASK_MODULES

_lock = threading.Lock()
_runtime: Runtime | None = None


def task_runtime() -> Runtime:
    """This worker process's runtime, built on first use (after the pool forks)."""
    global _runtime
    with _lock:
        if _runtime is None:
            _runtime = build_runtime(get_settings(), app)
        return _runtime
