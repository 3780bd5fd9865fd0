"""Find jobs that lost their worker or their queue message (the reconciler's queries)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from vignette.db.models import ImageJob, JobStatus, ProviderCall


def reclaim_expired(
    session: Session, now: datetime, max_deliveries: int
) -> tuple[list[tuple[uuid.UUID, int]], list[uuid.UUID]]:
    """Requeue generating jobs whose lease ran out; fail those delivered too often.

    Returns (requeued (id, priority) pairs, failed ids).
    """
    expired = session.execute(
        select(ImageJob.id, ImageJob.priority, ImageJob.deliveries).where(
            ImageJob.status == JobStatus.GENERATING, ImageJob.lease_expires_at < now
        )
    ).all()
    requeued: list[tuple[uuid.UUID, int]] = []
    failed: list[uuid.UUID] = []
    for job_id, priority, deliveries in expired:
        still_generating = [
            ImageJob.id == job_id,
            ImageJob.status == JobStatus.GENERATING,
            ImageJob.lease_expires_at < now,
        ]
        if deliveries >= max_deliveries:
            values: dict[str, object] = {
                "status": JobStatus.FAILED,
                "finished_at": now,
                "error_code": "worker_lost",
                "error_message": f"the worker running this job was lost {deliveries} times",
            }
        else:
            values = {"status": JobStatus.QUEUED, "available_at": now}
        result = session.execute(
            update(ImageJob)
            .where(*still_generating)
            .values(lease_token=None, lease_expires_at=None, **values)
            .execution_options(synchronize_session=False)
        )
        if not result.rowcount:  # type: ignore[attr-defined]
            continue
        # A call that was in flight when the worker died never reported back.
        session.execute(
            update(ProviderCall)
            .where(ProviderCall.job_id == job_id, ProviderCall.outcome == "pending")
            .values(outcome="lost", error_message="worker lost during the call")
            .execution_options(synchronize_session=False)
        )
        if deliveries >= max_deliveries:
            failed.append(job_id)
        else:
            requeued.append((job_id, priority))
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
