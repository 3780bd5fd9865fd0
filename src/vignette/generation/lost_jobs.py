"""The reconciler's queries: jobs that lost their worker or their queue message."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignette.db.models import ImageJob, JobStatus
from vignette.generation import ledger
from vignette.generation.repository import JOBS


def reclaim_expired(
    session: Session, now: datetime, *, max_deliveries: int
) -> tuple[list[tuple[uuid.UUID, int]], list[uuid.UUID]]:
    """Requeue generating jobs whose lease ran out; fail those delivered too often.

    Returns (requeued (id, priority) pairs, failed ids).
    """
    requeued: list[tuple[uuid.UUID, int]] = []
    failed: list[uuid.UUID] = []
    for job_id, deliveries in JOBS.expired(session, now):
        lost_too_often = deliveries >= max_deliveries
        values: dict[Any, Any]
        if lost_too_often:
            values = {
                ImageJob.status: JobStatus.FAILED,
                ImageJob.finished_at: now,
                ImageJob.error_code: "worker_lost",
                ImageJob.error_message: f"the worker running this job was lost {deliveries} times",
            }
        else:
            values = {ImageJob.status: JobStatus.QUEUED, ImageJob.available_at: now}
        if not JOBS.reclaim(session, job_id, now=now, values=values):
            continue
        # A call that was in flight when the worker died never reported back.
        ledger.mark_lost(session, job_id)
        if lost_too_often:
            failed.append(job_id)
        else:
            priority = session.scalar(select(ImageJob.priority).where(ImageJob.id == job_id))
            requeued.append((job_id, priority or 0))
    return requeued, failed


def due_queued(
    session: Session, before: datetime, limit: int = 5000
) -> list[tuple[uuid.UUID, int]]:
    """Queued jobs that were due before `before`: candidates for a lost message."""
    rows = session.execute(
        select(ImageJob.id, ImageJob.priority)
        .where(ImageJob.status == JobStatus.QUEUED, ImageJob.available_at < before)
        .order_by(ImageJob.available_at)
        .limit(limit)
    ).all()
    return [(r[0], r[1]) for r in rows]


# How far back the reconciler looks for cancels whose call was left pending: every run reads
# only recent cancels (a reconciler stopped for longer leaves such a call pending).
RECENT_CANCELS = timedelta(days=1)


def close_abandoned_calls(session: Session, now: datetime, *, after: float) -> int:
    """Mark lost the calls still pending on jobs cancelled while they ran, `after` seconds
    past the cancel: a live worker ends its call within the provider's timeout and records it
    (`discarded`), so a call still open by then lost its worker. How many."""
    cutoff = now - timedelta(seconds=after)
    cancelled = select(ImageJob.id).where(
        ImageJob.status == JobStatus.CANCELLED,
        ImageJob.finished_at.between(cutoff - RECENT_CANCELS, cutoff),
    )
    return ledger.mark_lost_among(session, cancelled)
