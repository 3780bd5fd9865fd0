"""Batch use cases: illustrate a chapter in the background, list images, count things."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from vignette.batches import repository as repo
from vignette.batches.schemas import BatchStatus, ImageStats, ProviderCallStats, UserStats
from vignette.db.models import Batch, BatchJob, Chapter, Description, ImageJob
from vignette.db.models.images import FINAL_STATUSES
from vignette.errors import NotFound
from vignette.generation import service as generation
from vignette.generation.service import BULK_PRIORITY, Defaults, JobOptions


@dataclass(frozen=True)
class BatchResult:
    """A new batch, its jobs, and which of them this request created (to send)."""

    batch: Batch
    jobs: list[ImageJob]
    created: list[ImageJob]


def create_batch(
    session: Session,
    user_id: uuid.UUID,
    chapter_id: uuid.UUID,
    max_images: int,
    types: Sequence[str] | None,
    defaults: Defaults,
) -> BatchResult:
    """Queue bulk jobs for the chapter's best descriptions that have no image or active job."""
    if not repo.owns_chapter(session, user_id, chapter_id):
        raise NotFound(f"chapter {chapter_id} not found")
    chosen = repo.undone_descriptions(session, chapter_id, types, max_images)
    batch = Batch(
        user_id=user_id,
        chapter_id=chapter_id,
        max_images=max_images,
        types=list(types) if types else None,
    )
    session.add(batch)
    session.flush()
    jobs: list[ImageJob] = []
    created: list[ImageJob] = []
    options = JobOptions(priority=BULK_PRIORITY)
    for position, description_id in enumerate(chosen):
        result = generation.submit(session, user_id, description_id, options, defaults)
        session.add(BatchJob(batch_id=batch.id, job_id=result.job.id, position=position))
        jobs.append(result.job)
        if result.created:
            created.append(result.job)
    session.flush()
    return BatchResult(batch, jobs, created)


def batch_status(session: Session, user_id: uuid.UUID, batch_id: uuid.UUID) -> BatchStatus:
    """The batch's aggregate and its jobs, or NotFound."""
    batch = repo.owned_batch(session, user_id, batch_id)
    if batch is None:
        raise NotFound(f"batch {batch_id} not found")
    jobs = repo.batch_jobs(session, batch_id)
    counts = Counter(str(j.status) for j in jobs)
    return BatchStatus(
        batch_id=batch.id,
        chapter_id=batch.chapter_id,
        created_at=batch.created_at,
        total=len(jobs),
        counts={s: counts.get(s, 0) for s in _STATUSES},
        finished=all(j.status in FINAL_STATUSES for j in jobs),
        jobs=generation.describe_all(session, jobs),
    )


_STATUSES = ("queued", "generating", "completed", "failed", "cancelled")


def images_for_book(
    session: Session,
    user_id: uuid.UUID,
    book_id: uuid.UUID,
    type_: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[ImageJob], int]:
    """A page of the book's images and jobs, or NotFound."""
    if not repo.owns_book(session, user_id, book_id):
        raise NotFound(f"book {book_id} not found")
    return repo.jobs_page(session, Chapter.book_id == book_id, type_, status, limit, offset)


def images_for_chapter(
    session: Session,
    user_id: uuid.UUID,
    chapter_id: uuid.UUID,
    type_: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[ImageJob], int]:
    """A page of the chapter's images and jobs, or NotFound."""
    if not repo.owns_chapter(session, user_id, chapter_id):
        raise NotFound(f"chapter {chapter_id} not found")
    scope = Description.chapter_id == chapter_id
    return repo.jobs_page(session, scope, type_, status, limit, offset)


def user_stats(session: Session, user_id: uuid.UUID) -> UserStats:
    """The user's books, descriptions, images by type and status, and provider calls."""
    by_status: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    both: dict[str, dict[str, int]] = {}
    for type_, status, n in repo.image_counts(session, user_id):
        by_status[status] += n
        by_type[type_] += n
        both.setdefault(type_, {})[status] = n
    by_outcome: Counter[str] = Counter()
    by_provider: Counter[str] = Counter()
    for provider, outcome, n in repo.call_counts(session, user_id):
        by_outcome[outcome] += n
        by_provider[provider] += n
    descriptions = repo.description_counts(session, user_id)
    return UserStats(
        books=repo.book_count(session, user_id),
        descriptions_found=sum(descriptions.values()),
        descriptions_by_type=descriptions,
        images=ImageStats(
            total=sum(by_status.values()),
            by_status=dict(by_status),
            by_type=dict(by_type),
            by_type_and_status=both,
        ),
        provider_calls=ProviderCallStats(
            total=sum(by_outcome.values()),
            by_outcome=dict(by_outcome),
            by_provider=dict(by_provider),
        ),
    )
