"""Where things live in the HTTP API: the prefix and the URLs documents point at, once."""

from __future__ import annotations

import uuid

API_PREFIX = "/api/v1"


def book_url(book_id: uuid.UUID) -> str:
    """A book document."""
    return f"{API_PREFIX}/books/{book_id}"


def cover_url(book_id: uuid.UUID) -> str:
    """A book's cover image."""
    return f"{API_PREFIX}/books/{book_id}/cover"


def task_url(task_id: uuid.UUID) -> str:
    """A job's task status document."""
    return f"{API_PREFIX}/images/task/{task_id}"


def image_file_url(image_id: uuid.UUID) -> str:
    """A completed job's image bytes."""
    return f"{API_PREFIX}/images/{image_id}/file"


def batch_url(batch_id: uuid.UUID) -> str:
    """A chapter batch's status."""
    return f"{API_PREFIX}/images/batch/{batch_id}"
