"""Listing use cases: a page of the user's, a book's, a chapter's or a description's images
and jobs, each with its book, chapter and passage."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from vignette.db.models import Book, Chapter, Description, ImageJob
from vignette.db.ownership import owns_book, owns_chapter, owns_description
from vignette.errors import NotFound
from vignette.gallery import repository as repo
from vignette.gallery.schemas import GalleryItem, GalleryPage, Passage
from vignette.generation.documents import describe_all
from vignette.generation.schemas import TaskStatus


@dataclass(frozen=True)
class PageRequest:
    """Which page, and the filters on description type and job status."""

    limit: int
    offset: int
    type_: str | None = None
    status: str | None = None
    oldest_first: bool = False


def _page(session: Session, scope: ColumnElement[bool], page: PageRequest) -> GalleryPage:
    rows, total = repo.jobs_page(
        session,
        scope,
        type_=page.type_,
        status=page.status,
        limit=page.limit,
        offset=page.offset,
        oldest_first=page.oldest_first,
    )
    docs = describe_all(session, [job for job, _ in rows])
    items = [_item(doc, place) for doc, (_, place) in zip(docs, rows, strict=True)]
    return GalleryPage(items=items, total=total, limit=page.limit, offset=page.offset)


def _item(doc: TaskStatus, place: repo.Placement) -> GalleryItem:
    passage = Passage(
        id=place.description_id,
        type=place.type,
        text=place.text,
        start=place.start,
        end=place.end,
    )
    return GalleryItem(
        **dict(doc),
        book_id=place.book_id,
        book_title=place.book_title,
        chapter_id=place.chapter_id,
        chapter_number=place.chapter_number,
        chapter_title=place.chapter_title,
        description=passage,
    )


def user_images(session: Session, user_id: uuid.UUID, *, page: PageRequest) -> GalleryPage:
    """A page of the user's images and jobs across all their books."""
    return _page(session, Chapter.book_id.in_(select(Book.id).where(Book.user_id == user_id)), page)


def book_images(
    session: Session, user_id: uuid.UUID, book_id: uuid.UUID, *, page: PageRequest
) -> GalleryPage:
    """A page of the book's images and jobs, or NotFound."""
    if not owns_book(session, user_id=user_id, book_id=book_id):
        raise NotFound(f"book {book_id} not found")
    return _page(session, Chapter.book_id == book_id, page)


def chapter_images(
    session: Session, user_id: uuid.UUID, chapter_id: uuid.UUID, *, page: PageRequest
) -> GalleryPage:
    """A page of the chapter's images and jobs, or NotFound."""
    if not owns_chapter(session, user_id=user_id, chapter_id=chapter_id):
        raise NotFound(f"chapter {chapter_id} not found")
    return _page(session, Description.chapter_id == chapter_id, page)


def description_images(
    session: Session, user_id: uuid.UUID, description_id: uuid.UUID, *, page: PageRequest
) -> GalleryPage:
    """A page of the description's images and jobs, or NotFound."""
    if not owns_description(session, user_id=user_id, description_id=description_id):
        raise NotFound(f"description {description_id} not found")
    return _page(session, ImageJob.description_id == description_id, page)
