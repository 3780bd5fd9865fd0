"""The reads an event stream needs beyond the features' own: who owns a changed object."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from vignette.db.models import Book, Chapter, Description, ImageJob
from vignette.queue.changes import Change


def owner_of(session: Session, change: Change) -> uuid.UUID | None:
    """The user whose job or book changed; None when it is gone."""
    if change.kind == "book":
        return session.scalar(select(Book.user_id).where(Book.id == change.id))
    return session.scalar(
        select(Book.user_id)
        .join(Chapter, Chapter.book_id == Book.id)
        .join(Description, Description.chapter_id == Chapter.id)
        .join(ImageJob, ImageJob.description_id == Description.id)
        .where(ImageJob.id == change.id)
    )
