"""Celery entry points for generation; the work is in generation/runner.py."""

from __future__ import annotations

import logging
import uuid

from vignette.generation import runner
from vignette.queue.names import TaskName
from vignette.worker import app, task_runtime

log = logging.getLogger(__name__)


@app.task(name=TaskName.GENERATE_IMAGE)
def generate_image(job_id: str) -> None:
    """Run one delivery of a generation job; a bad message or job never crashes the worker."""
    try:
        parsed = uuid.UUID(job_id)
    except (ValueError, TypeError):
        log.error("dropping message with a malformed job id %r", job_id)
        return
    runner.run_job(task_runtime(), parsed)


@app.task(name=TaskName.RECONCILE_JOBS)
def reconcile_jobs() -> dict[str, int]:
    """Requeue jobs whose worker died and resend jobs whose message was lost."""
    return runner.reconcile_jobs(task_runtime())
