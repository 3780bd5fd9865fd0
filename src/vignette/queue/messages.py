"""Messages as data: what a service asks to be sent once its transaction has committed.

A service returns these; the request boundary (or the task runner) commits, then hands them
to the Dispatcher, which alone knows task names, queues, time limits and markers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass


@dataclass(frozen=True)
class GenerateImage:
    """Run (one delivery of) an image job, optionally after a delay (a retry's backoff)."""

    job_id: uuid.UUID
    priority: int
    countdown: float = 0.0


@dataclass(frozen=True)
class ProcessBook:
    """Import an uploaded book."""

    book_id: uuid.UUID


Message = GenerateImage | ProcessBook
