"""Counts over a user's objects; every one is scoped to the owner."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignette.db.models import Book, Description, ImageJob, ProviderCall
from vignette.db.ownership import of_user


def image_counts(session: Session, user_id: uuid.UUID) -> list[tuple[str, str, int]]:
    """(description type, job status, count) over the user's jobs."""
    rows = session.execute(
        of_user(
            select(Description.type, ImageJob.status, func.count())
            .select_from(ImageJob)
            .join(Description, Description.id == ImageJob.description_id),
            user_id,
        ).group_by(Description.type, ImageJob.status)
    ).all()
    return [(str(t), str(s), int(n)) for t, s, n in rows]


def description_counts(session: Session, user_id: uuid.UUID) -> dict[str, int]:
    """The user's descriptions counted by type."""
    rows = session.execute(
        of_user(select(Description.type, func.count()).select_from(Description), user_id).group_by(
            Description.type
        )
    ).all()
    return {str(t): int(n) for t, n in rows}


def call_counts(session: Session, user_id: uuid.UUID) -> list[tuple[str, str, int]]:
    """(provider, outcome, count) over the ledger rows of the user's jobs."""
    rows = session.execute(
        of_user(
            select(ProviderCall.provider, ProviderCall.outcome, func.count())
            .select_from(ProviderCall)
            .join(ImageJob, ImageJob.id == ProviderCall.job_id)
            .join(Description, Description.id == ImageJob.description_id),
            user_id,
        ).group_by(ProviderCall.provider, ProviderCall.outcome)
    ).all()
    return [(str(p), str(o), int(n)) for p, o, n in rows]


def book_count(session: Session, user_id: uuid.UUID) -> int:
    """How many books the user has."""
    return (
        session.scalar(select(func.count()).select_from(Book).where(Book.user_id == user_id)) or 0
    )
