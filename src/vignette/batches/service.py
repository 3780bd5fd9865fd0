"""Batch use cases: illustrate a chapter in the background, report how far it got."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vignette.batches import repository as repo
from vignette.batches.schemas import BatchStatus
from vignette.db.models import Batch, BatchJob, ImageJob, JobStatus
from vignette.db.models.images import FINAL_STATUSES
from vignette.db.ownership import owns_chapter
from vignette.errors import NotFound
from vignette.generation import service as generation
from vignette.generation.documents import describe_all
from vignette.queue.messages import Message
from vignette.queue.names import BULK_PRIORITY


@dataclass(frozen=True)
class BatchResult:
    """A new batch, its jobs, and the messages of the jobs this request created."""

    batch: Batch
    jobs: list[ImageJob]
    messages: list[Message]


def create_batch(
    session: Session,
    user_id: uuid.UUID,
    *,
    chapter_id: uuid.UUID,
    max_images: int,
    types: Sequence[str] | None,
    defaults: generation.Defaults,
) -> BatchResult:
    """Queue bulk jobs for the chapter's best descriptions that have no image or active job."""
    if not owns_chapter(session, user_id=user_id, chapter_id=chapter_id):
        raise NotFound(f"chapter {chapter_id} not found")
    chosen = repo.undone_descriptions(session, chapter_id, types=types, limit=max_images)
    batch = Batch(
        user_id=user_id,
        chapter_id=chapter_id,
        max_images=max_images,
        types=list(types) if types else None,
    )
    session.add(batch)
    session.flush()
    jobs: list[ImageJob] = []
    messages: list[Message] = []
    options = generation.JobOptions(priority=BULK_PRIORITY)
    for position, description_id in enumerate(chosen):
        result = generation.submit(
            session, user_id, description_id=description_id, options=options, defaults=defaults
        )
        session.add(BatchJob(batch_id=batch.id, job_id=result.job.id, position=position))
        jobs.append(result.job)
        messages.extend(result.messages)
    session.flush()
    return BatchResult(batch, jobs, messages)


def batch_status(session: Session, user_id: uuid.UUID, batch_id: uuid.UUID) -> BatchStatus:
    """The batch's aggregate and its jobs, or NotFound."""
    batch = repo.owned_batch(session, user_id=user_id, batch_id=batch_id)
    if batch is None:
        raise NotFound(f"batch {batch_id} not found")
    jobs = repo.batch_jobs(session, batch_id)
    counts = Counter(str(j.status) for j in jobs)
    return BatchStatus(
        batch_id=batch.id,
        chapter_id=batch.chapter_id,
        created_at=batch.created_at,
        total=len(jobs),
        counts={str(s): counts.get(s, 0) for s in JobStatus},
        finished=all(j.status in FINAL_STATUSES for j in jobs),
        jobs=describe_all(session, jobs),
    )
