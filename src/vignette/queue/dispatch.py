"""Send messages to their queues (after commit), mark them sent, revoke them."""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import redis

from vignette.queue.markers import SEND_HEADER, Markers
from vignette.queue.messages import GenerateImage, Message, ProcessBook
from vignette.queue.names import ROUTES, TaskName
from vignette.queue.publishing import send_task, together

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

JOB_MARKER_PREFIX = "vignette:sent:"
BOOK_MARKER_PREFIX = "vignette:sent:book:"
# Time for an import to record why it stopped after its soft limit, before the hard kill.
HARD_LIMIT_GRACE_SECONDS = 30


class Dispatcher:
    """Turns messages into Celery sends; each carries one id and leaves a marker.

    A marker lives in the same Redis as the queue, with a TTL. When the broker loses its
    data the markers go with it, which is how the reconcilers know to send again.
    """

    def __init__(
        self,
        celery: Celery,
        client: redis.Redis,
        *,
        job_marker_ttl: float,
        book_time_limit: int,
    ) -> None:
        self.celery = celery
        self.redis = client
        self.job_markers = Markers(client, JOB_MARKER_PREFIX)
        self.book_markers = Markers(client, BOOK_MARKER_PREFIX)
        self.job_marker_ttl = job_marker_ttl
        self.book_time_limit = book_time_limit
        # Fault injection (VIGNETTE_FAULT_FAIL_SENDS, tests only): this many sends fail.
        self.failing_sends = 0

    def send(self, message: Message) -> None:
        """Queue one message (into the current batch, if a `together` block is open)."""
        if isinstance(message, GenerateImage):
            self._send_job(message)
        else:
            self._send_book(message)

    def send_all(self, messages: Sequence[Message]) -> None:
        """Queue messages; several go out as one publish batch and one marker pipeline."""
        if messages and self.failing_sends > 0:
            self.failing_sends -= 1
            raise redis.ConnectionError("fault injection: send failed (VIGNETTE_FAULT_FAIL_SENDS)")
        if len(messages) <= 1:  # a batch for one message costs more than it saves
            for message in messages:
                self.send(message)
            return
        with together(self.celery, self.redis):
            for message in messages:
                self.send(message)

    def _send_job(self, message: GenerateImage) -> None:
        send_id = secrets.token_hex(8)
        send_task(
            self.celery,
            TaskName.GENERATE_IMAGE,
            args=[str(message.job_id)],
            queue=ROUTES[TaskName.GENERATE_IMAGE],
            priority=message.priority,
            countdown=message.countdown or None,
            task_id=str(message.job_id),
            headers={SEND_HEADER: send_id},
        )
        self.job_markers.set(message.job_id, message.countdown + self.job_marker_ttl, send_id)

    def _send_book(self, message: ProcessBook) -> None:
        limit = self.book_time_limit
        send_id = secrets.token_hex(8)
        send_task(
            self.celery,
            TaskName.PROCESS_BOOK,
            args=[str(message.book_id)],
            queue=ROUTES[TaskName.PROCESS_BOOK],
            soft_time_limit=limit,
            time_limit=limit + HARD_LIMIT_GRACE_SECONDS,
            headers={SEND_HEADER: send_id},
        )
        # The marker outlives any run of the import (the hard limit ends it), so a book still
        # processing without one has lost its message or its worker.
        self.book_markers.set(message.book_id, limit + 2 * HARD_LIMIT_GRACE_SECONDS + 60, send_id)

    def lost_jobs(self, job_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The jobs whose message is gone: no marker (the broker lost it, or it was never
        sent), or received by a worker that died holding it."""
        return self.job_markers.lost(job_ids)

    def unmarked_books(self, book_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The book imports with no message marker."""
        return self.book_markers.missing(book_ids)

    def revoke(self, job_id: uuid.UUID) -> None:
        """Best effort: tell workers to drop the job's messages (the row decides anyway)."""
        try:
            self.celery.control.revoke(str(job_id))
            self.job_markers.clear(job_id)
        except Exception:  # revocation is an optimisation; never fail a cancel for it
            log.warning("could not revoke job %s", job_id, exc_info=True)
