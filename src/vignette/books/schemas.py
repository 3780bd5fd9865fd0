"""API documents for books, chapters and descriptions."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from vignette.db.models import BookStatus
from vignette.descriptions.types import DescriptionType


class DescriptionIn(BaseModel):
    """A passage to illustrate; its text must occur in the chapter."""

    type: DescriptionType
    text: str = Field(min_length=1, max_length=5000)


class ChapterIn(BaseModel):
    """A chapter with its text and chosen descriptions."""

    title: str = Field(default="", max_length=500)
    text: str = Field(min_length=1, max_length=2_000_000)
    descriptions: list[DescriptionIn] = Field(default_factory=list, max_length=2000)


class BookIn(BaseModel):
    """A whole book sent as JSON."""

    # Surrounding blanks are dropped, so a title of spaces alone is refused.
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]
    author: str = Field(default="", max_length=300)
    language: str = Field(default="en", min_length=2, max_length=16)
    genre: str = Field(default="", max_length=64)
    chapters: list[ChapterIn] = Field(min_length=1, max_length=2000)


class DescriptionOut(BaseModel):
    """A description with its exact place in the chapter text."""

    id: uuid.UUID
    type: str
    text: str
    start: int
    end: int
    confidence: float
    priority: float


class ChapterSummary(BaseModel):
    """A chapter as listed in its book."""

    id: uuid.UUID
    number: int
    title: str


class ChapterOut(ChapterSummary):
    """A chapter with its text and descriptions."""

    book_id: uuid.UUID
    text: str
    descriptions: list[DescriptionOut]


class Progress(BaseModel):
    """How far the import of an uploaded book got."""

    chapters_done: int
    chapters_total: int


class BookOut(BaseModel):
    """A book and its chapter list; an upload is `processing`, then `ready` or `failed`."""

    id: uuid.UUID
    title: str
    author: str
    language: str
    genre: str
    status: BookStatus
    error: str | None
    error_code: str | None
    progress: Progress
    filename: str
    cover_url: str | None
    created_at: datetime
    finished_at: datetime | None
    descriptions_found: int = Field(description="descriptions found in (or given with) the book")
    images_made: int = Field(
        description="completed images of the book's descriptions (each regeneration counts)"
    )
    chapters: list[ChapterSummary]


class BookCreated(BookOut):
    """A new book with every chapter's descriptions and their ids."""

    chapters: list[ChapterOut]  # type: ignore[assignment]


class BookPage(BaseModel):
    """A page of books."""

    items: list[BookOut]
    total: int
    limit: int
    offset: int
