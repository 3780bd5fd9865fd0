"""Generation jobs (one row per generated image), the provider call ledger, image files."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vignette.db.base import Base, UTCDateTime, new_id, utcnow


class JobStatus(StrEnum):
    """Lifecycle of a generation job."""

    QUEUED = "queued"
    GENERATING = "generating"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (JobStatus.QUEUED, JobStatus.GENERATING)
FINAL_STATUSES = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class ImageFile(Base):
    """Image bytes on storage, addressed by their sha256."""

    __tablename__ = "image_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    mime_type: Mapped[str] = mapped_column(String(64))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ImageJob(Base):
    """One generation job and its result: the image, or why there is none."""

    __tablename__ = "generated_images"
    __table_args__ = (
        # At most one active job per description (a description has exactly one owner).
        Index(
            "uq_generated_images_active_description",
            "description_id",
            unique=True,
            sqlite_where=text("status IN ('queued', 'generating')"),
            postgresql_where=text("status IN ('queued', 'generating')"),
        ),
        Index("ix_generated_images_queue", "status", "priority", "available_at"),
        # The recent completed jobs that a queued job's estimated wait is made from.
        Index("ix_generated_images_finished", "status", "finished_at"),
        CheckConstraint(
            "status IN ('queued', 'generating', 'completed', 'failed', 'cancelled')",
            name="status",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    description_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("descriptions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    prompt: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    provider: Mapped[str | None] = mapped_column(String(32), nullable=True)
    model: Mapped[str | None] = mapped_column(String(128), nullable=True)
    image_sha256: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("image_files.sha256"), nullable=True, index=True
    )
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    lease_token: Mapped[str | None] = mapped_column(String(36), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    available_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    image: Mapped[ImageFile | None] = relationship()
    calls: Mapped[list[ProviderCall]] = relationship(
        order_by="ProviderCall.attempt", cascade="all, delete-orphan", passive_deletes=True
    )


class ProviderCall(Base):
    """The ledger: one row per provider call, paid or not, whatever its outcome."""

    __tablename__ = "provider_calls"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    job_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("generated_images.id", ondelete="CASCADE"), index=True
    )
    attempt: Mapped[int] = mapped_column(Integer)
    provider: Mapped[str] = mapped_column(String(32))
    model: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    duration_ms: Mapped[int | None] = mapped_column(Integer, nullable=True)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    error_message: Mapped[str | None] = mapped_column(Text, nullable=True)
