"""Queries for image jobs; every read a user triggers is scoped to its owner.

The provider-call ledger has its own module, generation/ledger.py.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import ScalarSelect

from vignette.db.base import utcnow
from vignette.db.claims import Claim, LeasedTable, changed_rows
from vignette.db.models import (
    Book,
    Chapter,
    Description,
    ImageFile,
    ImageJob,
    JobStatus,
)
from vignette.db.models.images import ACTIVE_STATUSES
from vignette.db.ownership import of_user
from vignette.generation import ledger
from vignette.providers.base import ImageRequest, ImageResult, ProviderError

JOBS = LeasedTable(
    model=ImageJob,
    id=ImageJob.id,
    status=ImageJob.status,
    token=ImageJob.lease_token,
    lease_expires_at=ImageJob.lease_expires_at,
    deliveries=ImageJob.deliveries,
    running=JobStatus.GENERATING,
)


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
    session: Session, *, user_id: uuid.UUID, description_id: uuid.UUID
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


def owned_job(session: Session, *, user_id: uuid.UUID, job_id: uuid.UUID) -> ImageJob | None:
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


_FILES = select(ImageFile).where(ImageFile.sha256.in_(bindparam("shas", expanding=True)))


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
    return (
        changed_rows(
            session,
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
            .execution_options(synchronize_session=False),
        )
        > 0
    )


# Worker-side steps of a job, each in its own short transaction (generation/runner.py).


@dataclass(frozen=True)
class JobRun:
    """A job this worker now owns, with what it needs to run it."""

    claim: Claim
    request: ImageRequest
    created_at: datetime
    priority: int
    last_provider: str | None  # the provider of the previous call, if any
    user_id: uuid.UUID  # whose job (for the log lines about it)


def claim_job(session: Session, claim: Claim, *, lease_seconds: float) -> JobRun | None:
    """Take a queued, due job (queued → generating with a lease); None if not ours to run."""
    now = utcnow()
    due = [ImageJob.status == JobStatus.QUEUED, ImageJob.available_at <= now + timedelta(seconds=1)]
    if not JOBS.claim(
        session, claim, lease_seconds=lease_seconds, where=due, values={ImageJob.started_at: now}
    ):
        return None
    # The job and its owner (for the log lines about it) in one query.
    job, owner = session.execute(
        select(ImageJob, Book.user_id)
        .join(Description, Description.id == ImageJob.description_id)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .join(Book, Book.id == Chapter.book_id)
        .where(ImageJob.id == claim.id)
    ).one()
    params = job.params
    request = ImageRequest(
        prompt=job.prompt,
        width=int(params.get("width", 1024)),
        height=int(params.get("height", 768)),
        seed=int(params.get("seed", 0)),
        image_format=str(params.get("format", "webp")),
    )
    last = job.provider if job.attempts else None
    return JobRun(claim, request, job.created_at, job.priority, last, owner)


@dataclass(frozen=True)
class PromptSource:
    """What a job's prompt is built from, for rebuilding it from a translated passage."""

    text: str
    type: str
    genre: str
    style: str | None


def untranslated_source(session: Session, job_id: uuid.UUID) -> PromptSource | None:
    """The job's passage, type, genre and style; None once the translator step has run."""
    row = session.execute(
        select(
            ImageJob.params,
            Description.type,
            func.substr(Chapter.text, Description.start + 1, Description.end - Description.start),
            Book.genre,
        )
        .join(Description, Description.id == ImageJob.description_id)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .join(Book, Book.id == Chapter.book_id)
        .where(ImageJob.id == job_id)
    ).first()
    if row is None or "translation" in row[0]:
        return None
    style = row[0].get("style")
    return PromptSource(row[2], row[1], row[3], style if isinstance(style, str) else None)


def set_prompt(
    session: Session, claim: Claim, *, prompt: str, translation: dict[str, object]
) -> None:
    """Store the prompt built from the translated passage and how the translation went."""
    current = session.scalar(select(ImageJob.params).where(*JOBS.owned(claim)))
    if current is not None:
        values = {ImageJob.prompt: prompt, ImageJob.params: {**current, "translation": translation}}
        JOBS.update_owned(session, claim, values)


def complete(
    session: Session,
    claim: Claim,
    *,
    call_id: uuid.UUID,
    duration_ms: int,
    result: ImageResult,
    sha256: str,
) -> bool:
    """Commit the image if the job is still ours and not cancelled; else record it discarded."""
    if session.get(ImageFile, sha256) is None:
        session.add(
            ImageFile(
                sha256=sha256,
                mime_type=result.mime_type,
                width=result.width,
                height=result.height,
                size_bytes=len(result.data),
            )
        )
        session.flush()
    done = JOBS.settle(
        session,
        claim,
        {
            ImageJob.status: JobStatus.COMPLETED,
            ImageJob.image_sha256: sha256,
            ImageJob.model: result.model,
            ImageJob.finished_at: utcnow(),
            ImageJob.error_code: None,
            ImageJob.error_message: None,
        },
    )
    outcome = "success" if done else "discarded"
    ledger.close_call(session, call_id, outcome=outcome, duration_ms=duration_ms, error=None)
    return done


def record_failure(
    session: Session,
    claim: Claim,
    *,
    error: ProviderError,
    call_id: uuid.UUID | None = None,
    duration_ms: int = 0,
    retry_delay: float | None = None,
    reason: str = "",
) -> bool:
    """Close the call; requeue the job after `retry_delay`, or fail it. False if not ours."""
    if call_id is not None:
        ledger.close_call(session, call_id, outcome="error", duration_ms=duration_ms, error=error)
    now = utcnow()
    values: dict[Any, Any]
    if retry_delay is not None:
        values = {
            ImageJob.status: JobStatus.QUEUED,
            ImageJob.available_at: now + timedelta(seconds=retry_delay),
        }
    else:
        message = error.message if not reason else f"{error.message} ({reason})"
        values = {
            ImageJob.status: JobStatus.FAILED,
            ImageJob.finished_at: now,
            ImageJob.error_code: error.code.value,
            ImageJob.error_message: message[:2000],
        }
    return JOBS.settle(session, claim, values)


def postpone(session: Session, claim: Claim, *, delay: float) -> bool:
    """Give the job back to the queue without a call (every provider busy or broken)."""
    values = {
        ImageJob.status: JobStatus.QUEUED,
        ImageJob.available_at: utcnow() + timedelta(seconds=delay),
    }
    return JOBS.settle(session, claim, values)


def fail_internal(session: Session, claim: Claim, *, message: str) -> bool:
    """End a job whose run hit a bug in our own code, so it never loops; False if not ours."""
    values = {
        ImageJob.status: JobStatus.FAILED,
        ImageJob.finished_at: utcnow(),
        ImageJob.error_code: "internal_error",
        ImageJob.error_message: message[:2000],
    }
    return JOBS.settle(session, claim, values)
