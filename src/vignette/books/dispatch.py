"""Send book import messages (after commit); a message carries the book id only."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import redis

from vignette.publishing import send_task
from vignette.queue_markers import Markers

if TYPE_CHECKING:
    from celery import Celery

PROCESS_TASK = "vignette.books.process_book"
BOOKS_QUEUE = "heavy"
# Time for the task to record why it stopped after the soft limit, before the hard kill.
HARD_LIMIT_GRACE_SECONDS = 30


MARKER_PREFIX = "vignette:sent:book:"


def book_markers(client: redis.Redis) -> Markers:
    """Markers of sent import messages."""
    return Markers(client, MARKER_PREFIX)


def send_process_book(
    celery: Celery, client: redis.Redis, book_id: uuid.UUID, time_limit: int
) -> None:
    """Queue the import of an uploaded book, with its per-book time limit, and mark it sent."""
    send_task(
        celery,
        PROCESS_TASK,
        args=[str(book_id)],
        queue=BOOKS_QUEUE,
        soft_time_limit=time_limit,
        time_limit=time_limit + HARD_LIMIT_GRACE_SECONDS,
    )
    # The marker outlives any run of the import (the hard limit ends it), so a book still
    # processing without one has lost its message or its worker.
    book_markers(client).set(book_id, time_limit + 2 * HARD_LIMIT_GRACE_SECONDS + 60)
