"""Usage use cases: what a user has (books, descriptions, images) and the calls made for it."""

from __future__ import annotations

import uuid
from collections import Counter

from sqlalchemy.orm import Session

from vignette.usage import repository as repo
from vignette.usage.schemas import ImageStats, ProviderCallStats, UserStats


def user_stats(session: Session, user_id: uuid.UUID) -> UserStats:
    """The user's books, descriptions, images by type and status, and provider calls."""
    by_status: Counter[str] = Counter()
    by_type: Counter[str] = Counter()
    both: dict[str, dict[str, int]] = {}
    for type_, status, n in repo.image_counts(session, user_id):
        by_status[status] += n
        by_type[type_] += n
        both.setdefault(type_, {})[status] = n
    by_outcome: Counter[str] = Counter()
    by_provider: Counter[str] = Counter()
    for provider, outcome, n in repo.call_counts(session, user_id):
        by_outcome[outcome] += n
        by_provider[provider] += n
    descriptions = repo.description_counts(session, user_id)
    return UserStats(
        books=repo.book_count(session, user_id),
        descriptions_found=sum(descriptions.values()),
        descriptions_by_type=descriptions,
        images=ImageStats(
            total=sum(by_status.values()),
            by_status=dict(by_status),
            by_type=dict(by_type),
            by_type_and_status=both,
        ),
        provider_calls=ProviderCallStats(
            total=sum(by_outcome.values()),
            by_outcome=dict(by_outcome),
            by_provider=dict(by_provider),
        ),
    )
