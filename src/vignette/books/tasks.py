"""Celery entry points for books; the work is in books/runner.py."""

from __future__ import annotations

import logging
import uuid

from vignette.books import runner
from vignette.queue.names import TaskName
from vignette.worker import app, task_runtime

log = logging.getLogger(__name__)


@app.task(name=TaskName.PROCESS_BOOK)
def process_book(book_id: str) -> None:
    """Import an uploaded book; a bad message or file never crashes the worker."""
    try:
        parsed = uuid.UUID(book_id)
    except (ValueError, TypeError):
        log.error("dropping message with a malformed book id %r", book_id)
        return
    runner.run_import(task_runtime(), parsed)


@app.task(name=TaskName.RECONCILE_BOOKS)
def reconcile_books() -> int:
    """Resend the imports that lost their worker or their message."""
    return runner.reconcile_imports(task_runtime())
