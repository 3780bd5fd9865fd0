"""API documents for generation: one task status document everywhere."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from vignette.db.models import JobStatus

AspectRatio = Literal["1:1", "4:3", "3:4", "16:9", "9:16", "3:2", "2:3"]


class GenerateRequest(BaseModel):
    """Optional parameters of a generation request."""

    style: str | None = Field(default=None, max_length=300)
    aspect_ratio: AspectRatio | None = None
    format: Literal["webp", "png"] | None = None


class RegenerateRequest(GenerateRequest):
    """Optional parameters of a regeneration (the same as a generation's)."""


class Attempt(BaseModel):
    """One provider call of a job."""

    attempt: int
    provider: str
    model: str
    outcome: str
    error_code: str | None
    error_message: str | None
    duration_ms: int | None
    started_at: datetime


class ImageInfo(BaseModel):
    """The delivered image file."""

    url: str
    mime_type: str
    width: int
    height: int
    size_bytes: int
    sha256: str


class JobError(BaseModel):
    """Why a job did not deliver an image."""

    code: str
    message: str
    retryable: bool


class Timings(BaseModel):
    """Milliseconds spent waiting and generating."""

    queued_ms: int | None
    generating_ms: int | None
    total_ms: int | None


class TaskStatus(BaseModel):
    """The state of one generation job (task_id and image_id are the same id)."""

    task_id: uuid.UUID
    image_id: uuid.UUID
    description_id: uuid.UUID
    status: JobStatus
    status_url: str
    provider: str | None
    model: str | None
    prompt: str
    params: dict[str, object]
    queue_position: int | None
    # While queued, when it is likely to start: the jobs ahead over the worker slots, times
    # the median run of the last 50 completed jobs; None without enough history.
    estimated_wait_seconds: float | None = None
    attempt_count: int
    attempts: list[Attempt]
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    timings: Timings
    image_url: str | None
    image: ImageInfo | None
    error: JobError | None


class ProviderStatus(BaseModel):
    """One provider of the chain."""

    name: str
    breaker: str
    open_until: float | None
    consecutive_failures: int
    recent_calls: int  # in the breaker's window
    recent_failures: int
    calls_last_hour: int
    success_rate_last_hour: float | None
    rate_limit: str | None


class GenerationStatus(BaseModel):
    """Providers in chain order and the depth of each queue."""

    chain: list[str]
    providers: list[ProviderStatus]
    queues: dict[str, int]
