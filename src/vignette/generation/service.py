"""Generation use cases for the API: submit, regenerate, cancel, delete."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vignette.db.base import new_id, utcnow
from vignette.db.models import ImageJob, JobStatus
from vignette.errors import NotFound
from vignette.generation import repository as repo
from vignette.prompts.builder import build_prompt
from vignette.queue.messages import GenerateImage, Message
from vignette.queue.names import INTERACTIVE_PRIORITY
from vignette.settings import Settings

SIZES = {
    "1:1": (1024, 1024),
    "4:3": (1024, 768),
    "3:4": (768, 1024),
    "16:9": (1280, 720),
    "9:16": (720, 1280),
    "3:2": (1152, 768),
    "2:3": (768, 1152),
}


@dataclass(frozen=True)
class JobOptions:
    """What the user may choose for a job."""

    style: str | None = None
    aspect_ratio: str | None = None
    image_format: str | None = None
    priority: int = INTERACTIVE_PRIORITY


@dataclass(frozen=True)
class Defaults:
    """Service-wide defaults for new jobs."""

    width: int = 1024
    height: int = 768
    image_format: str = "webp"

    @classmethod
    def from_settings(cls, settings: Settings) -> Defaults:
        """The defaults VIGNETTE_IMAGE_WIDTH, _HEIGHT and _FORMAT set."""
        return cls(settings.image_width, settings.image_height, settings.image_format)


@dataclass(frozen=True)
class SubmitResult:
    """The job that answers a request, whether it was created by it, and what to send."""

    job: ImageJob
    created: bool

    @property
    def messages(self) -> list[Message]:
        """A new job's run message, to send once the transaction has committed."""
        return [GenerateImage(self.job.id, self.job.priority)] if self.created else []


def _new_job(
    description: repo.DescriptionContext, options: JobOptions, defaults: Defaults
) -> ImageJob:
    """A new queued job with every column set (it is inserted as it is)."""
    width, height = (
        SIZES[options.aspect_ratio] if options.aspect_ratio else (defaults.width, defaults.height)
    )
    params: dict[str, object] = {
        "width": width,
        "height": height,
        "format": options.image_format or defaults.image_format,
        "seed": secrets.randbelow(2**31),
        "style": options.style,
        "aspect_ratio": options.aspect_ratio,
    }
    prompt = build_prompt(description.text, description.type, description.genre, options.style)
    now = utcnow()
    return ImageJob(
        id=new_id(),
        description_id=description.id,
        status=JobStatus.QUEUED,
        priority=options.priority,
        prompt=prompt,
        params=params,
        provider=None,
        model=None,
        image_sha256=None,
        error_code=None,
        error_message=None,
        attempts=0,
        deliveries=0,
        lease_token=None,
        lease_expires_at=None,
        available_at=now,
        created_at=now,
        started_at=None,
        finished_at=None,
    )


def _insert_or_existing(session: Session, job: ImageJob) -> SubmitResult:
    """Insert; if another request won the race for this description, answer with its job.

    The job object stays outside the session (inserted with Core), so describe() reads it
    without a round trip.
    """
    if session.get_bind().dialect.name == "sqlite":
        # SQLite writers are serialised (BEGIN IMMEDIATE): no other insert can race this one.
        repo.insert_job(session, job)
        return SubmitResult(job, created=True)
    try:
        with session.begin_nested():
            repo.insert_job(session, job)
    except IntegrityError:
        existing = repo.active_job(session, job.description_id)
        if existing is None:
            raise
        return SubmitResult(existing, created=False)
    return SubmitResult(job, created=True)


def submit(
    session: Session,
    user_id: uuid.UUID,
    *,
    description_id: uuid.UUID,
    options: JobOptions,
    defaults: Defaults,
) -> SubmitResult:
    """Queue a job for a description, or return the one that is active or completed."""
    description = repo.owned_description(session, user_id=user_id, description_id=description_id)
    if description is None:
        raise NotFound(f"description {description_id} not found")
    if description.reusable_job_id is not None:
        return SubmitResult(session.get_one(ImageJob, description.reusable_job_id), created=False)
    return _insert_or_existing(session, _new_job(description, options, defaults))


def regenerate(
    session: Session,
    user_id: uuid.UUID,
    *,
    image_id: uuid.UUID,
    options: JobOptions,
    defaults: Defaults,
) -> SubmitResult:
    """A new job (new seed) for the image's description, unless one is already active."""
    old = get_job(session, user_id, image_id)
    description = repo.owned_description(
        session, user_id=user_id, description_id=old.description_id
    )
    if description is None:
        raise NotFound(f"image {image_id} not found")
    active = repo.active_job(session, description.id)
    if active is not None:
        return SubmitResult(active, created=False)
    if options.aspect_ratio is None and options.image_format is None:
        old_ratio = old.params.get("aspect_ratio")
        old_format = old.params.get("format")
        options = JobOptions(
            style=options.style,
            aspect_ratio=old_ratio if isinstance(old_ratio, str) else None,
            image_format=old_format if isinstance(old_format, str) else None,
            priority=options.priority,
        )
    return _insert_or_existing(session, _new_job(description, options, defaults))


def get_job(session: Session, user_id: uuid.UUID, job_id: uuid.UUID) -> ImageJob:
    """The user's job, or NotFound (also for other users' jobs)."""
    job = repo.owned_job(session, user_id=user_id, job_id=job_id)
    if job is None:
        raise NotFound(f"task {job_id} not found")
    return job


def cancel(session: Session, user_id: uuid.UUID, job_id: uuid.UUID) -> ImageJob:
    """Cancel an active job; a job that already ended is returned as it is."""
    job = get_job(session, user_id, job_id)
    if repo.cancel_active(session, job_id, utcnow()):
        session.refresh(job)
    return job


def delete(session: Session, user_id: uuid.UUID, job_id: uuid.UUID) -> str | None:
    """Delete a job (cancelling it first); returns the sha256 of a file no longer used."""
    job = get_job(session, user_id, job_id)
    repo.cancel_active(session, job_id, utcnow())
    sha = job.image_sha256
    session.delete(job)
    session.flush()
    if sha is not None and not repo.sha_in_use(session, sha):
        return sha
    return None
