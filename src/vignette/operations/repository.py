"""The operator's counts: every user's jobs and books by state (no owner scope: nothing of a
user's is returned, only numbers)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vignette.db.models import Book, ImageJob


def jobs_by_status(session: Session) -> dict[str, int]:
    """How many image jobs are in each state (one grouped query on the status index)."""
    rows = session.execute(select(ImageJob.status, func.count()).group_by(ImageJob.status))
    return dict(rows.all())


def books_by_status(session: Session) -> dict[str, int]:
    """How many books are in each state."""
    rows = session.execute(select(Book.status, func.count()).group_by(Book.status))
    return dict(rows.all())
