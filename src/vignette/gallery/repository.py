"""Queries for image listings; the caller has checked that the scope is the user's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from vignette.db.models import Book, Chapter, Description, ImageJob


@dataclass(frozen=True)
class Placement:
    """Where a job's passage is: its book, chapter and description, with the passage text."""

    book_id: uuid.UUID
    book_title: str
    chapter_id: uuid.UUID
    chapter_number: int
    chapter_title: str
    description_id: uuid.UUID
    type: str
    text: str
    start: int
    end: int


# The passage is cut out by the database: a chapter's whole text never leaves it for a listing.
_PLACEMENT = (
    Book.id,
    Book.title,
    Chapter.id,
    Chapter.number,
    Chapter.title,
    Description.id,
    Description.type,
    func.substr(Chapter.text, Description.start + 1, Description.end - Description.start),
    Description.start,
    Description.end,
)


def jobs_page(
    session: Session,
    scope: ColumnElement[bool],
    *,
    type_: str | None,
    status: str | None,
    limit: int,
    offset: int,
    oldest_first: bool = False,
) -> tuple[list[tuple[ImageJob, Placement]], int]:
    """A page of jobs whose description matches `scope`, newest first (or oldest first), each
    with where its passage is (in the same query), and their total."""
    where = [scope]
    if type_ is not None:
        where.append(Description.type == type_)
    if status is not None:
        where.append(ImageJob.status == status)
    base = (
        select(ImageJob)
        .join(Description, Description.id == ImageJob.description_id)
        .join(Chapter, Chapter.id == Description.chapter_id)
        .where(*where)
    )
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if oldest_first:
        order = (ImageJob.created_at.asc(), ImageJob.id.asc())
    else:
        order = (ImageJob.created_at.desc(), ImageJob.id.desc())
    rows = session.execute(
        base.add_columns(*_PLACEMENT)
        .join(Book, Book.id == Chapter.book_id)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    ).all()
    return [(row[0], Placement(*row[1:])) for row in rows], total
