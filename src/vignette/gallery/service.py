"""Listing use cases: a page of the user's, a book's, a chapter's or a description's images
and jobs."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from vignette.db.models import Book, Chapter, Description, ImageJob
from vignette.db.ownership import owns_book, owns_chapter, owns_description
from vignette.errors import NotFound
from vignette.gallery import repository as repo
from vignette.generation.documents import describe_all
from vignette.generation.schemas import TaskPage


@dataclass(frozen=True)
class PageRequest:
    """Which page, and the filters on description type and job status."""

    limit: int
    offset: int
    type_: str | None = None
    status: str | None = None
    oldest_first: bool = False


def _page(session: Session, scope: ColumnElement[bool], page: PageRequest) -> TaskPage:
    jobs, total = repo.jobs_page(
        session,
        scope,
        type_=page.type_,
        status=page.status,
        limit=page.limit,
        offset=page.offset,
        oldest_first=page.oldest_first,
    )
    return TaskPage(
        items=describe_all(session, jobs), total=total, limit=page.limit, offset=page.offset
    )


def user_images(session: Session, user_id: uuid.UUID, *, page: PageRequest) -> TaskPage:
    """A page of the user's images and jobs across all their books."""
    return _page(session, Chapter.book_id.in_(select(Book.id).where(Book.user_id == user_id)), page)


def book_images(
    session: Session, user_id: uuid.UUID, book_id: uuid.UUID, *, page: PageRequest
) -> TaskPage:
    """A page of the book's images and jobs, or NotFound."""
    if not owns_book(session, user_id=user_id, book_id=book_id):
        raise NotFound(f"book {book_id} not found")
    return _page(session, Chapter.book_id == book_id, page)


def chapter_images(
    session: Session, user_id: uuid.UUID, chapter_id: uuid.UUID, *, page: PageRequest
) -> TaskPage:
    """A page of the chapter's images and jobs, or NotFound."""
    if not owns_chapter(session, user_id=user_id, chapter_id=chapter_id):
        raise NotFound(f"chapter {chapter_id} not found")
    return _page(session, Description.chapter_id == chapter_id, page)


def description_images(
    session: Session, user_id: uuid.UUID, description_id: uuid.UUID, *, page: PageRequest
) -> TaskPage:
    """A page of the description's images and jobs, or NotFound."""
    if not owns_description(session, user_id=user_id, description_id=description_id):
        raise NotFound(f"description {description_id} not found")
    return _page(session, ImageJob.description_id == description_id, page)
