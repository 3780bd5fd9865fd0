"""API documents for image listings: each job's task document with where its passage is."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from vignette.generation.schemas import TaskStatus


class Passage(BaseModel):
    """The description a listed image illustrates; `text` is its chapter's text[start:end]."""

    id: uuid.UUID
    type: str
    text: str
    start: int
    end: int


class GalleryItem(TaskStatus):
    """A listed job: its task status document, with its book, chapter and passage."""

    book_id: uuid.UUID
    book_title: str
    chapter_id: uuid.UUID
    chapter_number: int
    chapter_title: str
    description: Passage


class GalleryPage(BaseModel):
    """A page of listed jobs."""

    items: list[GalleryItem]
    total: int
    limit: int
    offset: int
