"""Send job messages to the queue (after commit), mark them, revoke them."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

import redis

from vignette.publishing import send_task
from vignette.queue_markers import Markers

if TYPE_CHECKING:
    from celery import Celery

log = logging.getLogger(__name__)

GENERATE_TASK = "vignette.generation.generate_image"
GENERATION_QUEUE = "normal"
MARKER_PREFIX = "vignette:sent:"


class Dispatcher:
    """Sends one message per job run; messages carry the job id only.

    Each send leaves a marker key in the same Redis as the queue. When the broker loses
    its data the markers go with it, which is how the reconciler knows to send again.
    """

    def __init__(self, celery: Celery, client: redis.Redis, marker_ttl: float) -> None:
        self.celery = celery
        self.markers = Markers(client, MARKER_PREFIX)
        self.marker_ttl = marker_ttl

    def send(self, job_id: uuid.UUID, priority: int, countdown: float = 0.0) -> None:
        """Queue a run of the job, optionally delayed (a retry's backoff)."""
        send_task(
            self.celery,
            GENERATE_TASK,
            args=[str(job_id)],
            queue=GENERATION_QUEUE,
            priority=priority,
            countdown=countdown or None,
            task_id=str(job_id),
        )
        self.markers.set(job_id, countdown + self.marker_ttl)

    def unmarked(self, job_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The jobs with no message marker: their message is gone."""
        return self.markers.missing(job_ids)

    def revoke(self, job_id: uuid.UUID) -> None:
        """Best effort: tell workers to drop the job's messages (the row decides anyway)."""
        try:
            self.celery.control.revoke(str(job_id))
            self.markers.clear(job_id)
        except Exception:  # revocation is an optimisation; never fail a cancel for it
            log.warning("could not revoke job %s", job_id, exc_info=True)
