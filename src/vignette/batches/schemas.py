"""API documents for chapter batches, listings and statistics."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from vignette.books.schemas import DescriptionType
from vignette.generation.schemas import TaskStatus

JobStatusName = Literal["queued", "generating", "completed", "failed", "cancelled"]


class BatchRequest(BaseModel):
    """How many of a chapter's descriptions to illustrate, and which types."""

    max_images: int = Field(default=5, ge=1, le=500)
    types: list[DescriptionType] | None = Field(default=None, min_length=1)


class BatchCreated(BaseModel):
    """A new batch: one job per chosen description, highest priority first."""

    batch_id: uuid.UUID
    chapter_id: uuid.UUID
    status_url: str
    job_ids: list[uuid.UUID]
    created_at: datetime


class BatchStatus(BaseModel):
    """A batch's jobs and their counts by status."""

    batch_id: uuid.UUID
    chapter_id: uuid.UUID
    created_at: datetime
    total: int
    counts: dict[str, int]
    finished: bool
    jobs: list[TaskStatus]


class ImageStats(BaseModel):
    """A user's images and jobs counted by type and by status."""

    total: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_type_and_status: dict[str, dict[str, int]]


class ProviderCallStats(BaseModel):
    """Provider calls made for a user's jobs (ledger rows)."""

    total: int
    by_outcome: dict[str, int]
    by_provider: dict[str, int]


class UserStats(BaseModel):
    """What a user has: books, descriptions found, images, provider calls."""

    books: int
    descriptions_found: int
    descriptions_by_type: dict[str, int]
    images: ImageStats
    provider_calls: ProviderCallStats
