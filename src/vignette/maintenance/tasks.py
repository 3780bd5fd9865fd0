"""Celery entry point for housekeeping; the work is in maintenance/runner.py."""

from __future__ import annotations

from vignette.maintenance import runner
from vignette.queue.names import TaskName
from vignette.worker import app, task_runtime


@app.task(name=TaskName.HOUSEKEEPING)
def housekeeping() -> dict[str, int]:
    """Remove finished jobs past their retention, orphaned files, old keys and sessions."""
    rt = task_runtime()
    retention = runner.Retention.from_settings(rt.settings)
    return runner.housekeep(rt.db, rt.storage, retention, uploads=rt.uploads).as_dict()
