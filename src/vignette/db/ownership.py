"""The one way to scope a query to a user: descriptions belong to chapters of a user's book."""

from __future__ import annotations

import uuid
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Select

from vignette.db.models import Book, Chapter, Description

S = TypeVar("S", bound=Select[*tuple[Any, ...]])


def of_user(stmt: S, user_id: uuid.UUID | BindParameter[Any]) -> S:
    """Restrict a statement that selects from Description to the user's descriptions
    (`user_id` may be a bound parameter, for statements built once)."""
    joined = stmt.join(Chapter, Chapter.id == Description.chapter_id)
    return joined.join(Book, Book.id == Chapter.book_id).where(Book.user_id == user_id)
