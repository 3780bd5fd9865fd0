"""Queries for batches, listings and statistics; every one is scoped to the owner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import ColumnElement, exists, func, select
from sqlalchemy.orm import Session

from vignette.db.models import (
    Batch,
    BatchJob,
    Book,
    Chapter,
    Description,
    ImageJob,
    JobStatus,
    ProviderCall,
)
from vignette.db.models.images import ACTIVE_STATUSES
from vignette.db.ownership import of_user


def owns_chapter(session: Session, user_id: uuid.UUID, chapter_id: uuid.UUID) -> bool:
    """Whether the chapter exists and belongs to the user."""
    found = session.scalar(
        select(Chapter.id)
        .join(Book, Book.id == Chapter.book_id)
        .where(Chapter.id == chapter_id, Book.user_id == user_id)
    )
    return found is not None


def owns_book(session: Session, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    """Whether the book exists and belongs to the user."""
    found = session.scalar(select(Book.id).where(Book.id == book_id, Book.user_id == user_id))
    return found is not None


def undone_descriptions(
    session: Session, chapter_id: uuid.UUID, types: Sequence[str] | None, limit: int
) -> list[uuid.UUID]:
    """The chapter's descriptions with no image and no active job, highest priority first."""
    taken = exists().where(
        ImageJob.description_id == Description.id,
        ImageJob.status.in_([*ACTIVE_STATUSES, JobStatus.COMPLETED]),
    )
    query = select(Description.id).where(Description.chapter_id == chapter_id, ~taken)
    if types:
        query = query.where(Description.type.in_(list(types)))
    query = query.order_by(Description.priority.desc(), Description.start).limit(limit)
    return list(session.scalars(query).all())


def owned_batch(session: Session, user_id: uuid.UUID, batch_id: uuid.UUID) -> Batch | None:
    """The user's batch."""
    return session.scalar(select(Batch).where(Batch.id == batch_id, Batch.user_id == user_id))


def batch_jobs(session: Session, batch_id: uuid.UUID) -> list[ImageJob]:
    """A batch's jobs in the order they were chosen."""
    return list(
        session.scalars(
            select(ImageJob)
            .join(BatchJob, BatchJob.job_id == ImageJob.id)
            .where(BatchJob.batch_id == batch_id)
            .order_by(BatchJob.position)
        ).all()
    )


def jobs_page(
    session: Session,
    scope: ColumnElement[bool],
    type_: str | None,
    status: str | None,
    limit: int,
    offset: int,
) -> tuple[list[ImageJob], int]:
    """A page of jobs whose description matches `scope` (on Chapter), newest first, and total."""
    where = [scope]
    if type_ is not None:
        where.append(Description.type == type_)
    if status is not None:
        where.append(ImageJob.status == status)
    base = (
        select(ImageJob)
        .join(Description, Description.id == ImageJob.description_id)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    items = session.scalars(
        base.order_by(ImageJob.created_at.desc(), ImageJob.id).limit(limit).offset(offset)
    ).all()
    return list(items), total


def image_counts(session: Session, user_id: uuid.UUID) -> list[tuple[str, str, int]]:
    """(description type, job status, count) over the user's jobs."""
    rows = session.execute(
        of_user(
            select(Description.type, ImageJob.status, func.count())
            .select_from(ImageJob)
            .join(Description, Description.id == ImageJob.description_id),
            user_id,
        ).group_by(Description.type, ImageJob.status)
    ).all()
    return [(str(t), str(s), int(n)) for t, s, n in rows]


def description_counts(session: Session, user_id: uuid.UUID) -> dict[str, int]:
    """The user's descriptions counted by type."""
    rows = session.execute(
        of_user(select(Description.type, func.count()).select_from(Description), user_id).group_by(
            Description.type
        )
    ).all()
    return {str(t): int(n) for t, n in rows}


def call_counts(session: Session, user_id: uuid.UUID) -> list[tuple[str, str, int]]:
    """(provider, outcome, count) over the ledger rows of the user's jobs."""
    rows = session.execute(
        of_user(
            select(ProviderCall.provider, ProviderCall.outcome, func.count())
            .select_from(ProviderCall)
            .join(ImageJob, ImageJob.id == ProviderCall.job_id)
            .join(Description, Description.id == ImageJob.description_id),
            user_id,
        ).group_by(ProviderCall.provider, ProviderCall.outcome)
    ).all()
    return [(str(p), str(o), int(n)) for p, o, n in rows]


def book_count(session: Session, user_id: uuid.UUID) -> int:
    """How many books the user has."""
    return (
        session.scalar(select(func.count()).select_from(Book).where(Book.user_id == user_id)) or 0
    )
