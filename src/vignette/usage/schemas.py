"""API documents for what a user has and has used."""

from __future__ import annotations

from pydantic import BaseModel


class ImageStats(BaseModel):
    """A user's images and jobs counted by type and by status."""

    total: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_type_and_status: dict[str, dict[str, int]]


class ProviderCallStats(BaseModel):
    """Provider calls made for a user's jobs (ledger rows)."""

    total: int
    by_outcome: dict[str, int]
    by_provider: dict[str, int]


class UserStats(BaseModel):
    """What a user has: books, descriptions found, images, provider calls."""

    books: int
    descriptions_found: int
    descriptions_by_type: dict[str, int]
    images: ImageStats
    provider_calls: ProviderCallStats
