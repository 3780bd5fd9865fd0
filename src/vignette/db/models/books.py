"""Books, their chapters, and the descriptions found in chapters."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vignette.db.base import Base, UTCDateTime, new_id, utcnow
from vignette.descriptions.types import DESCRIPTION_TYPES


class BookStatus(StrEnum):
    """Lifecycle of a book: JSON books are born ready, uploads are processed first."""

    PROCESSING = "processing"
    READY = "ready"
    FAILED = "failed"


class Book(Base):
    """A user's book."""

    __tablename__ = "books"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    user_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(500))
    author: Mapped[str] = mapped_column(String(300), default="")
    language: Mapped[str] = mapped_column(String(16), default="en")
    genre: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(16), default=BookStatus.READY)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Import of an uploaded file: where it is, who is processing it, how far it got.
    error_code: Mapped[str | None] = mapped_column(String(32), nullable=True)
    filename: Mapped[str] = mapped_column(String(300), default="")
    source_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    cover_sha256: Mapped[str | None] = mapped_column(
        String(64), ForeignKey("image_files.sha256"), nullable=True
    )
    chapters_total: Mapped[int] = mapped_column(Integer, default=0)
    chapters_done: Mapped[int] = mapped_column(Integer, default=0)
    # While a worker imports the book: its claim's token and lease (see db/claims.py), renewed
    # as it runs, reclaimed by the reconciler after. The column keeps its first name.
    lease_token: Mapped[str | None] = mapped_column("claim_token", String(36), nullable=True)
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    deliveries: Mapped[int] = mapped_column(Integer, default=0)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)

    chapters: Mapped[list[Chapter]] = relationship(
        back_populates="book",
        order_by="Chapter.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Chapter(Base):
    """One chapter's clean text."""

    __tablename__ = "chapters"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    book_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("books.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(500), default="")
    text: Mapped[str] = mapped_column(Text)

    book: Mapped[Book] = relationship(back_populates="chapters")
    descriptions: Mapped[list[Description]] = relationship(
        back_populates="chapter",
        order_by="Description.start",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Description(Base):
    """A passage of a chapter worth illustrating: its text is chapter.text[start:end]."""

    __tablename__ = "descriptions"
    __table_args__ = (
        CheckConstraint("start_offset >= 0 AND end_offset > start_offset", name="offsets"),
        CheckConstraint(
            "type IN (" + ", ".join(f"'{t}'" for t in DESCRIPTION_TYPES) + ")", name="type"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=new_id)
    chapter_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("chapters.id", ondelete="CASCADE"), index=True
    )
    type: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column("start_offset", Integer)
    end: Mapped[int] = mapped_column("end_offset", Integer)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    priority: Mapped[float] = mapped_column(Float, default=0.0)

    chapter: Mapped[Chapter] = relationship(back_populates="descriptions")
