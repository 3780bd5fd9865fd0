"""Worker-side steps of a job, each one short transaction; tasks.py strings them together."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from vignette.db.base import utcnow
from vignette.db.models import (
    Book,
    Chapter,
    Description,
    ImageFile,
    ImageJob,
    JobStatus,
    ProviderCall,
)
from vignette.providers.base import ImageRequest, ImageResult, ProviderError


@dataclass(frozen=True)
class Claimed:
    """A job this worker now owns, with what it needs to run it."""

    job_id: uuid.UUID
    token: str
    request: ImageRequest
    created_at: datetime
    priority: int
    last_provider: str | None  # the provider of the previous call, if any


def _owned(job_id: uuid.UUID, token: str) -> list[object]:
    return [
        ImageJob.id == job_id,
        ImageJob.status == JobStatus.GENERATING,
        ImageJob.lease_token == token,
    ]


def claim(session: Session, job_id: uuid.UUID, token: str, lease_seconds: float) -> Claimed | None:
    """Take a queued, due job (queued → generating with a lease); None if not ours to run."""
    now = utcnow()
    result = session.execute(
        update(ImageJob)
        .where(
            ImageJob.id == job_id,
            ImageJob.status == JobStatus.QUEUED,
            ImageJob.available_at <= now + timedelta(seconds=1),
        )
        .values(
            status=JobStatus.GENERATING,
            lease_token=token,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
            deliveries=ImageJob.deliveries + 1,
            started_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return None
    job = session.get_one(ImageJob, job_id)
    params = job.params
    request = ImageRequest(
        prompt=job.prompt,
        width=int(params.get("width", 1024)),
        height=int(params.get("height", 768)),
        seed=int(params.get("seed", 0)),
        image_format=str(params.get("format", "webp")),
    )
    last = job.provider if job.attempts else None
    return Claimed(job_id, token, request, job.created_at, job.priority, last)


@dataclass(frozen=True)
class PromptSource:
    """What a job's prompt is built from, for rebuilding it from a translated passage."""

    text: str
    type: str
    genre: str
    style: str | None


def untranslated_source(session: Session, job: Claimed) -> PromptSource | None:
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
        .where(ImageJob.id == job.job_id)
    ).first()
    if row is None or "translation" in row[0]:
        return None
    style = row[0].get("style")
    return PromptSource(row[2], row[1], row[3], style if isinstance(style, str) else None)


def set_prompt(session: Session, job: Claimed, prompt: str, translation: dict[str, object]) -> None:
    """Store the prompt built from the translated passage and how the translation went."""
    current = session.scalar(select(ImageJob.params).where(*_owned(job.job_id, job.token)))  # type: ignore[arg-type]
    if current is None:
        return
    session.execute(
        update(ImageJob)
        .where(*_owned(job.job_id, job.token))  # type: ignore[arg-type]
        .values(prompt=prompt, params={**current, "translation": translation})
        .execution_options(synchronize_session=False)
    )


def renew_lease(session: Session, job_id: uuid.UUID, token: str, lease_seconds: float) -> bool:
    """Extend the lease; False if the job was cancelled or taken away meanwhile."""
    result = session.execute(
        update(ImageJob)
        .where(*_owned(job_id, token))  # type: ignore[arg-type]
        .values(lease_expires_at=utcnow() + timedelta(seconds=lease_seconds))
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def begin_call(
    session: Session, job: Claimed, provider: str, model: str, max_calls: int
) -> ProviderCall | None:
    """Record a provider call before making it; None if cancelled, lost, or over budget."""
    attempt = session.scalar(
        update(ImageJob)
        .where(*_owned(job.job_id, job.token), ImageJob.attempts < max_calls)  # type: ignore[arg-type]
        .values(attempts=ImageJob.attempts + 1, provider=provider, model=model)
        .returning(ImageJob.attempts)
        .execution_options(synchronize_session=False)
    )
    if attempt is None:
        return None
    call = ProviderCall(
        job_id=job.job_id, attempt=attempt, provider=provider, model=model, started_at=utcnow()
    )
    session.add(call)
    session.flush()
    return call


def _close_call(
    session: Session,
    call_id: uuid.UUID,
    outcome: str,
    duration_ms: int,
    error: ProviderError | None,
) -> None:
    session.execute(
        update(ProviderCall)
        .where(ProviderCall.id == call_id)
        .values(
            outcome=outcome,
            duration_ms=duration_ms,
            error_code=error.code.value if error else None,
            error_message=error.message[:2000] if error else None,
        )
        .execution_options(synchronize_session=False)
    )


def complete(
    session: Session,
    job: Claimed,
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
    done = session.execute(
        update(ImageJob)
        .where(*_owned(job.job_id, job.token))  # type: ignore[arg-type]
        .values(
            status=JobStatus.COMPLETED,
            image_sha256=sha256,
            model=result.model,
            finished_at=utcnow(),
            lease_token=None,
            lease_expires_at=None,
            error_code=None,
            error_message=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    _close_call(session, call_id, "success" if done else "discarded", duration_ms, None)
    return bool(done)


def record_failure(
    session: Session,
    job: Claimed,
    call_id: uuid.UUID | None,
    duration_ms: int,
    error: ProviderError,
    retry_delay: float | None,
    reason: str,
) -> bool:
    """Close the call; requeue the job after `retry_delay`, or fail it. False if not ours."""
    if call_id is not None:
        _close_call(session, call_id, "error", duration_ms, error)
    now = utcnow()
    values: dict[str, object] = {"lease_token": None, "lease_expires_at": None}
    if retry_delay is not None:
        values.update(status=JobStatus.QUEUED, available_at=now + timedelta(seconds=retry_delay))
    else:
        message = error.message if not reason else f"{error.message} ({reason})"
        values.update(
            status=JobStatus.FAILED,
            finished_at=now,
            error_code=error.code.value,
            error_message=message[:2000],
        )
    result = session.execute(
        update(ImageJob)
        .where(*_owned(job.job_id, job.token))  # type: ignore[arg-type]
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def postpone(session: Session, job: Claimed, delay: float) -> bool:
    """Give the job back to the queue without a call (every provider busy or broken)."""
    result = session.execute(
        update(ImageJob)
        .where(*_owned(job.job_id, job.token))  # type: ignore[arg-type]
        .values(
            status=JobStatus.QUEUED,
            available_at=utcnow() + timedelta(seconds=delay),
            lease_token=None,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def fail_internal(session: Session, job: Claimed, message: str) -> None:
    """End a job whose run hit a bug in our own code, so it never loops."""
    session.execute(
        update(ImageJob)
        .where(*_owned(job.job_id, job.token))  # type: ignore[arg-type]
        .values(
            status=JobStatus.FAILED,
            finished_at=utcnow(),
            error_code="internal_error",
            error_message=message[:2000],
            lease_token=None,
            lease_expires_at=None,
        )
        .execution_options(synchronize_session=False)
    )


def job_status(session: Session, job_id: uuid.UUID) -> str | None:
    """The current status of a job."""
    return session.scalar(select(ImageJob.status).where(ImageJob.id == job_id))
