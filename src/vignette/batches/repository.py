"""Queries for chapter batches; every one is scoped to the owner."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from vignette.db.models import Batch, BatchJob, Description, ImageJob, JobStatus
from vignette.db.models.images import ACTIVE_STATUSES


def undone_descriptions(
    session: Session, chapter_id: uuid.UUID, *, types: Sequence[str] | None, limit: int
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


def owned_batch(session: Session, *, user_id: uuid.UUID, batch_id: uuid.UUID) -> Batch | None:
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
