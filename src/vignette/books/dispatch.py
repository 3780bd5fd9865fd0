"""Send book import messages (after commit); a message carries the book id only."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from celery import Celery

PROCESS_TASK = "vignette.books.process_book"
BOOKS_QUEUE = "heavy"
# Time for the task to record why it stopped after the soft limit, before the hard kill.
HARD_LIMIT_GRACE_SECONDS = 30


def send_process_book(celery: Celery, book_id: uuid.UUID, time_limit: int) -> None:
    """Queue the import of an uploaded book, with its per-book time limit."""
    celery.send_task(
        PROCESS_TASK,
        args=[str(book_id)],
        queue=BOOKS_QUEUE,
        soft_time_limit=time_limit,
        time_limit=time_limit + HARD_LIMIT_GRACE_SECONDS,
    )
