"""Marker keys left in the broker's Redis beside each message, so lost messages can be found.

A marker lives in the same Redis as the queue: when the broker loses its data the markers go
with the messages, and a reconciler that finds an active row without a marker sends again.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

import redis

from vignette.queue.publishing import marker_writer


class Markers:
    """One family of markers (jobs, book imports), keyed by object id."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self.redis = client
        self.prefix = prefix

    def set(self, object_id: uuid.UUID, ttl: float) -> None:
        """Mark a message as sent, for `ttl` seconds (with the current batch, if any)."""
        marker_writer(self.redis).set(self.prefix + str(object_id), b"1", ex=max(1, int(ttl) + 1))

    def clear(self, object_id: uuid.UUID) -> None:
        """Forget the marker (the message was revoked)."""
        self.redis.delete(self.prefix + str(object_id))

    def missing(self, object_ids: Iterable[uuid.UUID]) -> list[uuid.UUID]:
        """The ids whose marker is gone."""
        ids = list(object_ids)
        if not ids:
            return []
        pipe = self.redis.pipeline(transaction=False)
        for object_id in ids:
            pipe.exists(self.prefix + str(object_id))
        return [i for i, found in zip(ids, pipe.execute(), strict=True) if not found]
