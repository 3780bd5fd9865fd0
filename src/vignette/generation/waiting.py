"""Reads about the queue as a whole: where queued jobs stand, and how long recent runs took
(for a queued job's estimated wait)."""

from __future__ import annotations

import uuid
from typing import cast

from sqlalchemy import Table, bindparam, func, select
from sqlalchemy.orm import Session

from vignette.db.models import ImageJob, JobStatus

_JOBS = cast(Table, ImageJob.__table__)

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


_RECENT_RUNS = (
    select(ImageJob.started_at, ImageJob.finished_at)
    .where(ImageJob.status == JobStatus.COMPLETED, ImageJob.started_at.is_not(None))
    .order_by(ImageJob.finished_at.desc())
    .limit(bindparam("limit"))
)


def recent_run_seconds(session: Session, limit: int) -> list[float]:
    """How long the last `limit` completed jobs ran, claim to finish (all users: the queue is
    shared)."""
    rows = session.execute(_RECENT_RUNS, {"limit": limit})
    return [(end - start).total_seconds() for start, end in rows if start and end]
