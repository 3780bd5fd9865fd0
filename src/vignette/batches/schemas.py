"""API documents for chapter batches."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from vignette.descriptions.types import DescriptionType
from vignette.generation.schemas import TaskStatus


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
