"""Queries for generation jobs; every read that a user triggers is scoped to its owner."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ScalarSelect

from vignette.db.models import (
    Book,
    Chapter,
    Description,
    ImageFile,
    ImageJob,
    JobStatus,
    ProviderCall,
)
from vignette.db.models.images import ACTIVE_STATUSES
from vignette.db.ownership import of_user


@dataclass(frozen=True)
class DescriptionContext:
    """What a prompt needs to know about a description."""

    id: uuid.UUID
    type: str
    text: str
    genre: str
    reusable_job_id: uuid.UUID | None


def _reusable_job_id() -> ScalarSelect[uuid.UUID]:
    """The description's active job, else its newest completed one (one query with the rest)."""
    return (
        select(ImageJob.id)
        .where(
            ImageJob.description_id == Description.id,
            # Active or completed; two plain comparisons, as an IN list is re-expanded per run.
            ImageJob.status != JobStatus.FAILED,
            ImageJob.status != JobStatus.CANCELLED,
        )
        .order_by((ImageJob.status == JobStatus.COMPLETED).asc(), ImageJob.created_at.desc())
        .limit(1)
        .scalar_subquery()
    )


# Built once, run with bound values: on the submit path, building a statement cost more
# than running it (bench/submit.py).
_OWNED_DESCRIPTION = of_user(
    select(
        Description.id,
        Description.type,
        func.substr(Chapter.text, Description.start + 1, Description.end - Description.start),
        Book.genre,
        _reusable_job_id(),
    ),
    bindparam("user_id"),
).where(Description.id == bindparam("description_id"))
_JOBS = cast(Table, ImageJob.__table__)
_INSERT_JOB = insert(_JOBS)


def owned_description(
    session: Session, user_id: uuid.UUID, description_id: uuid.UUID
) -> DescriptionContext | None:
    """The description with its text, book genre and reusable job, if the user owns it."""
    params = {"user_id": user_id, "description_id": description_id}
    row = session.connection().execute(_OWNED_DESCRIPTION, params).first()
    if row is None:
        return None
    return DescriptionContext(*row)


def insert_job(session: Session, job: ImageJob) -> None:
    """Insert a new, fully populated job row (a Core insert: the ORM flush cost ~1 ms more)."""
    session.connection().execute(_INSERT_JOB, {c.key: getattr(job, c.key) for c in _JOBS.c})


def owns_description(session: Session, user_id: uuid.UUID, description_id: uuid.UUID) -> bool:
    """Whether the description exists and belongs to the user."""
    return (
        session.scalar(
            of_user(select(Description.id), user_id).where(Description.id == description_id)
        )
        is not None
    )


def owned_job(session: Session, user_id: uuid.UUID, job_id: uuid.UUID) -> ImageJob | None:
    """The job, if the user owns its description."""
    return session.scalar(
        of_user(
            select(ImageJob).join(Description, Description.id == ImageJob.description_id),
            user_id,
        ).where(ImageJob.id == job_id)
    )


def active_job(session: Session, description_id: uuid.UUID) -> ImageJob | None:
    """The queued or generating job for a description, if any."""
    return session.scalar(
        select(ImageJob).where(
            ImageJob.description_id == description_id, ImageJob.status.in_(ACTIVE_STATUSES)
        )
    )


def jobs_for_description(
    session: Session, description_id: uuid.UUID, limit: int, offset: int
) -> tuple[list[ImageJob], int]:
    """A page of a description's jobs, newest first, with the total count."""
    where = ImageJob.description_id == description_id
    total = session.scalar(select(func.count()).select_from(ImageJob).where(where)) or 0
    items = session.scalars(
        select(ImageJob)
        .where(where)
        .order_by(ImageJob.created_at.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return list(items), total


# For each listed job, the queued jobs ahead of it: higher priorities, then older ones of its
# own priority. Counted on the (status, priority, available_at) index, never reading the rows.
_AHEAD = _JOBS.alias("ahead")
_QUEUED_AHEAD = select(func.count()).select_from(_AHEAD).where(_AHEAD.c.status == JobStatus.QUEUED)
_QUEUE_POSITIONS = select(
    ImageJob.id,
    _QUEUED_AHEAD.where(_AHEAD.c.priority < ImageJob.priority).scalar_subquery()
    + _QUEUED_AHEAD.where(
        _AHEAD.c.priority == ImageJob.priority, _AHEAD.c.available_at < ImageJob.available_at
    ).scalar_subquery(),
).where(ImageJob.id.in_(bindparam("ids", expanding=True)))


def queue_positions(session: Session, job_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """1 for the next job to run, for each of these queued jobs; one statement for all."""
    if not job_ids:
        return {}
    rows = session.execute(_QUEUE_POSITIONS, {"ids": job_ids})
    return {job_id: int(ahead) + 1 for job_id, ahead in rows}


_CALLS = (
    select(ProviderCall)
    .where(ProviderCall.job_id.in_(bindparam("ids", expanding=True)))
    .order_by(ProviderCall.job_id, ProviderCall.attempt)
)
_FILES = select(ImageFile).where(ImageFile.sha256.in_(bindparam("shas", expanding=True)))


def calls_for_jobs(
    session: Session, job_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[ProviderCall]]:
    """The ledger rows of several jobs, each job's in order."""
    calls: dict[uuid.UUID, list[ProviderCall]] = {job_id: [] for job_id in job_ids}
    if job_ids:
        for call in session.scalars(_CALLS, {"ids": job_ids}):
            calls[call.job_id].append(call)
    return calls


def image_files(session: Session, shas: set[str]) -> dict[str, ImageFile]:
    """The stored files with these hashes."""
    if not shas:
        return {}
    return {f.sha256: f for f in session.scalars(_FILES, {"shas": list(shas)})}


def sha_in_use(session: Session, sha256: str) -> bool:
    """Whether any job still points at this image file."""
    return (
        session.scalar(select(ImageJob.id).where(ImageJob.image_sha256 == sha256).limit(1))
        is not None
    )


def cancel_active(session: Session, job_id: uuid.UUID, now: datetime) -> bool:
    """Mark a queued or generating job cancelled; False if it had already ended."""
    result = session.execute(
        update(ImageJob)
        .where(ImageJob.id == job_id, ImageJob.status.in_(ACTIVE_STATUSES))
        .values(
            status=JobStatus.CANCELLED,
            finished_at=now,
            lease_token=None,
            lease_expires_at=None,
            error_code="cancelled",
            error_message="cancelled by the user",
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
