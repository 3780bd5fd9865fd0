"""The task status document: the same everywhere (status, listings, batches, the submit)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from vignette.db.models import ImageFile, ImageJob, JobStatus, ProviderCall
from vignette.generation import estimates, ledger, waiting
from vignette.generation import repository as repo
from vignette.generation.schemas import Attempt, ImageInfo, JobError, TaskStatus, Timings
from vignette.paths import image_file_url, task_url
from vignette.providers.base import RETRYABLE_CODES

# Errors after which submitting the same description again may well succeed.
RETRYABLE_JOB_ERRORS = frozenset({*RETRYABLE_CODES, "cancelled", "worker_lost"})


def _ms(start: datetime | None, end: datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return int((end - start).total_seconds() * 1000)


def describe(
    session: Session, job: ImageJob, *, fresh: bool = False, slots: int | None = None
) -> TaskStatus:
    """The task status document.

    `fresh`: the job was just created, so it has no calls yet; its queue position is left to
    the status URL (counting the jobs ahead grows with the backlog: the submit path stays flat).
    `slots`: the worker slots serving the queue; given, a queued job gets an estimated wait.
    """
    if fresh:
        return _document(job, [], None, None)
    return describe_all(session, [job], slots=slots)[0]


def describe_all(
    session: Session, jobs: list[ImageJob], *, slots: int | None = None
) -> list[TaskStatus]:
    """The documents of a page of jobs, in at most three queries whatever the page's size
    (four with `slots` and a queued job: the recent run times for its estimated wait)."""
    calls = ledger.calls_for_jobs(session, [j.id for j in jobs])
    queued = [j.id for j in jobs if j.status == JobStatus.QUEUED]
    positions = waiting.queue_positions(session, queued)
    typical = None
    if slots is not None and positions:
        typical = estimates.typical_duration(
            waiting.recent_run_seconds(session, estimates.RECENT_JOBS)
        )
    shas = {j.image_sha256 for j in jobs if j.status == JobStatus.COMPLETED and j.image_sha256}
    files = repo.image_files(session, shas)
    docs = []
    for j in jobs:
        position = positions.get(j.id)
        wait = None
        if position is not None and slots is not None:
            wait = estimates.estimated_wait(position, slots, typical)
        docs.append(_document(j, calls[j.id], position, files.get(j.image_sha256 or ""), wait))
    return docs


def _document(
    job: ImageJob,
    calls: list[ProviderCall],
    position: int | None,
    file: ImageFile | None,
    wait: float | None = None,
) -> TaskStatus:
    status_url = task_url(job.id)
    image: ImageInfo | None = None
    if job.status == JobStatus.COMPLETED and file is not None:
        image = ImageInfo(
            url=image_file_url(job.id),
            mime_type=file.mime_type,
            width=file.width,
            height=file.height,
            size_bytes=file.size_bytes,
            sha256=file.sha256,
        )
    error = None
    if job.status in (JobStatus.FAILED, JobStatus.CANCELLED) and job.error_code:
        error = JobError(
            code=job.error_code,
            message=job.error_message or "",
            retryable=job.error_code in RETRYABLE_JOB_ERRORS,
        )
    return TaskStatus(
        task_id=job.id,
        image_id=job.id,
        description_id=job.description_id,
        status=JobStatus(job.status),
        status_url=status_url,
        provider=job.provider,
        model=job.model,
        prompt=job.prompt,
        params=job.params,
        queue_position=position,
        estimated_wait_seconds=wait,
        attempt_count=job.attempts,
        attempts=[
            Attempt(
                attempt=c.attempt,
                provider=c.provider,
                model=c.model,
                outcome=c.outcome,
                error_code=c.error_code,
                error_message=c.error_message,
                duration_ms=c.duration_ms,
                started_at=c.started_at,
            )
            for c in calls
        ],
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        timings=Timings(
            queued_ms=_ms(job.created_at, job.started_at),
            generating_ms=_ms(job.started_at, job.finished_at),
            total_ms=_ms(job.created_at, job.finished_at),
        ),
        image_url=image.url if image else None,
        image=image,
        error=error,
    )
