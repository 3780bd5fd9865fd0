"""The one way to scope queries to a user: books are the user's, chapters and descriptions
belong to the user's books."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Select, select
from sqlalchemy.orm import Session

from vignette.db.models import Book, Chapter, Description

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def of_user(stmt: S, user_id: uuid.UUID | BindParameter[Any]) -> S:
    """Restrict a statement that selects from Description to the user's descriptions
    (`user_id` may be a bound parameter, for statements built once)."""
    joined = stmt.join(Chapter, Chapter.id == Description.chapter_id)
    return joined.join(Book, Book.id == Chapter.book_id).where(Book.user_id == user_id)


def owns_book(session: Session, *, user_id: uuid.UUID, book_id: uuid.UUID) -> bool:
    """Whether the book exists and belongs to the user."""
    found = session.scalar(select(Book.id).where(Book.id == book_id, Book.user_id == user_id))
    return found is not None


def owns_chapter(session: Session, *, user_id: uuid.UUID, chapter_id: uuid.UUID) -> bool:
    """Whether the chapter exists and belongs to a book of the user's."""
    found = session.scalar(
        select(Chapter.id)
        .join(Book, Book.id == Chapter.book_id)
        .where(Chapter.id == chapter_id, Book.user_id == user_id)
    )
    return found is not None


def owns_description(session: Session, *, user_id: uuid.UUID, description_id: uuid.UUID) -> bool:
    """Whether the description exists and belongs to the user."""
    query = of_user(select(Description.id), user_id).where(Description.id == description_id)
    return session.scalar(query) is not None
